#!/usr/bin/env bash
# Builds the test tree once and runs every test through ctest: unit (Boost.Test) and e2e (real
# git pushes over file:// and, for the cases where the transport matters, over ssh to a
# private sshd), all against one sanitizer build (the unit tests' own code uninstrumented:
# tests/CMakeLists.txt); then reports the style checks.
#
#   scripts/test.sh [ctest arguments...]     e.g.  scripts/test.sh -L unit    scripts/test.sh -R t100
#
# build-test/ (AUTHS_TEST_BUILD_DIR): build type Sanitize (-O0 -g1, assertions on),
# AUTHS_SANITIZE=ON (ASan + UBSan), AUTHS_WERROR=ON. Every test runs against it, with the
# ASAN_OPTIONS/UBSAN_OPTIONS of tests/CMakeLists.txt. install.sh keeps its own Release build/.
#
# Style: scripts/format.sh --check (clang-format) and shellcheck on every shell script. They need
# no build, so they run in the background while the tests run (about 25 s of CPU, one
# clang-format and one shellcheck process per script) or, when the build fails, right after it;
# a finding fails this script only at the end, after the tests, with one line per file, so one
# run shows everything.
#
# Environment: AUTHS_BUILD_JOBS (default: the number of cores), AUTHS_TEST_JOBS (ctest -j,
# default: the number of cores: the e2e scripts are bound by the CPU, and more jobs than cores
# cost more CPU per process; measured on 2 cores, the e2e suite: -j2 216 s, -j3 241 s, -j4 247 s).
# Exits non-zero if a package, the build, a test or a style check fails.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/deps.sh
. "$root/scripts/deps.sh"

cores=$(nproc 2>/dev/null || echo 2)
build_jobs=${AUTHS_BUILD_JOBS:-$cores}
test_jobs=${AUTHS_TEST_JOBS:-$cores}
build=${AUTHS_TEST_BUILD_DIR:-build-test}

# ---------------------------------------------------------------------------------------------
# Phase times: "name seconds" lines, printed at the end.
phases=()
usec() { local t=${EPOCHREALTIME/./}; printf '%s\n' "$((10#$t))"; }
# secs USEC: "12.3"
secs() { printf '%d.%d' "$(($1 / 1000000))" "$(($1 / 100000 % 10))"; }
t_start=$(usec)
t_phase=$t_start
# phase_done NAME [NOTE]: the time since the previous phase ended is NAME's.
phase_done() {
  local now
  now=$(usec)
  phases+=("$(printf '%-10s %7ss%s' "$1" "$(secs $((now - t_phase)))" "${2:+  ($2)}")")
  t_phase=$now
}

print_times() {
  local line now
  now=$(usec)
  auths_log "times (on $cores cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'))"
  for line in "${phases[@]}"; do printf '    %s\n' "$line" >&2; done
  printf '    %-10s %7ss\n' total "$(secs $((now - t_start)))" >&2
}

# ---------------------------------------------------------------------------------------------
# Style checks, written to $style_dir: one "FILE: problem" line per file in findings.txt,
# the details in details.txt.
style_dir=$(mktemp -d "${TMPDIR:-/tmp}/auths-style.XXXXXX")
trap 'rm -rf "$style_dir"' EXIT
style_pid=""

shell_scripts() {
  local f
  git ls-files -z 2>/dev/null | while IFS= read -r -d '' f; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sh) printf '%s\n' "$f" ;;
      *) if head -n1 "$f" 2>/dev/null | grep -qE '^#!.*[/ ](ba)?sh( |$)'; then printf '%s\n' "$f"; fi ;;
    esac
  done
}

