# shellcheck shell=bash  # sourced by bash scripts, never run: no shebang
# Helpers for the end-to-end tests: real git, a bare server repository with the auths hook
# installed, a client clone that signs with ssh keys (git and ssh-keygen make every signature,
# never our code), pushes over file:// or over ssh to a private sshd.
# In the spirit of git's t/t5401-update-hooks.sh and t/t5547-push-quarantine.sh.
#
# A test script:
#
#   #!/usr/bin/env bash
#   # e2e-transports: file ssh:1,3  (how ctest runs it; default: file. `file ssh`: twice, every
#                                   case over file:// and again every case over ssh, for the
#                                   scripts about the transport itself: the hook's environment
#                                   over sshd, forge variables, what reaches the pusher's
#                                   terminal. `file ssh:1,3`: once, cases 1 and 3 over ssh to
#                                   the private sshd and the others over file://, as
#                                   AUTHS_E2E_SSH_CASES=1,3 does: at least one case per attack
#                                   over the real transport, without a second setup)

#   # e2e-cost: 60                  (optional: a long script: seconds, idle; ctest -j starts it
#                                   early and gives it ten times that before a timeout)
#   # e2e-sanitize: full            (optional: in the sanitizer build, also the leak check and
#                                   detect_stack_use_after_return, as the unit tests; for the
#                                   scripts that feed the hooks hostile objects and records)

#   . "$(dirname "$0")/lib.sh"
#   test_init
#   make_key alice
#   setup_repo alice <<EOF          # server + client + .auths/policy.toml pushed, hook installed
#   version = 1
#   [[policy.commit]]
#   name = "main"
#   refs = ["refs/heads/main"]
#   signers = ["$(pub alice)"]
#   EOF
#   signed_is_accepted() {
#     c=$(commit_as alice "feature")
#     push origin main
#     expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 1 ref"
#     expect_ref refs/heads/main "$c"
#   }
#   test_case signed_is_accepted "a commit signed by an allowed key is accepted"
#   test_done
#
# Cases work as git's test_expect_success (see "Cases" below): each runs and fails on its own,
# AUTHS_E2E_RUN=3 or AUTHS_E2E_RUN=merge runs one of them.
#
# Environment: AUTHS_BIN_DIR (required: auths, auths-pre-receive, ...), AUTHS_E2E_TRANSPORT
# (file | ssh: the transport of every case), AUTHS_E2E_SSH_CASES (in a file run, the cases that
# push over ssh instead; the syntax of AUTHS_E2E_RUN), AUTHS_E2E_RUN (which cases),
# AUTHS_E2E_KEEP=1 keeps the temp dir, AUTHS_E2E_KEEP_GOING=1 goes on within a case after a
# failed check.
#
# All helpers are safe under `set -eu`; an assertion that fails prints what it expected, what
# it got and the push output, then ends its case (exit 1 of the case's subshell).

set -eu
shopt -s inherit_errexit 2>/dev/null || true

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_NAME=$(basename "$0" .sh)
E2E_RUN_TRANSPORT=${AUTHS_E2E_TRANSPORT:-file}
E2E_SSH_CASES=${AUTHS_E2E_SSH_CASES:-}
E2E_RUN_LABEL=$E2E_RUN_TRANSPORT
[ -z "$E2E_SSH_CASES" ] || [ "$E2E_RUN_TRANSPORT" != file ] || E2E_RUN_LABEL="file+ssh"
E2E_TRANSPORT=$E2E_RUN_TRANSPORT  # of the case that runs
E2E_CHECKS=0
E2E_FAILURES=0
E2E_STEP="setup"
E2E_DONE=0
E2E_CASE_NO=0
E2E_CASES_PASSED=0
E2E_CASES_SKIPPED=0
E2E_CASES_FAILED=()
E2E_TMP=""
ZERO_OID=0000000000000000000000000000000000000000

# shellcheck source=tests/e2e/sshd.sh
. "$E2E_DIR/sshd.sh"

# ---------------------------------------------------------------------------------------------
# Reporting

e2e_die() {
  printf 'error: %s: %s\n' "$E2E_NAME" "$*" >&2
  E2E_FAILURES=$((E2E_FAILURES + 1))
  exit 1
}

step() {
  E2E_STEP=$*
  printf '# %s\n' "$*"
}

# fail MESSAGE: one failed check.
fail() {
  E2E_FAILURES=$((E2E_FAILURES + 1))
  {
    printf 'FAIL: %s [%s]: %s\n' "$E2E_NAME" "$E2E_TRANSPORT" "$E2E_STEP"
    printf '  %s\n' "$@"
    if [ -n "$E2E_TMP" ] && [ -f "$E2E_TMP/push.out" ]; then
      printf '  --- last push (%s, exit %s) ---\n' "${PUSH_CMD:-?}" "${PUSH_STATUS:-?}"
      sed 's/^/  | /' "$E2E_TMP/push.out"
      if [ -f "$E2E_TMP/hook.exit" ]; then
        printf '  hook exit status: %s\n' "$(cat "$E2E_TMP/hook.exit")"
      fi
    fi
  } >&2
  if [ "${AUTHS_E2E_KEEP_GOING:-0}" != 1 ]; then
    exit 1
  fi
}

ok() { E2E_CHECKS=$((E2E_CHECKS + 1)); }

