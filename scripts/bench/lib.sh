# shellcheck shell=bash  # sourced by the scripts of scripts/bench, never run: no shebang
# Helpers of the benchmarks in scripts/bench (issue 13), one per job: options, errors, timing,
# medians, the result line, the benchmark repositories (built once under $BENCH_DIR, default
# build/bench, and reused while their `ready` marker is there) and running a hook as git does.
#
# Every benchmark ends with one machine-readable line, which scripts/bench/all.sh collects:
#
#   BENCH|goal|figure|baseline|ratio|target|MET        (or NOT MET)
#
# The baseline is always measured in the same run as the figure. A benchmark exits 1 when the
# hook does not give the verdict it expects (a benchmark of refusals measures nothing), and 0
# whether the target is met or not.
#
# Environment: AUTHS_BIN_DIR (the binaries, default build/bin; measure a Release build),
# BENCH_DIR (the generated data, default build/bench).

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_BIN=${AUTHS_BIN_DIR:-$BENCH_ROOT/build/bin}
BENCH_DATA=${BENCH_DIR:-$BENCH_ROOT/build/bench}
BENCH_QUICK=0
BENCH_ARGS=()
# The identity of every benchmark commit; the allowed signers files name it.
BENCH_EMAIL=bench@example.org

# bench_die MESSAGE: one line on stderr, exit 1.
bench_die() {
  echo "error: $*" >&2
  exit 1
}

# bench_args "$0" "$@": --help prints the comment at the top of the script and exits; --quick
# sets BENCH_QUICK=1 (smaller default sizes, for trying things); the other arguments go to the
# array BENCH_ARGS.
bench_args() {
  local script=$1 arg
  shift
  for arg in "$@"; do
    case $arg in
      -h | --help)
        sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$script"
        exit 0
        ;;
      --quick)
        # shellcheck disable=SC2034  # read by the calling script
        BENCH_QUICK=1
        ;;
      -*) bench_die "unknown option $arg (see $(basename "$script") --help)" ;;
      *) BENCH_ARGS+=("$arg") ;;
    esac
  done
}

# bench_size INDEX FULL QUICK: the size given as argument number INDEX (from 0; - for none),
# else FULL, or QUICK with --quick. Sizes are whole numbers.
bench_size() {
  local size=$2
  [ "$BENCH_QUICK" -eq 0 ] || size=$3
  if [ "$1" != - ] && [ "${#BENCH_ARGS[@]}" -gt "$1" ]; then size=${BENCH_ARGS[$1]}; fi
  [[ $size =~ ^[0-9]+$ ]] || bench_die "a size must be a whole number, not '$size'"
  echo "$size"
}

# bench_need TOOL...: each must be an executable in $AUTHS_BIN_DIR, or a command in PATH
# (python3, git, ...) when it is not one of ours.
bench_need() {
  local tool
  for tool in "$@"; do
    case $tool in
      auths*) [ -x "$BENCH_BIN/$tool" ] || bench_die "$BENCH_BIN/$tool not found: build first (see README.md, Performance) or set AUTHS_BIN_DIR" ;;
      *) command -v "$tool" >/dev/null || bench_die "$tool is needed and not in PATH" ;;
    esac
  done
}

# bench_calc EXPRESSION NUMBER...: evaluates a Python expression over the numbers a[0], a[1]...
# (floats) and prints it: bench_calc '"%.0f" % (a[0] / a[1])' "$commits" "$seconds".
bench_calc() {
  local expression=$1
  shift
  python3 -c "import sys; a = [float(x) for x in sys.argv[1:]]; print($expression)" "$@"
}

# bench_count NUMBER: rounded, with thousands separators (12,345).
bench_count() { bench_calc '"{:,.0f}".format(a[0])' "$1"; }

# bench_met CONDITION NUMBER...: MET when the Python condition over a[0], a[1]... holds, else NOT MET.
bench_met() {
  local condition=$1
  shift
  bench_calc "'MET' if ($condition) else 'NOT MET'" "$@"
}

# bench_median: the median of the numbers on stdin, one a line.
bench_median() {
  python3 -c "import statistics, sys; print(statistics.median(float(x) for x in sys.stdin.read().split()))"
}

