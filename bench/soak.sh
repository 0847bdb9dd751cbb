#!/usr/bin/env bash
# Soak: `sisyphus serve` with bench/soak.yaml (every fault kind at random: drops by FIN and by
# RST, stalls, 503s, corruption, chunked cuts, latency, throttling) under a herd of concurrent
# clients (bench/soak_clients: seeded Range/If-Range/HEAD/hang-ups) until it has made
# --requests requests or --duration seconds have passed (by default 3 minutes, which on a
# 2-core machine is some 500,000 requests; --requests 20000 alone takes seconds). Every 10 s it prints the server's RSS,
# the lines in its --log file and the requests the clients have made; at the end the requests
# made, the log lines, whether the server crashed, and the RSS series and its growth.
#   bench/soak.sh [--clients 200] [--requests 1000000] [--duration 180] [--seed N]
#                 [--log-capacity N] [--bin PATH]
# --log-capacity is serve's: the records its log keeps in memory (the file gets them all).
# The seed (default: from the clock, printed) replaces the scenario's and seeds the clients;
# the replay line at the end repeats the run (the same choices per client and per attempt;
# which client meets which attempt depends on the interleaving). The binaries default to
# $SISYPHUS_BUILD_DIR (scripts/bench sets it), else build/release: app/sisyphus and
# bench/soak_clients. Files go to a temp directory removed at exit.
# Exit status 1 when the server died, did not exit 0 on SIGTERM, its log does not hold one
# line per request made, or a client got an answer that contradicts its request.
set -euo pipefail
bench_name=soak
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

clients=200
requests=1000000
duration=180
seed=$(date +%s)
log_capacity=""  # serve's default (100,000 records) unless --log-capacity
build=$(bench_build_dir)
bin="$build/app/sisyphus"
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --log-capacity) log_capacity="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --size | --runs) shift 2 ;;  # scripts/bench passes the side-by-side scripts' options
    *) echo "usage: $0 [--clients N] [--requests N] [--duration SECONDS] [--seed N] [--log-capacity N] [--bin PATH]" >&2
       exit 2 ;;
  esac
