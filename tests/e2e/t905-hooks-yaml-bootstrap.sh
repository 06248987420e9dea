#!/usr/bin/env bash
# e2e-transports: file
# hooks.yaml `bootstrap:` and its precedence with the repository's git config: a default policy
# file is the policy in force while a repository has none (and one that does not load fails
# closed); git config auths.bootstrap overrides `defaults:`, a matching `repositories:` entry
# overrides git config. The project name source (`project:`) and `messages:` ride along.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
CFG=$E2E_TMP/hooks.yaml
export AUTHS_HOOKS_CONFIG=$CFG
mkdir -p "$E2E_TMP/server-policy"
DEFAULT=$E2E_TMP/server-policy/policy.toml
# The server's default policy names its signers in a file beside it (read from its directory).
pub alice | sed 's/^/alice@example.org /' >"$E2E_TMP/server-policy/allowed_signers"
cat >"$DEFAULT" <<EOF
version = 1

[[policy.commit]]
name = "main (server default)"
refs = ["refs/heads/main"]
allowed_signers = ".auths/allowed_signers"

[governance]
signers = ["$(pub alice)"]
EOF

# config DEFAULTS-BOOTSTRAP [ENTRY-BOOTSTRAP]: hooks.yaml with that bootstrap in defaults, and
# in an entry matching this server when given.
config() {
  {
    printf 'version: 1\ndefaults:\n  bootstrap: %s\n  cache_dir: %s\n' "$1" "$E2E_TMP/cache"
    if [ $# -ge 2 ]; then printf 'repositories:\n  - match: "%s"\n    bootstrap: %s\n' "$SERVER" "$2"; fi
  } >"$CFG"
}

default_policy_in_force() {
  server_init
  hook_install
  client_init alice
  config "$DEFAULT"
  a=$(commit_as alice "alice, no policy in the repository")
  push origin main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
  expect_ref refs/heads/main "$a"
  # cache_dir: the verified registry's own file is there, named by the repository (README).
  if compgen -G "$E2E_TMP/cache/registry-????????????????.sqlite" >/dev/null; then ok; else
    fail "expected the registry cache file in $E2E_TMP/cache" "$(ls -la "$E2E_TMP/cache" 2>&1)"
  fi
  # The dry run (a copy of the server as the hook saw it; the same configuration: defaults) agrees.
  replay_repo "$E2E_TMP/replay.git"
  RUN_STDIN=$E2E_TMP/hook.stdin run explain "$AUTHS" hook run --repo "$E2E_TMP/replay.git" --explain
  expect_rc 0
  expect_text "$RUN_OUT" "(rule 'main (server default)'), policy server default policy $DEFAULT -> allowed"
  m=$(commit_as mallory "mallory, no policy in the repository")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$m" unknown-signer "main (server default)"
  expect_ref refs/heads/main "$a"
}
test_case default_policy_in_force "bootstrap: <file>: the server's default policy judges a repository without one"

git_config_overrides_defaults() {
  server_git config auths.bootstrap allow
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$m"
  run show "$AUTHS" config show --repo "$SERVER"
  expect_text "$RUN_OUT" "bootstrap:        allow"
  expect_text "$RUN_OUT" "(git config auths.bootstrap)"
}
test_case git_config_overrides_defaults "git config auths.bootstrap allow overrides defaults: (accepted on trust)"

entry_overrides_git_config() {
  reset_server_ref refs/heads/main "$a"
  config deny "$DEFAULT"
  # A new commit: $m was accepted on trust and is the server's history now (the baseline).
  client_git reset -q --hard "$a"
  m3=$(commit_as mallory "mallory again")
  push origin main
  expect_push_rejected unknown-signer
  expect_violation refs/heads/main "$m3" unknown-signer "main (server default)"
  run show "$AUTHS" config show --repo "$SERVER" --json
  json_check "$RUN_OUT" "doc['settings']['bootstrap']['value'] == '$DEFAULT' and doc['settings']['bootstrap']['source'].endswith(\"repositories[0] (match '$SERVER')\")"
  server_git config --unset auths.bootstrap
}
test_case entry_overrides_git_config "a repositories: entry overrides git config auths.bootstrap"

broken_default_policy_fails_closed() {
  config "$E2E_TMP/server-policy/missing.toml"
  push origin main
  expect_push_undecided internal-error
  expect_line_match "could not decide \\(fail closed\\): hooks.yaml bootstrap \\($CFG:3 defaults\\): the default policy does not load: .*missing.toml"
  printf 'version = 1\n[[policy.commit]]\nname = 3\n' >"$E2E_TMP/server-policy/bad.toml"
  config "$E2E_TMP/server-policy/bad.toml"
  push origin main
  expect_push_undecided internal-error
  expect_ref refs/heads/main "$a"
}
test_case broken_default_policy_fails_closed "a default policy that does not load: every push fails closed, naming it"

repository_policy_takes_over() {
  config "$DEFAULT"
  # Adding the repository's own policy to the existing default branch is a policy change: the
  # default policy's [governance] (alice) signs it; from then on the repository's policy rules.
  client_git reset -q --hard "$a"
  printf 'version = 1\n\n[[policy.commit]]\nname = "own"\nrefs = ["refs/heads/main"]\nsigners = ["%s", "%s"]\n\n[governance]\nsigners = ["%s"]\n' \
    "$(pub alice)" "$(pub mallory)" "$(pub alice)" | policy_write
  p=$(commit_as alice "the repository's own policy")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$p"
  m2=$(commit_as mallory "mallory under the repository's policy")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$m2"
}
test_case repository_policy_takes_over "the repository's own policy (signed under the default's [governance]) then takes over"

messages_and_project() {
  printf 'version: 1\ndefaults:\n  bootstrap: %s\n  messages: gitlab\n' "$DEFAULT" >"$CFG"
  server_init
  hook_install
  client_init mallory
  commit_as mallory "mallory, refused" >/dev/null
  push origin main
  expect_push_rejected unknown-signer
  expect_line_match '^GL-HOOK-ERR: auths: push rejected: 1 violation in 1 ref$'
  printf 'version: 1\ndefaults:\n  bootstrap: %s\n  messages: plain\n' "$DEFAULT" >"$CFG"
  GL_ID=user-1 push origin main
  expect_push_rejected unknown-signer
  expect_no_line_match '^GL-HOOK-ERR:'
}
test_case messages_and_project "messages: gitlab adds GL-HOOK-ERR: without GL_ID; plain leaves it out with GL_ID"

test_done