style_checks() {
  local start status=0 f n first
  start=$(usec)
  : >"$style_dir/findings.txt"
  if ! bash scripts/format.sh --check 2>"$style_dir/format.txt"; then
    status=1
    sed 's/^/clang-format: /' "$style_dir/format.txt" >>"$style_dir/findings.txt"
  fi
  if ! command -v shellcheck >/dev/null 2>&1; then
    echo "shellcheck: not installed (Debian package shellcheck)" >>"$style_dir/findings.txt"
    status=1
  else
    mkdir -p "$style_dir/sc"
    shell_scripts >"$style_dir/scripts.txt"
    # One file per process, one process per core; each writes its own report.
    # shellcheck disable=SC2016  # the sh -c script expands its own arguments
    xargs -P "$cores" -I{} sh -c 'shellcheck -f gcc "$1" >"$2/$(printf %s "$1" | tr / _).txt" 2>&1' \
      _ {} "$style_dir/sc" <"$style_dir/scripts.txt" || true
    while IFS= read -r f; do
      n=$(wc -l <"$style_dir/sc/$(printf %s "$f" | tr / _).txt")
      [ "$n" -gt 0 ] || continue
      status=1
      first=$(head -n1 "$style_dir/sc/$(printf %s "$f" | tr / _).txt")
      echo "shellcheck: $f: $n finding(s), first: ${first#"$f":}" >>"$style_dir/findings.txt"
      cat "$style_dir/sc/$(printf %s "$f" | tr / _).txt" >>"$style_dir/details.txt"
    done <"$style_dir/scripts.txt"
  fi
  secs $(($(usec) - start)) >"$style_dir/seconds"
  return "$status"
}

style_start() { style_checks >"$style_dir/log" 2>&1 & style_pid=$!; }

# style_report: waits for the checks; prints their verdict; returns 1 on a finding.
style_report() {
  local status=0
  if [ -z "$style_pid" ]; then style_start; fi
  wait "$style_pid" || status=$?
  local secs
  secs=$(cat "$style_dir/seconds" 2>/dev/null || echo '?')
  if [ "$status" -eq 0 ]; then
    auths_log "style: clang-format and shellcheck ($(wc -l <"$style_dir/scripts.txt") shell scripts) found nothing (${secs}s)"
    return 0
  fi
  [ ! -s "$style_dir/details.txt" ] || cat "$style_dir/details.txt" >&2
  [ ! -s "$style_dir/log" ] || cat "$style_dir/log" >&2
  while IFS= read -r line; do printf 'style: FAILED: %s\n' "$line" >&2; done <"$style_dir/findings.txt"
  auths_log "style: FAILED (${secs}s): fix the files above (scripts/format.sh rewrites C++ files)"
  return 1
}

# ---------------------------------------------------------------------------------------------
auths_log "checking Debian packages (build, test and style)"
# shellcheck disable=SC2086  # word splitting of the package lists is intended
auths_ensure_packages $AUTHS_BUILD_PACKAGES $AUTHS_TEST_PACKAGES $AUTHS_STYLE_PACKAGES
phase_done packages

auths_log "configuring $build/ (Sanitize: -O0 -g1, ASan + UBSan, warnings are errors)"
generator=()
[ -f "$build/CMakeCache.txt" ] || generator=(-G Ninja)
cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Sanitize -DAUTHS_SANITIZE=ON \
  -DAUTHS_WERROR=ON -DAUTHS_BUILD_TESTS=ON
phase_done configure

auths_log "building $build/ (-j $build_jobs)"
status=0
cmake --build "$build" -j "$build_jobs" || status=$?
phase_done build
if [ "$status" -ne 0 ]; then
  auths_log "the build failed (exit $status); the style checks, then stop"
  style_report || true
  print_times
  exit "$status"
fi

style_start
auths_log "running the tests: ctest -j $test_jobs in $build/ (unit and e2e together, the longest first)"
ctest --test-dir "$build" --output-on-failure -j "$test_jobs" "$@" 2>&1 | tee "$build/ctest.log" || status=$?
if [ "$status" -eq 0 ] && grep -q 'No tests were found' "$build/ctest.log"; then
  echo "error: ctest found no tests" >&2
  status=1
fi
unit_secs=$(sed -nE 's/.*Test +#[0-9]+: unit [ .]+(Passed|\*\*\*Failed|Failed).* ([0-9.]+) sec$/\2/p' "$build/ctest.log" | head -n1)
e2e_count=$(grep -cE 'Test +#[0-9]+: e2e/' "$build/ctest.log" || true)
phase_done tests "ctest -j $test_jobs: unit ${unit_secs:-not run}s alongside $e2e_count e2e runs"

echo
auths_log "summary"
grep -E '^[0-9]+% tests passed|^Total Test time|^The following tests FAILED|^[[:space:]]+[0-9]+ - ' "$build/ctest.log" || true
style_status=0
style_report || style_status=$?
print_times
if [ "$status" -eq 0 ] && [ "$style_status" -ne 0 ]; then
  status=1
fi
auths_log "scripts/test.sh finished with status $status"
exit "$status"
