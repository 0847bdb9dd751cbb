#!/usr/bin/env bash
# `sisyphus proxy` throughput against the upstream it relays: nginx serves a 1 GiB file on
# loopback, `sisyphus proxy --upstream` sits in front of it with no faults, and `curl -o
# /dev/null` downloads the file directly and through the proxy in alternating runs. Prints
# each run's throughput, the medians and the ratio proxy/direct (target >= 0.7).
#   bench/proxy_vs_nginx.sh [--size 1GiB] [--runs 3] [--bin PATH/TO/sisyphus]
# The binary defaults to $SISYPHUS_BUILD_DIR/app/sisyphus (scripts/bench sets it), else
# build/release/app/sisyphus: measure a Release build. The file, nginx's config and logs go
# to a temp directory removed at exit; nginx and the proxy are stopped at exit.
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
[ -x "$bin" ] || { echo "proxy_vs_nginx: no sisyphus binary at $bin (build it first)" >&2; exit 2; }
nginx=/usr/sbin/nginx
[ -x "$nginx" ] || { echo "proxy_vs_nginx: $nginx not found (scripts/bootstrap)" >&2; exit 2; }
command -v curl >/dev/null || { echo "proxy_vs_nginx: curl not found (scripts/bootstrap)" >&2; exit 2; }

case "$size" in
  *GiB) bytes=$(( ${size%GiB} * 1024 * 1024 * 1024 )) ;;
  *MiB) bytes=$(( ${size%MiB} * 1024 * 1024 )) ;;
  *[0-9]) bytes=$size ;;
  *) echo "proxy_vs_nginx: --size takes N, NMiB or NGiB" >&2; exit 2 ;;
esac

work=$(mktemp -d)
nginx_pid=
proxy_pid=
stop() {
  if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}
cleanup() {
  stop "$proxy_pid"
  stop "$nginx_pid"
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/www" "$work/tmp"
head -c "$bytes" /dev/urandom >"$work/www/file.bin"

# nginx cannot listen on port 0: try random free-looking ports until one binds.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 20); do
  port=$(( 20000 + RANDOM % 40000 ))
  port_in_use "$port" && continue
  cat >"$work/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 256; }
http {
  types { }
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path $work/tmp/client_body;
  proxy_temp_path $work/tmp/proxy;
  fastcgi_temp_path $work/tmp/fastcgi;
  uwsgi_temp_path $work/tmp/uwsgi;
  scgi_temp_path $work/tmp/scgi;
  sendfile on;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
  }
}
CONF
  "$nginx" -c "$work/nginx.conf" -p "$work/" -e "$work/error.log" </dev/null >/dev/null 2>&1 &
  nginx_pid=$!
  for _ in $(seq 100); do
    port_in_use "$port" && break
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$nginx_pid" 2>/dev/null && port_in_use "$port"; then break; fi
  stop "$nginx_pid"
  nginx_pid=
done
[ -n "$nginx_pid" ] || { cat "$work/error.log" >&2; echo "proxy_vs_nginx: nginx did not start" >&2; exit 1; }
direct="http://127.0.0.1:$port/file.bin"

"$bin" proxy --upstream "http://127.0.0.1:$port" --listen 127.0.0.1:0 \
  --port-file "$work/port.json" >"$work/proxy.out" 2>"$work/proxy.err" &
proxy_pid=$!
for _ in $(seq 200); do
  [ -s "$work/port.json" ] && break
  kill -0 "$proxy_pid" 2>/dev/null || { cat "$work/proxy.err" >&2; exit 1; }
  sleep 0.05
done
proxy_port=$(sed -n 's/.*"port": *\([0-9]*\).*/\1/p' "$work/port.json")
[ -n "$proxy_port" ] || { echo "proxy_vs_nginx: no port in $work/port.json" >&2; exit 1; }
proxied="http://127.0.0.1:$proxy_port/file.bin"
echo "file: $size ($bytes bytes) from nginx at $direct, through sisyphus proxy at $proxied" >&2

# Bytes per second of one download; fails unless every byte arrived.
fetch() {
  local out got seconds
  out=$(curl -sS -o /dev/null -w '%{size_download} %{time_total}' "$1")
  got=${out% *}
  seconds=${out#* }
  [ "$got" -eq "$bytes" ] || { echo "proxy_vs_nginx: $1 gave $got of $bytes bytes" >&2; exit 1; }
  awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.0f\n", b / s }'
}
mib() { awk -v r="$1" 'BEGIN { printf "%.0f MiB/s", r / 1048576 }'; }

fetch "$direct" >/dev/null  # warm the page cache and both connections' paths
direct_rates=()
proxy_rates=()
for i in $(seq "$runs"); do
  # Alternate which goes first so that neither always finds a warmer machine.
  if [ $((i % 2)) -eq 1 ]; then
    d=$(fetch "$direct"); p=$(fetch "$proxied")
  else
    p=$(fetch "$proxied"); d=$(fetch "$direct")
  fi
  direct_rates+=("$d")
  proxy_rates+=("$p")
  echo "run $i: direct $(mib "$d"), through the proxy $(mib "$p")"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
md=$(median "${direct_rates[@]}")
mp=$(median "${proxy_rates[@]}")
echo "median: direct $(mib "$md"), through the proxy $(mib "$mp"), ratio proxy/direct" \
  "$(awk -v p="$mp" -v d="$md" 'BEGIN { printf "%.2f", p / d }') (target >= 0.7)"
