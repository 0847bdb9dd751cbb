#!/usr/bin/env bash
# Writes the bash completion of `sisyphus` (subcommands and each one's flags) from the
# built binary's own --help:  make-completion.sh BIN OUT
set -euo pipefail
bin=$1
out=$2
. "$(dirname "$0")/../help_tree.sh"

words() { tr '\n' ' ' | sed 's/ $//'; }

{
  echo "# bash completion for sisyphus: subcommands, then each one's flags; file names for"
  echo "# the rest. Generated from \`sisyphus ... --help\` by share/completion/make-completion.sh."
  echo "declare -gA _sisyphus_subcommands=("
  echo "  [sisyphus]=\"$(help_subcommands "$bin" | words)\""
  for cmd in $(help_subcommands "$bin"); do
    subs=$(help_subcommands "$bin" "$cmd" | words)
    [ -z "$subs" ] || echo "  [\"sisyphus $cmd\"]=\"$subs\""
  done
  echo ")"
  echo "declare -gA _sisyphus_flags=("
  echo "  [sisyphus]=\"$(help_flags "$bin" | words)\""
  while read -r path; do
    # shellcheck disable=SC2086
    echo "  [\"sisyphus $path\"]=\"$(help_flags "$bin" $path | words)\""
  done < <(help_commands "$bin")
  echo ")"
  cat <<'BODY'

_sisyphus() {
  # Keys are command paths: "sisyphus", "sisyphus get", "sisyphus report merge".
  local cur=${COMP_WORDS[COMP_CWORD]} path=sisyphus word i
  # The command so far: each word that names a subcommand of the one before it.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ " ${_sisyphus_subcommands[$path]-} " == *" $word "* ]]; then
      path="$path $word"
    fi
  done
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_sisyphus_flags[$path]-}" -- "$cur")
  elif [[ -n ${_sisyphus_subcommands[$path]-} ]]; then
    mapfile -t COMPREPLY < <(compgen -W "${_sisyphus_subcommands[$path]}" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}
complete -o filenames -F _sisyphus sisyphus
BODY
} > "$out.tmp"
mv "$out.tmp" "$out"
