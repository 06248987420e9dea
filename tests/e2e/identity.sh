# shellcheck shell=bash  # sourced by bash scripts, never run: no shebang
# Helpers for the end-to-end tests of did:keri identities (t41x): developers with their own
# identity home, clones set up with `auths init --git`, hand-made registry commits, and a small
# forging kit for records the CLI refuses to make. Source after lib.sh, call after test_init:
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/identity.sh"
#   test_init
#   identity_env
#   dev_id alice                  # auths id init in $E2E_TMP/ids/alice; sets ID_DID, ID_PREFIX
#   ALICE=$ID_DID
#   ...
#   dev_clone alice               # $E2E_TMP/alice, a clone of the server; becomes $CLIENT
#   dev_auths alice device link --alias laptop   # output in $RUN_OUT (dies on failure)
#
# Developer NAME's identity home is $E2E_TMP/ids/NAME (AUTHS_HOME for every command run for
# NAME); every home uses the passphrase $AUTHS_PASSPHRASE. The registry scripts start with
# registry_fixture (below): alice, a server whose policy names her, her first accepted push.

# identity_env: the passphrase for every identity home, and cheap key derivation (the keys of a
# test need not resist brute force; keystore.h: AUTHS_KDF_MEMORY_KIB, AUTHS_KDF_ITERATIONS).
identity_env() {
  export AUTHS_PASSPHRASE="e2e identity passphrase"
  export AUTHS_KDF_MEMORY_KIB=64
  export AUTHS_KDF_ITERATIONS=1
  unset AUTHS_HOME
  mkdir -p "$E2E_TMP/ids"
}

# dev_home NAME: NAME's identity home (dev_run and dev_commit, called hundreds of times, spell
# the same path out instead of forking a subshell for it).
dev_home() { printf '%s\n' "$E2E_TMP/ids/$1"; }

# dev_run NAME ARGS...: `auths ARGS` with NAME's identity home, by lib.sh's run: stdout in
# $RUN_OUT, stderr in $RUN_ERR, exit status in RC (for expect_rc, expect_out, expect_text).
# Never fails.
dev_run() {
  local name=$1
  shift
  AUTHS_HOME=$E2E_TMP/ids/$name run "$name auths $1" "$AUTHS" "$@"
}

# dev_auths NAME ARGS...: `auths ARGS` for NAME (dev_run); stops the test when it fails.
dev_auths() {
  local name=$1
  shift
  dev_run "$name" "$@"
  [ "$RC" -eq 0 ] || e2e_die "auths $* (for $name) exited $RC: $(cat "$RUN_ERR") $(cat "$RUN_OUT")"
}

# dev_id NAME: `auths id init` for NAME. Sets ID_DID and ID_PREFIX (checked against
# `auths id show --json`).
dev_id() {
  dev_auths "$1" id init
  ID_DID=$(head -n1 "$RUN_OUT")
  case "$ID_DID" in
    did:keri:E???????????????????????????????????????????) ;;
    *) e2e_die "auths id init for $1 printed '$ID_DID', not a did:keri" ;;
  esac
  # shellcheck disable=SC2034  # a result for the calling script, as ID_DID
  ID_PREFIX=${ID_DID#did:keri:}
  dev_auths "$1" id show --json
  [ "$(json_get "$RUN_OUT" did)" = "$ID_DID" ] || e2e_die "auths id show --json does not show $ID_DID"
}

# dev_link NAME ALIAS [OPTIONS...]: `auths device link --alias ALIAS` for NAME; prints the
# device's did:key (the first line of the output).
dev_link() {
  local name=$1 alias=$2
  shift 2
  dev_auths "$name" device link --alias "$alias" "$@"
  local did
  did=$(head -n1 "$RUN_OUT")
  case "$did" in did:key:z6Mk*) ;; *) e2e_die "auths device link --alias $alias printed '$did', not a did:key" ;; esac
  printf '%s\n' "$did"
}

# json_get FILE KEY: a top-level value of a JSON document (strings as they are).
json_get() {
  python3 -c 'import json,sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print(v if isinstance(v, str) else json.dumps(v))' "$1" "$2"
}

# dev_clone NAME: clones the server into $E2E_TMP/NAME as NAME (user.name, user.email) and makes
# it $CLIENT (what push, client_git, expect_* use). Nothing about signing is configured.
dev_clone() {
  local dir=$E2E_TMP/$1
  clone_server "$dir"
  git -C "$dir" config user.name "$1"
  git -C "$dir" config user.email "$1@example.org"
  CLIENT=$dir
}

