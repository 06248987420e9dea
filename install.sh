#!/usr/bin/env bash
# Installs auths-hooks: Debian packages, a build in build/, the binaries under a prefix, and
# then runs scripts/demo.sh against the installed binaries; or, with --server, protects the
# repositories of a server with `auths hook install` instead of the demo. Safe to run again.
#
#   ./install.sh [--prefix DIR] [--no-demo]
#   ./install.sh --server plain|gitea|gitlab|gitolite [--all DIR | --repo R] [hook install options]
set -euo pipefail

usage() {
  cat <<'EOF'
usage: ./install.sh [--prefix DIR | --deb] [--no-demo]
       ./install.sh [--prefix DIR | --deb] --server LAYOUT [--all DIR | --repo R] [OPTIONS]

  --prefix DIR   where to install the binaries (DIR/bin); default /usr/local
  --deb          build the Debian package (cpack -G DEB, build/package/) and install it with
                 apt-get (binaries in /usr/bin, man pages, bash completion, examples) instead
                 of copying the binaries under --prefix
  --no-demo      do not run scripts/demo.sh afterwards

  --server LAYOUT              plain, gitea (Forgejo too), gitlab or gitolite: after installing,
                               run `auths hook install --layout LAYOUT` (no demo) with:
  --all DIR | --repo R         every repository under DIR, or one repository
  --shared-hooks-path PATH     plain: one hooks directory, set as each repository's core.hooksPath
  --gitlab-global-dir DIR      gitlab: Gitaly's custom_hooks_dir instead of per project hooks
  --gitolite-home DIR          gitolite: the gitolite user's HOME (run as that user when root)
  --gitolite-repo-specific     gitolite: repository-specific hooks instead of common ones
  --update                     also the per-ref update hook (plain, gitlab)

Installs the Debian build and runtime packages (apt-get), builds in build/ (Release),
installs auths, auths-pre-receive, auths-update, auths-pre-push and auths-commit-msg into
DIR/bin, then runs scripts/demo.sh: one accepted and one rejected push.
To protect a repository afterwards:  auths hook install --repo /srv/git/project.git
EOF
}

prefix=/usr/local
prefix_given=0
deb=0
demo=1
server=""
hook_args=()
gitolite_home=""
need_value() { [ "$2" -ge 2 ] || { echo "error: $1 needs a value" >&2; exit 64; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --server) need_value "$1" $#
              case "$2" in
                plain|gitea|forgejo|gitlab|gitolite) server=$2 ;;
                *) echo "error: --server: unknown layout '$2' (plain, gitea, gitlab, gitolite)" >&2; exit 64 ;;
              esac
              shift 2 ;;
    --all|--repo|--shared-hooks-path|--gitlab-global-dir)
              need_value "$1" $#
              hook_args+=("$1" "$2"); shift 2 ;;
    --gitolite-home) need_value "$1" $#
              gitolite_home=$2; hook_args+=("$1" "$2"); shift 2 ;;
    --update|--gitolite-repo-specific) hook_args+=("$1"); shift ;;
    --prefix) [ $# -ge 2 ] || { echo "error: --prefix needs a directory" >&2; exit 64; }
              prefix=$2; prefix_given=1; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; prefix_given=1; shift ;;
    --deb) deb=1; shift ;;
    --no-demo) demo=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option '$1'" >&2; usage >&2; exit 64 ;;
  esac
done
if [ "$deb" -eq 1 ] && [ "$prefix_given" -eq 1 ]; then
  echo "error: --deb installs into /usr: it takes no --prefix" >&2
  exit 64
fi
[ "$deb" -eq 0 ] || prefix=/usr
case "$prefix" in
  /*) ;;
  *) prefix="$(pwd)/$prefix" ;;
esac
if [ -z "$server" ] && [ "${#hook_args[@]}" -gt 0 ]; then
  echo "error: ${hook_args[0]} is an option of --server" >&2
  exit 64
fi

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

sudo=""
if [ "$deb" -eq 1 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "error: --deb installs with apt-get: run as root" >&2; exit 1; }
    sudo="sudo"
  fi
  auths_log "building the Debian package (cpack -G DEB)"
  rm -f build/package/auths-hooks_*.deb
  (cd build && cpack -G DEB -B "$root/build/package" >/dev/null)
  deb_file=$(find "$root/build/package" -maxdepth 1 -name 'auths-hooks_*.deb' | head -n1)
  [ -n "$deb_file" ] || { echo "error: cpack wrote no auths-hooks_*.deb in build/package" >&2; exit 1; }
  auths_log "installing $deb_file with apt-get"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb_file" </dev/null
else
  auths_log "installing into $prefix"
  if ! mkdir -p "$prefix/bin" 2>/dev/null || [ ! -w "$prefix/bin" ]; then
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
      sudo="sudo"
    else
      echo "error: cannot write to $prefix/bin (run as root, or choose --prefix DIR)" >&2
      exit 1
    fi
  fi
  $sudo cmake --install build --prefix "$prefix" --strip  # Botan's archive brings 40 MB of debug info
fi

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

if [ -n "$server" ]; then
  # gitolite's files belong to its user: as root, install as that user (HOME its home).
  as_user=()
  if [ "$server" = gitolite ] && [ "$(id -u)" -eq 0 ]; then
    owner=$(stat -c %U "${gitolite_home:-$HOME}")
    if [ "$owner" != root ]; then
      as_user=(runuser -u "$owner" -- env "HOME=${gitolite_home:-$(getent passwd "$owner" | cut -d: -f6)}")
    fi
  fi
  auths_log "protecting the repositories: auths hook install --layout $server ${hook_args[*]}"
  "${as_user[@]}" "$prefix/bin/auths" hook install --layout "$server" "${hook_args[@]}"
  auths_log "done. See where the hooks are:  auths hook status --repo R --layout $server"
  exit 0
fi

if [ "$demo" -eq 1 ]; then
  auths_log "running scripts/demo.sh with the installed binaries"
  env -u AUTHS_BIN_DIR PATH="$prefix/bin:$PATH" bash "$root/scripts/demo.sh"
fi

auths_log "done. Protect a repository with:  auths hook install --repo /path/to/repo.git"
