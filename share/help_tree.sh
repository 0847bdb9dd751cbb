#!/usr/bin/env bash
# The command tree of a built `sisyphus`, read from its own --help (CLI11's layout), so
# that the man page and the bash completion cannot drift from the flags the binary takes.
# Sourced by make-man.sh and make-completion.sh:
#   help_subcommands BIN [CMD...]  the subcommands of `sisyphus CMD...`, one a line
#   help_flags BIN [CMD...]        its flags (-o and --output both), one a line
#   help_commands BIN              every command path ("get", "report merge"), one a line

help_section() {  # BIN SECTION [CMD...]: the first words of the lines under "SECTION:"
  local bin=$1 section=$2
  shift 2
  "$bin" "$@" --help | awk -v want="$section:" '
    /^[A-Z][a-z]*:$/ { on = ($0 == want); next }
    /^$/ { next }
    on && /^  [^ ]/ { print $1 }'
}

help_subcommands() {
  local bin=$1
  shift
  help_section "$bin" Subcommands "$@"
}

help_flags() {
  local bin=$1
  shift
  help_section "$bin" Options "$@" | tr ',' '\n' | grep '^-'
}

help_commands() {
  local bin=$1 cmd sub
  for cmd in $(help_subcommands "$bin"); do
    echo "$cmd"
    for sub in $(help_subcommands "$bin" "$cmd"); do echo "$cmd $sub"; done
  done
}