# use_clone NAME: $E2E_TMP/NAME becomes $CLIENT.
use_clone() { CLIENT=$E2E_TMP/$1; }

# dev_sign_with NAME ALIAS: configures $CLIENT to sign through auths-sign with key ALIAS, by hand
# (no hooks): what `auths init --git` sets, for the tests that are not about it.
dev_sign_with() {
  client_git config gpg.format ssh
  client_git config gpg.ssh.program "$AUTHS_BIN_DIR/auths-sign"
  client_git config user.signingKey "auths:$2"
  client_git config commit.gpgSign true
}

# dev_commit NAME ALIAS|- MESSAGE: appends MESSAGE to log.txt in $CLIENT and commits everything
# with `git commit -S`, signed through auths-sign with NAME's key ALIAS, with NAME's identity home
# (so auths-sign and the commit-msg hook find it). ALIAS is set as the clone's user.signingKey
# first, as a developer switching devices does (`git config user.signingKey auths:ALIAS`, what
# `auths device link` tells); - keeps the configured one. Prints the commit id; stops the test
# when git fails.
dev_commit() {
  local name=$1 alias=$2 msg=$3
  [ "$alias" = - ] || client_git config user.signingKey "auths:$alias"
  printf '%s\n' "$msg" >>"$CLIENT/log.txt"
  client_git add -A
  AUTHS_HOME=$E2E_TMP/ids/$name git -C "$CLIENT" commit -q -S -m "$msg" \
    </dev/null >"$E2E_TMP/commit.out" 2>"$E2E_TMP/commit.err" ||
    e2e_die "git commit -S by $name (key $alias) failed: $(cat "$E2E_TMP/commit.err")"
  client_git rev-parse HEAD
}

# dev_publish NAME [REPO]: `auths registry publish --repo REPO` (default $CLIENT) for NAME;
# prints the repository's refs/auths/registry afterwards.
dev_publish() {
  local repo=${2:-$CLIENT}
  dev_auths "$1" registry publish --repo "$repo"
  git -C "$repo" rev-parse refs/auths/registry
}

# fetch_registry: $CLIENT's refs/auths/registry := the server's (forced: a clone that
# published records the server refused has its own).
fetch_registry() {
  client_git fetch -q origin "+refs/auths/registry:refs/auths/registry" 2>"$E2E_TMP/fetch.err" ||
    e2e_die "git fetch of refs/auths/registry failed: $(cat "$E2E_TMP/fetch.err")"
}

# push_registry COMMIT [--force]: $CLIENT's refs/auths/registry := COMMIT, then lib.sh's push of
# it to origin (with --force, as +refs/auths/registry: a rewrite).
push_registry() {
  client_git update-ref refs/auths/registry "$1"
  if [ "${2:-}" = --force ]; then push origin +refs/auths/registry; else push origin refs/auths/registry; fi
}

# registry_commit PARENTS MESSAGE OP...: writes a commit in $CLIENT (no ref moves) whose parents
# are PARENTS (commit ids separated by spaces; "" for a root commit) and whose tree is the first
# parent's tree changed by each OP:
#   add:PATH=FILE   PATH gets the content of FILE (a new record, or a changed one)
#   rm:PATH         PATH is removed
# Prints the commit id.
registry_commit() {
  local parents=$1 msg=$2 index=$E2E_TMP/registry.index op path file blob tree p args=()
  shift 2
  rm -f "$index"
  if [ -n "${parents%% *}" ]; then
    GIT_INDEX_FILE=$index client_git read-tree "${parents%% *}" || e2e_die "read-tree ${parents%% *} failed"
  else
    GIT_INDEX_FILE=$index client_git read-tree --empty || e2e_die "read-tree --empty failed"
  fi
  for op in "$@"; do
    case "$op" in
      add:*=*)
        path=${op#add:}
        file=${path#*=}
        path=${path%%=*}
        blob=$(client_git hash-object -w -- "$file") || e2e_die "hash-object $file failed"
        GIT_INDEX_FILE=$index client_git update-index --add --cacheinfo "100644,$blob,$path" ||
          e2e_die "update-index $path failed"
        ;;
      rm:*)
        GIT_INDEX_FILE=$index client_git update-index --force-remove -- "${op#rm:}" ||
          e2e_die "update-index --force-remove ${op#rm:} failed"
        ;;
      *) e2e_die "registry_commit: unknown operation '$op'" ;;
    esac
  done
  tree=$(GIT_INDEX_FILE=$index client_git write-tree) || e2e_die "write-tree failed"
  rm -f "$index"
  for p in $parents; do args+=(-p "$p"); done
  client_git commit-tree "$tree" "${args[@]}" -m "$msg" || e2e_die "commit-tree failed"
}

