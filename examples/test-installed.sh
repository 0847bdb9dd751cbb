#!/usr/bin/env bash
# The test that sisyphus works in someone else's project (CTest: install.external_project):
# installs this build into a temporary prefix, configures and builds examples/gtest-fault-server
# against it with find_package(sisyphus), runs its tests, and checks each passed or failed as
# it should: the GoogleTest suite and the reference client's scenarios pass, the careless
# client fails the scenario where the file changes between attempts, and nothing else fails.
#
#   examples/test-installed.sh BUILD_DIR CXX CXX_FLAGS EXE_LINKER_FLAGS BUILD_TYPE
set -euo pipefail
build_dir=$1 cxx=$2 cxx_flags=$3 linker_flags=$4 build_type=$5
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d "${TMPDIR:-/tmp}/sisyphus-installed-XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >"$work/install.log"
# What a user gets: the binary, the catalogue beside it, the CMake package.
for f in bin/sisyphus share/sisyphus/catalogue/drop-close-mid-body.yaml share/man/man1/sisyphus.1 \
  share/bash-completion/completions/sisyphus share/sisyphus/matrices/herd-overload.yaml \
  lib/cmake/sisyphus/sisyphusConfig.cmake include/sisyphus/testing/fault_server.hpp; do
  [ -e "$work/prefix/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
# The internal test support is not part of the package.
if [ -e "$work/prefix/include/sisyphus/testing/server_test.hpp" ]; then
  echo "the internal test support was installed" >&2
  exit 1
fi

cmake -S "$here/gtest-fault-server" -B "$work/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_CXX_FLAGS="$cxx_flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$linker_flags" >"$work/configure.log" ||
  { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/build" -j 2 >"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }

# The installed binary finds the catalogue installed beside it (not this build's sources):
# a scenario only the installed copy has is listed.
sed 's/^name: drop-close-mid-body/name: only-in-the-installed-catalogue/' \
  "$work/prefix/share/sisyphus/catalogue/drop-close-mid-body.yaml" \
  >"$work/prefix/share/sisyphus/catalogue/only-installed.yaml"
listed=$(env -u SISYPHUS_CATALOGUE "$work/prefix/bin/sisyphus" list scenarios)
grep -q '^only-in-the-installed-catalogue ' <<<"$listed" ||
  { echo "the installed sisyphus does not list its installed catalogue" >&2; exit 1; }

ctest --test-dir "$work/build" -j 2 --timeout 120 >"$work/ctest.log" 2>&1 || true
cat "$work/ctest.log"
passed=$(sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) .*Passed.*/\1/p' "$work/ctest.log" | sort)
failed=$(sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) .*\*\*\*Failed.*/\1/p' "$work/ctest.log" | sort)
expected_passed=$(printf '%s\n' FaultServerExample.ABadScenarioSaysWhereAndWhat \
  FaultServerExample.GivesUpCleanlyOnA404 FaultServerExample.ResumesACutDownloadWithIfRange \
  naive.drop-at-half reference.changed-between-attempts reference.drop-at-half | sort)
if [ "$passed" != "$expected_passed" ] || [ "$failed" != "naive.changed-between-attempts" ]; then
  echo "expected to pass:" $expected_passed >&2
  echo "passed:" $passed >&2
  echo "expected to fail: naive.changed-between-attempts; failed:" $failed >&2
  exit 1
fi
echo "test-installed: every test passed or failed as it should"
