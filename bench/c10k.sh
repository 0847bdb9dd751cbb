#!/usr/bin/env bash
# Holding a herd (docs/server.md "Holding a herd"): --connections slow readers (default 10,000)
# open their connections within one second, each reads its response at --rate (default
# 16 KiB/s) from a server that throttles it to the same rate, and all are held --hold seconds
# (default 20) before they close. Measured against `sisyphus serve` (a --size resource,
# default 4 MiB, `throttle: {rate: RATE}`) and, in the same run, nginx serving a file of the
# same size with `limit_rate`, one after the other (each alone on the machine):
#   bench/c10k.sh [--connections 10000] [--rate 16KiB] [--hold 20] [--size 4MiB]
#                 [--threads 2] [--burst SIZE] [--bin PATH/TO/sisyphus]
# --burst sets the throttle's burst (docs/faults.md "throttle"): `--burst 64KiB` writes the
# way nginx's limit_rate 16k does (about 64 KiB every 4 s), the default one slice a second.
# Prints for each server what its clients saw (resets, refused or never-completed connects,
# connections held to the end, body bytes received in MB), the listen-queue overflows during
# its run (the delta of TcpExtListenOverflows in /proc/net/netstat: the whole network
# namespace, so anything else running on the machine counts too), its peak RSS (VmHWM) and
# the CPU seconds it spent (/proc/PID/stat), and the sisyphus/nginx ratios. The clients are
# bench/c10k_clients, one epoll thread. The open-files limit is raised to what the herd needs
# (the script fails when the hard limit is lower). Everything goes to a temp directory
# removed at exit.
set -euo pipefail
bench_name=c10k
source "$(dirname "$0")/lib.sh"

connections=10000
rate=16KiB
hold=20
size=4MiB
threads=2
burst=
bin="$(bench_build_dir)/app/sisyphus"
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) connections="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --hold) hold="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --burst) burst="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) echo "usage: $0 [--connections N] [--rate 16KiB] [--hold S] [--size 4MiB] [--threads N] [--burst SIZE] [--bin PATH]" >&2
       exit 2 ;;
  esac
done
clients="$(dirname "$bin")/../bench/c10k_clients"
[ -x "$bin" ] || { echo "$bench_name: no sisyphus binary at $bin (build it first)" >&2; exit 2; }
[ -x "$clients" ] || { echo "$bench_name: no c10k_clients at $clients (build target c10k_clients)" >&2; exit 2; }
to_bytes() {
  case "$1" in
    *MiB) echo $(( ${1%MiB} * 1024 * 1024 )) ;;
    *KiB) echo $(( ${1%KiB} * 1024 )) ;;
    *[0-9]) echo "$1" ;;
    *) bench_fail "sizes and rates take N, NKiB or NMiB: $1" ;;
  esac
}
bytes=$(to_bytes "$size")
rate_bytes=$(to_bytes "$rate")

# The clients and sisyphus hold one descriptor per connection, plus their own few; nginx
# two without its open-file cache (the file's, for sendfile), so it gets that cache.
need=$(( connections + 256 ))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
  bench_fail "the hard open-files limit is $hard, below the $need the herd needs (raise it: ulimit -Hn, limits.conf)"
fi
ulimit -Sn "$need"
somaxconn=$(cat /proc/sys/net/core/somaxconn)
echo "herd: $connections connections within 1 s, $rate/s each ($rate_bytes B/s), held ${hold} s;" \
  "resource $size; open files limit $(ulimit -n) (hard $hard); net.core.somaxconn $somaxconn;" \
  "sisyphus --threads $threads, nginx 1 worker" >&2

work=$(mktemp -d)
nginx_pids=()
serve_pid=
origin_pid=
cleanup() {
  bench_stop "$serve_pid"
  bench_stop "$origin_pid"
  for pid in "${nginx_pids[@]}"; do bench_stop "$pid"; done
  rm -rf "$work"
}
trap cleanup EXIT

listen_overflows() {
  awk '/^TcpExt:/ { if (!names) { for (i = 1; i <= NF; i++) name[i] = $i; names = 1 }
                    else { for (i = 1; i <= NF; i++) if (name[i] == "ListenOverflows") print $i } }' \
    /proc/net/netstat
}
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$2"; }

