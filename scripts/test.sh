#!/usr/bin/env bash
# Builds everything and runs every test through ctest: unit (Boost.Test), e2e (real git pushes
# over file:// and over ssh to a private sshd), and sanitize (the unit tests and a smoke subset
# of the e2e tests against a -fsanitize=address,undefined build).
#
#   scripts/test.sh [ctest arguments...]     e.g.  scripts/test.sh -L unit
#
# Build directories: build/ (Release, the one install.sh uses; without -g it compiles about a
# quarter faster) and build-asan/ (Debug, AUTHS_SANITIZE=ON, the sanitizers' stack traces).
# Exits non-zero if a package, a build or a test fails.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/deps.sh
. "$root/scripts/deps.sh"

start=$(date +%s)
jobs=$(nproc 2>/dev/null || echo 2)

auths_log "checking Debian packages (build and test)"
# shellcheck disable=SC2086
auths_ensure_packages $AUTHS_BUILD_PACKAGES $AUTHS_TEST_PACKAGES

# configure DIR ARGS...: keeps an existing build directory's generator.
configure() {
  local dir=$1; shift
  local generator=()
  [ -f "$dir/CMakeCache.txt" ] || generator=(-G Ninja)
  cmake -S . -B "$dir" "${generator[@]}" "$@"
}

auths_log "building build-asan/ (Debug, AUTHS_SANITIZE=ON)"
configure build-asan -DCMAKE_BUILD_TYPE=Debug -DAUTHS_SANITIZE=ON -DAUTHS_BUILD_TESTS=ON
cmake --build build-asan -j "$jobs"

auths_log "building build/ (Release)"
configure build -DCMAKE_BUILD_TYPE=Release -DAUTHS_BUILD_TESTS=ON \
  -DAUTHS_SANITIZER_BUILD_DIR="$root/build-asan"
cmake --build build -j "$jobs"

auths_log "running the tests (ctest in build/)"
status=0
ctest --test-dir build --output-on-failure -j "$jobs" "$@" 2>&1 | tee build/ctest.log || status=$?
if [ "$status" -eq 0 ] && grep -q 'No tests were found' build/ctest.log; then
  echo "error: ctest found no tests" >&2
  status=1
fi

echo
auths_log "summary"
grep -E '^[0-9]+% tests passed|^Total Test time|^The following tests FAILED|^[[:space:]]+[0-9]+ - ' build/ctest.log || true
auths_log "scripts/test.sh finished in $(( $(date +%s) - start ))s with status $status"
exit "$status"