# bench_median_ms FILE: the median of the microseconds in FILE (bench_wall_us), in milliseconds.
bench_median_ms() { bench_calc '"%.2f" % (a[0] / 1000)' "$(bench_median <"$1")"; }

# bench_now: the time in seconds (microseconds resolution), for intervals of seconds; runs of a
# few milliseconds are timed by bench_wall_us.
bench_now() { date +%s.%N; }

# bench_elapsed T0 T1: seconds between two bench_now.
bench_elapsed() { bench_calc '"%.3f" % (a[1] - a[0])' "$1" "$2"; }

# bench_row GOAL FIGURE BASELINE RATIO TARGET MET: the last line of every benchmark.
bench_row() {
  local IFS='|'
  echo "BENCH|$*"
}

# bench_machine: one line about the machine the figures were taken on.
bench_machine() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
  echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# bench_wall_us INPUT OUTPUT DIR COMMAND...: runs COMMAND as git runs a hook, in DIR with
# GIT_DIR=DIR, stdin from the file INPUT, stdout and stderr into the file OUTPUT; prints its
# wall time in microseconds and returns its exit status. Timed by scripts/bench/wall_us.py:
# from just before the process is created (posix_spawn, which does not copy the caller) to just
# after it is reaped. It was timed here around `( cd DIR && exec COMMAND )`, which put bash's
# fork of itself inside the interval: /bin/true took 2.13 ms that way and 1.65 ms this way, the
# hook 4.97 ms and 4.87 ms (30 alternating runs each; README, "Performance").
bench_wall_us() {
  python3 "$BENCH_ROOT/scripts/bench/wall_us.py" "$@"
}

# bench_trace TRACE INPUT DIR HOOK: one more run of HOOK as bench_wall_us runs it, with
# AUTHS_TRACE_PHASES=1; appends the lines `auths-trace: <phase> <microseconds>` it prints on
# stderr (none from a binary that does not trace) to the file TRACE. Exit 1 when it refuses.
bench_trace() {
  local trace=$1 input=$2 dir=$3 hook=$4
  AUTHS_TRACE_PHASES=1 bench_wall_us "$input" "$trace.run" "$dir" "$hook" >/dev/null ||
    bench_die "$(basename "$hook") refused the push under AUTHS_TRACE_PHASES=1: $(grep -m1 '^auths: ' "$trace.run" || tail -n1 "$trace.run")"
  grep '^auths-trace: ' "$trace.run" >>"$trace" || true
}

# bench_phases TRACE TITLE: the median of each phase in the file TRACE (bench_trace), in
# milliseconds, under the line TITLE; nothing when TRACE holds no phase.
bench_phases() {
  [ -s "$1" ] || return 0
  echo "$2"
  python3 - "$1" <<'PY'
import statistics, sys
phases = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) >= 3:
        phases.setdefault(" ".join(parts[1:-1]), []).append(float(parts[-1]))
for name, values in phases.items():
    print("  %-36s %8.2f ms" % (name, statistics.median(values) / 1000))
PY
}

# bench_peak_rss_kb OUTPUT COMMAND...: runs COMMAND (stdin inherited, stdout into the file
# OUTPUT, stderr into OUTPUT.err) under /usr/bin/time; prints its peak resident set in KiB and
# returns its exit status.
bench_peak_rss_kb() {
  local output=$1 rc=0
  shift
  [ -x /usr/bin/time ] || bench_die "/usr/bin/time is needed (Debian package time)"
  /usr/bin/time -f %M -o "$output.rss" "$@" >"$output" 2>"$output.err" || rc=$?
  tail -n1 "$output.rss"
  return "$rc"
}

# bench_expect_verified OUTPUT COUNT WHAT: the hook's (or auths hook run's) output in the file
# OUTPUT must end the push with "auths: push accepted: COUNT commits and ...": all COUNT new
# commits verified and the push accepted, in enforce mode (warn mode and overrides say more);
# else exit 1 naming WHAT.
bench_expect_verified() {
  local plural=s
  [ "$2" -ne 1 ] || plural=""
  grep -q "^auths: push accepted: $2 commit$plural and " "$1" ||
    bench_die "the hook did not accept $3 with $2 commit(s) verified: $(grep -m1 '^auths: ' "$1" || head -c 300 "$1")"
}

