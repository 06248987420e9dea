#!/usr/bin/env bash
# auths policy diff, offline: two files that say the same (exit 0, no changes), a stricter
# change only (exit 0), a looser one with its risk (exit 1), the JSON form, an allowed_signers
# file read from each policy's own directory, files that cannot be read or do not load (exit 2),
# and --repo: .auths/policy.toml and the allowed_signers it names read from two commits' trees.
. "$(dirname "$0")/lib.sh"
test_init
make_key alice
make_key bob

POLICIES=$E2E_TMP/policies
mkdir -p "$POLICIES"

# policy_text MAIN_SIGNERS RELEASE_REQUIRE [EXTRA]: [governance] (alice), a commit rule 'main'
# signed by MAIN_SIGNERS, a release rule 'releases' (alice, bob) with RELEASE_REQUIRE, then EXTRA.
policy_text() {
  cat <<POLICY
version = 1
[governance]
signers = ["$(pub alice)"]

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = [$1]

[[policy.release]]
name = "releases"
refs = ["refs/tags/v*"]
signers = ["$(pub alice)", "$(pub bob)"]
require = $2
${3:-}
POLICY
}

both="\"$(pub alice)\", \"$(pub bob)\""

policy_diff() { run "$1" "$AUTHS" policy diff "${@:2}"; }

same_policy() {
  policy_text "$both" 2 >"$POLICIES/old.toml"
  # The same keys with other comments, in another order, with a TOML comment.
  policy_text "\"$(pub bob | cut -d' ' -f1,2) bob-laptop\", \"$(pub alice | cut -d' ' -f1,2)\"" 2 \
    '# reviewed' >"$POLICIES/same.toml"
  policy_diff same "$POLICIES/old.toml" "$POLICIES/same.toml"
  expect_rc 0
  expect_text "$RUN_OUT" "$POLICIES/old.toml -> $POLICIES/same.toml: no changes"
}
test_case same_policy "the same policy in other words: no changes, exit 0"

stricter_only() {
  policy_text "$both" 2 >"$POLICIES/old.toml"
  policy_text "\"$(pub alice)\"" 2 >"$POLICIES/stricter.toml"
  policy_diff stricter "$POLICIES/old.toml" "$POLICIES/stricter.toml"
  expect_rc 0
  expect_text "$RUN_OUT" "LOW    commit 'main': removes signer bob ($(fpr bob)) (stricter)"
  expect_text "$RUN_OUT" "1 change, 0 looser, highest risk LOW"
}
test_case stricter_only "only a stricter change: exit 0"

looser_change() {
  policy_text "$both" 2 >"$POLICIES/old.toml"
  policy_text "$both" 1 '[[policy.commit]]
name = "feature"
refs = ["refs/heads/feature/*"]
signers = ["'"$(pub bob)"'"]' >"$POLICIES/looser.toml"
  policy_diff looser "$POLICIES/old.toml" "$POLICIES/looser.toml"
  expect_rc 1
  expect_text "$RUN_OUT" "HIGH   release 'releases': require 2 -> 1 (looser)"
  expect_text "$RUN_OUT" "LOW    adds commit 'feature' (refs refs/heads/feature/*) (neutral)"
  expect_text "$RUN_OUT" \
    "MEDIUM refs/heads/feature/*: governed by default deny -> commit 'feature' (looser)"
  expect_text "$RUN_OUT" "3 changes, 2 looser, highest risk HIGH"
  # Back again: every change is the reverse, nothing is looser.
  policy_diff looser-reverse "$POLICIES/looser.toml" "$POLICIES/old.toml"
  expect_rc 0
  expect_text "$RUN_OUT" "LOW    release 'releases': require 1 -> 2 (stricter)"
  expect_text "$RUN_OUT" "LOW    refs/heads/feature/*: governed by commit 'feature' -> default deny (stricter)"
}
test_case looser_change "a lower release require and a new rule: HIGH, exit 1; the reverse exits 0"

json_output() {
  policy_text "$both" 2 >"$POLICIES/old.toml"
  policy_text "$both" 1 'allow_delete = true' >"$POLICIES/json.toml"
  policy_diff json "$POLICIES/old.toml" "$POLICIES/json.toml" --json
  expect_rc 1
  run json-parse python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["old"] == sys.argv[2] and doc["new"] == sys.argv[3], doc
assert doc["risk"] == "high" and doc["looser"] is True, doc
fields = [(c["rule"], c["field"], c["direction"], c["risk"]) for c in doc["changes"]]
assert fields == [("releases", "require", "looser", "high"), ("releases", "allow_delete", "looser", "high")], fields
assert all(sorted(c) == ["description", "direction", "field", "risk", "rule"] for c in doc["changes"]), doc
assert doc["changes"][0]["description"] == "release \x27releases\x27: require 2 -> 1", doc
print("parsed")
' "$RUN_OUT" "$POLICIES/old.toml" "$POLICIES/json.toml"
  expect_rc 0
  expect_text "$RUN_OUT" parsed
  policy_diff json-none "$POLICIES/old.toml" "$POLICIES/old.toml" --json
  expect_rc 0
  expect_text "$RUN_OUT" '"risk": "none"'
  expect_text "$RUN_OUT" '"changes": []'
}
test_case json_output "--json prints {old, new, changes, looser, risk} that python3 parses"

