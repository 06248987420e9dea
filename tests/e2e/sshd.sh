# shellcheck shell=bash  # sourced by bash scripts, never run: no shebang
# A private sshd on 127.0.0.1 for pushes over ssh. Sourced by lib.sh; needs $E2E_TMP.
#
#   sshd_start        starts /usr/sbin/sshd (its own host key, config, authorized_keys, pid file,
#                     all under $E2E_TMP/sshd), sets SSHD_PORT, SSHD_USER and exports
#                     GIT_SSH_COMMAND; stopped by sshd_stop (lib.sh's exit trap calls it)
#   sshd_url PATH     ssh://<user>@127.0.0.1:<port><PATH>
#
# The server side of a push runs as the current user through its login shell. sshd_config
# `SetEnv` gives it the test's HOME (so neither the user's ~/.bashrc nor ~/.gitconfig leak in)
# and a PATH where git-receive-pack is found; `AcceptEnv GL_* GITEA_*` lets tests pass forge
# variables (GL_ID, GL_USERNAME, ...) through the client's SendEnv, as they reach the hook over
# file:// too (SSHD_ACCEPT_ENV, set before sshd_start, adds patterns: a server that accepts too
# much). ASAN_, UBSAN_ and LSAN_OPTIONS (set by ctest in the sanitizer build) are passed on
# the same way, so that the hooks behind sshd run under the same sanitizer options.

SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}
SSHD_PORT=""
SSHD_USER=""
SSHD_PID=""

sshd_start() {
  local dir="$E2E_TMP/sshd" port attempt user git_dir
  mkdir -p "$dir"
  [ -x "$SSHD_BIN" ] || e2e_die "sshd not found at $SSHD_BIN (Debian package openssh-server)"
  user=$(id -un)
  ssh-keygen -q -t ed25519 -N '' -C e2e-host -f "$dir/host_key" || e2e_die "ssh-keygen (host key) failed"
  ssh-keygen -q -t ed25519 -N '' -C e2e-client -f "$dir/client_key" || e2e_die "ssh-keygen (client key) failed"
  cp "$dir/client_key.pub" "$dir/authorized_keys"
  chmod 600 "$dir/authorized_keys"
  # As root, sshd insists on its privilege separation directory.
  if [ "$(id -u)" -eq 0 ] && [ ! -d /run/sshd ]; then
    mkdir -p /run/sshd && chmod 755 /run/sshd
  fi
  git_dir=$(dirname "$(command -v git-receive-pack 2>/dev/null || command -v git)")
  local sanitizer_env=""
  [ -z "${ASAN_OPTIONS:-}" ] || sanitizer_env+=" ASAN_OPTIONS=$ASAN_OPTIONS"
  [ -z "${UBSAN_OPTIONS:-}" ] || sanitizer_env+=" UBSAN_OPTIONS=$UBSAN_OPTIONS"
  [ -z "${LSAN_OPTIONS:-}" ] || sanitizer_env+=" LSAN_OPTIONS=$LSAN_OPTIONS"

  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    cat >"$dir/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
PermitRootLogin yes
UsePAM no
AllowUsers $user
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PrintMotd no
PrintLastLog no
UseDNS no
LogLevel VERBOSE
AcceptEnv GIT_PROTOCOL GL_* GITEA_*${SSHD_ACCEPT_ENV:+ $SSHD_ACCEPT_ENV}
SetEnv HOME=$E2E_HOME PATH=$git_dir:/usr/local/bin:/usr/bin:/bin GIT_CONFIG_NOSYSTEM=1 LANG=C$sanitizer_env
Subsystem sftp internal-sftp
EOF
    "$SSHD_BIN" -t -f "$dir/sshd_config" 2>"$dir/sshd-check.log" ||
      e2e_die "sshd rejects its test config: $(cat "$dir/sshd-check.log")"
    "$SSHD_BIN" -D -e -f "$dir/sshd_config" >"$dir/sshd.log" 2>&1 &
    SSHD_PID=$!
    for _ in $(seq 1 300); do  # up to 15 s on a loaded machine
      if grep -q "Server listening on 127.0.0.1 port $port" "$dir/sshd.log" 2>/dev/null; then
        SSHD_PORT=$port
        break 2
      fi
      if ! kill -0 "$SSHD_PID" 2>/dev/null; then
        break
      fi
      sleep 0.05
    done
    # Not listening: port taken (try another) or a real failure (reported after 10 attempts).
    kill "$SSHD_PID" 2>/dev/null || true
    wait "$SSHD_PID" 2>/dev/null || true
    SSHD_PID=""
    cp "$dir/sshd.log" "$dir/sshd-attempt$attempt.log"
  done
  [ -n "$SSHD_PORT" ] || e2e_die "sshd did not start; last log: $(cat "$dir/sshd.log")"
  SSHD_USER=$user
  export GIT_SSH_COMMAND="ssh -F /dev/null -i $dir/client_key -p $SSHD_PORT -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -o SendEnv=GL_* -o SendEnv=GITEA_*"
  # Prove the round trip before any test depends on it.
  local out
  # shellcheck disable=SC2016  # $HOME is expanded by the remote shell: the session's HOME
  if ! out=$($GIT_SSH_COMMAND "$SSHD_USER@127.0.0.1" 'echo "ok $HOME"; command -v git-receive-pack' 2>&1); then
    e2e_die "ssh to the test sshd failed: $out
sshd log: $(cat "$dir/sshd.log")"
  fi
  case "$out" in
    "ok $E2E_HOME"*git-receive-pack) ;;
    *) e2e_die "ssh session environment is not the test's (expected HOME=$E2E_HOME and git-receive-pack on PATH): $out" ;;
  esac
}

sshd_stop() {
  if [ -n "$SSHD_PID" ]; then
    kill "$SSHD_PID" 2>/dev/null || true
    wait "$SSHD_PID" 2>/dev/null || true
    SSHD_PID=""
  fi
}

sshd_url() {
  printf 'ssh://%s@127.0.0.1:%s%s\n' "$SSHD_USER" "$SSHD_PORT" "$1"
}
