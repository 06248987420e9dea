#!/usr/bin/env bash
# e2e-transports: file
# Every CLI command that reports something has --json (one JSON document on stdout, nothing
# else; prompts and what a command shows before its passphrase prompt on stderr; errors stay
# "error: ..." on stderr with their exit codes): alice's identity, keys, devices (linked here and
# by a request from a second machine, an agent by its request), a rotation, an org with a
# member, a release approval, the registry published, a freeze and an unfreeze, revocations, a
# witness key, a key in the ssh-agent, each checked field by field against what the commands
# that show the same thing print. Last, a walk over `auths --help` finds no leaf command without --json but the exempt
# ones named below, each with its reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/identity.sh"
test_init
identity_env
DESK_AUTHS=$E2E_TMP/ids/alice-desk  # the second machine's identity home: a key store, no identity
REPO=$E2E_TMP/repo                  # a repository without a remote, for publish and approve
RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'

# json_ok: the last run exited 0 and its stdout is one JSON document (json_check loads it
# whole: anything before or after the document fails).
json_ok() {
  expect_rc 0
  json_check "$RUN_OUT" "doc is not None"
}

# json_time FILE PYTHON-EXPR: EXPR (evaluated with `doc`) is an RFC 3339 UTC time.
json_time() { json_check "$1" "__import__('re').match(r'$RFC3339', $2) is not None"; }

# same_json FILE OTHER PYTHON-EXPR: EXPR evaluated on FILE's document equals OTHER's document.
same_json() { json_check "$1" "$3 == __import__('json').load(open('$2'))"; }

identity_made() {
  dev_run alice id init --json
  json_ok
  alice=$(json_get "$RUN_OUT" did)
  case "$alice" in did:keri:E*) ok ;; *) fail "auths id init --json: did '$alice'" ;; esac
  json_check "$RUN_OUT" "doc['key_alias'] == 'identity' and doc['curve'] == 'ed25519'"
  json_check "$RUN_OUT" "doc['sequence'] == 0 and doc['rotations'] == 0 and doc['next_key_commitments'] == 1"
  json_check "$RUN_OUT" "len(doc['keys']) == 1 and doc['keys'][0]['did_key'].startswith('did:key:z6Mk')"
  json_check "$RUN_OUT" "doc['home'] == '$E2E_TMP/ids/alice' and doc['delegated_by'] is None"
  cp "$RUN_OUT" "$E2E_TMP/id-init.json"
  # The same document as `auths id show --json`.
  dev_run alice id show --json
  json_ok
  same_json "$E2E_TMP/id-init.json" "$RUN_OUT" doc
}
test_case identity_made "auths id init --json: the identity as auths id show --json shows it"

keys_made() {
  dev_run alice key generate --alias spare --json
  json_ok
  json_check "$RUN_OUT" "doc['alias'] == 'spare' and doc['curve'] == 'ed25519' and doc['signing_key'] == 'auths:spare'"
  json_check "$RUN_OUT" "doc['ssh'].startswith('ssh-ed25519 ') and doc['fingerprint'].startswith('SHA256:')"
  json_check "$RUN_OUT" "doc['did'].startswith('did:key:z6Mk') and doc['path'] == '$E2E_TMP/ids/alice/keys/spare.json'"
  cp "$RUN_OUT" "$E2E_TMP/key-generate.json"
  # key show --json, as --format json, and as key list --json lists it.
  dev_run alice key show --alias spare --json
  json_ok
  same_json "$RUN_OUT" "$E2E_TMP/key-generate.json" doc
  dev_run alice key show --alias spare --format json
  json_ok
  same_json "$RUN_OUT" "$E2E_TMP/key-generate.json" doc
  dev_run alice key list --json
  json_ok
  same_json "$RUN_OUT" "$E2E_TMP/key-generate.json" "[k for k in doc if k['alias'] == 'spare'][0]"
  # --json and --format name the same thing twice: a usage error, nothing on stdout.
  dev_run alice key show --alias spare --json --format ssh
  expect_rc nonzero
  expect_equal "$(wc -c <"$RUN_OUT")" 0 "bytes on stdout of key show --json --format ssh"
}
test_case keys_made "auths key generate | show --json: the key as auths key list --json lists it"

