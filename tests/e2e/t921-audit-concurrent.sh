#!/usr/bin/env bash
# e2e-cost: 90
# 16 concurrent pushes (8 signed by alice, 8 by mallory, whom the policy does not name), each
# creating its own branch: first all to one repository, then 4 to each of 4 repositories that
# share one audit file. Every push gets its own decision (the valid ones accepted and their
# branch created, the others refused and absent), the audit file has exactly 16 lines, each
# one JSON object (no torn or interleaved line), seq 1 to 16 once each, the decision of each
# line the one of its push, and `auths audit verify` proves the chain unbroken: the hooks
# append under an exclusive lock of the file.
. "$(dirname "$0")/lib.sh"
test_init

make_key alice
make_key mallory
setup_repo alice <<EOF
version = 1

[[policy.commit]]
name = "branches"
refs = ["refs/heads/*"]
signers = ["$(pub alice)"]
EOF
hook_unwrap  # the recording wrapper keeps one set of files: concurrent pushes would share them
TREE=$(client_git rev-parse "$SEED^{tree}")
# Four repositories in the same state, hooks and records included.
for r in 1 2 3 4; do cp -a "$SERVER" "$E2E_TMP/repo$r.git"; done

# make_commits: GOOD[1..8] signed by alice, BAD[1..8] by mallory, each a child of SEED.
GOOD=() BAD=()
for i in 1 2 3 4 5 6 7 8; do
  GOOD[i]=$(commit_tree_as alice "$TREE" "good $i" "$SEED")
  BAD[i]=$(commit_tree_as mallory "$TREE" "bad $i" "$SEED")
done

# race AUDIT REPO-OF-PUSH...: 16 pushes at once, push k (1..16) to the repository that
# REPO-OF-PUSH k names: odd k pushes GOOD[(k+1)/2] to refs/heads/good-<(k+1)/2>, even k pushes
# BAD[k/2] to refs/heads/bad-<k/2>. Exit statuses in $E2E_TMP/race/<k>.rc.
race() {
  local audit=$1 k pids=() repo
  shift
  rm -rf "$E2E_TMP/race" && mkdir -p "$E2E_TMP/race"
  for r in "$@"; do git -C "$r" config auths.auditLog "$audit"; done
  for k in $(seq 1 16); do
    repo=${*:k:1}
    if [ $((k % 2)) -eq 1 ]; then
      spec="${GOOD[(k + 1) / 2]}:refs/heads/good-$(((k + 1) / 2))"
    else
      spec="${BAD[k / 2]}:refs/heads/bad-$((k / 2))"
    fi
    (
      rc=0
      client_git push "file://$repo" "$spec" >"$E2E_TMP/race/$k.out" 2>&1 </dev/null || rc=$?
      echo "$rc" >"$E2E_TMP/race/$k.rc"
    ) &
    pids+=("$!")
  done
  for k in "${!pids[@]}"; do wait "${pids[$k]}" || true; done
}

# expect_race AUDIT REPO-OF-PUSH...: what race did: each push's exit status and branch, the
# audit file's 16 lines and their chain.
expect_race() {
  local audit=$1 k repo i want_rc ref got
  shift
  for k in $(seq 1 16); do
    repo=${*:k:1}
    i=$(((k + 1) / 2))
    got=$(cat "$E2E_TMP/race/$k.rc" 2>/dev/null || echo none)
    if [ $((k % 2)) -eq 1 ]; then
      want_rc=0 ref=refs/heads/good-$i
      expect_equal "$(git -C "$repo" rev-parse -q --verify "$ref" || echo absent)" "${GOOD[i]}" "$repo $ref"
    else
      want_rc=1 ref=refs/heads/bad-$i
      expect_equal "$(git -C "$repo" rev-parse -q --verify "$ref" || echo absent)" absent "$repo $ref"
      if grep -q 'unknown-signer' "$E2E_TMP/race/$k.out"; then ok; else
        fail "push $k: no unknown-signer violation" "$(cat "$E2E_TMP/race/$k.out")"
      fi
    fi
    if { [ "$want_rc" -eq 0 ] && [ "$got" = 0 ]; } || { [ "$want_rc" -ne 0 ] && [ "$got" != 0 ] && [ "$got" != none ]; }; then
      ok
    else
      fail "push $k to $repo ($ref): git push exited $got" "$(cat "$E2E_TMP/race/$k.out")"
    fi
    check_no_sanitizer_report "$E2E_TMP/race/$k.out"
  done
  expect_equal "$(wc -l <"$audit" | tr -d ' ')" 16 "audit lines"
  # Every line whole: a JSON object ending in a newline, nothing between lines.
  json_check "$audit" "len(lines) == 16 and sorted(l['seq'] for l in lines) == list(range(1, 17)) and [l['seq'] for l in lines] == list(range(1, 17))"
  json_check "$audit" "all((l['decision'], l['codes']) == (('accept', []) if l['ref'].startswith('refs/heads/good-') else ('refuse', ['unknown-signer'])) for l in lines)"
  json_check "$audit" "sorted(l['ref'] for l in lines) == sorted(['refs/heads/good-%d' % i for i in range(1, 9)] + ['refs/heads/bad-%d' % i for i in range(1, 9)])"
  local repos
  repos=$(printf "'%s'," "$@" | sed 's/,$//')
  json_check "$audit" "all(l['repo'].rstrip('/') == [$repos][ (int(l['ref'].rsplit('-', 1)[1]) - 1) * 2 + (0 if l['ref'].startswith('refs/heads/good-') else 1) ] for l in lines)"
  if [ "$(tail -c1 "$audit" | od -An -c | tr -d ' ')" = '\n' ]; then ok; else fail "the audit file does not end in a newline"; fi
  run verify "$AUTHS" audit verify "$audit"
  expect_rc 0
  expect_text "$RUN_OUT" "OK: 16 lines, chain intact"
}

one_repository() {
  local targets=()
  for _ in $(seq 1 16); do targets+=("$SERVER"); done
  race "$E2E_TMP/one.jsonl" "${targets[@]}"
  expect_race "$E2E_TMP/one.jsonl" "${targets[@]}"
}
test_case one_repository "16 concurrent pushes to one repository: 8 accepted, 8 refused, 16 chained lines"

four_repositories() {
  local targets=() k
  for k in $(seq 1 16); do targets+=("$E2E_TMP/repo$(((k - 1) % 4 + 1)).git"); done
  race "$E2E_TMP/shared.jsonl" "${targets[@]}"
  expect_race "$E2E_TMP/shared.jsonl" "${targets[@]}"
  json_check "$E2E_TMP/shared.jsonl" "len(set(l['repo'] for l in lines)) == 4"
}
test_case four_repositories "16 concurrent pushes to 4 repositories sharing one audit file: every decision right, one chain"

test_done
