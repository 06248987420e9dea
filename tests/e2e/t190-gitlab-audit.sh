#!/usr/bin/env bash
# e2e-transports: file ssh
# Forge integration and audit: with GL_ID set (GitLab) the summary is repeated as
# `GL-HOOK-ERR: <summary>`; `git config auths.auditLog FILE` receives one JSON line per ref
# decision (time, repo, ref, old, new, decision, codes, pusher).
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main", "refs/heads/dev"]
signers = ["$(pub alice)"]
EOF
audit=$E2E_TMP/audit.jsonl
audit_lines() { if [ -f "$audit" ]; then wc -l <"$audit"; else echo 0; fi; }
server_git config auths.auditLog "$audit"

gitlab_rejected_summary() {
  m=$(commit_as mallory "by mallory")
  GL_ID=user-1 GL_USERNAME=mallory-gl push origin main
  expect_push_rejected unknown-signer
  expect_line "auths: push rejected: 1 violation in 1 ref"
  expect_line "GL-HOOK-ERR: auths: push rejected: 1 violation in 1 ref"
  if grep -q '^GL_ID=user-1$' "$E2E_TMP/hook.env"; then ok; else fail "setup: GL_ID did not reach the hook"; fi
}
test_case gitlab_rejected_summary "GitLab: a rejected push repeats the summary as GL-HOOK-ERR"

audit_rejected_line() {
  if [ "$(audit_lines)" -eq 1 ]; then ok; else
    fail "expected 1 line in the audit log, got: $(cat "$audit" 2>/dev/null || echo '<no file>')"; fi
  json_check "$audit" "len(lines) == 1 and all(k in lines[0] for k in ('time','repo','ref','old','new','decision','codes','pusher'))"
  json_check "$audit" "lines[0]['ref'] == 'refs/heads/main' and lines[0]['old'] == '$SEED' and lines[0]['new'] == '$m'"
  json_check "$audit" "lines[0]['decision'] == 'refuse' and lines[0]['codes'] == ['unknown-signer']"
  json_check "$audit" "lines[0]['pusher'] == 'mallory-gl'"
  json_check "$audit" "isinstance(lines[0]['time'], str) and lines[0]['time'][:2] == '20'"
}
test_case audit_rejected_line "audit: one line for the rejected ref"

no_gl_id_no_line() {
  client_git reset -q --hard "$SEED"
  commit_unsigned "unsigned" >/dev/null
  push origin main
  expect_push_rejected unsigned
  expect_no_line_match '^GL-HOOK-ERR:'
}
test_case no_gl_id_no_line "without GL_ID there is no GL-HOOK-ERR line"

audit_accepted_two_refs() {
  client_git reset -q --hard "$SEED"
  c=$(commit_as alice "by alice")
  GITEA_PUSHER_NAME=alice-gitea push origin main main:dev
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  if [ "$(audit_lines)" -eq 4 ]; then ok; else fail "expected 4 lines in the audit log (1 + 1 + 2), got $(audit_lines)"; fi
  json_check "$audit" "sorted(l['ref'] for l in lines[2:]) == ['refs/heads/dev', 'refs/heads/main']"
  json_check "$audit" "all(l['decision'] == 'accept' and l['codes'] == [] and l['new'] == '$c' for l in lines[2:])"
  json_check "$audit" "[l['old'] for l in lines[2:] if l['ref'] == 'refs/heads/dev'] == ['0' * 40]"
  json_check "$audit" "all(l['pusher'] == 'alice-gitea' for l in lines[2:])"
  json_check "$audit" "len(set(l['repo'] for l in lines)) == 1 and lines[0]['repo'] != ''"
}
test_case audit_accepted_two_refs "audit: an accepted push of two refs adds two lines; pusher from GITEA_PUSHER_NAME"

gitlab_accepted() {
  c2=$(commit_as alice "by alice, through gitlab")
  GL_ID=user-2 push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$c2"
}
test_case gitlab_accepted "GitLab: an accepted push still exits 0"

test_done
