# shellcheck shell=bash  # sourced by bash scripts, never run: no shebang
# Witness servers for the end-to-end tests (README.md, "Witness receipts"): real
# `auths witness serve` processes on 127.0.0.1, on free ports the test picks, each with its key
# and log under $E2E_TMP/witness/N. Every server started is stopped at exit (lib.sh's
# E2E_CLEANUPS), also when a case fails or the script is interrupted, also a stopped (SIGSTOP)
# one. Source after lib.sh, call after test_init:
#
#   . "$(dirname "$0")/witness.sh"
#   witness_init 3            # keys and ports of witnesses 1..3: WITNESS_DID[N], WITNESS_URL[N]
#   witness_start 1           # waits until it listens
#   witness_stop 2            # SIGTERM, waits until it is gone
#   witness_pause 3           # SIGSTOP: connections are accepted by the kernel, never answered
#   witness_resume 3

WITNESS_DID=()
WITNESS_URL=()
WITNESS_PORT=()

# witness_init COUNT: witness keys (auths witness init) and one free port each on 127.0.0.1.
witness_init() {
  local count=$1 n ports
  mkdir -p "$E2E_TMP/witness"
  : >"$E2E_TMP/witness/pids"
  E2E_CLEANUPS+=(witness_stop_all)
  # The ports: bound together (so they differ), released, then used by the servers.
  ports=$(python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()' "$count") || e2e_die "no free ports"
  read -r -a WITNESS_PORT <<<"0 $ports"
  for n in $(seq 1 "$count"); do
    mkdir -p "$E2E_TMP/witness/$n"
    WITNESS_DID[n]=$("$AUTHS" witness init --key "$E2E_TMP/witness/$n/key" 2>/dev/null) ||
      e2e_die "auths witness init failed"
    case "${WITNESS_DID[n]}" in did:key:z6Mk*) ;; *) e2e_die "auths witness init printed '${WITNESS_DID[n]}'" ;; esac
    WITNESS_URL[n]="http://127.0.0.1:${WITNESS_PORT[n]}"
  done
}

# witness_pid N: the pid of witness N's server ("" when not running).
witness_pid() { cat "$E2E_TMP/witness/$1/pid" 2>/dev/null || true; }

# witness_start N: starts witness N (its log $E2E_TMP/witness/N/log.sqlite, its output in
# $E2E_TMP/witness/N/serve.log, appended) and waits until it says it listens.
witness_start() {
  local n=$1 dir=$E2E_TMP/witness/$1 pid lines i
  lines=$(wc -l 2>/dev/null <"$dir/serve.log" || echo 0)
  "$AUTHS" witness serve --key "$dir/key" --db "$dir/log.sqlite" --listen "127.0.0.1:${WITNESS_PORT[n]}" \
    >>"$dir/serve.log" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "$pid" >"$dir/pid"
  printf '%s\n' "$pid" >>"$E2E_TMP/witness/pids"
  for i in $(seq 1 200); do
    if tail -n +"$((lines + 1))" "$dir/serve.log" | grep -q 'listening on'; then return 0; fi
    kill -0 "$pid" 2>/dev/null || e2e_die "witness $n exited: $(cat "$dir/serve.log")"
    [ "$i" -lt 200 ] && sleep 0.05
  done
  e2e_die "witness $n did not listen within 10 s: $(cat "$dir/serve.log")"
}

# witness_stop N: SIGTERM to witness N (continued first if paused), then waits until it is gone.
witness_stop() {
  local pid i
  pid=$(witness_pid "$1")
  [ -n "$pid" ] || return 0
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true  # reaps it when this shell started it (else: not its child)
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    [ "$i" -lt 100 ] && sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$E2E_TMP/witness/$1/pid"
}

witness_pause() { kill -STOP "$(witness_pid "$1")"; }
witness_resume() { kill -CONT "$(witness_pid "$1")"; }

# witness_stop_all: every server any case started (by the pids recorded), at exit.
witness_stop_all() {
  local pid
  [ -f "$E2E_TMP/witness/pids" ] || return 0
  while read -r pid; do
    kill -CONT "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
  done <"$E2E_TMP/witness/pids"
  sleep 0.2
  while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$E2E_TMP/witness/pids"
  return 0
}

# witness_verify_log N: `auths witness verify-log --json` of witness N (RUN_OUT, RC).
witness_verify_log() { run "verify-log $1" "$AUTHS" witness verify-log --json "${WITNESS_URL[$1]}"; }
