#!/usr/bin/env bash
# e2e-transports: file
# A malformed policy at the trusted tip: the hook cannot decide, so every push is refused,
# fail closed (exit 2), with a message naming .auths/policy.toml and the line. Planted by the
# admin directly (hooks bypassed), as a bad edit would be.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice

# plant MESSAGE: commits the client's work tree as alice and pushes it with hooks bypassed.
plant() {
  client_git reset -q --hard origin/main
  policy_write
  commit_as alice "$1" >/dev/null
  push_bypassing_hooks main
  client_git fetch -q origin
}

# Line 6: a TOML syntax error (unterminated array).
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"
require = 1
EOF

step "TOML syntax error: refused, exit 2, policy-invalid naming the file and line"
tip=$(server_git rev-parse refs/heads/main)
c=$(commit_as alice "a signed change")
push origin main
expect_push_undecided policy-invalid
expect_line_match '\.auths/policy\.toml:(6|7)\b'
expect_ref refs/heads/main "$tip"
expect_no_object "$c"
expect_hook_run_agrees

step "unknown key (a typo must not silently disable a rule): line 6"
plant "typo in the policy" <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
sigers = ["$(pub alice)"]
EOF
tip=$(server_git rev-parse refs/heads/main)
c=$(commit_as alice "a signed change")
push origin main
expect_push_undecided policy-invalid
expect_line_match '\.auths/policy\.toml:6\b'
expect_line_match 'sigers'
expect_ref refs/heads/main "$tip"
expect_no_object "$c"
expect_hook_run_agrees

step "unknown top-level table: line 8"
plant "unknown table" <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]

[govrnance]
signers = ["$(pub alice)"]
EOF
c=$(commit_as alice "a signed change")
push origin main
expect_push_undecided policy-invalid
expect_line_match '\.auths/policy\.toml:8\b'
expect_hook_run_agrees

step "wrong value type: line 7"
plant "wrong type" <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
allow_force_push = "no"
EOF
c=$(commit_as alice "a signed change")
push origin main
expect_push_undecided policy-invalid
expect_line_match '\.auths/policy\.toml:7\b'
expect_hook_run_agrees

step "a signer that is not a key: line 6"
plant "bad signer" <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["ssh-ed25519 not-base64!! alice"]
EOF
c=$(commit_as alice "a signed change")
push origin main
expect_push_undecided policy-invalid
expect_line_match '\.auths/policy\.toml:6\b'
expect_hook_run_agrees

step "an unsupported policy version: line 1"
plant "version 2" <<EOF
version = 2

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
EOF
c=$(commit_as alice "a signed change")
push origin main
expect_push_undecided policy-invalid
expect_line_match '\.auths/policy\.toml:1\b'

step "fixed by the admin: pushes are decided again"
plant "fixed policy" <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
EOF
c=$(commit_as alice "a signed change")
push origin main
expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
expect_ref refs/heads/main "$c"

test_done