device_linked() {
  dev_run alice device link --alias laptop --note "alice's laptop" --json
  json_ok
  laptop=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["device"]["did"])' "$RUN_OUT")
  case "$laptop" in did:key:z6Mk*) ok ;; *) fail "auths device link --json: device did '$laptop'" ;; esac
  json_check "$RUN_OUT" "doc['signing_key'] == 'auths:laptop' and doc['device']['alias'] == 'laptop'"
  json_check "$RUN_OUT" "doc['device']['status'] == 'active' and doc['device']['capabilities'] == ['sign_commit']"
  json_check "$RUN_OUT" "doc['device']['signer_type'] == 'Human' and doc['device']['note'] == \"alice's laptop\""
  json_check "$RUN_OUT" "doc['device']['ssh'].startswith('ssh-ed25519 ') and doc['device']['record'] != ''"
  json_check "$RUN_OUT" "doc['device']['expires_at'] is None and doc['device']['revoked_at'] is None"
  json_time "$RUN_OUT" "doc['device']['linked_at']"
  cp "$RUN_OUT" "$E2E_TMP/device-link.json"
  dev_run alice id show-devices --json
  json_ok
  same_json "$E2E_TMP/device-link.json" "$RUN_OUT" "[doc['device']]"
}
test_case device_linked "auths device link --json: the link as auths id show-devices --json shows it, and its signing key"

device_requested() {
  AUTHS_HOME=$DESK_AUTHS run "desk device request" "$AUTHS" device request --identity "$alice" \
    --out "$E2E_TMP/desk-request.json" --alias desk --json
  json_ok
  desk=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["device"]["did"])' "$RUN_OUT")
  case "$desk" in did:key:z6Mk*) ok ;; *) fail "auths device request --json: device did '$desk'" ;; esac
  json_check "$RUN_OUT" "doc['identity'] == '$alice' and doc['request'] == '$E2E_TMP/desk-request.json'"
  json_check "$RUN_OUT" "doc['device']['status'] == 'requested' and doc['signing_key'] == 'auths:desk'"
  expect_equal "$(json_get "$E2E_TMP/desk-request.json" subject)" "$desk" "the request's subject"
  # alice completes it: what it grants goes to stderr before the prompt, the link to stdout.
  dev_run alice device link --request "$E2E_TMP/desk-request.json" --json
  json_ok
  json_check "$RUN_OUT" "doc['identity'] == '$alice' and doc['device']['did'] == '$desk'"
  json_check "$RUN_OUT" "doc['device']['status'] == 'active' and doc['device']['alias'] is None"
  expect_text "$RUN_ERR" "link request from a device for $alice"
  expect_text "$RUN_ERR" "device:       $desk"
}
test_case device_requested "auths device request --json, then auths device link --request FILE --json"

agent_requested() {
  # An agent's request (auths init --profile agent --request) granted the same way.
  dev_run runner init --profile agent --request "$E2E_TMP/runner.req" --delegated-by "$alice" \
    --non-interactive --name runner --capabilities sign_commit --json
  json_ok
  runner=$(json_get "$RUN_OUT" did)
  case "$runner" in did:keri:E*) ok ;; *) fail "auths init --profile agent --request --json: did '$runner'" ;; esac
  dev_run alice device link --request "$E2E_TMP/runner.req" --json
  json_ok
  json_check "$RUN_OUT" "list(doc) == ['identity', 'agent'] and doc['identity'] == '$alice'"
  json_check "$RUN_OUT" "doc['agent']['did'] == '$runner' and doc['agent']['delegated_by'] == '$alice'"
  json_check "$RUN_OUT" "doc['agent']['name'] == 'runner' and doc['agent']['capabilities'] == ['sign_commit']"
  json_check "$RUN_OUT" "doc['agent']['record'].startswith('v1/') and doc['agent']['signer_type'] == 'Agent'"
  expect_text "$RUN_ERR" "agent request for $alice"
  expect_text "$RUN_ERR" "agent:        $runner (runner)"
}
test_case agent_requested "auths device link --request FILE --json for an agent's request: the agent as auths init --profile agent --json prints it"