test_done() {
  E2E_DONE=1
  local cases="$E2E_CASES_PASSED of $((E2E_CASES_PASSED + ${#E2E_CASES_FAILED[@]})) cases"
  [ "$E2E_CASES_SKIPPED" -eq 0 ] || cases="$cases ($E2E_CASES_SKIPPED skipped: AUTHS_E2E_RUN=$AUTHS_E2E_RUN)"
  if [ "$E2E_CASE_NO" -eq 0 ]; then
    e2e_die "test_done: the script ran no test_case"
  fi
  if [ "$E2E_CASES_PASSED" -eq 0 ] && [ "${#E2E_CASES_FAILED[@]}" -eq 0 ]; then
    e2e_die "AUTHS_E2E_RUN=${AUTHS_E2E_RUN:-} selected none of the $E2E_CASE_NO cases"
  fi
  if [ "$E2E_FAILURES" -eq 0 ] && [ "${#E2E_CASES_FAILED[@]}" -eq 0 ]; then
    printf '# %s [%s]: %s passed, %d checks\n' "$E2E_NAME" "$E2E_RUN_LABEL" "$cases" "$E2E_CHECKS"
    exit 0
  fi
  printf '# %s [%s]: FAILED: %s passed; failed:\n' "$E2E_NAME" "$E2E_RUN_LABEL" "$cases"
  printf '#   %s\n' "${E2E_CASES_FAILED[@]}"
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Cases, in the manner of git's test_expect_success:
#
#   merge_is_accepted() {
#     m=$(merge_as alice feature)
#     push origin main
#     expect_push_ok
#   }
#   test_case merge_is_accepted "a maintainer's signed merge of a reviewed branch is accepted"
#
# test_case FUNCTION [DESCRIPTION] runs FUNCTION in a subshell under `set -e`: a failed check,
# an e2e_die or a command that fails unexpectedly ends that case only; the script goes on with
# the next case and test_done lists every case that failed. What a case leaves on disk carries
# over to the next, and so do the shell variables it sets whose names begin with a lower-case
# letter, and CLIENT (use_clone): test_case restores them after the subshell. A case makes at
# least one check, or it fails. Code outside the cases is setup: a failure there stops the
# script.
#
# AUTHS_E2E_RUN selects cases, as git's --run does: comma-separated numbers ("3"), ranges
# ("2-4", "5-") and words (the cases whose function name or description contain the word).
# Unselected cases are skipped; a later case may need what an earlier one did, as in git.
# AUTHS_E2E_SSH_CASES names cases the same way: in a file run, they push over ssh.

# case_in LIST NUMBER TEXT: whether LIST (the syntax of AUTHS_E2E_RUN) names the case.
case_in() {
  local item lo hi
  local -a items
  IFS=, read -ra items <<<"$1"
  shift
  for item in "${items[@]}"; do
    if [[ "$item" =~ ^[0-9]+$ ]]; then
      [ "$1" -ne "$item" ] || return 0
    elif [[ "$item" =~ ^([0-9]*)-([0-9]*)$ ]]; then
      lo=${BASH_REMATCH[1]:-1}
      hi=${BASH_REMATCH[2]:-$1}
      if [ "$1" -ge "$lo" ] && [ "$1" -le "$hi" ]; then return 0; fi
    elif [ -n "$item" ] && [[ "$2" == *"$item"* ]]; then
      return 0
    fi
  done
  return 1
}

# case_selected NUMBER TEXT: whether AUTHS_E2E_RUN selects the case (all without it).
case_selected() { [ -z "${AUTHS_E2E_RUN:-}" ] || case_in "$AUTHS_E2E_RUN" "$@"; }

# elapsed_since START: sets ELAPSED to the time since START (a $EPOCHREALTIME without its dot),
# as "1.2 s".
elapsed_since() {
  local now=${EPOCHREALTIME/./} t
  t=$((10#$now - 10#$1))
  printf -v ELAPSED '%d.%d s' "$((t / 1000000))" "$((t / 100000 % 10))"
}

# case_end: the EXIT trap of a case's subshell: saves its counts and variables for test_case
# (builtins only, as in the other helpers that run once per case or per push: a process costs
# more than what it would compute). The variables: every name that begins with a lower-case
# letter, and CLIENT.
case_end() {
  local E2E_STATUS=$? E2E_NAME_OF E2E_NAMES=()
  for E2E_NAME_OF in ${!a@} ${!b@} ${!c@} ${!d@} ${!e@} ${!f@} ${!g@} ${!h@} ${!i@} ${!j@} ${!k@} \
    ${!l@} ${!m@} ${!n@} ${!o@} ${!p@} ${!q@} ${!r@} ${!s@} ${!t@} ${!u@} ${!v@} ${!w@} ${!x@} \
    ${!y@} ${!z@}; do
    E2E_NAMES+=("$E2E_NAME_OF")
  done
  [ -z "${CLIENT+set}" ] || E2E_NAMES+=(CLIENT)
  {
    printf 'E2E_CASE_CHECKS=%d E2E_CASE_FAILURES=%d E2E_CASE_STATUS=%d\n' "$E2E_CHECKS" "$E2E_FAILURES" "$E2E_STATUS"
    [ "${#E2E_NAMES[@]}" -eq 0 ] || declare -p "${E2E_NAMES[@]}" 2>/dev/null
  } >"$E2E_TMP/case.state"
}

# case_state_load: test_case's reading of case.state: the counts, and the variables declared
# global (declare -p writes them as they would be declared in the case's own scope).
case_state_load() {
  local state=""
  [ -s "$E2E_TMP/case.state" ] || return 0
  IFS= read -r -d '' state <"$E2E_TMP/case.state" || true
  eval "${state//$'\n'declare -/$'\n'declare -g -}"
}

# case_error: the ERR trap of a case: names the command that failed where no check expected it.
case_error() {
  local status=$? line=$1 command=$2
  [ "$BASHPID" = "$E2E_CASE_PID" ] || return 0  # reported once, by the case's own shell
  printf 'FAIL: %s [%s]: %s\n  unexpected exit status %d of: %s (line %s)\n' "$E2E_NAME" \
    "$E2E_TRANSPORT" "$E2E_STEP" "$status" "$command" "$line" >&2
}

test_case() {
  local fn=$1 desc=${2:-$1} status start=${EPOCHREALTIME/./} transport=$E2E_RUN_TRANSPORT
  declare -F "$fn" >/dev/null || e2e_die "test_case: no function '$fn'"
  E2E_CASE_NO=$((E2E_CASE_NO + 1))
  if ! case_selected "$E2E_CASE_NO" "$fn $desc"; then
    printf '# skip %d %s\n' "$E2E_CASE_NO" "$desc"
    E2E_CASES_SKIPPED=$((E2E_CASES_SKIPPED + 1))
    return 0
  fi
  if [ -n "$E2E_SSH_CASES" ] && case_in "$E2E_SSH_CASES" "$E2E_CASE_NO" "$fn $desc"; then transport=ssh; fi
  step "$E2E_CASE_NO $desc${E2E_SSH_CASES:+ [$transport]}"
  [ "$transport" = "$E2E_RUN_TRANSPORT" ] || transport_use "$transport"
  : >"$E2E_TMP/case.state"
  set +e
  (
    set -eE
    E2E_CASE_PID=$BASHPID
    # The case's own counts, which case_end hands back to the script through case.state.
    # shellcheck disable=SC2030
    E2E_CHECKS=0
    # shellcheck disable=SC2030
    E2E_FAILURES=0

    trap case_end EXIT
    trap 'case_error "$LINENO" "$BASH_COMMAND"' ERR
    "$fn"
  )
  status=$?
  set -e
  [ "$transport" = "$E2E_RUN_TRANSPORT" ] || transport_use "$E2E_RUN_TRANSPORT"
  E2E_CASE_CHECKS=0 E2E_CASE_FAILURES=0
  case_state_load
  # shellcheck disable=SC2031  # the script's counts, not the subshell's
  E2E_CHECKS=$((E2E_CHECKS + E2E_CASE_CHECKS))
  # shellcheck disable=SC2031
  E2E_FAILURES=$((E2E_FAILURES + E2E_CASE_FAILURES))

  if [ "$status" -eq 0 ] && [ "$E2E_CASE_FAILURES" -eq 0 ] && [ "$E2E_CASE_CHECKS" -eq 0 ]; then
    printf 'FAIL: %s [%s]: %s\n  the case made no check\n' "$E2E_NAME" "$E2E_TRANSPORT" "$E2E_STEP" >&2
    status=1
  fi
  if [ "$status" -eq 0 ] && [ "$E2E_CASE_FAILURES" -eq 0 ]; then
    E2E_CASES_PASSED=$((E2E_CASES_PASSED + 1))
    elapsed_since "$start"
    printf '# ok %d (%s)\n' "$E2E_CASE_NO" "$ELAPSED"
  else
    E2E_CASES_FAILED+=("$E2E_CASE_NO $desc")
    elapsed_since "$start"
    printf '# FAILED case %d: %s (%s)\n' "$E2E_CASE_NO" "$desc" "$ELAPSED" >&2
  fi
  E2E_STEP="setup"
  return 0
}

# E2E_CLEANUPS: functions e2e_cleanup runs at exit, for what a script starts besides sshd and
# ssh-agent (the witness servers of tests/e2e/witness.sh).
E2E_CLEANUPS=()

e2e_cleanup() {
  local status=$? cleanup
  set +e
  sshd_stop
  agent_stop
  for cleanup in "${E2E_CLEANUPS[@]}"; do "$cleanup"; done
  if [ "$E2E_DONE" -ne 1 ]; then
    if [ "$status" -eq 0 ]; then status=1; fi
    printf '# %s [%s]: FAILED (stopped in %s, outside the cases; %d cases passed before)\n' \
      "$E2E_NAME" "$E2E_TRANSPORT" "$E2E_STEP" "$E2E_CASES_PASSED" >&2
  fi
  if [ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ]; then
    if [ "${AUTHS_E2E_KEEP:-0}" = 1 ]; then
      printf '# kept %s\n' "$E2E_TMP" >&2
    else
      rm -rf "$E2E_TMP"
    fi
  fi
  exit "$status"
}

# ---------------------------------------------------------------------------------------------
# Setup

test_init() {
  [ -n "${AUTHS_BIN_DIR:-}" ] || e2e_die "AUTHS_BIN_DIR is not set (the directory with auths, auths-pre-receive, ...)"
  AUTHS_BIN_DIR=$(cd "$AUTHS_BIN_DIR" && pwd -P) || e2e_die "AUTHS_BIN_DIR=$AUTHS_BIN_DIR is not a directory"
  export AUTHS_BIN_DIR
  local bin
  for bin in auths auths-pre-receive auths-update auths-pre-push; do
    [ -x "$AUTHS_BIN_DIR/$bin" ] || e2e_die "$AUTHS_BIN_DIR/$bin is missing or not executable"
  done
  AUTHS=$AUTHS_BIN_DIR/auths

  E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/auths-e2e-$E2E_NAME.XXXXXX")
  E2E_TMP=$(cd "$E2E_TMP" && pwd -P)
  trap e2e_cleanup EXIT
  trap 'exit 130' INT TERM

  # A clean, private git environment: no user or system config, no forge variables.
  E2E_HOME=$E2E_TMP/home
  mkdir -p "$E2E_HOME" "$E2E_TMP/keys" "$E2E_TMP/run"
  export HOME=$E2E_HOME
  export GIT_CONFIG_NOSYSTEM=1
  export LANG=C LC_ALL=C
  unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
    GIT_QUARANTINE_PATH GIT_CONFIG GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT GIT_SSH GIT_SSH_COMMAND \
    GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL \
    GIT_AUTHOR_DATE GIT_COMMITTER_DATE GL_ID GL_USERNAME GL_PROJECT_PATH GL_REPOSITORY \
    GL_PROTOCOL GITEA_PUSHER_NAME GITEA_REPO_NAME GITEA_REPO_USER_NAME SSH_AUTH_SOCK 2>/dev/null || true
  git config --global user.name "E2E Tester"
  git config --global user.email "tester@example.org"
  git config --global init.defaultBranch main
  git config --global advice.detachedHead false
  git config --global core.pager cat

  KEYS=$E2E_TMP/keys
  SERVER=$E2E_TMP/server.git
  CLIENT=$E2E_TMP/client

  case "$E2E_RUN_TRANSPORT" in
    file) [ -z "$E2E_SSH_CASES" ] || sshd_start ;;
    ssh) sshd_start && transport_use ssh ;;
    *) e2e_die "unknown AUTHS_E2E_TRANSPORT '$E2E_RUN_TRANSPORT' (file or ssh)" ;;
  esac
  printf '# %s: transport %s%s, binaries %s, temp %s\n' "$E2E_NAME" "$E2E_RUN_TRANSPORT" \
    "${E2E_SSH_CASES:+ (cases $E2E_SSH_CASES over ssh)}" "$AUTHS_BIN_DIR" "$E2E_TMP"
}

