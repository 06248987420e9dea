#!/usr/bin/env bash
# The policies this repository ships in policies/<name>/: each lints clean and passes its own
# test suite (tests.json or tests.yaml) with `auths policy test`; a failing case fails here.
. "$(dirname "$0")/lib.sh"
test_init

SRC_POLICIES=$(cd "$(dirname "$0")/../../policies" && pwd -P)

suites() {
  local dir name suite count=0
  for dir in "$SRC_POLICIES"/*/; do
    dir=${dir%/}
    name=$(basename "$dir")
    [ -f "$dir/policy.toml" ] || continue
    suite=$dir/tests.json
    [ -f "$suite" ] || suite=$dir/tests.yaml
    if [ ! -f "$suite" ]; then
      fail "$name: policies/$name has a policy.toml but no tests.json or tests.yaml"
      continue
    fi
    count=$((count + 1))
    run "lint-$name" "$AUTHS" policy lint "$dir/policy.toml"
    expect_rc 0
    expect_text "$RUN_OUT" "$dir/policy.toml: ok (0 errors, 0 warnings)"
    run "test-$name" "$AUTHS" policy test "$dir/policy.toml" --tests "$suite"
    expect_rc 0
    expect_text "$RUN_OUT" " passed, 0 failed"
    expect_no_text "$RUN_OUT" "FAIL "
  done
  if [ "$count" -ge 5 ]; then ok; else fail "expected at least five policies with suites in policies/, found $count"; fi
}
test_case suites "every policy in policies/<name>/ lints clean and passes its suite"

test_done