registry_published() {
  git init -q "$REPO"
  git -C "$REPO" commit -q --allow-empty -m "first"
  dev_run alice registry publish --repo "$REPO" --json
  json_ok
  json_check "$RUN_OUT" "doc['repo'] == '$REPO' and doc['ref'] == 'refs/auths/registry' and doc['published'] is True"
  json_check "$RUN_OUT" "doc['tip'] == '$(git -C "$REPO" rev-parse refs/auths/registry)' and doc['remote'] is None"
  records=$(json_get "$RUN_OUT" records)
  json_check "$RUN_OUT" "doc['records'] == $(find "$E2E_TMP/ids/alice/registry" -type f | wc -l)"
  # Nothing new: published false, tip null.
  dev_run alice registry publish --repo "$REPO" --json
  json_ok
  json_check "$RUN_OUT" "doc['published'] is False and doc['tip'] is None and doc['records'] == $records"
}
test_case registry_published "auths registry publish --json: the new tip, then nothing new"

identity_rotated() {
  dev_run alice id show --json
  cp "$RUN_OUT" "$E2E_TMP/before-rotation.json"
  dev_run alice id rotate --json
  json_ok
  json_check "$RUN_OUT" "doc['old_key'] == $(python3 -c 'import json,sys; print(repr(json.load(open(sys.argv[1]))["keys"][0]["key"]))' "$E2E_TMP/before-rotation.json")"
  json_check "$RUN_OUT" "doc['new_key'] == doc['identity']['keys'][0]['key'] and doc['new_key'] != doc['old_key']"
  json_check "$RUN_OUT" "doc['identity']['did'] == '$alice' and doc['identity']['rotations'] == 1"
  json_check "$RUN_OUT" "doc['identity']['sequence'] == $(json_get "$E2E_TMP/before-rotation.json" sequence) + 1"
  cp "$RUN_OUT" "$E2E_TMP/rotate.json"
  dev_run alice id show --json
  same_json "$E2E_TMP/rotate.json" "$RUN_OUT" "doc['identity']"
}
test_case identity_rotated "auths id rotate --json: both keys, and the identity as auths id show --json shows it"

org_made() {
  dev_run alice org init --name acme --json
  json_ok
  org=$(json_get "$RUN_OUT" did)
  case "$org" in did:keri:E*) ok ;; *) fail "auths org init --json: did '$org'" ;; esac
  json_check "$RUN_OUT" "doc == {'name': 'acme', 'did': '$org', 'admin': '$alice'}"
  dev_id mia
  mia=$ID_DID
  dev_run alice org add-member "$mia" --role member --teams core --json
  json_ok
  json_check "$RUN_OUT" "doc['did'] == '$mia' and doc['org'] == '$org' and doc['role'] == 'member'"
  json_check "$RUN_OUT" "doc['capabilities'] == ['sign_commit', 'sign_release'] and doc['teams'] == ['core']"
  json_check "$RUN_OUT" "doc['status'] == 'active' and doc['added_by'] == '$org' and doc['revoked_at'] is None"
  json_time "$RUN_OUT" "doc['added_at']"
  cp "$RUN_OUT" "$E2E_TMP/add-member.json"
  dev_run alice org show "$mia" --json --repo "$E2E_TMP/none"
  json_ok
  same_json "$E2E_TMP/add-member.json" "$RUN_OUT" "[doc]"
  dev_run alice org revoke-member "$mia" --repo "$E2E_TMP/none" --json
  json_ok
  json_check "$RUN_OUT" "doc['did'] == '$mia' and doc['org'] == '$org' and doc['status'] == 'revoked'"
  json_time "$RUN_OUT" "doc['revoked_at']"
}
test_case org_made "auths org init | add-member | revoke-member --json: the org, the membership as auths org show --json shows it"

release_approved() {
  git -C "$REPO" tag -a -m "release 1.0" v1.0
  git -C "$REPO" config gpg.format ssh
  git -C "$REPO" config gpg.ssh.program "$AUTHS_BIN_DIR/auths-sign"
  git -C "$REPO" config user.signingKey auths:laptop
  dev_run alice release approve v1.0 --note "checked" --repo "$REPO" --json
  json_ok
  tag=$(git -C "$REPO" rev-parse refs/tags/v1.0)
  json_check "$RUN_OUT" "doc['verdict'] == 'approve' and doc['object'] == '$tag' and doc['object_type'] == 'tag'"
  json_check "$RUN_OUT" "doc['ref'] == 'refs/tags/v1.0' and doc['record'].startswith('v1/approvals/$tag/')"
  json_check "$RUN_OUT" "doc['registry_tip'] == '$(git -C "$REPO" rev-parse refs/auths/registry)'"
  json_check "$RUN_OUT" "doc['signer_key'].split()[:2] == $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["device"]["ssh"].split()[:2])' "$E2E_TMP/device-link.json")"
}
test_case release_approved "auths release approve --json: the record, the object, the signer's key, the registry tip"