# agent_start: a private ssh-agent for the test (its socket under $E2E_TMP), exported as
# SSH_AUTH_SOCK; sets AGENT_PID. Stopped by agent_stop, which lib.sh's exit trap calls.
AGENT_PID=""
agent_start() {
  local out
  out=$(ssh-agent -s -a "$E2E_TMP/agent.sock") || e2e_die "ssh-agent did not start"
  AGENT_PID=$(printf '%s\n' "$out" | sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p')
  [ -n "$AGENT_PID" ] || e2e_die "ssh-agent printed no pid: $out"
  export SSH_AUTH_SOCK=$E2E_TMP/agent.sock
}

# agent_stop: ends the agent agent_start started (by its pid), if any.
agent_stop() {
  [ -n "$AGENT_PID" ] || return 0
  kill "$AGENT_PID" 2>/dev/null
  AGENT_PID=""
  unset SSH_AUTH_SOCK
}

# server_url: the URL every clone of $SERVER is made with. It is a file:// URL whatever the
# transport: over ssh, git rewrites it (transport_use), so that a clone made in one case pushes
# over the transport of the case that pushes.
server_url() { printf 'file://%s\n' "$SERVER"; }

# transport_use file|ssh: how the clients' git reaches the repositories under $E2E_TMP from now
# on. ssh: the test's global git config rewrites file://$E2E_TMP/ to the same path on the
# private sshd (url.<base>.insteadOf, which git applies to clone, fetch and push URLs).
transport_use() {
  local ssh_base
  E2E_TRANSPORT=$1
  [ -n "$SSHD_PORT" ] || { [ "$1" = file ] && return 0; e2e_die "transport_use ssh: no sshd (sshd_start)"; }
  ssh_base="$(sshd_url "$E2E_TMP")/"
  case "$1" in
    ssh) git config --global "url.$ssh_base.insteadOf" "file://$E2E_TMP/" ;;
    file) git config --global --remove-section "url.$ssh_base" 2>/dev/null || true ;;
    *) e2e_die "transport_use: unknown transport '$1'" ;;
  esac
}

# make_key NAME [ed25519|ecdsa|rsa]: $KEYS/NAME and $KEYS/NAME.pub, comment NAME.
make_key() {
  local name=$1 type=${2:-ed25519} bits=()
  [ "$type" = rsa ] && bits=(-b 3072)
  [ "$type" = ecdsa ] && bits=(-b 256)
  ssh-keygen -q -t "$type" "${bits[@]}" -N '' -C "$name" -f "$KEYS/$name" </dev/null ||
    e2e_die "ssh-keygen -t $type failed"
}

# pub NAME: the public key line ("ssh-ed25519 AAAA... NAME").
pub() { cat "$KEYS/$1.pub"; }
# fpr NAME: the key fingerprint as ssh-keygen prints it (SHA256:...).
fpr() { ssh-keygen -l -E sha256 -f "$KEYS/$1.pub" | awk '{print $2}'; }

client_git() { git -C "$CLIENT" "$@"; }
server_git() { git -C "$SERVER" "$@"; }

# server_init: an empty bare repository, default branch main.
server_init() {
  rm -rf "$SERVER"
  git init -q --bare --initial-branch=main "$SERVER"
}

# clone_server DIR: DIR (removed first) becomes a clone of the server; stops the test when git
# clone fails.
clone_server() {
  rm -rf "$1"
  git clone -q "$(server_url)" "$1" 2>"$E2E_TMP/clone.err" ||
    e2e_die "git clone $(server_url) failed: $(cat "$E2E_TMP/clone.err")"
}

