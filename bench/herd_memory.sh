#!/usr/bin/env bash
# A herd in one process (docs/compare.md "Herds"): `sisyphus compare` with one strategy of
# --clients in-process reference clients (default 10,000), each downloading a --size
# synthetic resource (default 256 KiB) from one server, all started at once. Prints the
# clients' verdicts, the wall and CPU seconds, and the process's peak RSS (ru_maxrss).
#   bench/herd_memory.sh [--clients 10000] [--size 256KiB] [--spread 0s] [--bin PATH]
# The clients start over --spread (start_spread; default all at once). 10,000 clients and
# their server ends want 20,064 descriptors; the runner raises the soft limit as far as the
# hard one allows (20,000 on the development machine) and the few left over wait in the
# listen queue until descriptors free up.
# Goal (issue 13): 10,000 clients of 256 KiB complete in one process with RSS < 1 GiB.
set -euo pipefail
bench_name=herd_memory
source "$(dirname "$0")/lib.sh"

clients=10000
size=256KiB
spread=0s
bin="$(bench_build_dir)/app/sisyphus"
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --spread) spread="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) echo "usage: $0 [--clients N] [--size SIZE] [--spread DURATION] [--bin PATH]" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || bench_fail "no sisyphus binary at $bin (build it first)"

work=$(mktemp -d "${TMPDIR:-/tmp}/herd-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/herd.yaml" <<YAML
name: herd-memory
seed: 1
trials: 1
clients: $clients
start_spread: $spread
scenario:
  name: one-file
  resource: {size: $size}
  client: {max_attempts: 20, sha256: true}
strategies: [{name: reference}]
YAML

python3 - "$bin" "$work" "$clients" "$size" "$spread" <<'PY'
import json, resource, subprocess, sys, time
binary, work, clients, size = sys.argv[1:5]
start = time.monotonic()
proc = subprocess.run([binary, "compare", f"{work}/herd.yaml", "--out", f"{work}/out"],
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
if proc.returncode not in (0, 1):
    sys.exit(f"herd_memory: sisyphus compare exited {proc.returncode}: {proc.stderr[-2000:]}")
cell = json.load(open(f"{work}/out/compare.json"))["matrices"][0]["cells"][0]
verdicts = {k: v for k, v in cell["verdicts"].items() if v}
server = cell["server"]
print(f"herd: {clients} clients x {size} in one process, started over {sys.argv[5]}")
print(f"verdicts: {verdicts}; requests {server['requests']}; peak transfers at once {server['peak_active']}")
print(f"wall {wall:.1f} s, cpu {usage.ru_utime + usage.ru_stime:.1f} s, "
      f"peak RSS {usage.ru_maxrss / 1024:.0f} MiB ({usage.ru_maxrss * 1024 / int(clients) / 1000:.1f} KB per client)")
PY
