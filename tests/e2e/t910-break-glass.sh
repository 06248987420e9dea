#!/usr/bin/env bash
# e2e-transports: file
# Break glass: `auths hook override` on the server lets exactly one named push through that the
# policy refuses; it is recorded (who, when, why) and logged; the same push again is refused;
# an expired or mismatched override does nothing; and a pusher cannot set one (push options,
# `git -c`, GIT_CONFIG_PARAMETERS, the environment).
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_main_repo alice
AUDIT=$E2E_TMP/audit.jsonl
server_git config auths.auditLog "$AUDIT"
server_git config receive.advertisePushOptions true
audit_lines() { if [ -f "$AUDIT" ]; then wc -l <"$AUDIT"; else echo 0; fi; }
bad=$(commit_as mallory "mallory's hotfix")

pusher_cannot_set_it() {
  push -o auths-override=yes -o "auths-override=refs/heads/main $bad" origin main
  expect_push_rejected unknown-signer
  if client_git -c auths.override=true -c "auths.override.refs/heads/main=$bad" push origin main \
    >"$E2E_TMP/push.out" 2>&1; then
    fail "git -c auths.override: the push went through"
  else ok; fi
  expect_ref refs/heads/main "$SEED"
  GIT_CONFIG_PARAMETERS="'auths.override'='true'" AUTHS_OVERRIDE=1 AUTHS_BREAK_GLASS=1 push origin main
  expect_push_rejected unknown-signer
  expect_ref refs/heads/main "$SEED"
  if [ -d "$SERVER/auths-overrides" ] && [ -n "$(ls -A "$SERVER/auths-overrides")" ]; then
    fail "a push left something in auths-overrides/"
  else ok; fi
}
test_case pusher_cannot_set_it "push options, git -c, GIT_CONFIG_PARAMETERS and environment variables set no override"

admin_sets_one() {
  run set "$AUTHS" hook override --repo "$SERVER" --ref refs/heads/main --new "$bad" \
    --reason "INC-1: hotfix while alice is away" --json
  expect_rc 0
  json_check "$RUN_OUT" "doc['ref'] == 'refs/heads/main' and doc['new'] == '$bad' and doc['created_by'] == '$(id -un)' and doc['expires_at'] - doc['created_at'] == 3600"
  override_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$RUN_OUT")
  expect_equal "$(stat -c %a "$SERVER/auths-overrides/$override_id.json")" 600 "the override file's mode"
  run list "$AUTHS" hook override --repo "$SERVER" --list
  expect_rc 0
  expect_text "$RUN_OUT" "$override_id refs/heads/main -> ${bad:0:7} by $(id -un) at "
  # A dry run (against the server as the refused push found it, with the pushed objects and the
  # override) shows what it would do and leaves the override.
  replay_repo "$E2E_TMP/replay.git"
  cp -a "$SERVER/auths-overrides" "$E2E_TMP/replay.git/"
  RUN_STDIN=$E2E_TMP/hook.stdin run dry "$AUTHS" hook run --repo "$E2E_TMP/replay.git" --json
  expect_rc 0
  json_check "$RUN_OUT" "doc['decision'] == 'accept' and doc['overruled'] == 'reject' and 'INC-1' in doc['override']"
  expect_equal "$(ls "$E2E_TMP/replay.git/auths-overrides")" "$override_id.json" "overrides after the dry run"
  expect_equal "$(ls "$SERVER/auths-overrides")" "$override_id.json" "the server's overrides"
}
test_case admin_sets_one "auths hook override: a 0600 file with who and when; hook run shows it without using it"

mismatch_does_nothing() {
  commit_as mallory "another mallory commit" >/dev/null
  push origin main
  expect_push_rejected unknown-signer
  expect_equal "$(ls "$SERVER/auths-overrides")" "$override_id.json" "overrides after a push of another commit"
  client_git reset -q --hard "$bad"
}
test_case mismatch_does_nothing "a push to another object leaves the override waiting and is refused"

exactly_one_push() {
  push origin main
  expect_equal "$PUSH_STATUS" 0 "git push status with the override"
  expect_line_match "^auths: override: refused by the policy, let through: refs/heads/main ${bad:0:7}: unknown-signer \\(rule 'main'\\): "
  expect_line_match "^auths: push accepted by a break-glass override \\(override $override_id by $(id -un) at [0-9T:Z-]+: INC-1: hotfix while alice is away\\); without it: 1 violation in 1 ref$"
  expect_no_line_match '^error: '
  expect_ref refs/heads/main "$bad"
  expect_equal "$(ls -A "$SERVER/auths-overrides")" "" "overrides after the push (claimed and removed)"
  json_check "$AUDIT" "lines[-1]['new'] == '$bad' and lines[-1]['codes'] == ['unknown-signer'] and lines[-1]['decision'] == 'override' and lines[-1]['overruled'] == 'refuse' and 'INC-1' in lines[-1]['override']"
  # The same push again (the admin moved the branch back): refused.
  git -C "$SERVER" update-ref refs/heads/main "$SEED"
  push origin main
  expect_push_rejected unknown-signer
  expect_ref refs/heads/main "$SEED"
}
test_case exactly_one_push "the override lets exactly one push through, is logged, and the same push again is refused"

expired_ignored() {
  run set2 "$AUTHS" hook override --repo "$SERVER" --ref refs/heads/main --new "$bad" --reason "too late" --expires 1m --json
  expect_rc 0
  local id
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$RUN_OUT")
  # As if an hour had passed: the file's expiry in the past.
  python3 - "$SERVER/auths-overrides/$id.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1])); doc["expires_at"] = doc["created_at"] - 1
open(sys.argv[1], "w").write(json.dumps(doc))
EOF
  push origin main
  expect_push_rejected unknown-signer
  run list2 "$AUTHS" hook override --repo "$SERVER" --list
  expect_text "$RUN_OUT" "$id refs/heads/main -> ${bad:0:7} by $(id -un) at "
  expect_text "$RUN_OUT" ", expired "
  run cancel "$AUTHS" hook override --repo "$SERVER" --cancel "$id"
  expect_rc 0
  run cancel_again "$AUTHS" hook override --repo "$SERVER" --cancel "$id"
  expect_rc 1
  expect_text "$RUN_ERR" "no override $id"
  run missing_reason "$AUTHS" hook override --repo "$SERVER" --ref refs/heads/main --new "$bad"
  expect_rc 64
}
test_case expired_ignored "an expired override is ignored; --list shows it, --cancel removes it"

test_done
