#!/usr/bin/env bash
# Applies .clang-format to every C++ file of the tree, or with --check lists the files that
# differ from it and exits 1 (scripts/test.sh runs the check).
#
#   scripts/format.sh            rewrite the files in place
#   scripts/format.sh --check    change nothing; exit 1 if a file is not formatted
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mode=fix
case "${1:-}" in
  --check) mode=check ;;
  "") ;;
  -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
  *) echo "error: unknown option '$1'" >&2; exit 64 ;;
esac

command -v clang-format >/dev/null 2>&1 || { echo "error: clang-format not found (apt-get install clang-format)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [ "$mode" = fix ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (run scripts/format.sh)" >&2
    bad=1
  fi
done
exit "$bad"
