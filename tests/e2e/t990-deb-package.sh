#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` of this build, installed with dpkg into an empty root
# (dpkg --root: a system with nothing but the package's own files; its library dependencies
# are checked to be Debian packages of this system instead of being installed there), then
# used from that root as an admin would: `man auths` and the two section-5 pages, bash
# completion, and the installed hooks protecting a real repository (one push accepted, one
# refused).
# e2e-cost: 90
. "$(dirname "$0")/lib.sh"
test_init
make_key alice
make_key mallory

BUILD_DIR=$(cd "$AUTHS_BIN_DIR/.." && pwd)
PKG_DIR=$E2E_TMP/pkg
ROOT=$E2E_TMP/root

package_builds() {
  [ -f "$BUILD_DIR/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $BUILD_DIR"
  run cpack "cpack" -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$PKG_DIR"
  expect_rc 0
  deb=$(find "$PKG_DIR" -maxdepth 1 -name 'auths-hooks_*.deb' | head -n1)
  [ -n "$deb" ] || fail "cpack wrote no auths-hooks_*.deb: $(ls "$PKG_DIR")"
  echo "$deb" >"$E2E_TMP/deb.path"
  run info dpkg-deb -f "$deb" Package Version Architecture Depends
  expect_rc 0
  expect_text "$RUN_OUT" "Package: auths-hooks"
  expect_text "$RUN_OUT" "Version: 0.1.0"
  expect_text "$RUN_OUT" "libgit2-1.5"
  expect_text "$RUN_OUT" "libbotan-2-19"
  expect_text "$RUN_OUT" "git"
  run contents dpkg-deb -c "$deb"
  expect_rc 0
  local f
  for f in ./usr/bin/auths ./usr/bin/auths-pre-receive ./usr/bin/auths-post-receive ./usr/bin/auths-update \
    ./usr/bin/auths-pre-push ./usr/bin/auths-commit-msg ./usr/share/man/man1/auths.1.gz \
    ./usr/share/man/man5/auths-policy.toml.5.gz ./usr/share/man/man5/auths-hooks.yaml.5.gz \
    ./usr/share/bash-completion/completions/auths ./usr/share/doc/auths-hooks/README.md \
    ./usr/share/doc/auths-hooks/examples/policies/default.toml; do
    expect_text "$RUN_OUT" " $f"
  done
}
test_case package_builds "cpack -G DEB builds auths-hooks with binaries, man pages, completion and examples"

# Every package the .deb depends on is a Debian package this system has installed (what apt
# would bring onto a clean Debian 12), and nothing else is needed.
dependencies_are_debian_packages() {
  deb=$(cat "$E2E_TMP/deb.path")
  depends=$(dpkg-deb -f "$deb" Depends)
  [ -n "$depends" ] || fail "the package declares no dependencies"
  local dep name
  while IFS= read -r dep; do
    name=$(printf '%s\n' "$dep" | sed -E 's/^ *([a-z0-9.+-]+).*/\1/')
    [ -n "$name" ] || continue
    dpkg-query -W -f='${Status}\n' "$name" 2>/dev/null | grep -q '^install ok installed$' ||
      fail "dependency '$name' is not an installed Debian package here"
    ok
  done < <(printf '%s\n' "$depends" | tr ',' '\n')
}
test_case dependencies_are_debian_packages "its dependencies are Debian packages (dpkg-shlibdeps)"

installs_into_empty_root() {
  deb=$(cat "$E2E_TMP/deb.path")
  mkdir -p "$ROOT/var/lib/dpkg/info" "$ROOT/var/lib/dpkg/updates"
  : >"$ROOT/var/lib/dpkg/status"
  # The empty root has none of the libraries: --force-depends (checked above against this
  # system instead).
  run dpkg dpkg --root="$ROOT" --log=/dev/null --force-depends --force-not-root --force-bad-path -i "$deb"
  expect_rc 0
  run status dpkg --root="$ROOT" -s auths-hooks
  expect_rc 0
  expect_text "$RUN_OUT" "Status: install ok installed"
  run version "$ROOT/usr/bin/auths" --version
  expect_rc 0
  expect_text "$RUN_OUT" "auths 0.1.0"
}
test_case installs_into_empty_root "dpkg installs it into an empty root; the binaries run"

man_pages_show() {
  local page
  for page in "auths" "auths-policy.toml" "auths-hooks.yaml"; do
    run "man-$page" env MANPATH="$ROOT/usr/share/man" MANPAGER=cat MANWIDTH=100 man "$page"
    expect_rc 0
  done
  run man-auths env MANPATH="$ROOT/usr/share/man" MANPAGER=cat MANWIDTH=100 man auths
  expect_text "$RUN_OUT" "enforce who may sign what in git repositories"
  expect_text "$RUN_OUT" "auths hook install"
  expect_text "$RUN_OUT" "EXIT STATUS"
  run man-policy env MANPATH="$ROOT/usr/share/man" MANPAGER=cat MANWIDTH=100 man 5 auths-policy.toml
  expect_text "$RUN_OUT" "[governance]"
  expect_text "$RUN_OUT" "unknown-signer"
  run man-yaml env MANPATH="$ROOT/usr/share/man" MANPAGER=cat MANWIDTH=100 man 5 auths-hooks.yaml
  expect_text "$RUN_OUT" "hooks.yaml"
}
test_case man_pages_show "man auths, man 5 auths-policy.toml and man 5 auths-hooks.yaml show the pages"

completion_completes() {
  cat >"$E2E_TMP/complete.sh" <<SCRIPT
AUTHS_COMPLETION_BIN="$ROOT/usr/bin/auths"
. "$ROOT/usr/share/bash-completion/completions/auths"
try() { COMP_WORDS=("\$@"); COMP_CWORD=\$((\$# - 1)); _auths; echo "\${COMPREPLY[*]}"; }
try auths ho
try auths hook ""
try auths hook install --re
SCRIPT
  run complete bash "$E2E_TMP/complete.sh"
  expect_rc 0
  # One line per try: the first level, the hook group's subcommands, an option of hook install.
  expect_equal "$(sed -n 1p "$RUN_OUT")" "hook" "completion of 'auths ho'"
  local sub
  for sub in run install uninstall status override; do
    if sed -n 2p "$RUN_OUT" | tr ' ' '\n' | grep -qx "$sub"; then ok; else
      fail "completion of 'auths hook ' lacks '$sub': $(sed -n 2p "$RUN_OUT")"
    fi
  done
  if sed -n 3p "$RUN_OUT" | tr ' ' '\n' | grep -qx -- "--repo"; then ok; else
    fail "completion of 'auths hook install --re' lacks --repo: $(sed -n 3p "$RUN_OUT")"
  fi
}
test_case completion_completes "bash completion offers subcommands and options of the installed binary"

installed_hooks_protect_a_repository() {
  server_init
  client_init alice
  policy_write <<POLICY
version = 1
[governance]
signers = ["$(pub alice)"]
[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub alice)"]
POLICY
  commit_as alice "seed: policy" >/dev/null
  push_bypassing_hooks main
  client_git fetch -q origin
  run install "$ROOT/usr/bin/auths" hook install --repo "$SERVER" --bin-dir "$ROOT/usr/bin"
  expect_rc 0
  grep -qF "$ROOT/usr/bin/auths-pre-receive" "$SERVER/hooks/pre-receive" ||
    fail "the hook does not run the packaged auths-pre-receive: $(cat "$SERVER/hooks/pre-receive")"
  good=$(commit_as alice "signed by alice")
  push origin main
  expect_push_ok
  expect_ref refs/heads/main "$good"
  commit_as mallory "signed by mallory" >/dev/null
  push origin main
  expect_push_rejected unknown-signer
  expect_ref refs/heads/main "$good"
}
test_case installed_hooks_protect_a_repository "the packaged hooks accept a signed push and refuse an unknown signer"

test_done
