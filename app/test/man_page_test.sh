#!/usr/bin/env bash
# The generated man page renders without a warning and holds every subcommand's help.
#   man_page_test.sh sisyphus.1
set -uo pipefail
page=$(MANWIDTH=100 man --warnings -l "$1" 2>"$1.warnings")
failures=0
if [[ -s "$1.warnings" ]]; then
  echo "FAIL: man warns:"; cat "$1.warnings"; failures=1
fi
rm -f "$1.warnings"
for want in "SISYPHUS(1)" "COMMANDS" "sisyphus run" "sisyphus get" "sisyphus report merge" \
  "sisyphus list clients" "--max-attempts" "--client" "EXIT STATUS" "NO_COLOR"; do
  grep -qF -- "$want" <<<"$page" || { echo "FAIL: no '$want' in the page"; failures=1; }
done
exit $failures
