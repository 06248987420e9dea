#!/usr/bin/env bash
# registry.sh [MEMBERS] [COMMITS]: what a big org registry costs a push. Two repositories hold the
# same COMMITS (default 1,000) new commits, signed by ssh-keygen with the key of an agent
# delegated by an org member, under a policy that selects signers by org role and capability
# (every commit goes through the agent's delegation and the member's membership):
#
#   small: the registry holds the org, that member and its agent, nothing else;
#   big:   the org, MEMBERS members (default 10,000) and as many agents, that member among them.
#
# Both registries are pushed through the installed hooks (the hook verifies every record; the
# setup fails if it refuses them), then `auths hook run` judges the COMMITS-commit push on each,
# alternating, BENCH_ROUNDS times (default 5) after one warm-up run each. Printed: the median
# times and the median of the per-round ratios big/small, PASS when that is at most 1.10
# (issue 8: at most 10 % slower than with an empty registry, measured in the same run).
#
# Built once per MEMBERS/COMMITS under $BENCH_DIR (default build/bench) and reused. Needs the
# test tools of a build with AUTHS_BUILD_TESTS=ON (auths-bench-registry) in $AUTHS_BIN_DIR
# (default build/bin); measure with a Release build. BENCH_THREADS: the hook's --threads
# (default 0: one per core).
set -euo pipefail

MEMBERS=${1:-10000}
COMMITS=${2:-1000}
ROUNDS=${BENCH_ROUNDS:-5}
THREADS=${BENCH_THREADS:-0}
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${AUTHS_BIN_DIR:-$here/build/bin}
dir=${BENCH_DIR:-$here/build/bench}/registry-$MEMBERS-$COMMITS

for tool in auths auths-bench-registry auths-pre-receive auths-post-receive; do
  [ -x "$bin/$tool" ] || { echo "error: $bin/$tool not found; build with -DAUTHS_BUILD_TESTS=ON first" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "error: python3 is needed to build the benchmark repositories" >&2; exit 2; }

now() { date +%s.%N; }

if [ ! -f "$dir/ready" ]; then
  echo "building the registries ($MEMBERS members, $MEMBERS agents) and $COMMITS signed commits in $dir (once)..."
  rm -rf "$dir"; mkdir -p "$dir"
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  for r in small big; do
    git init -q --bare --initial-branch=main "$dir/$r.git"
    git init -q --bare "$work/registry-$r.git"
  done
  ids=$("$bin/auths-bench-registry" "$work/registry-small.git" "$work/registry-big.git" "$MEMBERS" "$dir/key")
  read -r org member agent <<< "$ids"
  git init -q -b main "$work/w"
  mkdir -p "$work/w/.auths"
  cat > "$work/w/.auths/policy.toml" <<POLICY
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
  git -C "$work/w" -c user.name=Bench -c user.email=bench@example.org commit -q -m "policy"
  base=$(git -C "$work/w" rev-parse HEAD)
  for r in small big; do
    git -C "$work/w" push -q "$dir/$r.git" main
    "$bin/auths" hook install --repo "$dir/$r.git" >/dev/null
    # Through the hooks: pre-receive verifies every record, post-receive records the update.
    t0=$(now)
    git -C "$work/registry-$r.git" push -q "$dir/$r.git" refs/auths/registry ||
      { echo "error: the hook refused the $r registry" >&2; exit 1; }
    echo "  $r registry pushed through the hook in $(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$(now)") s"
  done
  tip=$(python3 "$here/scripts/bench/make_signed_repo.py" "$dir/small.git" "$COMMITS" "$dir/key" "$base")
  git -C "$dir/big.git" fetch -q "$dir/small.git" "$tip"
  for r in small big; do
    git -C "$dir/$r.git" update-ref refs/bench/tip "$tip"   # keeps the objects through repack
    git -C "$dir/$r.git" repack -adq
    git -C "$dir/$r.git" update-ref -d refs/bench/tip        # ...but the hook must see them as new
  done
  echo "$base $tip $org $member $agent" > "$dir/ready"
fi
read -r base tip org member agent < "$dir/ready"

# One judged push of the commits on repository $1; prints the seconds it took.
run() {
  local t0 t1 out
  t0=$(now)
  out=$(echo "$base $tip refs/heads/main" |
        "$bin/auths" hook run --repo "$dir/$1.git" --json --threads "$THREADS" 2>"$dir/$1.stderr") || true
  t1=$(now)
  echo "$out" | python3 -c "
import json, sys
d = json.load(sys.stdin)
ok = sum(1 for r in d['refs'] for o in r['objects'] if o['code'] == 'ok')
assert d['decision'] == 'accept' and ok == $COMMITS, (d['decision'], ok, d.get('violations'))" ||
    { echo "error: the hook did not accept all $COMMITS commits on the $1 registry:" >&2; cat "$dir/$1.stderr" >&2; exit 1; }
  python3 -c "import sys; print('%.4f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$t1"
}

echo "org $org: commits signed by agent $agent of member $member"
echo "judging a push of $COMMITS new commits, $ROUNDS rounds (small and big alternating, threads: $THREADS)"
run small >/dev/null
run big >/dev/null
small_times=()
big_times=()
for ((i = 1; i <= ROUNDS; i++)); do
  s=$(run small)
  b=$(run big)
  small_times+=("$s")
  big_times+=("$b")
  printf '  round %d: small %s s, big %s s\n' "$i" "$s" "$b"
done
python3 - "$MEMBERS" "${small_times[*]}" "${big_times[*]}" <<'PY'
import statistics, sys
members = int(sys.argv[1])
small = [float(x) for x in sys.argv[2].split()]
big = [float(x) for x in sys.argv[3].split()]
ratio = statistics.median(b / s for s, b in zip(small, big))
print("small registry (org, 1 member, 1 agent):      median %.4f s" % statistics.median(small))
print("big registry (org, %d members, %d agents): median %.4f s" % (members, members, statistics.median(big)))
print("ratio big/small (median of rounds): %.3f  target <= 1.10: %s" % (ratio, "PASS" if ratio <= 1.10 else "FAIL"))
sys.exit(0 if ratio <= 1.10 else 1)
PY