# client_init [SIGNER]: clones the server into $CLIENT, configured to sign commits and tags
# with SIGNER's key (gpg.format=ssh).
client_init() {
  clone_server "$CLIENT"
  client_git config gpg.format ssh
  if [ $# -ge 1 ]; then
    client_git config user.signingKey "$KEYS/$1"
    client_git config user.name "$1"
    client_git config user.email "$1@example.org"
    client_git config commit.gpgSign true
    client_git config tag.gpgSign true
  fi
}

# policy_write: stdin becomes .auths/policy.toml in the client work tree (not committed).
policy_write() {
  mkdir -p "$CLIENT/.auths"
  cat >"$CLIENT/.auths/policy.toml"
}

# commit_as NAME MESSAGE [FILE]: appends MESSAGE to FILE (default log.txt), stages every change
# in the work tree and commits it signed with NAME's key (committer NAME <NAME@example.org>).
# Prints the commit id.
commit_as() {
  local name=$1 msg=$2 file=${3:-log.txt}
  printf '%s\n' "$msg" >>"$CLIENT/$file"
  client_git add -A
  client_git -c user.name="$name" -c user.email="$name@example.org" \
    -c gpg.format=ssh -c user.signingKey="$KEYS/$name" commit -q -S -m "$msg" >/dev/null ||
    e2e_die "git commit signed by $name failed"
  client_git rev-parse HEAD
}

# commit_unsigned MESSAGE [FILE]: as commit_as, without a signature.
commit_unsigned() {
  local msg=$1 file=${2:-log.txt}
  printf '%s\n' "$msg" >>"$CLIENT/$file"
  client_git add -A
  client_git -c commit.gpgSign=false commit -q -m "$msg" >/dev/null || e2e_die "git commit failed"
  client_git rev-parse HEAD
}

# tag_as NAME TAG [TARGET]: an annotated tag signed by NAME (git tag -s). Prints the tag object id.
tag_as() {
  local name=$1 tag=$2 target=${3:-HEAD}
  client_git -c user.name="$name" -c user.email="$name@example.org" \
    -c gpg.format=ssh -c user.signingKey="$KEYS/$name" tag -s -m "release $tag" "$tag" "$target" ||
    e2e_die "git tag -s $tag by $name failed"
  client_git rev-parse "refs/tags/$tag"
}

# push_bypassing_hooks ARGS...: what a server admin can always do: push straight into the
# server's directory with its hooks moved aside (seeding a policy, planting a bad one).
push_bypassing_hooks() {
  local hooks_off=$E2E_TMP/hooks-off
  rm -rf "$hooks_off"
  mv "$SERVER/hooks" "$hooks_off"
  mkdir "$SERVER/hooks"
  local rc=0
  client_git push -q "$SERVER" "$@" >"$E2E_TMP/bypass.out" 2>&1 || rc=$?
  rm -rf "$SERVER/hooks"
  mv "$hooks_off" "$SERVER/hooks"
  [ "$rc" -eq 0 ] || e2e_die "push (hooks bypassed) failed: $(cat "$E2E_TMP/bypass.out")"
}

# hook_install [--no-record] [auths hook install options...]: installs the hook with
# `auths hook install --repo $SERVER`. Unless --no-record, the installed hook file (plain
# layout: hooks/pre-receive, and hooks/update with --update) is moved to $E2E_TMP/installed/
# and replaced by a recording wrapper that saves the hook's stdin, arguments, environment and
# exit status (hook.stdin, hook.args, hook.env, hook.exit; hook.start and hook.end: when it began and
# ended, in nanoseconds since the epoch) and then runs the installed hook,
# unchanged, with the same stdin and arguments.
# shellcheck disable=SC2120  # the arguments are optional; most callers pass none
hook_install() {
  local record=1
  if [ "${1:-}" = --no-record ]; then record=0; shift; fi
  "$AUTHS" hook install --repo "$SERVER" "$@" >"$E2E_TMP/install.out" 2>&1 ||
    e2e_die "auths hook install --repo $SERVER $* failed: $(cat "$E2E_TMP/install.out")"
  [ "$record" -eq 1 ] || return 0
  local hook
  for hook in pre-receive update; do
    [ -f "$SERVER/hooks/$hook" ] || continue
    mkdir -p "$E2E_TMP/installed"
    mv "$SERVER/hooks/$hook" "$E2E_TMP/installed/$hook"
    cat >"$SERVER/hooks/$hook" <<EOF
#!/bin/sh
# e2e recording wrapper around the hook installed by auths (test only); it carries the marker
# so that auths hook status counts it as ours:
# installed by auths hook install

rec="$E2E_TMP/hook"
date +%s%N >"\$rec.start"
cat >"\$rec.stdin"
printf '%s\n' "\$@" >"\$rec.args"
env >"\$rec.env"
if [ -n "\${GIT_QUARANTINE_PATH:-}" ]; then
  while read -r old new ref; do
    case "\$new" in 0000000000000000000000000000000000000000) continue ;; esac
    if env -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES -u GIT_QUARANTINE_PATH \
         git cat-file -e "\$new" 2>/dev/null; then
      echo "\$new main" >>"\$rec.where"
    else
      echo "\$new quarantine" >>"\$rec.where"
    fi
  done <"\$rec.stdin"
fi
"$E2E_TMP/installed/$hook" "\$@" <"\$rec.stdin"
status=\$?
date +%s%N >"\$rec.end"
echo "\$status" >>"\$rec.exit"
exit "\$status"
EOF
    chmod +x "$SERVER/hooks/$hook"
  done
}

# setup_main_repo SIGNER: setup_repo with the simplest policy: one rule, refs/heads/main signed
# by SIGNER's key.
setup_main_repo() {
  setup_repo "$1" <<EOF
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$(pub "$1")"]
EOF
}

# setup_repo SIGNER: the usual start. stdin is the policy. A bare server, a client signing as
# SIGNER, the policy committed by SIGNER and pushed before the hook exists (the admin seeding
# the repository), then the hook installed (recording wrapper). Sets SEED to the first commit.
setup_repo() {
  local signer=$1
  server_init
  client_init "$signer"
  policy_write
  # shellcheck disable=SC2034  # a result for the calling script (documented above)
  SEED=$(commit_as "$signer" "seed: policy")
  push_bypassing_hooks main
  client_git fetch -q origin
  hook_install
}

# expect_installed_hook FILE BINARY [--args]: FILE is what `auths hook install` writes: an
# executable sh script of 3 lines with the marker line that execs the absolute path of
# $AUTHS_BIN_DIR/BINARY (passing "$@" with --args).
expect_installed_hook() {
  local file=$1 bin=$AUTHS_BIN_DIR/$2 problems=""
  if [ ! -f "$file" ]; then
    fail "expected $file to exist"; return 0
  fi
  [ -x "$file" ] || problems="$problems; not executable"
  [ "$(head -n1 "$file")" = "#!/bin/sh" ] || problems="$problems; first line is not #!/bin/sh"
  [ "$(wc -l <"$file")" -eq 3 ] || problems="$problems; not 3 lines"
  grep -qx '# installed by auths hook install' "$file" || problems="$problems; no marker line"
  grep -E '^exec ' "$file" | grep -qF "$bin" || problems="$problems; no 'exec $bin'"
  if [ "${3:-}" = --args ]; then
    grep -E '^exec ' "$file" | grep -qF '"$@"' || problems="$problems; exec does not pass \"\$@\""
  fi
  if [ -z "$problems" ]; then ok; else
    fail "$file is not the expected hook wrapper: ${problems#; }" "$(cat "$file")"
  fi
}

# ---------------------------------------------------------------------------------------------
# Pushing

# server_state FILE [REPO]: refs, objects and the object directory's file list of REPO
# (default $SERVER), so that a moved ref, a new object or a leftover quarantine directory shows.
server_state() {
  local repo=${2:-$SERVER}
  {
    echo "## refs"
    git -C "$repo" for-each-ref --format='%(objectname) %(refname)'
    echo "## HEAD"
    git -C "$repo" symbolic-ref HEAD 2>/dev/null || true
    echo "## objects"
    git -C "$repo" cat-file --batch-all-objects --batch-check
    echo "## files"
    (cd "$repo/objects" && find . | LC_ALL=C sort)
  } >"$1"
}

