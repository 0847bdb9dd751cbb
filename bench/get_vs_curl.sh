#!/usr/bin/env bash
# `sisyphus get` (SHA-256 verified, crash-safe) against `curl -o`: the same resource from the
# same `sisyphus serve` on loopback, in alternating runs. Prints each run's wall time, the
# medians and the ratio get/curl (target <= 1.0).
#   bench/get_vs_curl.sh [--size 1GiB] [--runs 3] [--bin PATH/TO/sisyphus]
# The binary defaults to $SISYPHUS_BUILD_DIR/app/sisyphus (scripts/bench sets it), else
# build/release/app/sisyphus. Files go to a temp directory removed at exit.
set -euo pipefail

size=1GiB
runs=3
bin="${SISYPHUS_BUILD_DIR:-$(cd "$(dirname "$0")/.." && pwd)/build/release}/app/sisyphus"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) echo "usage: $0 [--size SIZE] [--runs N] [--bin PATH]" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "get_vs_curl: no sisyphus binary at $bin (build it first)" >&2; exit 2; }
command -v curl >/dev/null || { echo "get_vs_curl: curl not found (scripts/bootstrap)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
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
for _ in $(seq 200); do
  [ -s "$work/port.json" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
  sleep 0.05
done
port=$(sed -n 's/.*"port": *\([0-9]*\).*/\1/p' "$work/port.json")
[ -n "$port" ] || { echo "get_vs_curl: no port in $work/port.json" >&2; exit 1; }
url="http://127.0.0.1:$port/file"

# The expected digest, from a first curl download (also warms the server).
curl -sS -o "$work/ref.bin" "$url"
expected=$(sha256sum "$work/ref.bin" | cut -d' ' -f1)
rm -f "$work/ref.bin"
echo "resource: $size at $url, sha256 $expected" >&2

now() { date +%s.%N; }
time_curl() {
  local t0 t1
  t0=$(now)
  curl -sS -o "$work/curl.bin" "$url"
  t1=$(now)
  rm -f "$work/curl.bin"
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}
time_get() {
  local t0 t1
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

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mc=$(median "${curl_times[@]}")
mg=$(median "${get_times[@]}")
printf 'median: curl -o %.3f s, sisyphus get %.3f s, ratio get/curl %.2f (target <= 1.0)\n' \
  "$mc" "$mg" "$(awk -v g="$mg" -v c="$mc" 'BEGIN { print g / c }')"
