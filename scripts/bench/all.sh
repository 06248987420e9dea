#!/usr/bin/env bash
# all.sh [--quick] [--only NAME,...]: runs the benchmarks of scripts/bench, one per goal of
# issue 13, in this order (memory.sh reuses the repositories of verify.sh and bigrepo.sh):
#
#   verify.sh    a 100,000-commit push: commits/s on 1 thread and on all cores, against git
#   startup.sh   a 1-commit push: the hook's wall time, against git verify-commit
#   bigrepo.sh   a 1-commit push to 1,000,000 commits and 10,000 refs, against a small repository
#   memory.sh    peak memory of the 100,000-commit push; of a 1-commit push, big against small
#   registry.sh  a 1,000-commit push with 10,000 members and agents, against 1 of each
#
# then prints the machine and ONE table (markdown, for README.md, Performance):
# goal | figure | baseline | ratio | target | met?, from the BENCH| lines the scripts end with.
# --quick is passed to each (smaller sizes, for trying things; the targets stay those of the
# full sizes). --only runs the named ones (e.g. --only startup,bigrepo). The environment
# reaches every script (AUTHS_BIN_DIR, BENCH_DIR, BENCH_ROUNDS, ...). Each script's output is
# shown and kept in $BENCH_DIR/logs. Exit status 1 when a script failed (its row says so),
# else 0, whether the targets are met or not.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

only=""
pass=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[$i]} in
    --only)
      i=$((i + 1))
      only=${args[$i]:-}
      [ -n "$only" ] || bench_die "--only needs a list of names (verify,startup,bigrepo,memory,registry)"
      ;;
    --only=*) only=${args[$i]#--only=} ;;
    *) pass+=("${args[$i]}") ;;
  esac
done
bench_args "$0" "${pass[@]}"
[ "${#BENCH_ARGS[@]}" -eq 0 ] || bench_die "all.sh takes no sizes (run a script alone for that): ${BENCH_ARGS[*]}"
quick=()
[ "$BENCH_QUICK" -eq 0 ] || quick=(--quick)
names=(verify startup bigrepo memory registry)
if [ -n "$only" ]; then
  IFS=, read -r -a names <<<"$only"
  for name in "${names[@]}"; do
    [ -f "$BENCH_ROOT/scripts/bench/$name.sh" ] || bench_die "no benchmark named $name (verify, startup, bigrepo, memory, registry)"
  done
fi

logs=$BENCH_DATA/logs/$(date +%Y%m%d-%H%M%S)
mkdir -p "$logs"
bench_machine | tee "$logs/machine"
failed=0
for name in "${names[@]}"; do
  echo
  echo "== $name.sh ${quick[*]}"
  rc=0
  bash "$BENCH_ROOT/scripts/bench/$name.sh" "${quick[@]}" 2>&1 | tee "$logs/$name.log" || rc=$?
  if [ "$rc" -ne 0 ]; then
    failed=1
    bench_row "$name" "FAILED (exit $rc; see $logs/$name.log)" "" "" "" "" >>"$logs/rows"
  else
    grep '^BENCH|' "$logs/$name.log" >>"$logs/rows" || bench_row "$name" "no result line" "" "" "" "" >>"$logs/rows"
  fi
done

sizes=""
[ "$BENCH_QUICK" -eq 0 ] || sizes=" (--quick sizes)"
{
  echo
  echo "Taken $(date -u +%Y-%m-%d) at commit $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$sizes;" \
    "$(<"$logs/machine")"
  echo
  echo "| goal | figure | baseline | ratio | target | met? |"
  echo "|---|---|---|---|---|---|"
  awk -F'|' '{ row = "|"; for (i = 2; i <= NF; i++) row = row " " $i " |"; print row }' "$logs/rows"
} | tee "$logs/table.md"
exit "$failed"
