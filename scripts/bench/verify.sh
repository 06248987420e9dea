#!/usr/bin/env bash
# verify.sh [--quick] [N]: how fast the hook verifies a push of N new SSH-signed commits (default
# 100,000; --quick: 10,000), against git's own verification of the same commits, in one run.
#
#   auths hook run --repo bench.git --threads 1, then --threads 0 (one thread per core), text
#     output (--json would add the rendering of N objects): the N commits in a line on top of
#     main, every one new (Ed25519 signatures made with OpenSSL by
#     scripts/bench/make_signed_repo.py, their SSHSIG envelope checked by ssh-keygen)
#   git log --format=%G? with gpg.ssh.allowedSignersFile (one ssh-keygen per commit), on the
#     newest BENCH_GIT_SAMPLE commits (default 1,000; --quick: 200; 0: all N): at ~100
#     commits/s all of them would take many minutes, and git's rate does not depend on N
#
# Prints both rates, the speed-up of all cores over one, git's rate and the ratio, and the raw
# rate of the Ed25519 verification itself on this machine (auths-bench-ed25519, when built): the
# ceiling the hook's rate is bounded by. The raw rate is sampled before every run of the hook and
# once after the last (the median is taken): a virtual machine's speed drifts within minutes.
# Also the share of the machine's CPU time the host took during the hook's runs (steal).
# Goal (issue 13): >= 25,000 commits/s on 2 cores and >= 200x git's rate.
# The repository is built once per N under $BENCH_DIR (default build/bench) and reused.
# BENCH_ROUNDS (default 1): runs of each thread count, the median is taken.
# Exit status 1 when the hook does not accept all N commits; 0 whether the goal is met or not.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bench_args "$0" "$@"
N=$(bench_size 0 100000 10000)
sample=${BENCH_GIT_SAMPLE:-$(bench_size - 1000 200)}
rounds=${BENCH_ROUNDS:-1}
if [ "$sample" -eq 0 ] || [ "$sample" -gt "$N" ]; then sample=$N; fi
bench_need auths python3 git ssh-keygen

bench_signed_repo "$N"
repo=$BENCH_REPO_DIR/bench.git
cores=$(nproc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "$BENCH_BASE $BENCH_TIP refs/heads/main" >"$out/push"

# raw_sample: the bare Ed25519 rate now, on 1 thread and on every core, added to $out/raw.
raw_sample() {
  if [ -x "$BENCH_BIN/auths-bench-ed25519" ]; then "$BENCH_BIN/auths-bench-ed25519" 20000 "$cores" >>"$out/raw"; fi
}

# cpu_ticks: the machine's CPU time so far, all of it and what the host took (/proc/stat:
# the "cpu" line; its 8th number is steal, time a virtual machine's CPUs waited for the host).
cpu_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9; exit }' /proc/stat; }

# seconds THREADS: one judged push of the N commits; prints its wall time (and adds the share
# of the machine's CPU time the host took meanwhile to $out/steal).
seconds() {
  local t0 t1 total0 steal0 total1 steal1
  raw_sample
  bench_fresh_state "$repo"
  read -r total0 steal0 < <(cpu_ticks)
  t0=$(bench_now)
  "$BENCH_BIN/auths" hook run --repo "$repo" --threads "$1" <"$out/push" >"$out/run.out" 2>&1 ||
    bench_die "auths hook run --threads $1 refused the push: $(grep -m1 '^auths: ' "$out/run.out" || head -c 300 "$out/run.out")"
  t1=$(bench_now)
  read -r total1 steal1 < <(cpu_ticks)
  bench_calc '"%.1f" % (100 * a[0] / max(a[1], 1))' "$((steal1 - steal0))" "$((total1 - total0))" >>"$out/steal"
  bench_expect_verified "$out/run.out" "$N" "the $N-commit push (--threads $1)"
  bench_elapsed "$t0" "$t1"
}

