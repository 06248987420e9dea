#!/usr/bin/env bash
# Regenerates the SSHSIG test vectors in tests/data/sshsig/ with third-party tools only:
#
#   keys.txt     public keys made by `ssh-keygen`, with the fingerprint `ssh-keygen -lf` prints
#   vectors.txt  signatures made by `ssh-keygen -Y sign`, plus cases derived from them
#
# Two kinds of signature cannot come out of ssh-keygen, which always signs RSA with
# rsa-sha2-512: an rsa-sha2-256 signature, and a forbidden ssh-rsa (SHA-1) one. For those the
# script builds the PROTOCOL.sshsig "signed data" itself, signs it with `openssl dgst -sign`
# (PKCS#1 v1.5) and assembles the blob. Negative cases are ssh-keygen signatures with bytes
# changed by this script; each says why it exists.
#
# Every case is checked against `ssh-keygen -Y verify` before it is written: a case we expect
# to be good must pass ssh-keygen, and every other case must fail it, except the few where we
# are deliberately stricter than OpenSSH (marked "ssh-keygen = accepts" in the file).
#
# Keys and the random parts of signatures change on every run; the set of cases does not.
# Needs: ssh-keygen (openssh-client), openssl, xxd, base64, awk, sed (all in Debian).
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir="$root/tests/data/sshsig"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for tool in ssh-keygen openssl xxd base64 awk sed; do
  command -v "$tool" >/dev/null || { echo "gen_sshsig_vectors: '$tool' is required" >&2; exit 1; }
done
mkdir -p "$out_dir"

# ---------------------------------------------------------------------------------------------
# Byte helpers. Everything below is handled as lowercase hex strings.

