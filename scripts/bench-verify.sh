#!/usr/bin/env bash
# bench-verify.sh [N]: how fast the hook verifies a push of N new SSH-signed commits, against
# git's own verification of the same commits, measured in the same run on the same machine.
#
#   (a) auths hook run --repo bench.git, all N commits new (one thread, then one per core)
#   (b) git log --format=%G? with gpg.ssh.allowedSignersFile (one ssh-keygen per commit)
#
# The repository is built once per N under $BENCH_DIR (default build/bench) and reused.
# git's rate is measured on the newest BENCH_GIT_SAMPLE commits (default 1000; 0 = all N),
# because at ~100 commits/s verifying 10,000 takes minutes; the rate does not depend on N.
# Targets (issue 2): N=10000: >= 50x git's rate, >= 5,000 commits/s on one core.
set -euo pipefail

N=${1:-10000}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${AUTHS_BIN_DIR:-$here/build/bin}
dir=${BENCH_DIR:-$here/build/bench}/verify-$N
sample=${BENCH_GIT_SAMPLE:-1000}
[ "$sample" -eq 0 ] || [ "$sample" -gt "$N" ] && sample=$N

[ -x "$bin/auths" ] || { echo "error: $bin/auths not found; build first (cmake --build build)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "error: python3 is needed to build the benchmark repository" >&2; exit 2; }

now() { date +%s.%N; }
rate() { python3 -c "import sys; n,t=float(sys.argv[1]),float(sys.argv[2]); print('%.0f' % (n/t if t>0 else 0))" "$1" "$2"; }
elapsed() { python3 -c "import sys; print('%.3f' % (float(sys.argv[2])-float(sys.argv[1])))" "$1" "$2"; }

if [ ! -f "$dir/ready" ]; then
  echo "building $N signed commits in $dir (once)..."
  rm -rf "$dir"; mkdir -p "$dir"
  ssh-keygen -q -t ed25519 -N '' -C bench@example.org -f "$dir/key"
  git init -q --bare --initial-branch=main "$dir/bench.git"
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
  git init -q -b main "$work/w"
  mkdir -p "$work/w/.auths"
  cat > "$work/w/.auths/policy.toml" <<POLICY
version = 1
[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(cat "$dir/key.pub")"]
POLICY
  git -C "$work/w" add .auths
  git -C "$work/w" -c user.name=Bench -c user.email=bench@example.org commit -q -m "policy"
  git -C "$work/w" push -q "$dir/bench.git" main
  base=$(git -C "$dir/bench.git" rev-parse main)
  tip=$(python3 "$here/scripts/bench/make_signed_repo.py" "$dir/bench.git" "$N" "$dir/key" "$base")
  git -C "$dir/bench.git" update-ref refs/bench/tip "$tip"   # keeps the objects through repack
  git -C "$dir/bench.git" repack -adq
  git -C "$dir/bench.git" update-ref -d refs/bench/tip        # ...but the hook must see them as new
  echo "bench@example.org $(cat "$dir/key.pub")" > "$dir/allowed_signers"
  echo "$base $tip" > "$dir/ready"
fi
read -r base tip < "$dir/ready"
cores=$(nproc)

run_auths() {  # threads
  local t0 t1 out
  t0=$(now)
  out=$(echo "$base $tip refs/heads/main" | "$bin/auths" hook run --repo "$dir/bench.git" --json --threads "$1")
  t1=$(now)
  echo "$out" | python3 -c "
import json,sys
d=json.load(sys.stdin)
ok=sum(1 for r in d['refs'] for o in r['objects'] if o['code']=='ok')
assert d['decision']=='accept' and ok==$N, (d['decision'], ok)" || { echo "error: auths did not accept all $N commits" >&2; exit 1; }
  elapsed "$t0" "$t1"
}

echo "verifying $N new commits (ed25519, signed by ssh-keygen) on $cores cores"
t_one=$(run_auths 1)
t_all=$(run_auths 0)

t0=$(now)
good=$(git -C "$dir/bench.git" -c gpg.ssh.allowedSignersFile="$dir/allowed_signers" \
       log --format=%G? -n "$sample" "$tip" | grep -c '^G' || true)
t1=$(now)
[ "$good" -eq "$sample" ] || { echo "error: git verified $good of $sample commits" >&2; exit 1; }
t_git=$(elapsed "$t0" "$t1")

r_one=$(rate "$N" "$t_one"); r_all=$(rate "$N" "$t_all"); r_git=$(rate "$sample" "$t_git")
printf '%-48s %10s commits/s  (%s s)\n' "auths hook run, 1 thread" "$r_one" "$t_one"
printf '%-48s %10s commits/s  (%s s)\n' "auths hook run, $cores threads" "$r_all" "$t_all"
printf '%-48s %10s commits/s  (%s s, %s commits)\n' "git log --format=%G? (ssh-keygen per commit)" "$r_git" "$t_git" "$sample"
python3 -c "
import sys
one,alln,git=map(float,sys.argv[1:4])
print('ratio vs git: %.0fx on 1 thread, %.0fx on all cores' % (one/git, alln/git))
print('targets: >= 50x git  %s;  >= 5000 commits/s on one core  %s' % ('MET' if one/git>=50 else 'NOT MET', 'MET' if one>=5000 else 'NOT MET'))
" "$r_one" "$r_all" "$r_git"