# push ARGS...: `git push ARGS` in the client (with the caller's environment, e.g.
# `GL_ID=user-1 push origin main`). Never fails: sets PUSH_STATUS, writes $E2E_TMP/push.out
# (all output) and $E2E_TMP/remote.out (the remote: lines without prefix and padding), and
# remembers the server as it was before the push, a copy in $E2E_TMP/before.git (for
# expect_server_unchanged and the hook run replay).
push() {
  PUSH_CMD="git push $*"
  rm -rf "$E2E_TMP"/hook.stdin "$E2E_TMP"/hook.args "$E2E_TMP"/hook.env "$E2E_TMP"/hook.exit \
    "$E2E_TMP"/hook.where "$E2E_TMP"/hook.start "$E2E_TMP"/hook.end "$E2E_TMP/before.git"
  cp -a "$SERVER" "$E2E_TMP/before.git"
  PUSH_STATUS=0
  client_git push "$@" >"$E2E_TMP/push.out" 2>&1 </dev/null || PUSH_STATUS=$?
  split_push_output
  check_no_sanitizer_report "$E2E_TMP/push.out"
  check_transport
}

# split_push_output: push.out into remote.out (the remote: lines without that prefix) and
# local.out (the others), trailing white space (git's padding, carriage returns) removed.
split_push_output() {
  local raw line remote=() here=()
  while IFS= read -r raw || [ -n "$raw" ]; do
    line=${raw#remote: }
    line=${line%"${line##*[![:space:]]}"}
    if [[ "$raw" == "remote: "* ]]; then remote+=("$line"); else here+=("$line"); fi
  done <"$E2E_TMP/push.out"
  write_lines "$E2E_TMP/remote.out" "${remote[@]}"
  write_lines "$E2E_TMP/local.out" "${here[@]}"
}

# write_lines FILE LINE...: FILE holds the LINEs, one per line (empty with none).
write_lines() {
  local file=$1
  shift
  if [ $# -eq 0 ]; then : >"$file"; else printf '%s\n' "$@" >"$file"; fi
}

# count_matches KIND FILE PATTERN [FIRST]: sets COUNT to the number of lines of FILE that match
# PATTERN (0 when FILE does not exist), or with FIRST to 1 at the first one. KIND: ere (the line
# matches the extended regular expression: bash's =~, the C library's POSIX regex as grep -E
# uses), line (the line is PATTERN, grep -Fx), text (the line contains PATTERN, grep -F). Builtins:
# these checks run several times per push, where a grep process costs more than the check.
# Bash's read drops NUL bytes: a check can then see text joined across a NUL, never miss text
# that is there.
count_matches() {
  local kind=$1 file=$2 pattern=$3 first=${4:-} line hit
  COUNT=0
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case "$kind" in
      ere) [[ "$line" =~ $pattern ]] && hit=1 || hit=0 ;;
      line) [ "$line" = "$pattern" ] && hit=1 || hit=0 ;;
      text) [[ "$line" == *"$pattern"* ]] && hit=1 || hit=0 ;;
      *) e2e_die "count_matches: unknown kind '$kind'" ;;
    esac
    COUNT=$((COUNT + hit))
    if [ -n "$first" ] && [ "$COUNT" -gt 0 ]; then return 0; fi
  done <"$file"
}
# file_has FILE ERE, file_has_line FILE LINE, file_has_text FILE TEXT: whether a line matches.
file_has() { count_matches ere "$1" "$2" first && [ "$COUNT" -gt 0 ]; }
file_has_line() { count_matches line "$1" "$2" first && [ "$COUNT" -gt 0 ]; }
file_has_text() { count_matches text "$1" "$2" first && [ "$COUNT" -gt 0 ]; }

# check_transport: the recording wrapper saw the push arrive over the case's transport (sshd
# sets SSH_CONNECTION in the session; over file:// nothing does).
check_transport() {
  [ -f "$E2E_TMP/hook.env" ] || return 0
  if file_has "$E2E_TMP/hook.env" '^SSH_CONNECTION='; then
    [ "$E2E_TRANSPORT" = ssh ] || fail "the push of a file:// case reached the hook over ssh"
  else
    [ "$E2E_TRANSPORT" = file ] || fail "the push of an ssh case reached the hook without ssh (no SSH_CONNECTION)"
  fi
}

check_no_sanitizer_report() {
  if file_has "$1" 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)'; then
    fail "a sanitizer reported an error (in $1):" "$(grep -E 'Sanitizer|runtime error' "$1" | head -5)"
  else
    ok
  fi
}

# lines_file: sets LINES_FILE to the file of lines the expect_* helpers look at: the remote: lines
# of the last push, or, with E2E_LINES=local, git's own output (for client-side hooks such as
# pre-push).
lines_file() {
  if [ "${E2E_LINES:-remote}" = local ]; then LINES_FILE=$E2E_TMP/local.out; else LINES_FILE=$E2E_TMP/remote.out; fi
}

# hook_exit_read: sets HOOK_EXIT to the recorded exit status of the last hook run (the last
# line of hook.exit), or "none". hook_exit prints it.
hook_exit_read() {
  local line
  HOOK_EXIT=none
  [ -f "$E2E_TMP/hook.exit" ] || return 0
  while IFS= read -r line; do HOOK_EXIT=$line; done <"$E2E_TMP/hook.exit"
}
hook_exit() { hook_exit_read && printf '%s\n' "$HOOK_EXIT"; }

# hook_elapsed_ms: how long the recorded hook of the last push ran, in milliseconds (the
# recording wrapper's hook.start and hook.end).
hook_elapsed_ms() {
  if [ ! -f "$E2E_TMP/hook.start" ] || [ ! -f "$E2E_TMP/hook.end" ]; then
    e2e_die "the last push recorded no hook times"
  fi
  echo $((($(cat "$E2E_TMP/hook.end") - $(cat "$E2E_TMP/hook.start")) / 1000000))
}

