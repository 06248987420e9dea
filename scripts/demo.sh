#!/usr/bin/env bash
# A two-minute tour: a server repository protected by auths-pre-receive, a policy that allows
# alice's key on main, and two pushes: alice's signed commit is accepted, mallory's is refused.
# Prints each step and what the person pushing sees.
#
#   scripts/demo.sh [--keep]
#
# Uses the binaries in $AUTHS_BIN_DIR when set, else the ones on PATH (install.sh puts them in
# /usr/local/bin). Exits 0 only if the first push was accepted and the second refused.
set -euo pipefail

keep=0
[ "${1:-}" = --keep ] && keep=1

if [ -n "${AUTHS_BIN_DIR:-}" ]; then
  AUTHS_BIN_DIR=$(cd "$AUTHS_BIN_DIR" && pwd -P)
  export PATH="$AUTHS_BIN_DIR:$PATH"
fi
for bin in auths auths-pre-receive git ssh-keygen; do
  command -v "$bin" >/dev/null 2>&1 || {
    echo "error: '$bin' not found (set AUTHS_BIN_DIR, or run ./install.sh)" >&2
    exit 1
  }
done

demo=$(mktemp -d "${TMPDIR:-/tmp}/auths-demo.XXXXXX")
# shellcheck disable=SC2317  # cleanup runs from the EXIT trap
cleanup() { if [ "$keep" -eq 1 ]; then echo "(kept $demo)"; else rm -rf "$demo"; fi; }
trap cleanup EXIT

# A private git environment, so the demo neither reads nor changes the user's configuration.
export HOME=$demo/home GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
unset GIT_DIR GIT_WORK_TREE GL_ID GIT_SSH_COMMAND 2>/dev/null || true
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false
cd "$demo"

bold() { if [ -t 1 ]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }
# show CMD...: prints the command as a user would type it, then runs it.
show() { printf '$'; printf ' %q' "$@"; printf '\n'; "$@"; }

bold "1. Two developers, two ssh keys"
show ssh-keygen -q -t ed25519 -N '' -C alice -f alice
show ssh-keygen -q -t ed25519 -N '' -C mallory -f mallory
cat alice.pub mallory.pub

bold "2. The server repository, seeded with a policy that allows alice's key on main"
show git init -q --bare --initial-branch=main server.git
git clone -q server.git seed 2>/dev/null
mkdir -p seed/.auths
cat >seed/.auths/policy.toml <<EOF
version = 1
default = "deny"

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(cat alice.pub)"]

[governance]                  # who may change .auths/ on main
signers = ["$(cat alice.pub)"]
EOF
echo "\$ cat .auths/policy.toml"
cat seed/.auths/policy.toml
git -C seed add .auths/policy.toml
git -C seed -c user.name=admin -c user.email=admin@example.org commit -q -m "Add the auths policy"
git -C seed push -q origin main

bold "3. The admin installs the hook"
show auths hook install --repo server.git
cat server.git/hooks/pre-receive

# clone NAME: a clone that signs commits with NAME's key (gpg.format=ssh).
clone() {
  git clone -q server.git "$1-work"
  git -C "$1-work" config user.name "$1"
  git -C "$1-work" config user.email "$1@example.org"
  git -C "$1-work" config gpg.format ssh
  git -C "$1-work" config user.signingKey "$demo/$1"
  git -C "$1-work" config commit.gpgSign true
}
# attempt NAME: NAME commits (signed) and pushes; prints the output; returns git push's status.
attempt() {
  local name=$1 status=0
  clone "$name"
  echo "change by $name" >"$name-work/$name.txt"
  git -C "$name-work" add "$name.txt"
  git -C "$name-work" commit -q -m "Change by $name"
  echo "\$ git commit -S -m 'Change by $name'   # signed by ssh-keygen with $name's key"
  git -C "$name-work" cat-file commit HEAD | sed -n '/^gpgsig /{p;n;p;}' | sed 's/^/  /'
  echo "  ..."
  echo "\$ git push origin main"
  git -C "$name-work" push origin main 2>&1 || status=$?
  echo "(git push exited $status)"
  return "$status"
}

bold "4. alice pushes a commit signed with her key: accepted"
alice_status=0
attempt alice || alice_status=$?

bold "5. mallory pushes a commit signed with a key the policy does not list: refused"
mallory_status=0
attempt mallory || mallory_status=$?

bold "6. The server afterwards"
echo "\$ git -C server.git log --format='%h %an: %s' main"
git -C server.git log --format='%h %an: %s' main

echo
# The authors first, then the checks: `git log | grep -q` under pipefail fails at random when
# grep stops reading before git has written everything (SIGPIPE).
authors=$(git -C server.git log --format=%an main)
if [ "$alice_status" -eq 0 ] && [ "$mallory_status" -ne 0 ] &&
   grep -qx alice <<<"$authors" && ! grep -qx mallory <<<"$authors"; then
  echo "demo: OK: alice's push was accepted, mallory's was refused"
  exit 0
fi
echo "demo: FAILED: expected alice's push accepted (got exit $alice_status) and mallory's refused (got exit $mallory_status)" >&2
exit 1