# Runs the herd (of $4 connections, default --connections) against $2 (served by pid $3)
# and fills the results of server $1.
declare -A resets refused held overflows rss cpu answered received
measure() {
  local name=$1 url=$2 pid=$3 n=${4:-$connections} o0 t0 out
  o0=$(listen_overflows)
  t0=$(bench_cpu_ticks "$pid")
  out=$("$clients" "$url" --connections "$n" --rate "$rate_bytes" --hold "$hold" | sed -n 's/^result //p') || true
  [ -n "$out" ] || bench_fail "c10k_clients gave no result against $name"
  cpu[$name]=$(awk -v t="$(( $(bench_cpu_ticks "$pid") - t0 ))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
  overflows[$name]=$(( $(listen_overflows) - o0 ))
  rss[$name]=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
  resets[$name]=$(field resets "$out")
  refused[$name]=$(( $(field connect_failed "$out") + $(field still_connecting "$out") ))
  held[$name]=$(field held "$out")
  answered[$name]=$(field answered "$out")
  received[$name]=$(( $(field bytes "$out") / 1000000 ))
  echo "$name: clients saw $out" >&2
}

cat >"$work/c10k.yaml" <<YAML
name: c10k
description: The resource of bench/c10k.sh, throttled to the herd's read rate.
resource: {size: $bytes, seed: 7}
faults:
  - throttle: {rate: ${rate_bytes}B/s${burst:+, burst: $burst}}
YAML
"$bin" serve --scenario "$work/c10k.yaml" --listen 127.0.0.1:0 --threads "$threads" \
  --port-file "$work/port.json" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
port=$(bench_port_from_file "$serve_pid" "$work/port.json" "$work/serve.err")
measure sisyphus "http://127.0.0.1:$port/file" "$serve_pid"
bench_stop "$serve_pid"
serve_pid=

mkdir -p "$work/www"
head -c "$bytes" /dev/urandom >"$work/www/file"
# The same listen backlog as sisyphus gets (SOMAXCONN, capped by net.core.somaxconn): nginx's
# own default is 511.
bench_nginx_connections=$(( connections + 64 ))
nginx_http() {
  cat <<CONF
  types { }
  default_type application/octet-stream;
  sendfile on;
  server {
    listen 127.0.0.1:$1 backlog=4096;
    root $work/www;
    limit_rate $rate_bytes;
    open_file_cache max=16;
  }
CONF
}
bench_start_nginx "$work/nginx" nginx_http
measure nginx "http://127.0.0.1:$nginx_port/file" "${nginx_pids[0]}"

# The relay holding a herd: `sisyphus proxy` applying the same throttle in front of an
# unthrottled `sisyphus serve` of the same resource (the upstream's memory and CPU are not
# counted). The proxy holds two descriptors per connection (the client's, the upstream's),
# so its herd is capped at what the open-files limit allows.
bench_stop "${nginx_pids[0]}"
nginx_pids=()
proxy_connections=$connections
if [ "$hard" != unlimited ] && [ $(( 2 * connections + 256 )) -gt "$hard" ]; then
  proxy_connections=$(( (hard - 256) / 2 ))
fi
ulimit -Sn "$(( 2 * proxy_connections + 256 ))"
cat >"$work/origin.yaml" <<YAML
name: c10k-origin
resource: {size: $bytes, seed: 7}
YAML
cat >"$work/relay.yaml" <<YAML
name: c10k-relay
resource: {path: /file}
faults:
  - throttle: {rate: ${rate_bytes}B/s${burst:+, burst: $burst}}
YAML
"$bin" serve --scenario "$work/origin.yaml" --listen 127.0.0.1:0 --threads 1 \
  --port-file "$work/origin-port.json" >"$work/origin.out" 2>"$work/origin.err" &
origin_pid=$!
origin_port=$(bench_port_from_file "$origin_pid" "$work/origin-port.json" "$work/origin.err")
"$bin" proxy --upstream "http://127.0.0.1:$origin_port" --scenario "$work/relay.yaml" \
  --listen 127.0.0.1:0 --threads "$threads" \
  --port-file "$work/proxy-port.json" >"$work/proxy.out" 2>"$work/proxy.err" &
serve_pid=$!
port=$(bench_port_from_file "$serve_pid" "$work/proxy-port.json" "$work/proxy.err")
measure proxy "http://127.0.0.1:$port/file" "$serve_pid" "$proxy_connections"
bench_stop "$serve_pid"
serve_pid=
bench_stop "$origin_pid"
origin_pid=

printf '%-9s %8s %9s %8s %9s %10s %9s %9s %8s\n' server answered resets refused held overflows \
  "body MB" "rss MiB" "cpu s"
for s in sisyphus nginx proxy; do
  printf '%-9s %8s %9s %8s %9s %10s %9s %9s %8s\n' "$s" "${answered[$s]}" "${resets[$s]}" "${refused[$s]}" \
    "${held[$s]}" "${overflows[$s]}" "${received[$s]}" "${rss[$s]}" "${cpu[$s]}"
done
ratio() { if [ "$2" = 0 ] || [ "$2" = 0.00 ]; then echo "n/a"; else bench_ratio "$1" "$2"; fi; }
echo "ratio sisyphus/nginx: rss $(ratio "${rss[sisyphus]}" "${rss[nginx]}")," \
  "cpu $(ratio "${cpu[sisyphus]}" "${cpu[nginx]}") (goal: 0 resets, rss < 1024 MiB, cpu <= nginx's)"
echo "proxy: sisyphus proxy throttling $proxy_connections of them, relayed from sisyphus serve (the proxy's own cpu and rss)"