org_frozen() {
  # An error stays one line on stderr with its exit code, and nothing on stdout.
  dev_run alice emergency freeze --org acme --json
  expect_rc 64
  expect_equal "$(wc -c <"$RUN_OUT")" 0 "bytes on stdout of a refused freeze"
  expect_text "$RUN_ERR" "error: a freeze refuses every push"
  local before after
  before=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  dev_run alice emergency freeze --org acme --duration 1h --reason "incident 42" --yes --json
  json_ok
  after=$(date -u -d '+1 hour +1 minute' +%Y-%m-%dT%H:%M:%SZ)
  json_check "$RUN_OUT" "doc['org'] == '$org' and doc['kind'] == 'freeze' and doc['reason'] == 'incident 42'"
  json_check "$RUN_OUT" "doc['signer'] != '' and doc['record'] != ''"
  json_time "$RUN_OUT" "doc['until']"
  json_check "$RUN_OUT" "'$before' < doc['until'] < '$after'"
  dev_run alice emergency unfreeze --org acme --json
  json_ok
  json_check "$RUN_OUT" "doc['org'] == '$org' and doc['kind'] == 'unfreeze' and doc['until'] is None and doc['reason'] is None"
  json_check "$RUN_OUT" "list(doc) == ['org', 'kind', 'signer', 'until', 'reason', 'record'] and doc['record'] != ''"
}
test_case org_frozen "auths emergency freeze | unfreeze --json: the signed record; a refused freeze prints no JSON"

key_in_agent() {
  agent_start
  dev_run alice key unlock --alias spare --lifetime 1h --json
  json_ok
  same_json "$RUN_OUT" "$E2E_TMP/key-generate.json" "doc['key']"
  json_check "$RUN_OUT" "doc['agent'] == '$SSH_AUTH_SOCK' and doc['lifetime'] == '1h' and doc['lifetime_seconds'] == 3600"
  if ssh-add -l | grep -q "auths:spare"; then ok; else fail "ssh-add -l does not list auths:spare after unlock --json"; fi
  dev_run alice key lock --alias spare --json
  json_ok
  same_json "$RUN_OUT" "$E2E_TMP/key-generate.json" "doc['key']"
  json_check "$RUN_OUT" "doc['agent'] == '$SSH_AUTH_SOCK' and list(doc) == ['key', 'agent']"
  agent_stop
}
test_case key_in_agent "auths key unlock | lock --json: the key as auths key show --json shows it, the agent, the lifetime"

devices_revoked() {
  dev_run alice device revoke --device "$laptop" --note "lost" --json
  json_ok
  json_check "$RUN_OUT" "len(doc['revoked']) == 1 and doc['revoked'][0]['did'] == '$laptop'"
  json_check "$RUN_OUT" "doc['revoked'][0]['status'] == 'revoked' and doc['revoked'][0]['alias'] == 'laptop'"
  json_time "$RUN_OUT" "doc['revoked'][0]['revoked_at']"
  cp "$RUN_OUT" "$E2E_TMP/device-revoke.json"
  dev_run alice emergency revoke-device --device "$desk" --yes --json
  json_ok
  json_check "$RUN_OUT" "list(doc) == ['revoked'] and [d['did'] for d in doc['revoked']] == ['$desk']"
  json_check "$RUN_OUT" "doc['revoked'][0]['status'] == 'revoked'"
  json_time "$RUN_OUT" "doc['revoked'][0]['revoked_at']"
  cp "$RUN_OUT" "$E2E_TMP/emergency-revoke.json"
  # Both as auths id show-devices --include-revoked --json shows them.
  dev_run alice id show-devices --include-revoked --json
  json_ok
  same_json "$RUN_OUT" "$E2E_TMP/device-revoke.json" "{'revoked': [d for d in doc if d['did'] == '$laptop']}"
  same_json "$RUN_OUT" "$E2E_TMP/emergency-revoke.json" "{'revoked': [d for d in doc if d['did'] == '$desk']}"
}
test_case devices_revoked "auths device revoke | emergency revoke-device --json: the revoked links"

