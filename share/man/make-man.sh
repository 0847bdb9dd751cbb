#!/usr/bin/env bash
# Writes sisyphus.1 with help2man from the built binary's own --help: the top-level help,
# then a COMMANDS section with every subcommand's --help (report merge and list's
# subcommands included), then where to read more.  make-man.sh BIN OUT
set -euo pipefail
bin=$(realpath "$1")
out=$2
here=$(dirname "$0")
. "$here/../help_tree.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# help2man runs `sisyphus --help`; found on PATH, the usage lines say "sisyphus", not the
# build directory's path.
ln -s "$bin" "$work/sisyphus"
export PATH="$work:$PATH"

roff() {  # plain text -> roff, backslashes and leading dots/quotes made literal
  sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/'
}

{
  echo "[COMMANDS]"
  while read -r path; do
    # shellcheck disable=SC2086
    echo ".SS \"sisyphus $path\""
    echo ".nf"
    sisyphus $path --help | roff
    echo ".fi"
  done < <(help_commands sisyphus)
  cat <<'MORE'
[EXIT STATUS]
0: every expectation held (get: the file is saved and verified). 1: some failed (get: it
gave up). 2: usage or input error, or a client that could not start. 3 (get): the
download was not what --sha256 or Repr-Digest said.
[ENVIRONMENT]
.TP
.B NO_COLOR
no colour on a terminal.
.TP
.B SISYPHUS_CATALOGUE
the scenario directory `sisyphus run` uses without FILE.
[SEE ALSO]
The guides and references in the source tree's docs/: scenarios.md, faults.md, runner.md,
client.md, compare.md, reports.md, server.md, proxy.md.
MORE
} > "$work/commands.h2m"

help2man --no-info --section 1 \
  --name "fault-injection HTTP server/proxy and test harness for resumable downloads" \
  --include "$work/commands.h2m" --output "$out.tmp" sisyphus
mv "$out.tmp" "$out"
