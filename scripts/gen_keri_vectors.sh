#!/usr/bin/env bash
# Regenerates tests/data/keri/vectors.json with signify-ts, WebOfTrust's TypeScript KERI
# implementation (npm package signify-ts, pinned in scripts/keri-vectors/package.json and its
# lock file). The unit tests (tests/unit/keri/keri_vectors_test.cpp) check that our event
# serializations, SAIDs, prefixes, key encodings, next-key digests and signature attachments
# equal these byte for byte. Needs node >= 18 and npm with access to the npm registry; the
# tests themselves only read the committed file, so they run offline.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/scripts/keri-vectors"
out="$root/tests/data/keri/vectors.json"

command -v node >/dev/null || { echo "gen_keri_vectors: node not found" >&2; exit 1; }
command -v npm >/dev/null || { echo "gen_keri_vectors: npm not found" >&2; exit 1; }

cd "$dir"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi
version="$(node -p "require('./node_modules/signify-ts/package.json').version")"
mkdir -p "$(dirname "$out")"
SIGNIFY_TS_VERSION="$version" node gen.mjs "$out"