witness_made() {
  run "witness init" "$AUTHS" witness init --key "$E2E_TMP/witness.key" --json
  json_ok
  json_check "$RUN_OUT" "list(doc) == ['did', 'key'] and doc['did'].startswith('did:key:z6Mk')"
  json_check "$RUN_OUT" "doc['key'] == '$E2E_TMP/witness.key'"
  expect_equal "$(stat -c %a "$E2E_TMP/witness.key")" 600 "the witness key file's mode"
  # The text output prints the same did:key.
  local did
  did=$(json_get "$RUN_OUT" did)
  run "witness init text" "$AUTHS" witness init --key "$E2E_TMP/witness2.key"
  expect_rc 0
  case "$(head -n1 "$RUN_OUT")" in did:key:z6Mk*) ok ;; *) fail "auths witness init printed '$(head -n1 "$RUN_OUT")'" ;; esac
  if [ "$did" != "$(head -n1 "$RUN_OUT")" ]; then ok; else fail "two witness keys with one did:key"; fi
}
test_case witness_made "auths witness init --json: the witness did:key and the key file"

# The leaf commands with no --json, and why. Nothing else may lack it.
EXEMPT="witness serve: a server; its log lines go to stderr, nothing to stdout.
emergency report: its report is JSON already, on stdout or in --file.
hook ssh-shell: a forced command that becomes git-shell; it reports nothing."
# Leaf commands whose --json is still to come: tolerated until then. Once one has --json this
# check fails until its line here is deleted, so that the list only shrinks. (Empty.)
PENDING=""

every_leaf_has_json() {
  local walk
  walk=$(python3 - "$AUTHS" <<'PY'
import re, subprocess, sys
auths = sys.argv[1]
def subcommands(path):
    out = subprocess.run([auths, *path, "--help"], capture_output=True, text=True).stdout
    names, inside = [], False
    for line in out.splitlines():
        if line == "Subcommands:":
            inside = True
        elif inside and re.match(r"^  \S", line):
            names.append(line.split()[0])
        elif inside:
            inside = False
    return out, names
def walk(path):
    out, names = subcommands(path)
    if not names:
        print(("has-json " if re.search(r"^\s+(\S+,)?--json\b", out, re.M) else "no-json ") + " ".join(path))
    for n in names:
        walk(path + [n])
walk([])
PY
  )
  printf '%s\n' "$walk" >"$E2E_TMP/leaves.txt"
  # The walk found the commands of this test (it reads the help as CLI11 prints it).
  local leaves
  leaves=$(wc -l <"$E2E_TMP/leaves.txt")
  if [ "$leaves" -ge 30 ]; then ok; else fail "the walk over auths --help found $leaves leaf commands" "$walk"; fi
  for cmd in "device link" "device request" "emergency freeze" "org add-member" "witness init" "key show"; do
    if file_has_line "$E2E_TMP/leaves.txt" "has-json $cmd"; then ok; else fail "the walk did not see --json in auths $cmd --help"; fi
  done
  local missing="" done_now="" line name
  while IFS= read -r line; do
    name=${line#no-json }
    case $'\n'"$EXEMPT"$'\n'"$PENDING" in *$'\n'"$name:"*) continue ;; esac
    missing+="$name; "
  done < <(grep '^no-json ' "$E2E_TMP/leaves.txt")
  expect_equal "$missing" "" "leaf commands without --json"
  while IFS= read -r line; do
    name=${line%%:*}
    if file_has_line "$E2E_TMP/leaves.txt" "has-json $name"; then done_now+="$name; "; fi
  done <<<"$PENDING"
  expect_equal "$done_now" "" "commands of PENDING that have --json now (delete their lines from PENDING)"
  # Each exempt command exists, lacks --json, and its help says why.
  if file_has_line "$E2E_TMP/leaves.txt" "no-json witness serve"; then ok; else fail "auths witness serve: not a leaf without --json"; fi
  run "witness serve help" "$AUTHS" witness serve --help
  expect_text "$RUN_OUT" "A server, so no --json"
}
test_case every_leaf_has_json "a walk over auths --help: every leaf command has --json but the exempt ones"

test_done
