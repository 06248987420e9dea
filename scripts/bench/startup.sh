#!/usr/bin/env bash
# startup.sh [--quick] [RUNS]: what a 1-commit push costs the hook, start to exit. The real
# auths-pre-receive runs as git runs it (in the bare repository, GIT_DIR set, one pre-receive
# line `<old> <new> refs/heads/main` on stdin) on a small repository (100 commits, 10 refs: the
# one scripts/bench/bigrepo.sh compares against), RUNS times (default 30; --quick: 10) after 3
# warm-up runs, each run a different new commit signed by git (ssh-keygen). Baselines, measured
# in the same rounds on the same commits:
#
#   git verify-commit with gpg.ssh.allowedSignersFile: git's own check of one commit
#   /bin/true: starting a trivial process, the floor of any hook
#
# Prints the medians, the ratio to git, and where the time goes: the dynamic loader's own
# statistics (LD_DEBUG=statistics) and, when the binary supports it, its phases
# (AUTHS_TRACE_PHASES=1: stderr lines `auths-trace: <phase> <microseconds>`, medians of 10 runs),
# and the system calls it makes most often (strace -c, when strace is installed).
# Goal (issue 13): <= 4 ms wall for the hook.
# Timed with bash's EPOCHREALTIME around the fork and exec of each run (hyperfine cannot feed a
# command's stdin without a shell in between). Exit status 1 when the hook refuses a push.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_args "$0" "$@"
runs=$(bench_size 0 30 10)
warmup=3
traced=10
bench_need auths-pre-receive python3 git ssh-keygen

bench_history_repo 100 10
repo=$BENCH_REPO_DIR/repo.git
bench_new_commits $((warmup + runs + 2 + traced))
hook=$BENCH_BIN/auths-pre-receive
floor=/bin/true
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bench_fresh_state "$repo"

# push I: the stdin of a 1-commit push of the I-th new commit.
push() {
  echo "$BENCH_BASE ${BENCH_NEW[$1]} refs/heads/main" >"$out/push"
  echo "$out/push"
}

# One round: the hook, git and the floor on the I-th commit; appends each time (microseconds).
round() {
  local i=$1 us
  us=$(bench_wall_us "$(push "$i")" "$out/hook.out" "$repo" "$hook") ||
    bench_die "auths-pre-receive refused the 1-commit push of ${BENCH_NEW[$i]}: $(tr '\n' ' ' <"$out/hook.out")"
  bench_expect_verified "$out/hook.out" 1 "the 1-commit push of ${BENCH_NEW[$i]}"
  echo "$us" >>"$out/hook.us"
  us=$(bench_wall_us /dev/null "$out/git.out" "$repo" git -c gpg.ssh.allowedSignersFile="$BENCH_REPO_DIR/allowed_signers" verify-commit "${BENCH_NEW[$i]}") ||
    bench_die "git verify-commit refused ${BENCH_NEW[$i]}: $(tr '\n' ' ' <"$out/git.out")"
  echo "$us" >>"$out/git.us"
  us=$(bench_wall_us /dev/null "$out/floor.out" "$repo" "$floor") || bench_die "$floor failed"
  echo "$us" >>"$out/floor.us"
}

echo "1-commit push to a repository of 100 commits and 10 refs, $runs runs after $warmup warm-up runs"
for ((i = 0; i < warmup; i++)); do round "$i"; done
rm -f "$out"/*.us
for ((i = warmup; i < warmup + runs; i++)); do round "$i"; done

t_hook=$(bench_median_ms "$out/hook.us")
t_git=$(bench_median_ms "$out/git.us")
t_floor=$(bench_median_ms "$out/floor.us")
printf '%-44s %8s ms (median; fastest %s)\n' "auths-pre-receive, 1-commit push" "$t_hook" \
  "$(bench_calc '"%.2f" % (a[0] / 1000)' "$(sort -n "$out/hook.us" | head -n1)")"
printf '%-44s %8s ms\n' "git verify-commit of the same commit" "$t_git"
printf '%-44s %8s ms\n' "process start ($floor)" "$t_floor"
ratio=$(bench_calc '"%.2f" % (a[0] / a[1])' "$t_hook" "$t_git")
echo "ratio hook/git: ${ratio}x; above the floor: $(bench_calc '"%.2f" % (a[0] - a[1])' "$t_hook" "$t_floor") ms"

# Where the time goes. The loader counts TSC cycles; cpu MHz of /proc/cpuinfo converts them
# (roughly: the TSC ticks at the nominal frequency).
next=$((warmup + runs))
echo "dynamic loading (LD_DEBUG=statistics, one run; $(ldd "$hook" | wc -l) shared objects):"
(cd "$repo" && GIT_DIR=$repo LD_DEBUG=statistics "$hook") <"$(push "$next")" >"$out/ld.out" 2>&1 ||
  bench_die "auths-pre-receive refused the push under LD_DEBUG: $(tail -n1 "$out/ld.out")"
mhz=$(sed -n 's/^cpu MHz[[:space:]]*: //p' /proc/cpuinfo | head -n1)
sed -n 's/^ *[0-9]*:[[:space:]]*//p' "$out/ld.out" | grep -E 'time (needed|in)|relocations:' | awk '!seen[$0]++' |
  while read -r line; do
    cycles=$(sed -n 's/.*: \([0-9]*\) cycles.*/\1/p' <<<"$line")
    if [ -n "$cycles" ] && [ -n "$mhz" ]; then
      echo "  $line (~$(bench_calc '"%.2f" % (a[0] / a[1] / 1000)' "$cycles" "$mhz") ms)"
    else
      echo "  $line"
    fi
  done

if command -v strace >/dev/null; then
  echo "system calls (strace -c, one run, the most frequent):"
  (cd "$repo" && GIT_DIR=$repo strace -c -o "$out/strace" "$hook") <"$(push $((next + 1)))" >/dev/null 2>&1 ||
    bench_die "auths-pre-receive refused the push under strace"
  awk '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $4 ~ /^[0-9]+$/ { print $4, $NF }' "$out/strace" | sort -rn | head -n6 |
    while read -r calls name; do printf '  %-20s %6d\n' "$name" "$calls"; done
fi

for ((i = next + 2; i < next + 2 + traced; i++)); do bench_trace "$out/trace" "$(push "$i")" "$repo" "$hook"; done
bench_phases "$out/trace" "phases (AUTHS_TRACE_PHASES=1, median of $traced runs):"

bench_row "startup: 1-commit push (auths-pre-receive)" \
  "$t_hook ms (median of $runs)" \
  "git verify-commit: $t_git ms; process start: $t_floor ms" \
  "${ratio}x git" \
  "<= 4 ms" \
  "$(bench_met 'a[0] <= 4' "$t_hook")"