done
herd="$build/bench/soak_clients"
[ -x "$bin" ] || { echo "$bench_name: no sisyphus binary at $bin (build it first)" >&2; exit 2; }
[ -x "$herd" ] || { echo "$bench_name: no soak_clients at $herd (build the target soak_clients)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
clients_pid=
cleanup() {
  bench_stop "$clients_pid"
  bench_stop "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT

replay="bench/soak.sh --seed $seed --clients $clients --requests $requests --duration $duration${log_capacity:+ --log-capacity $log_capacity}"
sed "s/^seed: .*/seed: $seed/" "$here/soak.yaml" >"$work/soak.yaml"
grep -q "^seed: $seed\$" "$work/soak.yaml" || bench_fail "no top-level 'seed:' line in $here/soak.yaml"

log="$work/requests.jsonl"
"$bin" serve --scenario "$work/soak.yaml" --listen 127.0.0.1:0 --port-file "$work/port.json" \
  --log "$log" ${log_capacity:+--log-capacity "$log_capacity"} >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
port=$(bench_port_from_file "$server_pid" "$work/port.json" "$work/serve.err")
url=$(head -n 1 "$work/serve.out")
[ -n "$url" ] || bench_fail "sisyphus serve printed no URL (port $port)"
echo "soak: seed $seed, $clients clients, $requests requests (at most ${duration} s) against $url" >&2

"$herd" "$url" --clients "$clients" --requests "$requests" --duration "$duration" --seed "$seed" \
  --progress-every 1 >"$work/clients.out" 2>"$work/clients.err" &
clients_pid=$!

# The herd's latest counts: its result line, else its last progress line (JSON after the word).
herd_counts() {
  { grep '^result ' "$work/clients.out" || grep '^progress ' "$work/clients.out" || true; } |
    tail -n 1 | cut -d' ' -f2-
}
# A number out of a line of JSON counts: json_number LINE KEY.
json_number() { echo "$1" | sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0; }
log_lines() { if [ -f "$log" ]; then wc -l <"$log"; else echo 0; fi; }

rss_series=()
lines_series=()
times_series=()
sample() {
  local rss lines made
  rss=$(rss_kb)
  lines=$(log_lines)
  made=$(json_number "$(herd_counts)" sent)
  rss_series+=("$rss")
  times_series+=("$1")
  lines_series+=("$lines")
  printf '%s: t=%4ds  server RSS %7s kB  log lines %8s  client requests %8s\n' "$bench_name" \
    "$1" "$rss" "$lines" "${made:-0}"
}

server_died=
start=$SECONDS
sample 0
next=10
while kill -0 "$clients_pid" 2>/dev/null; do
  sleep 1
  if ! kill -0 "$server_pid" 2>/dev/null; then
    server_died=yes
    break
  fi
  if [ $((SECONDS - start)) -ge "$next" ]; then
    sample "$next"
    next=$((next + 10))
  fi
done
clients_status=0
if [ -n "$server_died" ]; then
  bench_stop "$clients_pid"  # their counts so far are in the last progress line
else
  wait "$clients_pid" || clients_status=$?
fi
clients_pid=
[ -s "$work/clients.err" ] && cat "$work/clients.err" >&2
# Without a result (the server died and the clients were stopped), the last progress line.
counts=$(herd_counts)
sent=$(json_number "$counts" sent)
seconds=$(json_number "$counts" seconds)
[ -n "$sent" ] || bench_fail "the clients printed no counts (exit $clients_status); replay: $replay"

# A client that hung up mid-body is logged once the server's next write to it fails, which
# can come after the client has gone: give the log up to 15 s to catch up.
for _ in $(seq 150); do
  [ "$(log_lines)" -ge "$sent" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
lines=$(log_lines)
if kill -0 "$server_pid" 2>/dev/null; then
  sample $((SECONDS - start))
  kill -TERM "$server_pid"
  server_status=0
  wait "$server_pid" || server_status=$?
  server_state="alive to the end; exit status $server_status on SIGTERM"
else
  server_status=0
  wait "$server_pid" || server_status=$?
  server_died=yes
  server_state="DIED during the run (exit status $server_status); stderr:"$'\n'"$(cat "$work/serve.err")"
fi
server_pid=

# Growth from the first sample after the start (warm: every connection slot and buffer
# pool in use) to the last, and what it comes to per request logged in between.
first=${rss_series[1]:-${rss_series[0]}}
last=${rss_series[${#rss_series[@]}-1]}
first_lines=${lines_series[1]:-${lines_series[0]}}
first_t=${times_series[1]:-${times_series[0]}}
last_lines=${lines_series[${#lines_series[@]}-1]}
per_request=n/a
[ "$last_lines" -gt "$first_lines" ] &&
  per_request=$(bench_ratio "$(( (last - first) * 1024 ))" "$(( last_lines - first_lines ))")
echo "$bench_name: requests made     $sent in ${seconds} s ($(bench_ratio "$sent" "$seconds") per s; the herd's HEAD included)"
echo "$bench_name: log lines         $lines"
echo "$bench_name: server            $server_state"
echo "$bench_name: crashes           $([ -n "$server_died" ] && echo 1 || echo 0)"
echo "$bench_name: clients           $counts"
echo "$bench_name: RSS every 10 s    ${rss_series[*]} kB"
echo "$bench_name: RSS growth        $first -> $last kB from t=$first_t s to the end ($((last - first)) kB, $(bench_ratio "$(( (last - first) * 100 ))" "$first") %; $per_request bytes per request logged meanwhile)"
echo "$bench_name: replay            $replay"

failed=
[ -n "$server_died" ] && failed+=" the server died;"
[ "$server_status" -ne 0 ] && failed+=" the server exited $server_status;"
[ "$lines" -ne "$sent" ] && failed+=" $lines log lines for $sent requests;"
[ "$clients_status" -ne 0 ] && failed+=" the clients exited $clients_status (wrong answers, errors or timeouts above);"
[ -z "$server_died" ] && [ "$sent" -lt "$requests" ] && echo "$bench_name: the run ended at --duration ($duration s), before --requests ($requests)" >&2
[ -z "$failed" ] || bench_fail "FAILED:$failed replay: $replay"
echo "$bench_name: ok"
