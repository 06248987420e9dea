#!/usr/bin/env bash
# Installs auths-hooks: Debian packages, a build in build/, the binaries under a prefix, and
# then runs scripts/demo.sh against the installed binaries. Safe to run again.
#
#   ./install.sh [--prefix DIR] [--no-demo]
set -euo pipefail

usage() {
  cat <<'EOF'
usage: ./install.sh [--prefix DIR] [--no-demo]

  --prefix DIR   where to install the binaries (DIR/bin); default /usr/local
  --no-demo      do not run scripts/demo.sh afterwards

Installs the Debian build and runtime packages (apt-get), builds in build/ (Release),
installs auths, auths-pre-receive, auths-update, auths-pre-push and auths-commit-msg into
DIR/bin, then runs scripts/demo.sh: one accepted and one rejected push.
To protect a repository afterwards:  auths hook install --repo /srv/git/project.git
EOF
}

prefix=/usr/local
demo=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "error: --prefix needs a directory" >&2; exit 64; }
              prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-demo) demo=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option '$1'" >&2; usage >&2; exit 64 ;;
  esac
done
case "$prefix" in
  /*) ;;
  *) prefix="$(pwd)/$prefix" ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"
# shellcheck source=scripts/deps.sh
. "$root/scripts/deps.sh"

auths_log "checking Debian packages"
# shellcheck disable=SC2086
auths_ensure_packages $AUTHS_BUILD_PACKAGES

auths_log "configuring build/"
generator=()
[ -f build/CMakeCache.txt ] || generator=(-G Ninja)
# The tests build and run in build-test/ (scripts/test.sh): not here.
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DAUTHS_BUILD_TESTS=OFF

auths_log "building (this takes a few minutes the first time)"
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

auths_log "installing into $prefix"
sudo=""
if ! mkdir -p "$prefix/bin" 2>/dev/null || [ ! -w "$prefix/bin" ]; then
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "error: cannot write to $prefix/bin (run as root, or choose --prefix DIR)" >&2
    exit 1
  fi
fi
$sudo cmake --install build --prefix "$prefix"

for bin in auths auths-pre-receive auths-update auths-pre-push auths-commit-msg; do
  if [ ! -x "$prefix/bin/$bin" ]; then
    echo "error: $prefix/bin/$bin was not installed" >&2
    exit 1
  fi
done
auths_log "installed: $prefix/bin/{auths,auths-pre-receive,auths-update,auths-pre-push,auths-commit-msg}"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) auths_log "note: $prefix/bin is not on PATH" ;;
esac

if [ "$demo" -eq 1 ]; then
  auths_log "running scripts/demo.sh with the installed binaries"
  env -u AUTHS_BIN_DIR PATH="$prefix/bin:$PATH" bash "$root/scripts/demo.sh"
fi

auths_log "done. Protect a repository with:  auths hook install --repo /path/to/repo.git"