hex_of_file() { xxd -p "$1" | tr -d '\n'; }
hex_of_text() { printf '%s' "$1" | xxd -p | tr -d '\n'; }
hex_to_file() { printf '%s' "$1" | xxd -r -p > "$2"; }
hex_to_b64() { printf '%s' "$1" | xxd -r -p | base64 -w0; }
# RFC 4253 "string": uint32 length, then the bytes (given and returned as hex).
ssh_string() { printf '%08x%s' $((${#1} / 2)) "$1"; }
# The blob inside an armoured .sig file, and the key blob of a .pub file.
sig_file_hex() { sed '1d;$d' "$1" | tr -d '\n' | base64 -d | xxd -p | tr -d '\n'; }
pub_blob_hex() { awk '{print $2}' "$1" | base64 -d | xxd -p | tr -d '\n'; }
# An armoured file on one line, its line breaks written as the two characters \n.
armor_one_line() { awk '{printf "%s\\n", $0}' "$1"; }

# split_sshsig HEX: sets F_VERSION (8 hex digits) and F_PUB F_NS F_RES F_HASH F_SIG (the
# contents of each string field, hex). PROTOCOL.sshsig section 2:
#   byte[6] MAGIC_PREAMBLE, uint32 SIG_VERSION, string publickey, string namespace,
#   string reserved, string hash_algorithm, string signature
_h=""
_off=0
take_string() {
  local len=$((16#${_h:_off:8}))
  printf -v "$1" '%s' "${_h:_off+8:len*2}"
  _off=$((_off + 8 + len * 2))
}
split_sshsig() {
  _h=$1
  F_VERSION=${_h:12:8}
  _off=20
  take_string F_PUB
  take_string F_NS
  take_string F_RES
  take_string F_HASH
  take_string F_SIG
  [[ $_off -eq ${#_h} ]] || { echo "split_sshsig: trailing bytes" >&2; exit 1; }
}
# build_sshsig VERSION PUB NS RES HASH SIG (hex; VERSION is 8 hex digits)
build_sshsig() {
  printf '%s%s%s%s%s%s%s' "$(hex_of_text SSHSIG)" "$1" "$(ssh_string "$2")" "$(ssh_string "$3")" \
    "$(ssh_string "$4")" "$(ssh_string "$5")" "$(ssh_string "$6")"
}
# split_inner HEX: the inner signature field, `string alg, string sig` -> I_ALG I_SIG (hex).
split_inner() {
  _h=$1
  _off=0
  take_string I_ALG
  take_string I_SIG
}

# PROTOCOL.sshsig section 3, the signed data, for namespace $1, hash "sha256"/"sha512" $2 and
# message file $3: MAGIC_PREAMBLE, string namespace, string reserved (empty),
# string hash_algorithm, string H(message).
signed_data_hex() {
  local digest
  digest=$(openssl dgst "-$2" -binary "$3" | xxd -p | tr -d '\n')
  printf '%s%s%s%s%s' "$(hex_of_text SSHSIG)" "$(ssh_string "$(hex_of_text "$1")")" "$(ssh_string "")" \
    "$(ssh_string "$(hex_of_text "$2")")" "$(ssh_string "$digest")"
}

# ---------------------------------------------------------------------------------------------
# Keys. RSA keys are written in PEM so that openssl can read them for the two cases above.

cd "$work"
ssh-keygen -q -t ed25519 -N '' -C 'ed25519@vectors' -f ed25519
ssh-keygen -q -t ed25519 -N '' -C 'other-ed25519@vectors' -f ed25519_other
ssh-keygen -q -t ecdsa -b 256 -N '' -C 'p256@vectors' -f p256
ssh-keygen -q -t ecdsa -b 384 -N '' -C 'p384@vectors' -f p384
ssh-keygen -q -t rsa -b 3072 -m PEM -N '' -C 'rsa3072@vectors' -f rsa3072
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C 'rsa2048@vectors' -f rsa2048
ssh-keygen -q -t rsa -b 1024 -m PEM -N '' -C 'rsa1024@vectors' -f rsa1024
ssh-keygen -q -t dsa -N '' -C 'dsa@vectors' -f dsa

# The W3C did:key test vectors (w3c-ccg/did-method-key test-vectors/), written as SSH key lines
# so that ssh-keygen computes their fingerprints (and, for P-256, checks the point).
# Ed25519: did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp, publicKeyBase58
# 4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS decoded to hex.
w3c_ed25519_did="did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
w3c_ed25519_hex="3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
# P-256: did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv, publicKeyJwk x and y
# (base64url) decoded to hex.
w3c_p256_did="did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"
w3c_p256_x="8a0ac59a2d3086e8a12a78fd4773a6d52a0ca61ef6c1419e15a05bcc6dafce7b"
w3c_p256_y="79fb17e5bd74c7cca3cab8f89f2de919f2dc63b5dbcb52b382a39daa7b2b2483"
printf 'ssh-ed25519 %s w3c-ed25519\n' \
  "$(hex_to_b64 "$(ssh_string "$(hex_of_text ssh-ed25519)")$(ssh_string "$w3c_ed25519_hex")")" > w3c_ed25519.pub
printf 'ecdsa-sha2-nistp256 %s w3c-p256\n' \
  "$(hex_to_b64 "$(ssh_string "$(hex_of_text ecdsa-sha2-nistp256)")$(ssh_string "$(hex_of_text nistp256)")$(ssh_string "04$w3c_p256_x$w3c_p256_y")")" \
  > w3c_p256.pub

# Every key may sign for the test principal, so that a failure below is about the signature.
for k in ed25519 ed25519_other p256 p384 rsa3072 rsa2048 rsa1024 dsa; do
  printf 'vectors@example.org %s\n' "$(cut -d' ' -f1,2 "$k.pub")"
done > allowed_signers

# ---------------------------------------------------------------------------------------------
# keys.txt

{
  echo "# SSH public keys for tests/unit/crypto/public_key_test.cpp."
  echo "# Generated by scripts/gen_sshsig_vectors.sh with ssh-keygen $(ssh -V 2>&1 | cut -d, -f1); do not edit."
  echo "# Fields: name, key (the .pub line), expect (good | unsupported), and for good keys"
  echo "# fingerprint and bits as \`ssh-keygen -lf\` prints them, plus did (did:key) where known."
  key_case() {  # name file expect why [did]
    local name=$1 file=$2 expect=$3 why=$4 did=${5:-}
    echo
    echo "# why: $why"
    echo "name = $name"
    echo "key = $(cat "$file")"
    echo "expect = $expect"
    if [[ $expect == good ]]; then
      local fp
      fp=$(ssh-keygen -lf "$file")
      echo "fingerprint = $(echo "$fp" | awk '{print $2}')"
      echo "bits = $(echo "$fp" | awk '{print $1}')"
    fi
    if [[ -n $did ]]; then echo "did = $did"; fi
  }
  key_case ed25519 ed25519.pub good "an Ed25519 key as ssh-keygen writes it"
  key_case ecdsa-p256 p256.pub good "a P-256 key: the blob has the curve name and the uncompressed point"
  key_case rsa-3072 rsa3072.pub good "ssh-keygen's default RSA size"
  key_case rsa-2048 rsa2048.pub good "the smallest RSA key we accept"
  key_case w3c-ed25519 w3c_ed25519.pub good "the W3C did:key Ed25519 vector; ssh-keygen gives its fingerprint" "$w3c_ed25519_did"
  key_case w3c-p256 w3c_p256.pub good "the W3C did:key P-256 vector; ssh-keygen accepts the point and gives its fingerprint" "$w3c_p256_did"
  key_case rsa-1024 rsa1024.pub unsupported "RSA under 2048 bits is refused (ssh-keygen still makes them)"
  key_case ecdsa-p384 p384.pub unsupported "only P-256 among the ECDSA curves"
  key_case dsa dsa.pub unsupported "ssh-dss is deprecated and not supported"
} > "$out_dir/keys.txt"

# ---------------------------------------------------------------------------------------------
# Messages: a commit-like payload (what git signs), another one, and the empty message.

printf 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A U Thor <author@example.com> 1700000000 +0000\ncommitter A U Thor <author@example.com> 1700000000 +0000\n\nvectors: the signed payload\n' > msg_a
printf 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A U Thor <author@example.com> 1700000000 +0000\ncommitter A U Thor <author@example.com> 1700000000 +0000\n\nvectors: another payload\n' > msg_b
: > msg_empty
msg_a_hex=$(hex_of_file msg_a)
# The same payload with one byte changed ("the" -> "thf").
msg_a_flipped_hex=${msg_a_hex/746865207369676e6564/746866207369676e6564}
[[ $msg_a_flipped_hex != "$msg_a_hex" ]] || { echo "flip failed" >&2; exit 1; }

# sign KEY NAMESPACE MESSAGE_FILE OUT_FILE [HASHALG]: ssh-keygen's armoured signature.
sign() {
  local key=$1 ns=$2 msg=$3 out=$4 hashalg=${5:-}
  cp "$msg" "$out.msg"
  if [[ -n $hashalg ]]; then
    ssh-keygen -q -Y sign -f "$key" -n "$ns" -O "hashalg=$hashalg" "$out.msg" 2>/dev/null
  else
    ssh-keygen -q -Y sign -f "$key" -n "$ns" "$out.msg" 2>/dev/null
  fi
  mv "$out.msg.sig" "$out"
  rm -f "$out.msg"
}

# openssl_rsa_sshsig KEY HASH(sha256|sha512) RSA_ALG(rsa-sha2-256|ssh-rsa) DIGEST(sha256|sha1)
#   MESSAGE_FILE: an SSHSIG blob (hex) whose RSA signature openssl made over the signed data.
openssl_rsa_sshsig() {
  local key=$1 hash=$2 alg=$3 digest=$4 msg=$5
  hex_to_file "$(signed_data_hex git "$hash" "$msg")" signed_data.bin
  openssl dgst "-$digest" -sign "$key" -out rsa_sig.bin signed_data.bin
  local inner
  inner="$(ssh_string "$(hex_of_text "$alg")")$(ssh_string "$(hex_of_file rsa_sig.bin)")"
  build_sshsig 00000001 "$(pub_blob_hex "$key.pub")" "$(hex_of_text git)" "" "$(hex_of_text "$hash")" "$inner"
}

# ---------------------------------------------------------------------------------------------
# vectors.txt

vectors="$out_dir/vectors.txt"
cat > "$vectors" <<EOF
# SSHSIG test vectors for tests/unit/sshsig/sshsig_test.cpp.
# Generated by scripts/gen_sshsig_vectors.sh with ssh-keygen $(ssh -V 2>&1 | cut -d, -f1) and $(openssl version | cut -d' ' -f1,2); do not edit.
#
# Each case: name; key (the signer's .pub line, for the reader's benefit: the verifier uses the key
# inside the blob); message (hex); namespace (the one the verifier expects); signature (the
# SSHSIG blob, base64); armor (for cases straight from ssh-keygen: the .sig file, its line breaks
# written as \n); expect: good | bad-signature | namespace-mismatch | corrupt | unsupported.
# "ssh-keygen = accepts" marks the cases where we are stricter than \`ssh-keygen -Y verify\`.
EOF

n_cases=0
# emit NAME KEYFILE MSG_HEX BLOB_HEX EXPECT WHY [ARMOR_FILE] [SSH_KEYGEN_VERDICT]
emit() {
  local name=$1 keyfile=$2 msg_hex=$3 blob_hex=$4 expect=$5 why=$6 armor=${7:-} oracle=${8:-}
  # Cross-check with ssh-keygen: good must verify, anything else must not (unless noted).
  hex_to_file "$blob_hex" check.bin
  { echo "-----BEGIN SSH SIGNATURE-----"; base64 -w70 check.bin; echo "-----END SSH SIGNATURE-----"; } > check.sig
  hex_to_file "$msg_hex" check.msg
  local verdict=rejects
  if ssh-keygen -Y verify -f allowed_signers -I vectors@example.org -n git -s check.sig < check.msg >/dev/null 2>&1; then
    verdict=accepts
  fi
  local wanted=rejects
  [[ $expect == good ]] && wanted=accepts
  [[ -n $oracle ]] && wanted=$oracle
  if [[ $verdict != "$wanted" ]]; then
    echo "gen_sshsig_vectors: case '$name': ssh-keygen $verdict it, expected $wanted" >&2
    exit 1
  fi
  {
    echo
    echo "# why: $why"
    [[ -n $oracle ]] && echo "# ssh-keygen = $oracle"
    echo "name = $name"
    echo "key = $(cut -d' ' -f1,2 "$keyfile")"
    echo "message = $msg_hex"
    echo "namespace = git"
    echo "signature = $(hex_to_b64 "$blob_hex")"
    [[ -n $armor ]] && echo "armor = $(armor_one_line "$armor")"
    echo "expect = $expect"
  } >> "$vectors"
  n_cases=$((n_cases + 1))
}

# --- Good signatures, one per key type and hash.
sign ed25519 git msg_a ed25519_sha512.sig
sign ed25519 git msg_a ed25519_sha256.sig sha256
sign p256 git msg_a p256_sha512.sig
sign p256 git msg_a p256_sha256.sig sha256
sign rsa3072 git msg_a rsa_sha512.sig
sign rsa3072 git msg_a rsa_hash256.sig sha256
sign rsa2048 git msg_a rsa2048.sig
sign ed25519 git msg_empty ed25519_empty.sig

ed_hex=$(sig_file_hex ed25519_sha512.sig)
p256_hex=$(sig_file_hex p256_sha512.sig)
rsa_hex=$(sig_file_hex rsa_sha512.sig)

emit ed25519-sha512 ed25519.pub "$msg_a_hex" "$ed_hex" good \
  "Ed25519 with ssh-keygen's default hash (sha512)" ed25519_sha512.sig
emit ed25519-sha256 ed25519.pub "$msg_a_hex" "$(sig_file_hex ed25519_sha256.sig)" good \
  "Ed25519 with -O hashalg=sha256" ed25519_sha256.sig
emit ecdsa-p256-sha512 p256.pub "$msg_a_hex" "$p256_hex" good \
  "ECDSA P-256: the inner signature is mpint r, mpint s" p256_sha512.sig
emit ecdsa-p256-sha256 p256.pub "$msg_a_hex" "$(sig_file_hex p256_sha256.sig)" good \
  "ECDSA P-256 with -O hashalg=sha256" p256_sha256.sig
emit rsa-sha2-512 rsa3072.pub "$msg_a_hex" "$rsa_hex" good \
  "RSA: ssh-keygen signs with rsa-sha2-512" rsa_sha512.sig
emit rsa-sha2-512-hash-sha256 rsa3072.pub "$msg_a_hex" "$(sig_file_hex rsa_hash256.sig)" good \
  "RSA with hashalg=sha256: the message hash is sha256, the RSA signature is still rsa-sha2-512" rsa_hash256.sig
emit rsa-2048-sha2-512 rsa2048.pub "$msg_a_hex" "$(sig_file_hex rsa2048.sig)" good \
  "the smallest RSA key we accept" rsa2048.sig
emit ed25519-empty-message ed25519.pub "" "$(sig_file_hex ed25519_empty.sig)" good \
  "the empty message still has a hash to sign" ed25519_empty.sig
emit rsa-sha2-256 rsa3072.pub "$msg_a_hex" "$(openssl_rsa_sshsig rsa3072 sha512 rsa-sha2-256 sha256 msg_a)" good \
  "rsa-sha2-256, which ssh-keygen never makes: built by this script, RSA signature by openssl dgst -sha256 -sign"

# A reserved field that is not empty: the blob is re-assembled with reserved = "tag", the
# signature is unchanged (the signed data always has an empty reserved).
split_sshsig "$ed_hex"
emit ed25519-reserved-not-empty ed25519.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "$F_NS" "$(hex_of_text tag)" "$F_HASH" "$F_SIG")" good \
  "PROTOCOL.sshsig: implementations should ignore the reserved field if it is not empty"

# --- Wrong namespace.
sign ed25519 file msg_a ed25519_file.sig
emit ed25519-namespace-file ed25519.pub "$msg_a_hex" "$(sig_file_hex ed25519_file.sig)" namespace-mismatch \
  "signed with -n file, verified for git: a signature for another purpose" ed25519_file.sig

# --- Bad signatures: well-formed blobs that must not verify.
emit ed25519-flipped-payload ed25519.pub "$msg_a_flipped_hex" "$ed_hex" bad-signature \
  "one byte of the payload changed after signing"
emit ecdsa-p256-flipped-payload p256.pub "$msg_a_flipped_hex" "$p256_hex" bad-signature \
  "one byte of the payload changed after signing (ECDSA)"
emit rsa-flipped-payload rsa3072.pub "$msg_a_flipped_hex" "$rsa_hex" bad-signature \
  "one byte of the payload changed after signing (RSA)"
sign ed25519 git msg_b ed25519_msg_b.sig
emit ed25519-other-payload ed25519.pub "$msg_a_hex" "$(sig_file_hex ed25519_msg_b.sig)" bad-signature \
  "a valid signature, but of another payload"
split_sshsig "$ed_hex"
emit ed25519-key-replaced ed25519_other.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$(pub_blob_hex ed25519_other.pub)" "$F_NS" "$F_RES" "$F_HASH" "$F_SIG")" bad-signature \
  "the key in the blob is another (allowed) key than the one that signed"
emit ed25519-hash-label-swapped ed25519.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "$F_NS" "$F_RES" "$(hex_of_text sha256)" "$F_SIG")" bad-signature \
  "signed over sha512(message) but labelled sha256: the hash algorithm is part of the signed data"
split_inner "$F_SIG"
sig_flipped="${I_SIG:0:20}$(printf '%02x' $((16#${I_SIG:20:2} ^ 0x01)))${I_SIG:22}"
emit ed25519-flipped-signature ed25519.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "$F_NS" "$F_RES" "$F_HASH" "$(ssh_string "$I_ALG")$(ssh_string "$sig_flipped")")" \
  bad-signature "one bit of the Ed25519 signature (in R) flipped"
# S + L: the order L of the Ed25519 group added to S (the little-endian second half). The same
# value mod L, so OpenSSH (which checks only the top 3 bits of S) accepts it; RFC 8032 says
# S must be below L.
order_le="edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010"
s_hex=${I_SIG:64:64}
carry=0
s_plus_l=""
for ((i = 0; i < 64; i += 2)); do
  sum=$((16#${s_hex:i:2} + 16#${order_le:i:2} + carry))
  s_plus_l+=$(printf '%02x' $((sum & 0xff)))
  carry=$((sum >> 8))
done
# S + L fits in the 253 bits OpenSSH allows unless S >= 2^253 - L, a chance of about 2^-126.
if [[ $carry -ne 0 || $((16#${s_plus_l:62:2} & 0xe0)) -ne 0 ]]; then
  echo "gen_sshsig_vectors: S + L does not fit in 253 bits; rerun" >&2
  exit 1
fi
emit ed25519-s-plus-order ed25519.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "$F_NS" "$F_RES" "$F_HASH" "$(ssh_string "$I_ALG")$(ssh_string "${I_SIG:0:64}$s_plus_l")")" \
  bad-signature "Ed25519 S replaced by S + L: a second signature for the same message unless S < L is enforced (RFC 8032 5.1.7)" \
  "" accepts

# --- Corrupt blobs.
emit ed25519-truncated ed25519.pub "$msg_a_hex" "${ed_hex:0:${#ed_hex}-20}" corrupt \
  "the last 10 bytes cut off"
emit ed25519-trailing-byte ed25519.pub "$msg_a_hex" "${ed_hex}00" corrupt \
  "one byte after the signature field"
emit ed25519-bad-magic ed25519.pub "$msg_a_hex" "$(hex_of_text SSHSIH)${ed_hex:12}" corrupt \
  "the preamble must be SSHSIG"
split_sshsig "$ed_hex"
emit ed25519-empty-namespace ed25519.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "" "$F_RES" "$F_HASH" "$F_SIG")" corrupt \
  "PROTOCOL.sshsig: the namespace MUST NOT be the empty string"
split_inner "$F_SIG"
emit ed25519-inner-alg-mismatch ed25519.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "$F_NS" "$F_RES" "$F_HASH" "$(ssh_string "$(hex_of_text ecdsa-sha2-nistp256)")$(ssh_string "$I_SIG")")" \
  corrupt "the inner signature names an algorithm the Ed25519 key cannot make"
emit ed25519-inner-trailing-byte ed25519.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "$F_NS" "$F_RES" "$F_HASH" "$F_SIG"00)" corrupt \
  "a byte after the inner signature blob"
emit ed25519-short-signature ed25519.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "$F_NS" "$F_RES" "$F_HASH" "$(ssh_string "$I_ALG")$(ssh_string "${I_SIG:0:126}")")" \
  corrupt "an Ed25519 signature of 63 bytes"
# ECDSA r written with one unnecessary leading zero byte: not the RFC 4253 mpint encoding.
split_sshsig "$p256_hex"
split_inner "$F_SIG"
_h=$I_SIG
_off=0
take_string ecdsa_r
take_string ecdsa_s
# shellcheck disable=SC2154  # ecdsa_r and ecdsa_s are assigned by name (take_string's printf -v)
emit ecdsa-p256-noncanonical-mpint p256.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "$F_NS" "$F_RES" "$F_HASH" "$(ssh_string "$I_ALG")$(ssh_string "$(ssh_string "00$ecdsa_r")$(ssh_string "$ecdsa_s")")")" \
  corrupt "ECDSA r with an unnecessary leading zero byte (RFC 4253: MUST NOT be included)" "" accepts

# --- Unsupported.
split_sshsig "$ed_hex"
emit ed25519-version-2 ed25519.pub "$msg_a_hex" \
  "$(build_sshsig 00000002 "$F_PUB" "$F_NS" "$F_RES" "$F_HASH" "$F_SIG")" unsupported \
  "PROTOCOL.sshsig: verifiers MUST reject signatures with versions greater than those they support"
emit ed25519-hash-sha384 ed25519.pub "$msg_a_hex" \
  "$(build_sshsig "$F_VERSION" "$F_PUB" "$F_NS" "$F_RES" "$(hex_of_text sha384)" "$F_SIG")" unsupported \
  "only sha256 and sha512 are defined"
emit rsa-ssh-rsa-sha1 rsa3072.pub "$msg_a_hex" "$(openssl_rsa_sshsig rsa3072 sha512 ssh-rsa sha1 msg_a)" unsupported \
  "a correct ssh-rsa (SHA-1) signature, built by this script with openssl dgst -sha1 -sign: PROTOCOL.sshsig forbids it"
sign p384 git msg_a p384.sig
emit ecdsa-p384 p384.pub "$msg_a_hex" "$(sig_file_hex p384.sig)" unsupported \
  "a good ssh-keygen signature by a P-384 key: only P-256 is supported" p384.sig accepts
sign rsa1024 git msg_a rsa1024.sig
emit rsa-1024 rsa1024.pub "$msg_a_hex" "$(sig_file_hex rsa1024.sig)" unsupported \
  "a good ssh-keygen signature by a 1024-bit RSA key: under our 2048-bit floor" rsa1024.sig accepts

echo "gen_sshsig_vectors: wrote $n_cases cases to ${vectors#"$root"/} and keys to ${out_dir#"$root"/}/keys.txt"
