#!/usr/bin/env bash
# registry.sh [--quick] [MEMBERS] [COMMITS]: what a big org registry costs a push. Two
# repositories hold the same COMMITS (default 1,000) new commits, signed (OpenSSL's Ed25519, by
# scripts/bench/make_signed_repo.py) with the key of an agent delegated by an org member, under a policy that selects signers by org role and capability
# (every commit goes through the agent's delegation and the member's membership):
#
#   small: the registry holds the org, that member and its agent, nothing else;
#   big:   the org, MEMBERS members (default 10,000) and as many agents, that member among them.
#
# Both registries are pushed through the installed hooks (the hook verifies every record; the
# setup fails if it refuses them), then `auths hook run` judges the COMMITS-commit push on each,
# alternating, BENCH_REGISTRY_ROUNDS times (default 15) after one warm-up run each. Printed: the
# median times and the median of the per-round ratios big/small. Each push takes about 0.1 s,
# and on a shared 2-core VM one run differs from the next by up to a third: 5 rounds gave 1.15x
# and 1.27x in two runs of all.sh where 10 and 11 rounds of the same code right after gave 1.02x
# and 0.99x.
# Goal (issues 8 and 13): at most 10 % slower than with the small registry, measured in the
# same run. --quick: 1,000 members and 200 commits.
#
# Built once per MEMBERS/COMMITS under $BENCH_DIR (default build/bench) and reused. Needs the
# test tools of a build with AUTHS_BUILD_TESTS=ON (auths-bench-registry) in $AUTHS_BIN_DIR
# (default build/bin); measure with a Release build. BENCH_THREADS: the hook's --threads
# (default 0: one per core). Exit status 1 when the hook refuses a registry or a push; 0 whether
# the goal is met or not.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_args "$0" "$@"
MEMBERS=$(bench_size 0 10000 1000)
COMMITS=$(bench_size 1 1000 200)
ROUNDS=${BENCH_REGISTRY_ROUNDS:-15}
THREADS=${BENCH_THREADS:-0}
dir=$BENCH_DATA/registry-$MEMBERS-$COMMITS
bench_need auths auths-bench-registry auths-pre-receive auths-post-receive python3 git
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if [ ! -f "$dir/ready" ]; then
  echo "building the registries ($MEMBERS members, $MEMBERS agents) and $COMMITS signed commits in $dir (once)..."
  rm -rf "$dir"
  mkdir -p "$dir"
  work=$out/work
  for r in small big; do
    git init -q --bare --initial-branch=main "$dir/$r.git"
    git init -q --bare "$work/registry-$r.git"
  done
  ids=$("$BENCH_BIN/auths-bench-registry" "$work/registry-small.git" "$work/registry-big.git" "$MEMBERS" "$dir/key")
  read -r org member agent <<<"$ids"
  git init -q -b main "$work/w"
  mkdir -p "$work/w/.auths"
  cat >"$work/w/.auths/policy.toml" <<POLICY
version = 1
org = "$org"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
roles = ["member"]
capabilities = ["sign_commit"]
signer_types = ["Agent"]
POLICY
  git -C "$work/w" add .auths
  git -C "$work/w" -c user.name=Bench -c user.email="$BENCH_EMAIL" commit -q -m "policy"
  base=$(git -C "$work/w" rev-parse HEAD)
  for r in small big; do
    git -C "$work/w" push -q "$dir/$r.git" main
    "$BENCH_BIN/auths" hook install --repo "$dir/$r.git" >/dev/null
    # Through the hooks: pre-receive verifies every record, post-receive records the update.
    t0=$(bench_now)
    git -C "$work/registry-$r.git" push -q "$dir/$r.git" refs/auths/registry ||
      bench_die "the hook refused the $r registry"
    echo "  $r registry pushed through the hook in $(bench_elapsed "$t0" "$(bench_now)") s"
  done
  tip=$(python3 "$BENCH_ROOT/scripts/bench/make_signed_repo.py" "$dir/small.git" "$COMMITS" "$dir/key" "$base")
  git -C "$dir/big.git" fetch -q "$dir/small.git" "$tip"
  for r in small big; do bench_keep_new "$dir/$r.git" "$tip"; done
  echo "$base $tip $org $member $agent" >"$dir/ready"
fi
read -r base tip org member agent <"$dir/ready"
echo "$base $tip refs/heads/main" >"$out/push"

# run NAME: one judged push of the commits on repository NAME; prints the seconds it took.
run() {
  local t0 t1
  t0=$(bench_now)
  "$BENCH_BIN/auths" hook run --repo "$dir/$1.git" --threads "$THREADS" <"$out/push" >"$out/$1.out" 2>&1 || true
  t1=$(bench_now)
  bench_expect_verified "$out/$1.out" "$COMMITS" "the push on the $1 registry"
  bench_elapsed "$t0" "$t1"
}

echo "org $org: commits signed by agent $agent of member $member"
echo "judging a push of $COMMITS new commits, $ROUNDS rounds (small and big alternating, threads: $THREADS)"
run small >/dev/null
run big >/dev/null
for ((i = 1; i <= ROUNDS; i++)); do
  s=$(run small)
  b=$(run big)
  echo "$s" >>"$out/small.s"
  echo "$b" >>"$out/big.s"
  bench_calc 'a[1] / a[0]' "$s" "$b" >>"$out/ratio"
  printf '  round %d: small %s s, big %s s\n' "$i" "$s" "$b"
done
t_small=$(bench_median <"$out/small.s")
t_big=$(bench_median <"$out/big.s")
ratio=$(bench_calc '"%.3f" % a[0]' "$(bench_median <"$out/ratio")")
printf 'small registry (org, 1 member, 1 agent):        median %.3f s\n' "$t_small"
printf 'big registry (org, %s members, as many agents): median %.3f s\n' "$(bench_count "$MEMBERS")" "$t_big"
echo "ratio big/small (median of the rounds' ratios): $ratio"
bench_row "registry: $(bench_count "$COMMITS")-commit push, $(bench_count "$MEMBERS") members + agents" \
  "$(bench_calc '"%.3f" % a[0]' "$t_big") s (median of $ROUNDS)" \
  "1 member, 1 agent: $(bench_calc '"%.3f" % a[0]' "$t_small") s" \
  "${ratio}x" \
  "<= 1.10x" \
  "$(bench_met 'a[0] <= 1.10' "$ratio")"
