#!/usr/bin/env bash
# How fast `sisyphus compare` runs trials: N trials x 2 strategies (restart from zero vs
# resume with If-Range) of one synthetic resource with memoryless drops (each response cut
# after Exp(mean) body bytes), in-process reference client, no backoff. Prints the wall time,
# trials per second and the body bytes the server delivered per second (what bounds it: the
# restart trials move M(e^(S/M) - 1) bytes each on average, the resume ones S).
#   bench/compare_trials.sh [--trials 1000] [--size 8MiB] [--mean 8MiB] [--jobs N] [--bin PATH]
# Goal (issue 12): 1,000 trials x 2 strategies of 8 MiB under 30 s on 2 cores.
set -euo pipefail
bench_name=compare_trials
source "$(dirname "$0")/lib.sh"

trials=1000
size=8MiB
mean=8MiB
jobs=
bin="$(bench_build_dir)/app/sisyphus"
while [ $# -gt 0 ]; do
  case "$1" in
    --trials) trials="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --mean) mean="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) echo "usage: $0 [--trials N] [--size SIZE] [--mean SIZE] [--jobs N] [--bin PATH]" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || bench_fail "no sisyphus binary at $bin (build it first)"

work=$(mktemp -d "${SISYPHUS_BENCH_TMP:-${TMPDIR:-/tmp}}/compare-trials.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/bench.yaml" <<YAML
name: compare-trials-bench
seed: 1
trials: $trials
scenario:
  name: memoryless-bench
  resource: {size: $size}
  faults:
    - drop: {after: {mean: $mean}, how: reset}
  client: {kind: reference, max_attempts: 100000, backoff: {strategy: none}}
strategies:
  - {name: restart, client: {resume: restart}}
  - {name: resume, client: {resume: if-range}}
YAML

start=$(date +%s.%N)
"$bin" compare "$work/bench.yaml" --out "$work/out" ${jobs:+--jobs "$jobs"} --work-dir "$work" \
  >"$work/stdout" 2>"$work/stderr" || { cat "$work/stderr" >&2; bench_fail "compare failed"; }
end=$(date +%s.%N)

python3 - "$work/out/compare.json" "$start" "$end" "$trials" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
start, end, trials = float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
wall = end - start
cells = doc["matrices"][0]["cells"]
total_trials = sum(len(c["samples"]) for c in cells)
sent = sum(t["bytes_sent"] for c in cells for t in c["samples"])
for c in cells:
    print(f'{c["strategy"]:>8}: {len(c["samples"])} trials, mean attempts {c["attempts"]["mean"]:.3f}, '
          f'mean bytes sent {c["bytes_sent"]["mean"] / 2**20:.2f} MiB')
print(f"wall {wall:.1f} s for {total_trials} trials: {total_trials / wall:.1f} trials/s, "
      f"{sent / wall / 2**20:.0f} MiB/s delivered ({sent / 2**30:.2f} GiB in all)")
PY
