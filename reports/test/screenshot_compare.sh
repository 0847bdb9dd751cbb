#!/bin/sh
# Renders the sample compare.html (3 strategies × 200 trials) in headless chromium, so that
# a person can look at the charts: overlapping labels, unreadable ticks, wrong colours.
# Not run by ctest (chromium is not a dependency of the project).
#   reports/test/screenshot_compare.sh [BUILD_DIR] [OUT_PNG]
# BUILD_DIR defaults to build/release (target compare_sample_report), OUT_PNG to
# /tmp/sisyphus-compare.png. The HTML is kept next to it (OUT_PNG without .png, a directory).
set -eu
build=${1:-build/release}
png=${2:-/tmp/sisyphus-compare.png}
dir=${png%.png}
cmake --build "$build" --target compare_sample_report -- -j2 >/dev/null
"$build/reports/test/compare_sample_report" "$dir"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "no chromium on PATH (apt-get install chromium)" >&2; exit 1; }
# --no-sandbox: chromium refuses to run as root with its sandbox.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1200,2600 --screenshot="$png" "file://$(realpath "$dir")/compare.html" 2>/dev/null
echo "$png (page: $dir/compare.html)"