allowed_signers_files() {
  local dir
  for dir in as-old as-new; do
    mkdir -p "$POLICIES/$dir"
    policy_text "$both" 2 '[[policy.commit]]
name = "docs"
refs = ["refs/heads/docs"]
allowed_signers = ".auths/allowed_signers"' >"$POLICIES/$dir/policy.toml"
  done
  printf 'alice %s\n' "$(pub alice)" >"$POLICIES/as-old/allowed_signers"
  printf 'alice %s\nbob %s\n' "$(pub alice)" "$(pub bob)" >"$POLICIES/as-new/allowed_signers"
  policy_diff allowed-signers "$POLICIES/as-old/policy.toml" "$POLICIES/as-new/policy.toml"
  expect_rc 1
  expect_text "$RUN_OUT" "MEDIUM commit 'docs': adds signer bob ($(fpr bob)) (looser)"
}
test_case allowed_signers_files "an allowed_signers file is read from each policy's directory"

cannot_diff() {
  policy_text "$both" 2 >"$POLICIES/old.toml"
  policy_diff missing "$POLICIES/old.toml" "$POLICIES/none.toml"
  expect_rc 2
  expect_text "$RUN_ERR" "cannot read $POLICIES/none.toml"
  policy_text "$both" 2 'singers = []' >"$POLICIES/typo.toml"
  policy_diff typo "$POLICIES/typo.toml" "$POLICIES/old.toml"
  expect_rc 2
  expect_text "$RUN_ERR" "unknown key 'singers'"
}
test_case cannot_diff "a file that cannot be read or does not load: exit 2"

repo_revisions() {
  local repo=$E2E_TMP/repo
  git init -q "$repo"
  mkdir -p "$repo/.auths"
  policy_text "$both" 2 '[[policy.commit]]
name = "docs"
refs = ["refs/heads/docs"]
allowed_signers = ".auths/allowed_signers"' >"$repo/.auths/policy.toml"
  printf 'alice %s\n' "$(pub alice)" >"$repo/.auths/allowed_signers"
  printf 'readme\n' >"$repo/README"
  git -C "$repo" add -A && git -C "$repo" commit -q -m "first policy"
  # Only the allowed_signers file changes: the policy is read with the files of its own tree.
  printf 'bob %s\n' "$(pub bob)" >>"$repo/.auths/allowed_signers"
  git -C "$repo" commit -q -am "bob signs docs"
  # Work tree edits are not a revision: they must not be seen.
  printf 'garbage\n' >"$repo/.auths/allowed_signers"

  policy_diff repo --repo "$repo" HEAD~1 HEAD
  expect_rc 1
  expect_text "$RUN_OUT" "MEDIUM commit 'docs': adds signer bob ($(fpr bob)) (looser)"
  expect_text "$RUN_OUT" "HEAD~1:.auths/policy.toml -> HEAD:.auths/policy.toml: 1 change, 1 looser, highest risk MEDIUM"
  policy_diff repo-reverse --repo "$repo" HEAD HEAD~1 --json
  expect_rc 0
  expect_text "$RUN_OUT" '"direction": "stricter"'
  policy_diff repo-same --repo "$repo" main HEAD
  expect_rc 0
  expect_text "$RUN_OUT" "no changes"

  # A revision without a policy, one that does not resolve, a repository that is not one.
  git -C "$repo" checkout -q --orphan bare-branch
  git -C "$repo" rm -rqf --cached .auths
  git -C "$repo" commit -q -m "no policy"
  policy_diff repo-no-policy --repo "$repo" main bare-branch
  expect_rc 2
  expect_text "$RUN_ERR" "has no .auths/policy.toml"
  policy_diff repo-bad-rev --repo "$repo" main no-such-rev
  expect_rc 2
  policy_diff repo-none --repo "$E2E_TMP/none" HEAD~1 HEAD
  expect_rc 2
}
test_case repo_revisions "--repo: the policies of two commits, with the files each tree holds"

test_done