# expect_push_ok [EXACT-SUMMARY]: push succeeded, the hook said 0 and printed the accepted
# summary (exactly EXACT-SUMMARY when given).
# shellcheck disable=SC2120  # the expected line is optional
expect_push_ok() {
  if [ "$PUSH_STATUS" -ne 0 ]; then
    fail "expected the push to succeed, git push exited $PUSH_STATUS"
  else ok; fi
  hook_exit_read
  if [ "$HOOK_EXIT" != none ] && [ "$HOOK_EXIT" != 0 ]; then
    fail "expected hook exit status 0, got $HOOK_EXIT"
  fi
  if [ $# -ge 1 ]; then
    expect_line "$1"
  else
    expect_line_match '^auths: push accepted: [0-9]+ commits? and [0-9]+ tags? verified in [0-9]+ refs?$'
  fi
  expect_no_line_match '^error: '
}

# expect_push_rejected CODE: push failed because the hook refused (exit 1, a violation line
# with CODE, the rejected summary), and the server is exactly as before.
expect_push_rejected() {
  local code=$1
  expect_hook_declined
  hook_exit_read
  if [ "$HOOK_EXIT" != none ] && [ "$HOOK_EXIT" != 1 ]; then
    fail "expected hook exit status 1 (rejected by policy), got $HOOK_EXIT"
  else ok; fi
  expect_code "$code"
  expect_line_match '^auths: push rejected: [0-9]+ violations? in [0-9]+ refs?$'
  expect_at_most_one_hint
  expect_server_unchanged
}

expect_at_most_one_hint() {
  lines_file
  count_matches ere "$LINES_FILE" '^hint: '
  if [ "$COUNT" -le 1 ]; then ok; else fail "expected at most one 'hint:' line, got $COUNT"; fi
}

# expect_push_undecided CODE: the hook could not decide: exit 2, fail closed.
expect_push_undecided() {
  local code=$1
  expect_hook_declined
  hook_exit_read
  if [ "$HOOK_EXIT" != none ] && [ "$HOOK_EXIT" != 2 ]; then
    fail "expected hook exit status 2 (could not decide, fail closed), got $HOOK_EXIT"
  else ok; fi
  expect_code "$code"
  expect_line_match '^auths: push rejected: could not decide \(fail closed\): .+'
  expect_at_most_one_hint
  expect_server_unchanged
}

expect_hook_declined() {
  if [ "$PUSH_STATUS" -eq 0 ]; then
    fail "expected the push to be rejected, but git push exited 0"
  elif ! file_has "$E2E_TMP/push.out" '\((pre-receive )?hook declined\)'; then
    fail "expected git to report '(pre-receive hook declined)' or '(hook declined)'"
  else ok; fi
}

# expect_code CODE: some violation line in the remote output carries CODE.
expect_code() {
  lines_file
  if file_has "$LINES_FILE" "^error: [^ ]+( [0-9a-f]{7})?: $1 \\((rule '[^']*'|no rule)\\): "; then
    ok
  else
    fail "expected a violation line 'error: <ref>[ <short>]: $1 (rule '...'): ...' in the remote output"
  fi
}

# expect_violation REF OID|- CODE RULE|-|* : a violation line with exactly this prefix:
#   error: REF SHORT7: CODE (rule 'RULE'): ...     (OID given)
#   error: REF: CODE (rule 'RULE'): ...            (OID -: a ref-level violation)
# RULE - means "(no rule)", * means any rule or none. Sets VIOLATION_LINE to the line.
expect_violation() {
  local ref=$1 oid=$2 code=$3 rule=$4 head line rest
  if [ "$oid" = - ]; then head="error: $ref: $code ("; else head="error: $ref ${oid:0:7}: $code ("; fi
  VIOLATION_LINE=""
  lines_file
  while IFS= read -r line; do
    [[ "$line" == "$head"* ]] || continue
    rest=${line#"$head"}
    case "$rule" in
      -) [[ "$rest" == "no rule): "?* ]] || continue ;;
      \*) [[ "$rest" == "no rule): "?* || "$rest" == "rule '"*"'): "?* ]] || continue ;;
      *) [[ "$rest" == "rule '$rule'): "?* ]] || continue ;;
    esac
    VIOLATION_LINE=$line
    break
  done <"$LINES_FILE"
  if [ -n "$VIOLATION_LINE" ]; then
    ok
  else
    local want_rule="(rule '$rule')"
    [ "$rule" = - ] && want_rule="(no rule)"
    [ "$rule" = '*' ] && want_rule="(rule '...' | no rule)"
    fail "expected a remote line '$head${want_rule#(}: <message>'"
  fi
}

# expect_violation_mentions TEXT: the line found by the last expect_violation contains TEXT.
expect_violation_mentions() {
  if [[ -n "${VIOLATION_LINE:-}" && "$VIOLATION_LINE" == *"$1"* ]]; then ok; else
    fail "expected the violation line to mention '$1'" "line: ${VIOLATION_LINE:-<none>}"
  fi
}

# expect_line LINE: the remote output has exactly this line.
expect_line() {
  lines_file
  if file_has_line "$LINES_FILE" "$1"; then ok; else fail "expected the remote line: $1"; fi
}

# expect_line_match ERE / expect_no_line_match ERE on the remote lines.
expect_line_match() {
  lines_file
  if file_has "$LINES_FILE" "$1"; then ok; else
    fail "expected a remote line matching /$1/"
  fi
}
expect_no_line_match() {
  lines_file
  if file_has "$LINES_FILE" "$1"; then
    fail "expected no remote line matching /$1/" "found: $(grep -E -- "$1" "$LINES_FILE" | head -3)"
  else ok; fi
}

# expect_ref REF OID|absent: the server's ref.
expect_ref() {
  local ref=$1 want=$2 got
  got=$(git -C "$SERVER" rev-parse -q --verify "$ref" 2>/dev/null || echo absent)
  if [ "$got" = "$want" ]; then ok; else
    fail "expected server $ref = $want, got $got"
  fi
}

# expect_no_object OID: OID is not in the server's object store.
expect_no_object() {
  if git -C "$SERVER" cat-file -e "$1" 2>/dev/null; then
    fail "object $1 of the rejected push is in the server's object store"
  else ok; fi
}

# expect_server_unchanged: refs, objects and object files exactly as before the last push (as
# in push's copy of the server).
expect_server_unchanged() {
  server_state "$E2E_TMP/before.state" "$E2E_TMP/before.git"
  server_state "$E2E_TMP/after.state"
  if cmp -s "$E2E_TMP/before.state" "$E2E_TMP/after.state"; then ok; else
    fail "the server changed although the push was rejected:" \
      "$(diff "$E2E_TMP/before.state" "$E2E_TMP/after.state" | head -20)"
  fi
}

# expect_hook_saw_quarantine: the hook ran with GIT_QUARANTINE_PATH set and the pushed objects
# only in the quarantine directory (not yet in the main object store).
expect_hook_saw_quarantine() {
  if ! grep -q '^GIT_QUARANTINE_PATH=.' "$E2E_TMP/hook.env" 2>/dev/null; then
    fail "the pre-receive hook did not run with GIT_QUARANTINE_PATH set"
  elif ! grep -q ' quarantine$' "$E2E_TMP/hook.where" 2>/dev/null || grep -q ' main$' "$E2E_TMP/hook.where"; then
    fail "expected the pushed objects to be only in quarantine while the hook ran:" "$(cat "$E2E_TMP/hook.where" 2>/dev/null)"
  else ok; fi
}

# ---------------------------------------------------------------------------------------------
# `auths hook run` against the same input

