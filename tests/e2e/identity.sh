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
#   dev_auths alice device link --alias laptop   # output in $E2E_TMP/auths.out (dies on failure)
#
# Developer NAME's identity home is $E2E_TMP/ids/NAME (AUTHS_HOME for every command run for
# NAME); every home uses the passphrase $AUTHS_PASSPHRASE.

# identity_env: the passphrase for every identity home, and cheap key derivation (the keys of a
# test need not resist brute force; keystore.h: AUTHS_KDF_MEMORY_KIB, AUTHS_KDF_ITERATIONS).
identity_env() {
  export AUTHS_PASSPHRASE="e2e identity passphrase"
  export AUTHS_KDF_MEMORY_KIB=64
  export AUTHS_KDF_ITERATIONS=1
  unset AUTHS_HOME
  mkdir -p "$E2E_TMP/ids"
}

dev_home() { printf '%s\n' "$E2E_TMP/ids/$1"; }

# dev_run NAME CMD...: CMD with NAME's identity home; stdout in $E2E_TMP/auths.out, stderr in
# $E2E_TMP/auths.err, exit status in RC. Never fails.
dev_run() {
  local name=$1
  shift
  RC=0
  AUTHS_HOME=$(dev_home "$name") "$@" </dev/null >"$E2E_TMP/auths.out" 2>"$E2E_TMP/auths.err" || RC=$?
  check_no_sanitizer_report "$E2E_TMP/auths.err"
}

# dev_auths NAME ARGS...: `auths ARGS` for NAME; stops the test when it fails.
dev_auths() {
  local name=$1
  shift
  dev_run "$name" "$AUTHS" "$@"
  [ "$RC" -eq 0 ] || e2e_die "auths $* (for $name) exited $RC: $(cat "$E2E_TMP/auths.err") $(cat "$E2E_TMP/auths.out")"
}

# dev_id NAME: `auths id init` for NAME. Sets ID_DID and ID_PREFIX (checked against
# `auths id show --json`).
dev_id() {
  dev_auths "$1" id init
  ID_DID=$(head -n1 "$E2E_TMP/auths.out")
  case "$ID_DID" in
    did:keri:E???????????????????????????????????????????) ;;
    *) e2e_die "auths id init for $1 printed '$ID_DID', not a did:keri" ;;
  esac
  # shellcheck disable=SC2034  # a result for the calling script, as ID_DID
  ID_PREFIX=${ID_DID#did:keri:}
  dev_auths "$1" id show --json
  [ "$(json_get "$E2E_TMP/auths.out" did)" = "$ID_DID" ] || e2e_die "auths id show --json does not show $ID_DID"
}