# registry_files REF|OID [REPO]: the paths in a registry tree, one a line.
registry_files() { git -C "${2:-$CLIENT}" ls-tree -r --name-only "$1"; }

# expect_server_registry_file OID PATH: the server's registry commit OID has the file PATH.
expect_server_registry_file() {
  if git -C "$SERVER" cat-file -e "$1:$2" 2>/dev/null; then ok; else
    fail "expected the server's registry $1 to have $2" "it has: $(registry_files "$1" "$SERVER" | tr '\n' ' ')"
  fi
}

# ---------------------------------------------------------------------------------------------
# The forging kit: what an attacker (or a buggy client) can write without the CLI. Records are
# made with the same bytes the CLI would make (the tests check it on the CLI's own records: t411
# reproduces an ixn, t412 re-signs a link, byte for byte): KEL events (compact JSON, `v` size,
# Blake3 SAID via b3sum, CESR indexed Ed25519 signatures) and attestations (RFC 8785 signed
# bytes, canonical registry name), signed with keys from an identity home's key store. The kit
# is tests/support/forge.py (python3), which signs with $AUTHS_BIN_DIR/auths-forge-sign, a test
# tool of the build (tests/support/forge_sign_main.cpp: decrypts a key with the passphrase,
# Argon2id + AES-256-GCM, and signs; built against Botan 2, the library the project uses).
#
#   forge_init
#   forge ixn HOME ALIAS PREFIX SEQ PRIOR SEALS-JSON OUT     -> OUT.json, OUT.cesr
#   forge resign-link HOME ID-ALIAS DEV-ALIAS IN OUT [FIELD=JSON...]
#       IN's fields changed as given, signed again (identity signature by ID-ALIAS, device
#       signature by DEV-ALIAS; '-' leaves a signature as it is); writes OUT, prints its
#       canonical registry path and its digest (the seal a KEL would anchor)
#   forge ixn ... prints the event's SAID
#   forge path ATTESTATION     -> its canonical registry path and digest

# forge_init: checks that the kit can run (b3sum, the signing tool); sets FORGE_PY.
forge_init() {
  command -v b3sum >/dev/null || e2e_die "b3sum is missing (Debian package b3sum, a test dependency)"
  [ -x "$AUTHS_BIN_DIR/auths-forge-sign" ] ||
    e2e_die "$AUTHS_BIN_DIR/auths-forge-sign is missing (a test tool: built with AUTHS_BUILD_TESTS=ON)"
  FORGE_PY=$(cd "$E2E_DIR/../support" && pwd)/forge.py
  [ -f "$FORGE_PY" ] || e2e_die "$FORGE_PY is missing"
}

# forge ARGS...: runs the kit (see above); stops the test when it fails.
forge() {
  python3 "$FORGE_PY" "$@" 2>"$E2E_TMP/forge.err" || e2e_die "forge $1 failed: $(cat "$E2E_TMP/forge.err")"
}

# kel_tip REPO REV PREFIX: "SEQ SAID" of the last event of PREFIX's KEL in registry commit REV.
kel_tip() {
  local repo=$1 rev=$2 prefix=$3 last
  last=$(git -C "$repo" ls-tree --name-only "$rev:v1/identities/$prefix/kel/" | grep -E '^[0-9]{8}\.json$' | LC_ALL=C sort | tail -n1)
  [ -n "$last" ] || e2e_die "no KEL of $prefix in $rev"
  printf '%d %s\n' "$((10#${last%.json}))" \
    "$(git -C "$repo" cat-file -p "$rev:v1/identities/$prefix/kel/$last" | python3 -c 'import json,sys; print(json.load(sys.stdin)["d"])')"
}

# registry_dir NAME: NAME's registry copy (laid out as refs/auths/registry).
registry_dir() { printf '%s\n' "$(dev_home "$1")/registry"; }

# ---------------------------------------------------------------------------------------------
# The common start of the registry scripts (t410 to t413, t525, t530)

