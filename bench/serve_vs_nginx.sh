#!/usr/bin/env bash
# `sisyphus serve` throughput against nginx serving the same bytes: nginx (sendfile) serves a
# file of --size, and sisyphus serves (a) a synthetic resource of the same size (zero-copy
# from its memfd cache) and (b) that same file as `resource.file` (sendfile). `curl -o
# /dev/null` downloads each in alternating runs (the order rotates per run).
#   bench/serve_vs_nginx.sh [--size 1GiB] [--runs 7] [--bin PATH/TO/sisyphus]
# Prints each run's throughputs, the medians, and sisyphus's throughput ratio to nginx's for
# both resources (goal: >= 1.0), with the CPU time each server spent per GiB. One run's ratios
# are what to compare: the machine is shared and noisy, the ratio less so.
set -euo pipefail
bench_name=serve_vs_nginx
source "$(dirname "$0")/lib.sh"
bench_parse_args "$@"

work=$(mktemp -d)
nginx_pids=()
synthetic_pid=
file_pid=
cleanup() {
  bench_stop "$synthetic_pid"
  bench_stop "$file_pid"
  for pid in "${nginx_pids[@]}"; do bench_stop "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/www"
head -c "$bytes" /dev/urandom >"$work/www/file.bin"
sync "$work/www/file.bin"  # its write-back would otherwise overlap the first runs

nginx_http() {
  cat <<CONF
  types { }
  default_type application/octet-stream;
  sendfile on;
  server {
    listen 127.0.0.1:$1;
    root $work/www;
  }
CONF
}
bench_start_nginx "$work/nginx" nginx_http
declare -A url pid
url[nginx]="http://127.0.0.1:$nginx_port/file.bin"
pid[nginx]=${nginx_pids[0]}

# Starts `sisyphus serve` with the scenario $2 (YAML text) as path $1 of the table.
start_sisyphus() {
  local name=$1 started
  printf '%s\n' "$2" >"$work/$name.yaml"
  "$bin" serve --scenario "$work/$name.yaml" --root "$work" --listen 127.0.0.1:0 \
    --port-file "$work/$name.port.json" >"$work/$name.out" 2>"$work/$name.err" &
  started=$!
  pid[$name]=$started
  url[$name]="http://127.0.0.1:$(bench_port_from_file "$started" "$work/$name.port.json" "$work/$name.err")/file.bin"
}
start_sisyphus synthetic "name: bench-synthetic
resource: {path: /file.bin, size: $bytes, seed: 7}"
synthetic_pid=${pid[synthetic]}
start_sisyphus file "name: bench-file
resource: {path: /file.bin, file: www/file.bin}"
file_pid=${pid[file]}
paths=(nginx synthetic file)
echo "$size ($bytes bytes): nginx ${url[nginx]}, sisyphus synthetic ${url[synthetic]}," \
  "sisyphus file ${url[file]}; $runs runs" >&2

for path in "${paths[@]}"; do (bench_fetch "${url[$path]}") >/dev/null; done  # warm up

declare -A rates ticks
for path in "${paths[@]}"; do rates[$path]=; ticks[$path]=0; done
n=${#paths[@]}
for i in $(seq "$runs"); do
  line="run $i:"
  for k in $(seq 0 $((n - 1))); do
    path=${paths[$(( (i + k) % n ))]}
    t0=$(bench_cpu_ticks "${pid[$path]}")
    read -r r _ _ < <(bench_fetch "${url[$path]}")
    ticks[$path]=$(( ${ticks[$path]} + $(bench_cpu_ticks "${pid[$path]}") - t0 ))
    rates[$path]+="$r "
    line+=" $path $(bench_mib "$r"),"
  done
  echo "${line%,}"
done

hz=$(getconf CLK_TCK)
declare -A median
line="median:"
for path in "${paths[@]}"; do
  # shellcheck disable=SC2086
  median[$path]=$(bench_median ${rates[$path]})
  line+=" $path $(bench_mib "${median[$path]}"),"
done
echo "${line%,}"
line="server cpu per GiB:"
for path in "${paths[@]}"; do
  line+=" $path $(awk -v t="${ticks[$path]}" -v hz="$hz" -v n="$runs" -v b="$bytes" \
    'BEGIN { printf "%.2f", t / hz / (n * b / 1073741824) }') s,"
done
echo "${line%,}"
echo "ratio sisyphus/nginx throughput: synthetic $(bench_ratio "${median[synthetic]}" "${median[nginx]}")," \
  "file $(bench_ratio "${median[file]}" "${median[nginx]}") (goal: >= 1.0 for both)"