# bench_policy KEY.pub: .auths/policy.toml with one rule: commits to refs/heads/main signed by KEY.
bench_policy() {
  cat <<POLICY
version = 1
[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(cat "$1")"]
POLICY
}

# bench_keep_new REPO TIP: packs REPO with the objects of TIP in it (a temporary ref keeps them
# through the repack) while no ref reaches TIP: the hook must see them as new.
bench_keep_new() {
  git -C "$1" update-ref refs/bench/tip "$2"
  git -C "$1" repack -adq
  git -C "$1" update-ref -d refs/bench/tip
}

# bench_signed_repo N: $BENCH_DATA/verify-N: a bare repository whose main holds only the policy
# commit, and N new commits on top of it in a line, signed with OpenSSL's Ed25519 by
# scripts/bench/make_signed_repo.py (SSHSIG checked by ssh-keygen). Sets BENCH_REPO_DIR (key,
# allowed_signers, bench.git), BENCH_BASE (main) and BENCH_TIP (the newest new commit).
bench_signed_repo() {
  local n=$1 dir work
  dir=$BENCH_DATA/verify-$n
  if [ ! -f "$dir/ready" ]; then
    echo "building $n signed commits in $dir (once)..."
    rm -rf "$dir"
    mkdir -p "$dir"
    ssh-keygen -q -t ed25519 -N '' -C "$BENCH_EMAIL" -f "$dir/key"
    git init -q --bare --initial-branch=main "$dir/bench.git"
    work=$(mktemp -d)
    git init -q -b main "$work/w"
    mkdir -p "$work/w/.auths"
    bench_policy "$dir/key.pub" >"$work/w/.auths/policy.toml"
    git -C "$work/w" add .auths
    git -C "$work/w" -c user.name=Bench -c user.email="$BENCH_EMAIL" commit -q -m "policy"
    git -C "$work/w" push -q "$dir/bench.git" main
    rm -rf "$work"
    BENCH_BASE=$(git -C "$dir/bench.git" rev-parse main)
    BENCH_TIP=$(python3 "$BENCH_ROOT/scripts/bench/make_signed_repo.py" "$dir/bench.git" "$n" "$dir/key" "$BENCH_BASE")
    bench_keep_new "$dir/bench.git" "$BENCH_TIP"
    echo "$BENCH_EMAIL $(cat "$dir/key.pub")" >"$dir/allowed_signers"
    echo "$BENCH_BASE $BENCH_TIP" >"$dir/ready"
  fi
  read -r BENCH_BASE BENCH_TIP <"$dir/ready"
  BENCH_REPO_DIR=$dir
}

# bench_history_repo COMMITS REFS: $BENCH_DATA/history-COMMITS-REFS: a bare repository with a
# history of COMMITS unsigned commits on main (the first adds the policy: main signed by
# `key`) and REFS branches and tags spread over it (scripts/bench/make_history.py through git
# fast-import), refs packed, objects repacked, a commit-graph written (git gc writes one by
# default). Sets BENCH_REPO_DIR (key, allowed_signers, repo.git) and BENCH_BASE (main).
bench_history_repo() {
  local commits=$1 refs=$2 dir t0
  dir=$BENCH_DATA/history-$commits-$refs
  if [ ! -f "$dir/ready" ]; then
    echo "building a history of $commits commits and $refs refs in $dir (once)..."
    t0=$(bench_now)
    rm -rf "$dir"
    mkdir -p "$dir"
    ssh-keygen -q -t ed25519 -N '' -C "$BENCH_EMAIL" -f "$dir/key"
    echo "$BENCH_EMAIL $(cat "$dir/key.pub")" >"$dir/allowed_signers"
    bench_policy "$dir/key.pub" >"$dir/policy.toml"
    git init -q --bare --initial-branch=main "$dir/repo.git"
    python3 "$BENCH_ROOT/scripts/bench/make_history.py" "$commits" "$refs" "$dir/policy.toml" |
      git -C "$dir/repo.git" fast-import --quiet
    git -C "$dir/repo.git" pack-refs --all
    git -C "$dir/repo.git" repack -adq
    git -C "$dir/repo.git" commit-graph write --reachable
    git -C "$dir/repo.git" rev-parse main >"$dir/ready"
    echo "  built in $(bench_elapsed "$t0" "$(bench_now)") s ($(du -sh "$dir/repo.git" | cut -f1))"
  fi
  read -r BENCH_BASE <"$dir/ready"
  BENCH_REPO_DIR=$dir
}

# bench_new_commits COUNT: in the repository of bench_history_repo, COUNT distinct new commits
# on top of main, each signed by git itself (gpg.format=ssh, user.signingKey: ssh-keygen), each
# adding one file; written into the repository without moving any ref (the hook sees each as a
# 1-commit push). Made once and kept in $BENCH_REPO_DIR/new; sets the array BENCH_NEW. One
# commit per timed run: no run can profit from what an earlier one left behind.
bench_new_commits() {
  local count=$1 repo=$BENCH_REPO_DIR/repo.git have=0 blob tree commit
  [ -f "$BENCH_REPO_DIR/new" ] && have=$(wc -l <"$BENCH_REPO_DIR/new")
  while [ "$have" -lt "$count" ]; do
    have=$((have + 1))
    blob=$(echo "pushed $have" | git -C "$repo" hash-object -w --stdin)
    tree=$({
      git -C "$repo" ls-tree "$BENCH_BASE"
      printf '100644 blob %s\tpushed-%d.txt\n' "$blob" "$have"
    } | git -C "$repo" mktree)
    commit=$(git -C "$repo" -c gpg.format=ssh -c user.signingKey="$BENCH_REPO_DIR/key" \
      -c user.name=Bench -c user.email="$BENCH_EMAIL" commit-tree -S -p "$BENCH_BASE" -m "pushed $have" "$tree")
    echo "$commit" >>"$BENCH_REPO_DIR/new"
  done
  # shellcheck disable=SC2034  # a result for the calling script (documented above)
  mapfile -t BENCH_NEW < <(head -n "$count" "$BENCH_REPO_DIR/new")
}

# bench_linked_copy NAME: in the directory of bench_history_repo, NAME.git: its repository as
# hard links (the hook writes only its own state, which bench_fresh_state removed first; replace
# a file of the copy by removing it first, never in place). Made again on every call, with the
# new commits made since; prints its path.
bench_linked_copy() {
  local copy=$BENCH_REPO_DIR/$1.git
  bench_fresh_state "$BENCH_REPO_DIR/repo.git"
  rm -rf "$copy"
  cp -al "$BENCH_REPO_DIR/repo.git" "$copy"
  echo "$copy"
}

# bench_graphless: bench_linked_copy graphless, without the commit-graph; sets BENCH_GRAPHLESS.
bench_graphless() {
  BENCH_GRAPHLESS=$(bench_linked_copy graphless)
  rm -rf "$BENCH_GRAPHLESS/objects/info/commit-graph" "$BENCH_GRAPHLESS/objects/info/commit-graphs"
}

# bench_few_refs: bench_linked_copy fewrefs, with only 10 branches (main and the first 9 others
# of packed-refs, written anew): the same history as the big repository, the ref count of the
# small one, what history alone costs; sets BENCH_FEWREFS.
bench_few_refs() {
  BENCH_FEWREFS=$(bench_linked_copy fewrefs)
  rm -f "$BENCH_FEWREFS/packed-refs"
  {
    echo "# pack-refs with: peeled fully-peeled sorted "
    # awk reads to the end (head would stop the writer early: SIGPIPE under pipefail).
    awk '$2 == "refs/heads/main" { print; next } $2 ~ /^refs\/heads\// && n < 9 { print; n++ }' \
      "$BENCH_REPO_DIR/repo.git/packed-refs" | LC_ALL=C sort -k2
  } >"$BENCH_FEWREFS/packed-refs"
  [ "$(git -C "$BENCH_FEWREFS" for-each-ref | wc -l)" -eq 10 ] || bench_die "fewrefs.git does not have 10 refs"
}

# bench_fresh_state REPO: removes the server's records of earlier runs (<git dir>/auths: state,
# audit, anything cached), so that every run of a benchmark starts from the same state.
bench_fresh_state() { rm -rf "$1/auths"; }
