# shellcheck shell=bash  # sourced by bash scripts, never run: no shebang
# Real git servers on 127.0.0.1 for the install tests (t940-t959), run as the test user with
# everything under $E2E_TMP; sourced after lib.sh. Each start function registers its stop in
# E2E_CLEANUPS (lib.sh's exit trap runs it).
#
#   http_start ROOT   nginx in front of fcgiwrap and `git http-backend`: smart HTTP for every
#                     repository under ROOT at http://127.0.0.1:$HTTP_PORT/git/<path>, pushes
#                     allowed (REMOTE_USER "e2e-pusher", as nginx sets it after authenticating)
#   gitolite_start    gitolite3 in its own HOME ($GL_HOME, `gitolite setup -pk`), reached through
#                     the test's sshd with the forced command gitolite writes; GL_URL_BASE is
#                     the ssh URL prefix of its repositories (GL_URL_BASE/NAME)

NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
FCGIWRAP_BIN=${FCGIWRAP_BIN:-/usr/sbin/fcgiwrap}
HTTP_PORT=""
HTTP_NGINX_PID=""
HTTP_FCGI_PID=""

http_stop() {
  local pid
  # fcgiwrap serves from a child it forks: that child first, by its parent's pid.
  [ -z "$HTTP_FCGI_PID" ] || pkill -P "$HTTP_FCGI_PID" 2>/dev/null || true
  for pid in "$HTTP_NGINX_PID" "$HTTP_FCGI_PID"; do
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  HTTP_NGINX_PID="" HTTP_FCGI_PID=""
}

http_start() {
  local root=$1 dir="$E2E_TMP/http" port attempt user_line="" git_exec sanitizer=""
  [ -x "$NGINX_BIN" ] || e2e_die "nginx not found at $NGINX_BIN (Debian package nginx)"
  [ -x "$FCGIWRAP_BIN" ] || e2e_die "fcgiwrap not found at $FCGIWRAP_BIN (Debian package fcgiwrap)"
  mkdir -p "$dir/tmp" "$dir/logs"
  E2E_CLEANUPS+=(http_stop)
  git_exec=$(git --exec-path)
  "$FCGIWRAP_BIN" -c 1 -s "unix:$dir/fcgiwrap.sock" >"$dir/fcgiwrap.log" 2>&1 &
  HTTP_FCGI_PID=$!
  for _ in $(seq 1 100); do [ -S "$dir/fcgiwrap.sock" ] && break; sleep 0.05; done
  [ -S "$dir/fcgiwrap.sock" ] || e2e_die "fcgiwrap did not start: $(cat "$dir/fcgiwrap.log")"
  # As root, nginx's workers would become nobody, who cannot reach the test's files.
  [ "$(id -u)" -ne 0 ] || user_line="user $(id -un) $(id -gn);"
  [ -z "${ASAN_OPTIONS:-}" ] || sanitizer+="    fastcgi_param ASAN_OPTIONS \"$ASAN_OPTIONS\";"$'\n'
  [ -z "${UBSAN_OPTIONS:-}" ] || sanitizer+="    fastcgi_param UBSAN_OPTIONS \"$UBSAN_OPTIONS\";"$'\n'
  [ -z "${LSAN_OPTIONS:-}" ] || sanitizer+="    fastcgi_param LSAN_OPTIONS \"$LSAN_OPTIONS\";"$'\n'
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    cat >"$dir/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log info;
events { worker_connections 64; }
http {
  access_log $dir/logs/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:$port;
    location ~ ^/git(/.*)\$ {
      # The CGI variables http-backend reads, and no others (Debian's fastcgi_params would add
      # an empty REMOTE_USER, which turns receive-pack off).
      fastcgi_param REQUEST_METHOD \$request_method;
      fastcgi_param QUERY_STRING \$query_string;
      fastcgi_param CONTENT_TYPE \$content_type;
      fastcgi_param CONTENT_LENGTH \$content_length;
      fastcgi_param SERVER_PROTOCOL \$server_protocol;
      fastcgi_param REMOTE_ADDR \$remote_addr;
      fastcgi_pass unix:$dir/fcgiwrap.sock;
      fastcgi_param SCRIPT_FILENAME $git_exec/git-http-backend;
      fastcgi_param GIT_PROJECT_ROOT $root;
      fastcgi_param GIT_HTTP_EXPORT_ALL "";
      fastcgi_param PATH_INFO \$1;
      fastcgi_param REMOTE_USER e2e-pusher;
      fastcgi_param HOME $E2E_HOME;
      fastcgi_param PATH $git_exec:/usr/local/bin:/usr/bin:/bin;
      fastcgi_param GIT_CONFIG_NOSYSTEM 1;
$sanitizer    }
  }
}
EOF
    "$NGINX_BIN" -t -p "$dir" -c "$dir/nginx.conf" >"$dir/nginx-check.log" 2>&1 ||
      e2e_die "nginx rejects its test config: $(cat "$dir/nginx-check.log")"
    "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" >"$dir/nginx.log" 2>&1 &
    HTTP_NGINX_PID=$!
    for _ in $(seq 1 200); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        HTTP_PORT=$port
        break 2
      fi
      kill -0 "$HTTP_NGINX_PID" 2>/dev/null || break
      sleep 0.05
    done
    kill "$HTTP_NGINX_PID" 2>/dev/null || true
    wait "$HTTP_NGINX_PID" 2>/dev/null || true
    HTTP_NGINX_PID=""
    cp "$dir/logs/error.log" "$dir/nginx-attempt$attempt.log" 2>/dev/null || true
  done
  [ -n "$HTTP_PORT" ] || e2e_die "nginx did not start: $(tail -5 "$dir/logs/error.log" 2>/dev/null)"
}

