#!/usr/bin/env bash
# The bash completion as a user gets it: sourced into bash, asked what `sisyphus ru<TAB>`,
# `sisyphus get --<TAB>` and `sisyphus report <TAB>` complete to.  completion_test.sh FILE
set -uo pipefail
. "$1"
failures=0

# The words a TAB after `LINE` offers (LINE's last word is the one being completed; a line
# ending in a space completes an empty word).
complete_line() {
  read -ra COMP_WORDS <<<"$1"
  [[ $1 == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _sisyphus
  printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect() {  # LINE EXPECTED
  local got
  got=$(complete_line "$1")
  if [[ $got != "$2" ]]; then
    echo "FAIL: '$1' completes to '$got', expected '$2'"
    failures=$((failures + 1))
  else
    echo "ok: '$1' -> '$got'"
  fi
}

[[ $(complete -p sisyphus) == "complete -o filenames -F _sisyphus sisyphus" ]] ||
  { echo "FAIL: not registered: $(complete -p sisyphus 2>&1)"; failures=$((failures + 1)); }
expect "sisyphus ru" "run"
expect "sisyphus " "admin compare get list proxy report run schema serve"
expect "sisyphus report " "merge"
expect "sisyphus report merge --" "--help --out"
expect "sisyphus list s" "scenarios"
expect "sisyphus get --ma" "--max-attempts"
expect "sisyphus get --n" "--naive --no-fsync --no-progress"
expect "sisyphus run --cl" "--client"
expect "sisyphus run --filter 'drop*' --sh" "--shard"
got=$(complete_line "sisyphus get --")
for flag in --output --sha256 --max-attempts --backoff --resume --json --progress --no-progress; do
  [[ " $got " == *" $flag "* ]] || { echo "FAIL: get -- lacks $flag: $got"; failures=$((failures + 1)); }
done
# After the subcommand, file names (run's scenario files).
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/drop.yaml" "$dir/dropped.yaml"
expect "sisyphus run $dir/dro" "$dir/drop.yaml $dir/dropped.yaml"
exit $((failures > 0))
