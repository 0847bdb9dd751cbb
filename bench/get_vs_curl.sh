#!/usr/bin/env bash
# `sisyphus get` (SHA-256 verified, crash-safe) against `curl -o`: the same resource from the
# same `sisyphus serve` on loopback, in rotating order per run, with two more peers: `curl -o`
# then `sha256sum` (the same work done by hand) and `get --no-fsync` (crash-safe against a
# killed process, not a power cut). Prints each run's wall times, the medians and the ratios
# get/curl (target <= 1.0), get/(curl + sha256sum) and get --no-fsync/curl.
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
# One timed command (the words after the name of the file it writes, removed after): seconds.
timed() {
  local file=$1 t0 t1
  shift
  settle
  t0=$(now)
  "$@" || { cat "$work/cmd.err" >&2; exit 1; }
  t1=$(now)
  rm -f "$file"
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}
curl_o() { curl -sS -o "$work/curl.bin" "$url" 2>"$work/cmd.err"; }
# What `get --sha256` does by hand: download, then hash the file and compare.
curl_sha256sum() {
  curl_o && [ "$(sha256sum "$work/curl.bin" | cut -d' ' -f1)" = "$expected" ]
}
get_sha256() {
  "$bin" get "$url" -o "$work/get.bin" --sha256 "$expected" --no-progress 2>"$work/cmd.err"
}
# The same without the syncs that make it crash-safe against power cuts (docs/client.md).
get_no_fsync() {
  "$bin" get "$url" -o "$work/get.bin" --sha256 "$expected" --no-progress --no-fsync \
    2>"$work/cmd.err"
}

names=(curl curl+sha256sum get get-no-fsync)
declare -A run_of=([curl]=curl_o [curl+sha256sum]=curl_sha256sum [get]=get_sha256
  [get-no-fsync]=get_no_fsync)
declare -A file_of=([curl]=curl.bin [curl+sha256sum]=curl.bin [get]=get.bin
  [get-no-fsync]=get.bin)
declare -A times_of
n=${#names[@]}
for i in $(seq "$runs"); do
  # Rotate the order so that none always finds a warmer (or busier) machine.
  line="run $i:"
  for k in $(seq 0 $((n - 1))); do
    name=${names[$(( (i + k) % n ))]}
    t=$(timed "$work/${file_of[$name]}" "${run_of[$name]}")
    times_of[$name]+="$t "
    line+=" $(printf '%s %.3f s' "$name" "$t"),"
  done
  echo "${line%,}"
done

declare -A median
line="median:"
for name in "${names[@]}"; do
  # shellcheck disable=SC2086
  median[$name]=$(bench_median ${times_of[$name]})
  line+=" $(printf '%s %.3f s' "$name" "${median[$name]}"),"
done
echo "${line%,}"
echo "ratio get --sha256 / curl -o: $(bench_ratio "${median[get]}" "${median[curl]}") (target <= 1.0);" \
  "/ curl -o + sha256sum: $(bench_ratio "${median[get]}" "${median[curl+sha256sum]}");" \
  "get --no-fsync / curl -o: $(bench_ratio "${median[get-no-fsync]}" "${median[curl]}")"
