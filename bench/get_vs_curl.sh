#!/usr/bin/env bash
# `sisyphus get` (SHA-256 verified, crash-safe) against `curl -o`: the same resource from the
# same `sisyphus serve` on loopback, in alternating runs. Prints each run's wall time, the
# medians and the ratio get/curl (target <= 1.0).
#   bench/get_vs_curl.sh [--size 1GiB] [--runs 5] [--bin PATH/TO/sisyphus]
# The binary defaults to $SISYPHUS_BUILD_DIR/app/sisyphus (scripts/bench sets it), else
# build/release/app/sisyphus. Files go to a temp directory removed at exit.
set -euo pipefail
bench_name=get_vs_curl
source "$(dirname "$0")/lib.sh"
bench_parse_args "$@"

work=$(mktemp -d)
server_pid=
cleanup() {
  bench_stop "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/bench.yaml" <<YAML
name: get-vs-curl
description: one clean synthetic resource, no faults
resource:
  size: $size
  seed: 1
YAML

"$bin" serve --listen 127.0.0.1:0 --scenario "$work/bench.yaml" --port-file "$work/port.json" \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
port=$(bench_port_from_file "$server_pid" "$work/port.json" "$work/serve.err")
url="http://127.0.0.1:$port/file"

# The expected digest, from a first curl download (also warms the server).
curl -sS -o "$work/ref.bin" "$url"
expected=$(sha256sum "$work/ref.bin" | cut -d' ' -f1)
rm -f "$work/ref.bin"
echo "resource: $size at $url, sha256 $expected" >&2

now() { date +%s.%N; }
# Each timed run starts with no dirty pages: the previous run's file (curl's stays in the page
# cache, dirty) would otherwise be written back during the next run, and sisyphus get, which
# writes with O_DIRECT and fdatasyncs, waits for the disk it keeps busy.
settle() { sync; }
time_curl() {
  local t0 t1
  settle
  t0=$(now)
  curl -sS -o "$work/curl.bin" "$url"
  t1=$(now)
  rm -f "$work/curl.bin"
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}
time_get() {
  local t0 t1
  settle
  t0=$(now)
  "$bin" get "$url" -o "$work/get.bin" --sha256 "$expected" --no-progress 2>"$work/get.err" \
    || { cat "$work/get.err" >&2; exit 1; }
  t1=$(now)
  rm -f "$work/get.bin"
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}

curl_times=()
get_times=()
for i in $(seq "$runs"); do
  # Alternate which goes first so that neither always finds a warmer machine.
  if [ $((i % 2)) -eq 1 ]; then
    c=$(time_curl); g=$(time_get)
  else
    g=$(time_get); c=$(time_curl)
  fi
  curl_times+=("$c")
  get_times+=("$g")
  printf 'run %d: curl -o %.3f s, sisyphus get --sha256 %.3f s\n' "$i" "$c" "$g"
done

mc=$(bench_median "${curl_times[@]}")
mg=$(bench_median "${get_times[@]}")
printf 'median: curl -o %.3f s, sisyphus get %.3f s, ratio get/curl %.2f (target <= 1.0)\n' \
  "$mc" "$mg" "$(awk -v g="$mg" -v c="$mc" 'BEGIN { print g / c }')"