# median_seconds THREADS: the median of $rounds runs.
median_seconds() {
  local i
  bench_calc '"%.3f" % a[0]' "$(for ((i = 0; i < rounds; i++)); do seconds "$1"; done | bench_median)"
}

echo "verifying $N new commits (ed25519) on $cores cores, $rounds round(s)"
t_one=$(median_seconds 1)
t_all=$(median_seconds 0)

t0=$(bench_now)
good=$(git -C "$repo" -c gpg.ssh.allowedSignersFile="$BENCH_REPO_DIR/allowed_signers" \
  log --format=%G? -n "$sample" "$BENCH_TIP" | grep -c '^G' || true)
t1=$(bench_now)
[ "$good" -eq "$sample" ] || bench_die "git verified $good of $sample commits"
t_git=$(bench_elapsed "$t0" "$t1")

r_one=$(bench_calc 'a[0] / a[1]' "$N" "$t_one")
r_all=$(bench_calc 'a[0] / a[1]' "$N" "$t_all")
r_git=$(bench_calc 'a[0] / a[1]' "$sample" "$t_git")
printf '%-46s %10.0f commits/s  (%s s)\n' "auths hook run, 1 thread" "$r_one" "$t_one"
printf '%-46s %10.0f commits/s  (%s s)\n' "auths hook run, $cores threads" "$r_all" "$t_all"
printf '%-46s %10.0f commits/s  (%s s, %s commits)\n' "git log --format=%G? (ssh-keygen per commit)" "$r_git" "$t_git" "$sample"
speedup=$(bench_calc '"%.2f" % (a[1] / a[0])' "$r_one" "$r_all")
ratio=$(bench_calc '"%.0f" % (a[0] / a[1])' "$r_all" "$r_git")
echo "speed-up of $cores threads over 1: x$speedup; ratio to git: ${ratio}x ($(bench_calc '"%.0f" % (a[0] / a[1])' "$r_one" "$r_git")x on 1 thread)"
echo "the host took $(bench_calc '"%.1f" % a[0]' "$(bench_median <"$out/steal")") % of this machine's CPU time during the hook's runs (median; steal, /proc/stat; up to $(sort -n "$out/steal" | tail -1) %)"
# The ceiling: the bare Ed25519 verification the hook does per commit, on this machine in the
# same minutes (auths-bench-ed25519, built with the tests), on 1 thread and on every core.
raw=""
raw_sample
if [ -s "$out/raw" ]; then
  raw_one=$(cut -d' ' -f1 "$out/raw" | bench_median)
  raw_all=$(cut -d' ' -f2 "$out/raw" | bench_median)
  printf '%-46s %10.0f verifications/s (%.0f on %s threads; median of %s samples between the runs)\n' \
    "raw Ed25519 (libsodium), 1 thread" "$raw_one" "$raw_all" "$cores" "$(wc -l <"$out/raw")"
  echo "the hook reaches $(bench_calc '"%.0f" % (100 * a[0] / a[1])' "$r_one" "$raw_one") % of the raw rate on 1 thread, $(bench_calc '"%.0f" % (100 * a[0] / a[1])' "$r_all" "$raw_all") % on $cores"
  raw="; raw Ed25519 here: $(bench_count "$raw_one")/s per thread, $(bench_count "$raw_all")/s on $cores ($(bench_calc '"%.0f" % (100 * a[0] / a[1])' "$r_all" "$raw_all") % of it)"
else
  echo "(no $BENCH_BIN/auths-bench-ed25519: build it, -DAUTHS_BUILD_TESTS=ON, for the raw Ed25519 rate)"
fi
bench_row "verify: $(bench_count "$N")-commit push" \
  "$(bench_count "$r_all") commits/s on $cores threads (1 thread: $(bench_count "$r_one")/s, x$speedup)$raw" \
  "git: $(bench_count "$r_git") commits/s" \
  "${ratio}x" \
  ">= 25,000/s, >= 200x git" \
  "$(bench_met 'a[0] >= 25000 and a[0] / a[1] >= 200' "$r_all" "$r_git")"