# registry_fixture [--forge] [--mallory] [--rules TOML] [--device ALIAS]... [--server-only]:
# setup (call it before the first case), in this order:
#   - identity_env, and forge_init with --forge;
#   - alice's identity: ALICE (her did:keri), ALICE_PREFIX, ALICE_HOME; with --mallory, mallory's
#     too: MALLORY, MALLORY_PREFIX, MALLORY_HOME;
#   - the server (setup_repo admin, which sets SEED): a policy whose rule 'main' lets only
#     ALICE sign refs/heads/main, then TOML (more rules, e.g. `[[policy.commit]] ...`, in which
#     the text $ALICE stands for alice's did:keri, not known before), and the admin's ssh key as
#     the [governance] signer;
#   - unless --server-only, alice's first accepted push: her clone ($E2E_TMP/alice, made
#     $CLIENT) signing through auths-sign with her device laptop (LAPTOP: its did:key;
#     ALICE_LINK_PATH: its link's registry path), the devices ALIAS... linked as well, her
#     records published (REG1) and pushed with a first commit (A1) by the laptop: the push is
#     checked to be accepted and to set main and refs/auths/registry. These checks count as the
#     script's; one that fails stops the script, as any failure in the setup does.
registry_fixture() {
  local forge=0 mallory=0 rules="" server_only=0 devices=() d
  while [ $# -gt 0 ]; do
    case "$1" in
      --forge) forge=1 ;;
      --mallory) mallory=1 ;;
      --rules) rules=$2; shift ;;
      --device) devices+=("$2"); shift ;;
      --server-only) server_only=1 ;;
      *) e2e_die "registry_fixture: unknown option '$1'" ;;
    esac
    shift
  done
  identity_env
  [ "$forge" -eq 0 ] || forge_init
  make_key admin
  dev_id alice
  ALICE=$ID_DID
  ALICE_PREFIX=$ID_PREFIX
  # shellcheck disable=SC2034  # a result for the calling script (documented above)
  ALICE_HOME=$(dev_home alice)
  if [ "$mallory" -eq 1 ]; then
    dev_id mallory
    # shellcheck disable=SC2034  # results for the calling script (documented above)
    MALLORY=$ID_DID MALLORY_PREFIX=$ID_PREFIX MALLORY_HOME=$(dev_home mallory)
  fi
  # shellcheck disable=SC2016  # the text $ALICE, as written by the caller
  rules=${rules//'$ALICE'/$ALICE}
  setup_repo admin <<POLICY
version = 1

[[policy.commit]]
name = "main"
refs = ["refs/heads/main"]
signers = ["$ALICE"]
${rules:+
$rules
}
[governance]
signers = ["$(pub admin)"]
POLICY
  [ "$server_only" -eq 0 ] || return 0

  step "setup (registry_fixture): alice's records and first commit are accepted"
  dev_clone alice
  dev_sign_with alice laptop
  dev_link alice laptop >"$E2E_TMP/laptop.did"  # not in $(...): its checks count
  LAPTOP=$(cat "$E2E_TMP/laptop.did")
  for d in "${devices[@]}"; do dev_link alice "$d" >/dev/null; done
  REG1=$(dev_publish alice)
  ALICE_LINK_PATH=$(git -C "$CLIENT" grep -l -F "\"$LAPTOP\"" "$REG1" -- "v1/identities/$ALICE_PREFIX/attestations/") ||
    e2e_die "registry_fixture: no link of the laptop in $REG1"
  ALICE_LINK_PATH=${ALICE_LINK_PATH#"$REG1:"}
  A1=$(dev_commit alice laptop "alice: first")
  push origin refs/auths/registry main
  expect_push_ok "auths: push accepted: 1 commit and 0 tags verified in 2 refs"
  expect_ref refs/heads/main "$A1"
  expect_ref refs/auths/registry "$REG1"
}

# ---------------------------------------------------------------------------------------------
# The common start of the org scripts (t600, t630, t640)

# org_fixture: olivia's identity (OLIVIA), her org acme (ORG: she is its first admin and her home
# holds its keys), mia's and rex's identities (MIA, REX), mia a member of team core and rex
# readonly, as records in olivia's registry copy (nothing published yet). Call it after
# identity_env, before the first case.
org_fixture() {
  dev_id olivia
  # shellcheck disable=SC2034  # results for the calling script (documented above)
  OLIVIA=$ID_DID
  dev_auths olivia org init --name acme
  ORG=$(head -n1 "$RUN_OUT")
  case "$ORG" in did:keri:E*) ;; *) e2e_die "auths org init printed '$ORG', not a did:keri" ;; esac
  dev_id mia
  MIA=$ID_DID
  dev_id rex
  # shellcheck disable=SC2034  # as OLIVIA
  REX=$ID_DID
  dev_auths olivia org add-member "$MIA" --role member --teams core
  dev_auths olivia org add-member "$REX" --role readonly
}
