# Shared by the scripts in bench/ (the side-by-side comparisons, the soak): sourced, not run.
# Each script sets $bench_name first; errors are prefixed with it.

bench_fail() { echo "$bench_name: $*" >&2; exit 1; }

# The build the scripts measure: $SISYPHUS_BUILD_DIR (scripts/bench sets it), else
# build/release: a Release build.
bench_build_dir() {
  echo "${SISYPHUS_BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/release}"
}

# Parses --size, --runs and --bin into $size, $runs and $bin. The binary defaults to
# app/sisyphus of bench_build_dir.
bench_parse_args() {
  size=1GiB
  runs=5
  bin="$(bench_build_dir)/app/sisyphus"
  while [ $# -gt 0 ]; do
    case "$1" in
      --size) size="$2"; shift 2 ;;
      --runs) runs="$2"; shift 2 ;;
      --bin) bin="$2"; shift 2 ;;
      *) echo "usage: $0 [--size SIZE] [--runs N] [--bin PATH]" >&2; exit 2 ;;
    esac
  done
  [ -x "$bin" ] || { echo "$bench_name: no sisyphus binary at $bin (build it first)" >&2; exit 2; }
  command -v curl >/dev/null || { echo "$bench_name: curl not found (scripts/bootstrap)" >&2; exit 2; }
  case "$size" in
    *GiB) bytes=$(( ${size%GiB} * 1024 * 1024 * 1024 )) ;;
    *MiB) bytes=$(( ${size%MiB} * 1024 * 1024 )) ;;
    *[0-9]) bytes=$size ;;
    *) echo "$bench_name: --size takes N, NMiB or NGiB" >&2; exit 2 ;;
  esac
}

# Stops a background process started by the script (no-op for an empty pid).
bench_stop() {
  if [ -n "$1" ]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi
}

# Waits until sisyphus (pid $1) has written its --port-file $2, then prints the port.
# $3 is its stderr file, shown if it dies first.
bench_port_from_file() {
  local pid=$1 file=$2 err=$3 port
  for _ in $(seq 200); do
    [ -s "$file" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$err" >&2; bench_fail "sisyphus exited before listening"; }
    sleep 0.05
  done
  port=$(sed -n 's/.*"port": *\([0-9]*\).*/\1/p' "$file")
  [ -n "$port" ] || bench_fail "no port in $file"
  echo "$port"
}

bench_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True once process $1 listens on loopback port $2 (within 5 s); false if it exits first or
# never does (a peer that found the port taken).
bench_wait_listening() {
  for _ in $(seq 100); do
    bench_port_in_use "$2" && break
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$1" 2>/dev/null && bench_port_in_use "$2"
}

# Starts nginx in the foreground of a background job on a free loopback port (nginx cannot
# listen on port 0, so random ports are tried until one binds). $1 is a work directory of
# its own; $2 names a function that prints the `http { ... }` body for a port given as its
# argument. Sets $nginx_port and appends the pid to $nginx_pids. $bench_nginx_connections
# (default 256) is its worker_connections; its open-files limit follows.
bench_start_nginx() {
  local dir=$1 http_body=$2 pid port
  local nginx=/usr/sbin/nginx
  [ -x "$nginx" ] || { echo "$bench_name: $nginx not found (scripts/bootstrap)" >&2; exit 2; }
  mkdir -p "$dir/tmp"
  for _ in $(seq 20); do
    port=$(( 20000 + RANDOM % 40000 ))
    bench_port_in_use "$port" && continue
    cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
worker_rlimit_nofile $(( ${bench_nginx_connections:-256} + 64 ));
events { worker_connections ${bench_nginx_connections:-256}; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/client_body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
$("$http_body" "$port")
}
CONF
    "$nginx" -c "$dir/nginx.conf" -p "$dir/" -e "$dir/error.log" </dev/null >/dev/null 2>&1 &
    pid=$!
    if bench_wait_listening "$pid" "$port"; then
      nginx_port=$port
      nginx_pids+=("$pid")
      return 0
    fi
    bench_stop "$pid"
  done
  cat "$dir/error.log" >&2
  bench_fail "nginx did not start"
}

# CPU time (user + system) a process has used so far, in clock ticks.
bench_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

bench_median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# One download: bytes per second, seconds, and the CPU seconds curl spent (user + system,
# start-up included, from the shell's `times` for its children: run it in a subshell of its
# own); fails unless every byte arrived ($bytes, from bench_parse_args).
bench_fetch() {
  local out got seconds cpu file
  out=$(curl -sS -o /dev/null -w '%{size_download} %{time_total}' "$1")
  file="${TMPDIR:-/tmp}/bench-times.$BASHPID"
  times >"$file"  # a builtin with a redirection runs in this shell, which waited for curl
  cpu=$(sed -n 2p "$file")
  rm -f "$file"
  got=${out% *}
  seconds=${out#* }
  [ "$got" -eq "$bytes" ] || bench_fail "$1 gave $got of $bytes bytes"
  awk -v b="$bytes" -v s="$seconds" -v cpu="$cpu" 'BEGIN {
    split(cpu, t, " "); c = 0
    for (i = 1; i <= 2; i++) { split(t[i], ms, /[ms]/); c += ms[1] * 60 + ms[2] }
    printf "%.0f %.6f %.3f\n", b / s, s, c }'
}
# A rate in bytes per second as "N MiB/s".
bench_mib() { awk -v r="$1" 'BEGIN { printf "%.0f MiB/s", r / 1048576 }'; }
