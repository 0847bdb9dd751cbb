#!/usr/bin/env bash
# `sisyphus proxy` throughput against the upstream it relays: nginx serves a 1 GiB file on
# loopback, `sisyphus proxy --upstream` sits in front of it with no faults, and `curl -o
# /dev/null` downloads the file directly and through the proxy in alternating runs. As a
# peer, a second nginx relays the same upstream with `proxy_pass` (nginx's own reverse
# proxy, tuned for throughput) in the same runs.
#   bench/proxy_vs_nginx.sh [--size 1GiB] [--runs 5] [--bin PATH/TO/sisyphus]
# Prints each run's throughputs, the medians, the ratio proxy/direct (target >= 0.7) and the
# peer's ratio, and the CPU time each relay spent per GiB next to the upstream nginx's own:
# on a machine with fewer cores than busy processes (curl, upstream, relay) the throughput
# ratio is bounded by how much CPU the relay needs, so that figure explains the ratio.
# The file, nginx's configs and logs go to a temp directory removed at exit; nginx and the
# proxy are stopped at exit.
set -euo pipefail
bench_name=proxy_vs_nginx
source "$(dirname "$0")/lib.sh"
bench_parse_args "$@"

work=$(mktemp -d)
nginx_pids=()
proxy_pid=
cleanup() {
  bench_stop "$proxy_pid"
  for pid in "${nginx_pids[@]}"; do bench_stop "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/www"
head -c "$bytes" /dev/urandom >"$work/www/file.bin"

origin_http() {
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
bench_start_nginx "$work/origin" origin_http
upstream_port=$nginx_port
upstream_pid=${nginx_pids[0]}
direct="http://127.0.0.1:$upstream_port/file.bin"

# nginx as a reverse proxy: kept-alive upstream connections, no temp files, buffers large
# enough that it is not throttled by them.
peer_http() {
  cat <<CONF
  upstream origin {
    server 127.0.0.1:$upstream_port;
    keepalive 4;
  }
  server {
    listen 127.0.0.1:$1;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_max_temp_file_size 0;
      proxy_buffer_size 64k;
      proxy_buffers 16 64k;
      proxy_busy_buffers_size 512k;
    }
  }
CONF
}
bench_start_nginx "$work/peer" peer_http
peer_pid=${nginx_pids[1]}
peer="http://127.0.0.1:$nginx_port/file.bin"

"$bin" proxy --upstream "http://127.0.0.1:$upstream_port" --listen 127.0.0.1:0 \
  --port-file "$work/port.json" >"$work/proxy.out" 2>"$work/proxy.err" &
proxy_pid=$!
proxy_port=$(bench_port_from_file "$proxy_pid" "$work/port.json" "$work/proxy.err")
proxied="http://127.0.0.1:$proxy_port/file.bin"
echo "file: $size ($bytes bytes) from nginx at $direct; through sisyphus proxy at $proxied;" \
  "through nginx proxy_pass at $peer" >&2

# Bytes per second of one download; fails unless every byte arrived.
fetch() {
  local out got seconds
  out=$(curl -sS -o /dev/null -w '%{size_download} %{time_total}' "$1")
  got=${out% *}
  seconds=${out#* }
  [ "$got" -eq "$bytes" ] || bench_fail "$1 gave $got of $bytes bytes"
  awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.0f\n", b / s }'
}
mib() { awk -v r="$1" 'BEGIN { printf "%.0f MiB/s", r / 1048576 }'; }

# Warm the page cache and every connection path.
fetch "$direct" >/dev/null
fetch "$proxied" >/dev/null
fetch "$peer" >/dev/null

# CPU ticks each process spends, summed over the measured downloads of one path.
upstream_ticks=0
proxy_ticks=0
peer_ticks=0
measure() {  # measure PATH-NAME URL: sets $rate
  local u0 r0 u1 r1 relay_pid
  case "$1" in
    proxy) relay_pid=$proxy_pid ;;
    peer) relay_pid=$peer_pid ;;
    *) relay_pid= ;;
  esac
  u0=$(bench_cpu_ticks "$upstream_pid")
  [ -n "$relay_pid" ] && r0=$(bench_cpu_ticks "$relay_pid")
  rate=$(fetch "$2")
  u1=$(bench_cpu_ticks "$upstream_pid")
  case "$1" in
    proxy) proxy_ticks=$((proxy_ticks + $(bench_cpu_ticks "$relay_pid") - r0)) ;;
    peer) peer_ticks=$((peer_ticks + $(bench_cpu_ticks "$relay_pid") - r0)) ;;
    direct) upstream_ticks=$((upstream_ticks + u1 - u0)) ;;
  esac
}

direct_rates=()
proxy_rates=()
peer_rates=()
for i in $(seq "$runs"); do
  # Rotate the order so that no path always finds a warmer (or busier) machine.
  case $((i % 3)) in
    1) order="direct proxy peer" ;;
    2) order="proxy peer direct" ;;
    0) order="peer direct proxy" ;;
  esac
  for path in $order; do
    case "$path" in
      direct) measure direct "$direct"; d=$rate ;;
      proxy) measure proxy "$proxied"; p=$rate ;;
      peer) measure peer "$peer"; n=$rate ;;
    esac
  done
  direct_rates+=("$d")
  proxy_rates+=("$p")
  peer_rates+=("$n")
  echo "run $i: direct $(mib "$d"), through sisyphus proxy $(mib "$p"), through nginx proxy_pass $(mib "$n")"
done

md=$(bench_median "${direct_rates[@]}")
mp=$(bench_median "${proxy_rates[@]}")
mn=$(bench_median "${peer_rates[@]}")
echo "median: direct $(mib "$md"), through sisyphus proxy $(mib "$mp"), through nginx proxy_pass $(mib "$mn")"

# CPU seconds per GiB moved (the upstream's figure is from the direct downloads).
hz=$(getconf CLK_TCK)
per_gib() { awk -v t="$1" -v hz="$hz" -v n="$runs" -v b="$bytes" 'BEGIN { printf "%.2f", t / hz / (n * b / 1073741824) }'; }
echo "cpu per GiB: upstream nginx (sendfile) $(per_gib "$upstream_ticks") s," \
  "sisyphus proxy $(per_gib "$proxy_ticks") s, nginx proxy_pass $(per_gib "$peer_ticks") s"
echo "ratio nginx proxy_pass/direct $(bench_ratio "$mn" "$md")"
echo "ratio proxy/direct $(bench_ratio "$mp" "$md") (target >= 0.7)"