# http_url PATH: the smart HTTP URL of the repository PATH (relative to http_start's ROOT).
http_url() { printf 'http://127.0.0.1:%s/git/%s\n' "$HTTP_PORT" "$1"; }

GL_HOME=""
GL_URL_BASE=""

# gitolite_start: gitolite3 set up by `gitolite setup -pk` for an admin key ($KEYS/gladmin) in
# its own HOME, $E2E_TMP/gitolite; the test's sshd (started here when it is not) lets that key in
# with gitolite's forced command (gitolite-shell), HOME set to gitolite's. Pushes over ssh then
# go through gitolite's access checks and its hooks.
gitolite_start() {
  command -v gitolite >/dev/null 2>&1 || e2e_die "gitolite not found (Debian package gitolite3)"
  GL_HOME=$E2E_TMP/gitolite
  mkdir -p "$GL_HOME"
  [ -f "$KEYS/gladmin" ] || make_key gladmin
  cp "$KEYS/gladmin.pub" "$GL_HOME/gladmin.pub"
  (cd "$GL_HOME" && HOME=$GL_HOME gitolite setup -pk gladmin.pub) >"$E2E_TMP/gitolite-setup.log" 2>&1 ||
    e2e_die "gitolite setup -pk failed: $(cat "$E2E_TMP/gitolite-setup.log")"
  [ -n "$SSHD_PORT" ] || sshd_start
  local glshell
  glshell=$(sed -n 's/^command="\([^ ]*gitolite-shell\) gladmin".*/\1/p' "$GL_HOME/.ssh/authorized_keys")
  [ -n "$glshell" ] || e2e_die "gitolite wrote no forced command for gladmin: $(cat "$GL_HOME/.ssh/authorized_keys")"
  # gitolite's line, its HOME given (the test's sshd sets the session's HOME to the client's).
  printf 'command="env HOME=%s %s gladmin",no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty %s\n' \
    "$GL_HOME" "$glshell" "$(cat "$KEYS/gladmin.pub")" >>"$E2E_TMP/sshd/authorized_keys"
  # shellcheck disable=SC2034  # for the scripts that source this file
  GL_URL_BASE="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT"
  export GIT_SSH_COMMAND="ssh -F /dev/null -i $KEYS/gladmin -p $SSHD_PORT -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
}

# gitolite_conf TEXT: appends TEXT to gitolite.conf and compiles it, as a push to gitolite-admin
# would (the admin's own route, on the server: gitolite compile, then its POST_COMPILE triggers,
# which create the new repositories).
gitolite_conf() {
  printf '%s\n' "$1" >>"$GL_HOME/.gitolite/conf/gitolite.conf"
  HOME=$GL_HOME gitolite setup >"$E2E_TMP/gitolite-compile.log" 2>&1 ||
    e2e_die "gitolite setup (compile) failed: $(cat "$E2E_TMP/gitolite-compile.log")"
}

# expect_refused_with_reason SIGNER: a commit by SIGNER (whom the policy does not list) pushed to
# origin main is refused by auths as unknown-signer, with the reason line on the pusher's terminal
# ("remote: error: refs/heads/main <short>: unknown-signer (rule 'main'): ..."), the ref as it was
# and the commit nowhere in the repository. Sets REFUSED to the commit.
expect_refused_with_reason() {
  local base
  base=$(server_git rev-parse refs/heads/main)
  REFUSED=$(commit_as "$1" "$1's change")
  push origin main
  expect_push_rejected unknown-signer
  if grep -q "^remote: error: refs/heads/main ${REFUSED:0:7}: unknown-signer (rule 'main'): " "$E2E_TMP/push.out"; then ok; else
    fail "the pusher's terminal does not show 'remote: error: refs/heads/main ${REFUSED:0:7}: unknown-signer (rule 'main'): ...'"
  fi
  expect_ref refs/heads/main "$base"
  expect_no_object "$REFUSED"
}
