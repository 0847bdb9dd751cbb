#!/usr/bin/env bash
# `sisyphus proxy` throughput against the upstream it relays: nginx serves a 1 GiB file on
# loopback, `sisyphus proxy --upstream` sits in front of it with no faults, and `curl -o
# /dev/null` downloads the file directly and through the proxy in alternating runs. Two
# peers relay the same upstream in the same runs: nginx's own reverse proxy (`proxy_pass`,
# copying through user space) and HAProxy (`option splice-response`, zero-copy like ours).
#   bench/proxy_vs_nginx.sh [--size 1GiB] [--runs 5] [--bin PATH/TO/sisyphus]
# Prints each run's throughputs, the medians, each relay's ratio to direct (target for
# sisyphus >= 0.7), the CPU time each relay spent per GiB next to the upstream nginx's own,
# and curl's: on a machine with fewer cores than busy processes (curl, upstream, relay) a
# relay's ratio depends on which process bounded the direct download (curl busy near 100 %
# of a core: the client did, and a relay only has to keep up), so those figures explain it.
# The file, configs and logs go to a temp directory removed at exit; nginx, haproxy and the
# proxy are stopped at exit. HAProxy is skipped (with a note) when it is not installed.
set -euo pipefail
bench_name=proxy_vs_nginx
source "$(dirname "$0")/lib.sh"
bench_parse_args "$@"

work=$(mktemp -d)
nginx_pids=()
proxy_pid=
haproxy_pid=
cleanup() {
  bench_stop "$proxy_pid"
  bench_stop "$haproxy_pid"
  for pid in "${nginx_pids[@]}"; do bench_stop "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/www"
head -c "$bytes" /dev/urandom >"$work/www/file.bin"
sync "$work/www/file.bin"  # its write-back would otherwise overlap the first runs

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
declare -A url pid
url[direct]="http://127.0.0.1:$upstream_port/file.bin"

# nginx as a reverse proxy: kept-alive upstream connections, no temp files, buffers large
# enough that it is not throttled by them.
nginx_proxy_http() {
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
bench_start_nginx "$work/nginx-proxy" nginx_proxy_http
url[nginx]="http://127.0.0.1:$nginx_port/file.bin"
pid[nginx]=${nginx_pids[1]}

"$bin" proxy --upstream "http://127.0.0.1:$upstream_port" --listen 127.0.0.1:0 \
  --port-file "$work/port.json" >"$work/proxy.out" 2>"$work/proxy.err" &
proxy_pid=$!
url[sisyphus]="http://127.0.0.1:$(bench_port_from_file "$proxy_pid" "$work/port.json" "$work/proxy.err")/file.bin"
pid[sisyphus]=$proxy_pid

paths=(direct sisyphus nginx)
if command -v haproxy >/dev/null; then
  for _ in $(seq 20); do
    port=$(( 20000 + RANDOM % 40000 ))
    bench_port_in_use "$port" && continue
    cat >"$work/haproxy.cfg" <<CONF
global
  maxconn 100
  tune.pipesize 1048576
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
  option splice-response
frontend relay
  bind 127.0.0.1:$port
  default_backend origin
backend origin
  server upstream 127.0.0.1:$upstream_port
CONF
    haproxy -f "$work/haproxy.cfg" -db </dev/null >"$work/haproxy.log" 2>&1 &
    haproxy_pid=$!
    bench_wait_listening "$haproxy_pid" "$port" && break
    bench_stop "$haproxy_pid"
    haproxy_pid=
  done
  [ -n "$haproxy_pid" ] || { cat "$work/haproxy.log" >&2; bench_fail "haproxy did not start"; }
  url[haproxy]="http://127.0.0.1:$port/file.bin"
  pid[haproxy]=$haproxy_pid
  paths+=(haproxy)
else
  echo "$bench_name: haproxy not installed (scripts/bootstrap), measuring without it" >&2
fi
echo "file: $size ($bytes bytes) from nginx at ${url[direct]}; relayed by sisyphus proxy at" \
  "${url[sisyphus]}, nginx proxy_pass at ${url[nginx]}${url[haproxy]:+, haproxy at ${url[haproxy]}}" >&2

# Warm the page cache and every connection path.
for path in "${paths[@]}"; do (bench_fetch "${url[$path]}") >/dev/null; done

# Per path: the rates of its runs, and the CPU ticks its relay (for direct: the upstream
# nginx) spent during them.
declare -A rates ticks client_cpu wall
for path in "${paths[@]}"; do
  rates[$path]=
  ticks[$path]=0
  client_cpu[$path]=0
  wall[$path]=0
done
[ -z "${pid[direct]:-}" ] && pid[direct]=$upstream_pid
n=${#paths[@]}
for i in $(seq "$runs"); do
  # Rotate the order so that no path always finds a warmer (or busier) machine.
  line="run $i:"
  for k in $(seq 0 $((n - 1))); do
    path=${paths[$(( (i + k) % n ))]}
    t0=$(bench_cpu_ticks "${pid[$path]}")
    read -r r seconds cpu < <(bench_fetch "${url[$path]}")
    ticks[$path]=$(( ${ticks[$path]} + $(bench_cpu_ticks "${pid[$path]}") - t0 ))
    rates[$path]+="$r "
    client_cpu[$path]=$(awk -v a="${client_cpu[$path]}" -v b="$cpu" 'BEGIN { print a + b }')
    wall[$path]=$(awk -v a="${wall[$path]}" -v b="$seconds" 'BEGIN { print a + b }')
  done
  for path in "${paths[@]}"; do
    line+=" $path $(bench_mib "$(echo ${rates[$path]} | awk '{print $NF}')"),"
  done
  echo "${line%,}"
done

hz=$(getconf CLK_TCK)
per_gib() { awk -v t="$1" -v hz="$hz" -v n="$runs" -v b="$bytes" 'BEGIN { printf "%.2f", t / hz / (n * b / 1073741824) }'; }
declare -A median
line="median:"
for path in "${paths[@]}"; do
  # shellcheck disable=SC2086
  median[$path]=$(bench_median ${rates[$path]})
  line+=" $path $(bench_mib "${median[$path]}"),"
done
echo "${line%,}"
line="cpu per GiB: upstream nginx (sendfile, direct runs) $(per_gib "${ticks[direct]}") s,"
for path in "${paths[@]}"; do
  [ "$path" = direct ] && continue
  line+=" $path $(per_gib "${ticks[$path]}") s,"
done
echo "${line%,}"
# Which process bounds the direct download decides how much a relay can cost (docs/proxy.md):
# curl near 100 % of a core means the client does, and the relay only has to keep up.
line="client curl cpu per GiB:"
for path in "${paths[@]}"; do
  line+=" $path $(awk -v c="${client_cpu[$path]}" -v n="$runs" -v b="$bytes" \
    'BEGIN { printf "%.2f", c / (n * b / 1073741824) }') s,"
done
echo "${line%,}"
echo "curl busy during direct downloads: $(awk -v c="${client_cpu[direct]}" -v w="${wall[direct]}" \
  'BEGIN { printf "%.0f", 100 * c / w }') % of a core (its start-up included)"
for path in "${paths[@]}"; do
  [ "$path" = direct ] || [ "$path" = sisyphus ] && continue
  echo "ratio $path/direct $(bench_ratio "${median[$path]}" "${median[direct]}")"
done
echo "ratio proxy/direct $(bench_ratio "${median[sisyphus]}" "${median[direct]}") (target >= 0.7)"