# dev_link NAME ALIAS [OPTIONS...]: `auths device link --alias ALIAS` for NAME; prints the
# device's did:key (the first line of the output).
dev_link() {
  local name=$1 alias=$2
  shift 2
  dev_auths "$name" device link --alias "$alias" "$@"
  local did
  did=$(head -n1 "$E2E_TMP/auths.out")
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
  rm -rf "$dir"
  git clone -q "$(server_url)" "$dir" 2>"$E2E_TMP/clone.err" ||
    e2e_die "git clone $(server_url) failed: $(cat "$E2E_TMP/clone.err")"
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
  AUTHS_HOME=$(dev_home "$name") git -C "$CLIENT" commit -q -S -m "$msg" \
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

# expect_cmd_rc WANT: the last dev_run exited WANT.
expect_cmd_rc() {
  if [ "$RC" -eq "$1" ]; then ok; else
    fail "expected exit status $1, got $RC" "stdout: $(head -c 1200 "$E2E_TMP/auths.out")" \
      "stderr: $(head -c 1200 "$E2E_TMP/auths.err")"
  fi
}
# expect_out TEXT: the last dev_run's stdout has the line TEXT.
expect_out() {
  if grep -Fxq -- "$1" "$E2E_TMP/auths.out"; then ok; else
    fail "expected the output line: $1" "stdout: $(head -c 1500 "$E2E_TMP/auths.out")" \
      "stderr: $(head -c 800 "$E2E_TMP/auths.err")"
  fi
}
# expect_eq GOT WANT WHAT
expect_eq() {
  if [ "$1" = "$2" ]; then ok; else fail "$3: expected '$2', got '$1'"; fi
}

# ---------------------------------------------------------------------------------------------
# The forging kit: what an attacker (or a buggy client) can write without the CLI. Records are
# made with the same bytes the CLI would make (the tests check it on the CLI's own records: t411
# reproduces an ixn, t412 re-signs a link, byte for byte): KEL events (compact JSON, `v` size,
# Blake3 SAID via b3sum, CESR indexed Ed25519 signatures) and attestations (RFC 8785 signed
# bytes, canonical registry name), signed with
# keys from an identity home's key store (decrypted with the passphrase: Argon2id +
# AES-256-GCM, by a small program built against Botan 2, the library the project uses).
#
#   forge_init
#   forge ixn HOME ALIAS PREFIX SEQ PRIOR SEALS-JSON OUT     -> OUT.json, OUT.cesr
#   forge resign-link HOME ID-ALIAS DEV-ALIAS IN OUT [FIELD=JSON...]
#       IN's fields changed as given, signed again (identity signature by ID-ALIAS, device
#       signature by DEV-ALIAS; '-' leaves a signature as it is); writes OUT, prints its
#       canonical registry path and its digest (the seal a KEL would anchor)
#   forge ixn ... prints the event's SAID
#   forge path ATTESTATION     -> its canonical registry path and digest

forge_init() {
  FORGE_DIR=$E2E_TMP/forge
  mkdir -p "$FORGE_DIR"
  command -v b3sum >/dev/null || e2e_die "b3sum is missing (Debian package b3sum, a test dependency)"
  pkg-config --exists botan-2 || e2e_die "botan-2 is not known to pkg-config (Debian package libbotan-2-dev)"
  cat >"$FORGE_DIR/sign.cpp" <<'EOF'
// e2e forging kit: decrypts a key of an auths key store (keystore.h) and signs stdin with it.
//   sign SALT MEMORY_KIB ITERATIONS PARALLELISM NONCE CIPHERTEXT AD PUBLIC   (hex; the passphrase
//   from $AUTHS_PASSPHRASE) -> the Ed25519 signature, hex
#include <botan/aead.h>
#include <botan/argon2.h>
#include <botan/ed25519.h>
#include <botan/hex.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <string>
int main(int argc, char** argv) {
  if (argc != 9) { std::cerr << "usage: sign SALT MEM ITER PAR NONCE CT AD PUB\n"; return 2; }
  const char* pass = std::getenv("AUTHS_PASSPHRASE");
  if (pass == nullptr) { std::cerr << "AUTHS_PASSPHRASE is not set\n"; return 2; }
  try {
    const auto salt = Botan::hex_decode(argv[1]);
    Botan::secure_vector<uint8_t> key(32);
    Botan::argon2(key.data(), key.size(), pass, std::strlen(pass), salt.data(), salt.size(), nullptr, 0, nullptr, 0,
                  2 /* Argon2id */, std::stoul(argv[4]), std::stoul(argv[2]), std::stoul(argv[3]));
    const auto nonce = Botan::hex_decode(argv[5]);
    auto seed = Botan::hex_decode_locked(argv[6]);
    const auto ad = Botan::hex_decode(argv[7]);
    auto aead = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", Botan::DECRYPTION);
    aead->set_key(key);
    aead->set_associated_data(ad.data(), ad.size());
    aead->start(nonce.data(), nonce.size());
    aead->finish(seed);
    Botan::Ed25519_PrivateKey sk(seed);
    if (Botan::hex_encode(sk.get_public_key(), false) != std::string(argv[8])) {
      std::cerr << "decrypted key does not match its public key\n";
      return 1;
    }
    const std::string msg((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    Botan::System_RNG rng;
    Botan::PK_Signer signer(sk, rng, "Pure");
    std::cout << Botan::hex_encode(signer.sign_message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), rng),
                                   false)
              << "\n";
  } catch (const std::exception& e) {
    std::cerr << "sign: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
EOF
  # shellcheck disable=SC2046
  "${CXX:-c++}" -std=c++17 -O1 -o "$FORGE_DIR/sign" "$FORGE_DIR/sign.cpp" $(pkg-config --cflags --libs botan-2) \
    >"$FORGE_DIR/build.log" 2>&1 || e2e_die "building the forging kit failed: $(head -c 2000 "$FORGE_DIR/build.log")"
  cat >"$FORGE_DIR/forge.py" <<'EOF'
import base64, datetime, json, os, struct, subprocess, sys

SIGN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sign")
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

def sshstr(b):
    if isinstance(b, str): b = b.encode()
    return struct.pack(">I", len(b)) + b

def sign(home, alias, msg):
    kf = json.load(open(os.path.join(home, "keys", alias + ".json")))
    if kf["curve"] != "ed25519" or kf["kdf"]["algorithm"] != "argon2id" or kf["cipher"] != "aes-256-gcm":
        sys.exit(f"forge: key {alias}: unsupported key file")
    pub = bytes.fromhex(kf["public_key"])
    ad = sshstr("auths-key-v1") + sshstr(kf["alias"]) + sshstr(kf["curve"]) + sshstr(pub)
    k = kf["kdf"]
    out = subprocess.run([SIGN, k["salt"], str(k["memory_kib"]), str(k["iterations"]), str(k["parallelism"]),
                          kf["nonce"], kf["ciphertext"], ad.hex(), pub.hex()], input=msg, capture_output=True)
    if out.returncode != 0: sys.exit(f"forge: signing with {alias} failed: {out.stderr.decode()}")
    return bytes.fromhex(out.stdout.decode().strip())

def blake3(data):
    out = subprocess.run(["b3sum", "--no-names", "-"], input=data, capture_output=True, check=True)
    return bytes.fromhex(out.stdout.decode().split()[0])

def cesr_digest(d): return "E" + base64.urlsafe_b64encode(b"\0" + d).decode()[1:]
def cesr_indexed_sig(index, sig): return "A" + B64[index] + base64.urlsafe_b64encode(b"\0\0" + sig).decode()[2:]
def compact(ev): return json.dumps(ev, separators=(",", ":"), ensure_ascii=False).encode()

def saidify(ev):
    ev = dict(ev)
    ev["v"] = "KERI10JSON000000_"; ev["d"] = "#" * 44
    ev["v"] = "KERI10JSON%06x_" % len(compact(ev))
    ev["d"] = cesr_digest(blake3(compact(ev)))
    return ev

def jcs(obj): return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
def signed_bytes(att): return jcs({k: v for k, v in att.items() if k not in ("identity_signature", "device_signature")})

def att_path(att):
    prefix = att["issuer"][len("did:keri:"):]
    ts = datetime.datetime.strptime(att["timestamp"][:19], "%Y-%m-%dT%H:%M:%S")
    digest = cesr_digest(blake3(signed_bytes(att)))
    return f"v1/identities/{prefix}/attestations/{ts.strftime('%Y%m%dT%H%M%SZ')}-{digest[:16]}.json", digest

def main(argv):
    cmd = argv[0]
    if cmd == "ixn":
        home, alias, prefix, seq, prior, seals, out = argv[1:8]
        ev = saidify({"v": "", "t": "ixn", "d": "", "i": prefix, "s": "%x" % int(seq), "p": prior, "a": json.loads(seals)})
        body = compact(ev)
        open(out + ".json", "wb").write(body)
        open(out + ".cesr", "w").write("-AAB" + cesr_indexed_sig(0, sign(home, alias, body)))
        print(ev["d"])
    elif cmd == "resign-link":
        home, id_alias, dev_alias, src, out = argv[1:6]
        att = json.load(open(src))
        for change in argv[6:]:
            key, value = change.split("=", 1)
            if key not in att: sys.exit(f"forge: no field {key}")
            att[key] = json.loads(value)
        data = signed_bytes(att)
        if id_alias != "-": att["identity_signature"] = sign(home, id_alias, data).hex()
        if dev_alias != "-": att["device_signature"] = sign(home, dev_alias, data).hex()
        open(out, "w").write(json.dumps(att, indent=2) + "\n")
        print(*att_path(att))
    elif cmd == "path":
        print(*att_path(json.load(open(argv[1]))))
    else:
        sys.exit(f"forge: unknown command {cmd}")

main(sys.argv[1:])
EOF
}

# forge ARGS...: runs the kit (see above); stops the test when it fails.
forge() {
  python3 "$FORGE_DIR/forge.py" "$@" 2>"$E2E_TMP/forge.err" || e2e_die "forge $1 failed: $(cat "$E2E_TMP/forge.err")"
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