# decision_text FILE: sets DECISION_TEXT to the lines of interest in hook output, violations and
# the summary (not GL-HOOK-ERR, hints, notes), one per line.
decision_text() {
  local line
  DECISION_TEXT=""
  [ -f "$1" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" == "error: "* || "$line" == "auths: "* ]]; then DECISION_TEXT+="$line"$'\n'; fi
  done <"$1"
}

# hook_summary FILE: sets CODES to the codes of the violation lines of FILE (space-separated, in
# order, repeated as they are) and REJECTED to the violation count of its rejected summary ("" if
# none).
hook_summary() {
  local line re_violation="^error: [^ ]+( [0-9a-f]{7})?: ([a-z-]+) \\((rule '[^']*'|no rule)\\): "
  local re_summary='^auths: push rejected: ([0-9]+) violation'
  CODES="" REJECTED=""
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" =~ $re_violation ]]; then
      CODES+="${BASH_REMATCH[2]} "
    elif [ -z "$REJECTED" ] && [[ "$line" =~ $re_summary ]]; then
      REJECTED=${BASH_REMATCH[1]}
    fi
  done <"$1"
}

# replay_repo DIR: a copy of the server as it was before the last push, plus the objects the
# push brought (copied from the client without any ref): the state pre-receive saw.
replay_repo() {
  local dir=$1 new ref oid rest
  rm -rf "$dir"
  cp -a "$E2E_TMP/before.git" "$dir"
  rm -rf "$dir/hooks" && mkdir "$dir/hooks"
  {
    while read -r _ new ref; do
      [ "$new" = "$ZERO_OID" ] || echo "$new"
    done <"$E2E_TMP/hook.stdin"
    # The server's tips the client has too ("<oid> missing" from cat-file for the others).
    git -C "$dir" for-each-ref --format='%(objectname)' |
      git -C "$CLIENT" cat-file --batch-check='%(objectname)' | while read -r oid rest; do
        [ -n "$rest" ] || echo "^$oid"
      done
  } | git -C "$CLIENT" pack-objects --revs --stdout -q | git -C "$dir" unpack-objects -q
}

# expect_hook_run_agrees: `auths hook run --repo R --json` fed the stdin the hook got in the last
# push, on a repository in the state the hook saw, gives the same exit status, the same
# violation and summary lines on stderr (where hook run prints the hook's own lines, with or
# without --json), and a JSON document on stdout with the same decision, the same codes and as
# many violations as the hook's summary counts. One run: the text report on stdout is
# t310-hook-run.sh's subject.
expect_hook_run_agrees() {
  [ -f "$E2E_TMP/hook.stdin" ] || { fail "the hook did not record its input (no recording wrapper, or it did not run)"; return 0; }
  local repo=$E2E_TMP/replay.git rc=0 want hook_text
  hook_exit_read
  want=$HOOK_EXIT
  replay_repo "$repo"
  (cd "$E2E_TMP" && "$AUTHS" hook run --repo "$repo" --json <"$E2E_TMP/hook.stdin" >"$E2E_TMP/run.json" 2>"$E2E_TMP/run.err") || rc=$?
  check_no_sanitizer_report "$E2E_TMP/run.err"
  if [ "$rc" != "$want" ]; then
    fail "auths hook run exited $rc, the hook exited $want" "stderr: $(head -5 "$E2E_TMP/run.err")"
  else ok; fi
  decision_text "$E2E_TMP/remote.out"
  hook_text=$DECISION_TEXT
  decision_text "$E2E_TMP/run.err"
  if [ "$hook_text" = "$DECISION_TEXT" ]; then ok; else
    fail "auths hook run printed other violation/summary lines than the hook:" \
      "$(diff <(printf '%s' "$hook_text") <(printf '%s' "$DECISION_TEXT") | head -20)"
  fi
  local msg
  hook_summary "$E2E_TMP/remote.out"
  if msg=$(python3 - "$E2E_TMP/run.json" "$want" "$CODES" "$REJECTED" <<'EOF'
import json, sys
path, want_exit, want_codes, total = sys.argv[1], int(sys.argv[2]), sorted(set(sys.argv[3].split())), sys.argv[4]
try:
    doc = json.load(open(path))
except Exception as e:
    print(f"stdout of --json is not one JSON document: {e}"); sys.exit(1)
decision = {0: "accept", 1: "reject", 2: "undecided"}[want_exit]
problems = []
if doc.get("decision") != decision: problems.append(f"decision {doc.get('decision')!r}, expected {decision!r}")
if doc.get("exit_code") != want_exit: problems.append(f"exit_code {doc.get('exit_code')!r}, expected {want_exit}")
if not isinstance(doc.get("refs"), list): problems.append("no 'refs' array")
# The hook prints at most 20 violation lines; the document has them all (the summary's count).
violations = doc.get("violations", [])
codes = sorted(set(v.get("code") for v in violations))
if codes != want_codes: problems.append(f"violation codes {codes}, the hook printed {want_codes}")
if total and len(violations) != int(total): problems.append(f"{len(violations)} violations, the hook's summary says {total}")
for r in doc.get("refs", []):
    for k in ("ref", "old", "new", "kind", "rule", "policy", "allowed", "codes", "objects"):
        if k not in r: problems.append(f"ref entry without '{k}': {r}"); break
if problems: print("; ".join(problems)); sys.exit(1)
EOF
  ); then ok; else
    fail "auths hook run --json: $msg"
  fi
}

# json_check FILE PYTHON-EXPR: evaluates EXPR with `doc` = the JSON document in FILE (or
# `lines` = list of JSON lines when FILE ends in .jsonl); fails unless it is true.
json_check() {
  local file=$1 expr=$2 msg
  if msg=$(python3 - "$file" "$expr" <<'EOF'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
try:
    if path.endswith(".jsonl"):
        lines = [json.loads(l) for l in open(path) if l.strip()]
        doc = None
    else:
        doc = json.load(open(path))
        lines = None
except Exception as e:
    print(f"{path}: not valid JSON: {e}"); sys.exit(1)
try:
    ok = eval(expr, {"doc": doc, "lines": lines})
except Exception as e:
    print(f"{expr}: {type(e).__name__}: {e}"); sys.exit(1)
if not ok:
    print(f"false: {expr}"); sys.exit(1)
EOF
  ); then ok; else
    fail "JSON check on $(basename "$file"): $msg" "$(head -c 1500 "$file" 2>/dev/null || echo "<no file $file>")"
  fi
}

# ---------------------------------------------------------------------------------------------
# Issue 6 (trust model) helpers: hand-made objects, merges made with commit-tree, hook status.
# Appended for the t5xx scripts; only appended to (other sections are edited by others).

# ident NAME [UNIX-TIME]: "NAME <NAME@example.org> TIME +0000", for hand-made object headers.
ident() { printf '%s <%s@example.org> %s +0000\n' "$1" "$1" "${2:-$(date +%s)}"; }

# sign_payload SIGNER FILE [NAMESPACE]: the armored SSHSIG of FILE by SIGNER's key, as
# `git commit -S` makes it (ssh-keygen -Y sign, namespace "git" unless given). Prints it.
sign_payload() {
  local signer=$1 file=$2 ns=${3:-git}
  ssh-keygen -q -Y sign -f "$KEYS/$signer" -n "$ns" <"$file" 2>"$E2E_TMP/sign.err" ||
    e2e_die "ssh-keygen -Y sign by $signer failed: $(cat "$E2E_TMP/sign.err")"
}

# write_object TYPE: stdin written as a TYPE object into the client, as is (hash-object
# --literally: no fsck, so malformed objects can be made). Prints the id.
write_object() {
  client_git hash-object --literally -w -t "$1" --stdin || e2e_die "hash-object --literally -t $1 failed"
}

# commit_object PAYLOAD-FILE [SIGFILE...]: the commit PAYLOAD-FILE (headers, blank line,
# message) with one `gpgsig` header per SIGFILE appended at the end of its header block (where
# git puts it). Written into the client; prints the id.
commit_object() {
  local payload=$1
  shift
  python3 - "$payload" "$@" <<'EOF' | write_object commit
import sys
payload = open(sys.argv[1], "rb").read()
head, sep, body = payload.partition(b"\n\n")
if not sep:
    sys.exit("commit_object: the payload has no blank line after its headers")
for path in sys.argv[2:]:
    lines = open(path, "rb").read().rstrip(b"\n").split(b"\n")
    head += b"\ngpgsig " + b"\n ".join(lines)
sys.stdout.buffer.write(head + sep + body)
EOF
}

# signed_commit_object SIGNER PAYLOAD-FILE [NAMESPACE]: PAYLOAD-FILE signed by SIGNER (the
# signature is over the payload exactly as given, so it verifies whatever the headers say).
signed_commit_object() {
  sign_payload "$1" "$2" "${3:-git}" >"$E2E_TMP/obj.sig"
  commit_object "$2" "$E2E_TMP/obj.sig"
}

# signed_tag_object SIGNER PAYLOAD-FILE: a tag object: PAYLOAD-FILE followed by SIGNER's
# signature over it (what `git tag -s` writes with gpg.format=ssh). Prints the id.
signed_tag_object() {
  sign_payload "$1" "$2" >"$E2E_TMP/obj.sig"
  cat "$2" "$E2E_TMP/obj.sig" | write_object tag
}

# commit_tree_as NAME|- TREE MESSAGE PARENT...: `git commit-tree` in the client, signed by
# NAME (committer NAME), or unsigned for -. Prints the id. Makes merges whose tree is chosen
# by hand (a merge that takes .auths/ from its second parent).
commit_tree_as() {
  local name=$1 tree=$2 msg=$3 p args=()
  shift 3
  for p in "$@"; do args+=(-p "$p"); done
  if [ "$name" = - ]; then
    client_git -c commit.gpgSign=false commit-tree --no-gpg-sign "$tree" "${args[@]}" -m "$msg" ||
      e2e_die "commit-tree failed"
  else
    client_git -c user.name="$name" -c user.email="$name@example.org" -c gpg.format=ssh \
      -c user.signingKey="$KEYS/$name" commit-tree -S "$tree" "${args[@]}" -m "$msg" ||
      e2e_die "commit-tree -S by $name failed"
  fi
}

# tree_with_dir_of BASE SRC DIR: the tree of commit BASE with directory DIR (e.g. .auths)
# replaced by SRC's DIR (removed when SRC has none). Prints the tree id.
tree_with_dir_of() {
  local base=$1 src=$2 dir=$3 index=$E2E_TMP/tree.index
  rm -f "$index"
  GIT_INDEX_FILE=$index client_git read-tree "$base" || e2e_die "read-tree $base failed"
  GIT_INDEX_FILE=$index client_git rm -rq --cached --ignore-unmatch -- "$dir" >/dev/null ||
    e2e_die "rm --cached $dir failed"
  if client_git cat-file -e "$src:$dir" 2>/dev/null; then
    GIT_INDEX_FILE=$index client_git read-tree --prefix="$dir/" "$src:$dir" || e2e_die "read-tree --prefix=$dir/ failed"
  fi
  GIT_INDEX_FILE=$index client_git write-tree || e2e_die "write-tree failed"
  rm -f "$index"
}

# hook_unwrap: puts the hooks auths installed back in place of the recording wrappers (for
# concurrent pushes, which would share the wrapper's files). Pushes record nothing after it.
hook_unwrap() {
  local hook
  for hook in pre-receive update; do
    [ -f "$E2E_TMP/installed/$hook" ] || continue
    mv -f "$E2E_TMP/installed/$hook" "$SERVER/hooks/$hook"
  done
}

# hook_status [REPO]: `auths hook status --repo REPO` (default $SERVER); output (stdout and
# stderr) in $E2E_TMP/status.out, exit status in STATUS_RC. Never fails.
# shellcheck disable=SC2120  # REPO is optional
hook_status() {
  STATUS_RC=0
  "$AUTHS" hook status --repo "${1:-$SERVER}" >"$E2E_TMP/status.out" 2>&1 </dev/null || STATUS_RC=$?
  check_no_sanitizer_report "$E2E_TMP/status.out"
}

# status_lines: the last hook_status output with the test's temp directory written <tmp> (its
# name holds the script's, which must not match what the checks look for).
status_lines() { sed "s|$E2E_TMP|<tmp>|g" "$E2E_TMP/status.out"; }

# expect_status_match ERE [WHAT]: the last hook_status output has a line matching ERE
# (case-insensitive; paths under the temp directory read <tmp>/...).
expect_status_match() {
  if status_lines | grep -Eiq -- "$1"; then ok; else
    fail "expected 'auths hook status' to print a line matching /$1/ (${2:-})" \
      "exit $STATUS_RC; output: $(head -c 1500 "$E2E_TMP/status.out")"
  fi
}

# status_accepted_updates: the number of accepted updates `auths hook status` reports as
# recorded (its line "records:        N accepted updates recorded (M accepted tips kept), ..."):
# N, or "none". Each update git applied counts once, a branch moving forward too.
status_accepted_updates() {
  hook_status
  local line
  line=$(status_lines | grep -E '^records: ' | head -n1)
  if [[ "$line" =~ ^records:\ +([0-9]+)\ accepted\ updates?\ recorded ]]; then echo "${BASH_REMATCH[1]}"; else echo none; fi
}

# expect_equal GOT WANT WHAT: GOT is WANT.
expect_equal() {
  if [ "$1" = "$2" ]; then ok; else fail "$3: expected '$2', got '$1'"; fi
}

# run NAME CMD...: runs CMD with stdin from /dev/null (or from the file RUN_STDIN names:
# `RUN_STDIN=payload run verify ...`); its stdout in $E2E_TMP/run/NAME.out (RUN_OUT), its
# stderr in $E2E_TMP/run/NAME.err (RUN_ERR), its exit status in RC. Never fails; a sanitizer
# report in its stderr is a failed check.
run() {
  RUN_NAME=$1
  shift
  RUN_OUT=$E2E_TMP/run/$RUN_NAME.out
  RUN_ERR=$E2E_TMP/run/$RUN_NAME.err
  RC=0
  "$@" <"${RUN_STDIN:-/dev/null}" >"$RUN_OUT" 2>"$RUN_ERR" || RC=$?

  check_no_sanitizer_report "$RUN_ERR"
}

# expect_rc WANT: the last run exited WANT (a number, or "nonzero").
expect_rc() {
  if [ "$1" = nonzero ] && [ "$RC" -ne 0 ]; then
    ok
  elif [ "$1" = nonzero ]; then
    fail "$RUN_NAME: expected a failure, got exit status 0" "stdout: $(head -c 800 "$RUN_OUT")"
  elif [ "$RC" -eq "$1" ]; then
    ok
  else
    fail "$RUN_NAME: expected exit status $1, got $RC" "stdout: $(head -c 1200 "$RUN_OUT")" \
      "stderr: $(head -c 1200 "$RUN_ERR")"
  fi
}

# expect_out LINE: the last run's stdout has the line LINE (exactly).
expect_out() {
  if file_has_line "$RUN_OUT" "$1"; then ok; else
    fail "$RUN_NAME: expected the output line: $1" "stdout: $(head -c 1500 "$RUN_OUT")" \
      "stderr: $(head -c 800 "$RUN_ERR")"
  fi
}

# expect_text FILE STRING: FILE contains STRING (a fixed string; FILE is often $RUN_OUT or
# $RUN_ERR).
expect_text() {
  if file_has_text "$1" "$2"; then ok; else fail "expected '$2' in $1" "got: $(head -c 800 "$1")"; fi
}

# expect_no_text FILE STRING: FILE does not contain STRING.
expect_no_text() {
  if file_has_text "$1" "$2"; then fail "expected no '$2' in $1" "got: $(head -c 800 "$1")"; else ok; fi
}


# expect_no_control_bytes FILE WHAT: FILE has no C0 control byte but tab and newline, and no
# DEL: no ESC, BEL, CR (what a pusher could use to forge lines or rewrite the terminal).
expect_no_control_bytes() {
  if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1" 2>/dev/null; then
    fail "$2 contains control bytes (unescaped pusher-controlled text):" \
      "$(LC_ALL=C grep -n $'[\x01-\x08\x0b-\x1f\x7f]' "$1" | head -3 | cat -v)"
  else ok; fi
}

# reset_server_ref REF OID|absent: sets the server's REF to OID (git update-ref in the server,
# or a push with the hooks bypassed when the server lacks OID), when a push that should have
# been refused got through (or one that should have been accepted was refused): the next steps
# then start from the same state whatever the engine under test did. No-op when REF is OID.
reset_server_ref() {
  local ref=$1 want=$2 got
  got=$(git -C "$SERVER" rev-parse -q --verify "$ref" 2>/dev/null || echo absent)
  [ "$got" != "$want" ] || return 0
  if [ "$want" = absent ]; then
    git -C "$SERVER" update-ref -d "$ref" || e2e_die "resetting the server's $ref failed"
  elif git -C "$SERVER" cat-file -e "$want" 2>/dev/null; then
    git -C "$SERVER" update-ref "$ref" "$want" || e2e_die "resetting the server's $ref failed"
  else
    push_bypassing_hooks --force "$want:$ref"
  fi
}
