# shellcheck shell=bash  # sourced by install.sh and scripts/test.sh, or run with bash: no shebang
# Debian 12 packages auths-hooks needs, and a function that installs the missing ones.
# Sourced by install.sh and scripts/test.sh; running it directly installs build, test and style
# packages.
#
#   auths_ensure_packages PKG...   installs what `dpkg-query` does not report as installed;
#                                  runs `apt-get update` first only when something is missing.

# Building and running the binaries (python3: scripts/gen-man.py writes the manual pages; dpkg-dev,
# which build-essential brings, gives cpack its dpkg-shlibdeps; libbz2-dev and liblzma-dev: what
# Botan's archive needs when a Release build links it statically, AUTHS_STATIC_DEPS in
# CMakeLists.txt; libmbedtls-dev, libhttp-parser-dev, libpcre2-dev and zlib1g-dev: the archives
# libgit2's archive needs in the same link, named here although libgit2-dev depends on them,
# since the link names them; libssl-dev: OpenSSL for cpp-httplib's https client).
AUTHS_BUILD_PACKAGES="build-essential g++ cmake ninja-build pkg-config git openssh-client
  libgit2-dev libbotan-2-dev libsodium-dev libtomlplusplus-dev nlohmann-json3-dev libyaml-cpp-dev
  libcli11-dev libsqlite3-dev libcpp-httplib-dev python3 libbz2-dev liblzma-dev libmbedtls-dev
  libssl-dev libhttp-parser-dev libpcre2-dev zlib1g-dev"
# Building and running the tests: Boost.Test for the unit tests, sshd for the push-over-ssh
# cases, b3sum and openssl as test oracles, python3 to check JSON output, python3-cryptography
# for tests/support/auths_gen2.py (the independent maker of Auths Gen-2 identities, t800, t810),
# nginx and fcgiwrap for pushes over smart HTTP (t941), gitolite3 for pushes through gitolite
# (t942), each started by its test as the test user, and man-db to read the packaged manual
# pages (t990).
AUTHS_TEST_PACKAGES="libboost-test-dev openssh-server b3sum openssl python3 python3-cryptography
  nginx fcgiwrap gitolite3 man-db"
# Keeping the style (scripts/test.sh): scripts/format.sh --check (clang-format 14 on Debian 12)
# and shellcheck on every shell script.
AUTHS_STYLE_PACKAGES="clang-format shellcheck"

auths_log() { printf '%s\n' "==> $*" >&2; }

# Prints the packages of "$@" that are not installed.
auths_missing_packages() {
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
      printf '%s\n' "$pkg"
    fi
  done
}

auths_ensure_packages() {
  local missing
  if ! command -v dpkg-query >/dev/null 2>&1; then
    auths_log "dpkg-query not found: not a Debian system; make sure these are installed: $*"
    return 0
  fi
  missing=$(auths_missing_packages "$@" | tr '\n' ' ')
  missing=${missing% }
  if [ -z "$missing" ]; then
    auths_log "packages: all $# present"
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo="sudo"
    else
      printf 'error: missing packages: %s\n' "$missing" >&2
      printf 'hint: run as root, or install them: apt-get install %s\n' "$missing" >&2
      return 1
    fi
  fi
  auths_log "installing missing packages: $missing"
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  if ! { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing </dev/null; }; then
    printf 'error: apt-get could not install: %s\n' "$missing" >&2
    return 1
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -eu
  # shellcheck disable=SC2086
  auths_ensure_packages $AUTHS_BUILD_PACKAGES $AUTHS_TEST_PACKAGES $AUTHS_STYLE_PACKAGES
fi
