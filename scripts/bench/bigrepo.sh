#!/usr/bin/env bash
# bigrepo.sh [--quick] [COMMITS] [REFS]: what a 1-commit push costs the hook on a big repository:
# COMMITS commits on main (default 1,000,000; --quick: 100,000) and REFS branches and tags
# spread over them (default 10,000; --quick: 1,000), made with git fast-import
# (scripts/bench/make_history.py), refs packed, objects repacked, a commit-graph written.
# main's .auths/policy.toml allows one ssh-keygen Ed25519 key; each pushed commit is new, on
# top of main, signed by git itself with that key.
#
#   figure:   auths-pre-receive, run as git runs it (in the bare repository, GIT_DIR set, one
#             pre-receive line on stdin), median of BENCH_RUNS runs (default 10; --quick: 5)
#             after 2 warm-up runs, each run a different new commit
#   baseline: the same 1-commit push to a small repository (100 commits, 10 refs), in the same
#             rounds: the ratio big/small shows whether the hook's cost grows with history
#   git:      `git rev-list <new> --not --all` on the big repository: git's own enumeration
#             of the new commits
#
# Also: the same push to the big repository without its commit-graph (a hard-linked copy), where
# the hook's phases go (AUTHS_TRACE_PHASES=1, when the binary prints them), whether the hook
# reads the commit-graph (strace, when installed).
# Goal (issue 13): <= 50 ms for the hook on 1,000,000 commits and 10,000 refs.
# Each repository is built once under $BENCH_DIR (default build/bench) and reused (1,000,000
# commits take minutes to build and about 1 GB of disk). Exit status 1 when the hook refuses
# a push.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_args "$0" "$@"
commits=$(bench_size 0 1000000 100000)
refs=$(bench_size 1 10000 1000)
runs=${BENCH_RUNS:-$(bench_size - 10 5)}
warmup=2
traced=3
bench_need auths-pre-receive python3 git ssh-keygen

bench_history_repo 100 10
small=$BENCH_REPO_DIR/repo.git small_base=$BENCH_BASE
bench_new_commits $((warmup + runs + traced))
small_new=("${BENCH_NEW[@]}")
bench_history_repo "$commits" "$refs"
big=$BENCH_REPO_DIR/repo.git big_base=$BENCH_BASE
bench_new_commits $((warmup + runs + traced + 1))
big_new=("${BENCH_NEW[@]}")
hook=$BENCH_BIN/auths-pre-receive
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bench_fresh_state "$small"
bench_graphless  # the big repository without its commit-graph: what reading it costs
graphless=$BENCH_GRAPHLESS

# time_push NAME REPO BASE NEW: one 1-commit push through the hook; appends its time to NAME.us.
time_push() {
  local us
  echo "$3 $4 refs/heads/main" >"$out/push"
  us=$(bench_wall_us "$out/push" "$out/$1.out" "$2" "$hook") ||
    bench_die "auths-pre-receive refused the 1-commit push of $4 to the $1 repository: $(tr '\n' ' ' <"$out/$1.out")"
  bench_expect_verified "$out/$1.out" 1 "the 1-commit push of $4 to the $1 repository"
  echo "$us" >>"$out/$1.us"
}

# time_rev_list NEW: git's enumeration of the new commits on the big repository.
time_rev_list() {
  local us
  us=$(bench_wall_us /dev/null "$out/rev-list.out" "$big" git rev-list "$1" --not --all) ||
    bench_die "git rev-list $1 --not --all failed: $(head -c 300 "$out/rev-list.out")"
  [ "$(cat "$out/rev-list.out")" = "$1" ] || bench_die "git rev-list $1 --not --all did not list exactly $1"
  echo "$us" >>"$out/rev-list.us"
}

echo "1-commit push: $(bench_count "$commits") commits and $(bench_count "$refs") refs against 100 commits and 10 refs, $runs runs after $warmup warm-up runs"
for ((i = 0; i < warmup + runs; i++)); do
  [ "$i" -ne "$warmup" ] || rm -f "$out"/*.us
  time_push big "$big" "$big_base" "${big_new[$i]}"
  time_push small "$small" "$small_base" "${small_new[$i]}"
  time_push graphless "$graphless" "$big_base" "${big_new[$i]}"
  time_rev_list "${big_new[$i]}"
done

t_big=$(bench_median_ms "$out/big.us")
t_small=$(bench_median_ms "$out/small.us")
t_git=$(bench_median_ms "$out/rev-list.us")
t_graphless=$(bench_median_ms "$out/graphless.us")
ratio=$(bench_calc '"%.2f" % (a[0] / a[1])' "$t_big" "$t_small")
printf '%-52s %9s ms (median)\n' "auths-pre-receive, $(bench_count "$commits") commits, $(bench_count "$refs") refs" "$t_big"
printf '%-52s %9s ms\n' "auths-pre-receive, the same without commit-graph" "$t_graphless" \
  "auths-pre-receive, 100 commits, 10 refs" "$t_small" \
  "git rev-list <new> --not --all, big repository" "$t_git"
echo "ratio big/small: ${ratio}x"
for ((i = warmup + runs; i < warmup + runs + traced; i++)); do
  echo "$big_base ${big_new[$i]} refs/heads/main" >"$out/push"
  bench_trace "$out/big.trace" "$out/push" "$big" "$hook"
  bench_trace "$out/graphless.trace" "$out/push" "$graphless" "$hook"
  echo "$small_base ${small_new[$i]} refs/heads/main" >"$out/push"
  bench_trace "$out/small.trace" "$out/push" "$small" "$hook"
done
bench_phases "$out/big.trace" "phases on the big repository (AUTHS_TRACE_PHASES=1, median of $traced runs):"
bench_phases "$out/graphless.trace" "phases on the big repository without commit-graph:"
bench_phases "$out/small.trace" "phases on the small repository:"

if command -v strace >/dev/null; then
  echo "$big_base ${big_new[$((warmup + runs + traced))]} refs/heads/main" >"$out/push"
  (cd "$big" && GIT_DIR=$big strace -f -e trace=openat -o "$out/strace" "$hook") <"$out/push" >/dev/null 2>&1 ||
    bench_die "auths-pre-receive refused the push under strace"
  if grep 'commit-graph' "$out/strace" | grep -qv ENOENT; then
    echo "commit-graph: opened by the hook"
  else
    echo "commit-graph: not opened by the hook"
  fi
  echo "files opened by the hook: $(grep -vc ENOENT "$out/strace") ($(grep -c '/objects/pack/' "$out/strace") in objects/pack)"
fi

bench_row "bigrepo: 1-commit push, $(bench_count "$commits") commits, $(bench_count "$refs") refs" \
  "$t_big ms (median of $runs)" \
  "100 commits, 10 refs: $t_small ms; without commit-graph: $t_graphless ms; git rev-list: $t_git ms" \
  "${ratio}x small" \
  "<= 50 ms" \
  "$(bench_met 'a[0] <= 50' "$t_big")"
