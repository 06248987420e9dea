"""Attestations in the form the Auths tools write, made by a third party for
tests/unit/keri/attestation_auths_test.cpp: this script, not our C++ code, builds the records, their
signed projection and their signatures.

Run from anywhere with Debian's Python and python3-cryptography (38):

    /usr/bin/python3 tests/data/keri/attestations/make.py

It rewrites the *.json files next to it (the unit tests only read them; nothing runs this at test
time). Ed25519 signatures are deterministic; ECDSA ones are not (random nonces), so a rerun changes
the bytes of the P-256 signatures, never whether they verify.

What is signed (the Auths projection, auths-dev/auths crates/auths-verifier/src/core.rs,
CanonicalAttestationData): RFC 8785 JSON of version, rid, issuer, subject, device_public_key (the
plain hex of the key bytes as written), payload, timestamp, expires_at, revoked_at and note (null
when absent), plus delegated_by, signer_type, commit_sha, oidc_binding, role and capabilities only
when present. A revocation (revoked_at set, no device signature) is signed by the identity over
{version, rid, issuer, subject, timestamp, revoked_at, note} only. For the values used here
(strings, integers, booleans, null; no key outside the Basic Multilingual Plane) Python's
json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) is RFC 8785.

The issuers are made-up did:keri prefixes (an E-coded digest of the issuer's key: there is no
Blake3 here to make a real inception); keys.json gives each issuer's key, which the tests put in
a one-key state as a replayed inception would.
"""
import base64
import hashlib
import json
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HERE = os.path.dirname(os.path.abspath(__file__))
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ZERO_SIGNATURE = "0" * 128  # how Auths writes a signature it does not have


class Key:
    """An Ed25519 key from a seed byte, or a P-256 key from a label."""

    def __init__(self, curve, seed):
        self.curve = curve
        if curve == "ed25519":
            self.private = ed25519.Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
            self.raw = self.private.public_key().public_bytes(serialization.Encoding.Raw,
                                                              serialization.PublicFormat.Raw)
        else:
            scalar = int.from_bytes(hashlib.sha256(b"auths-hooks fixture %d" % seed).digest(), "big")
            self.private = ec.derive_private_key(scalar, ec.SECP256R1())
            self.raw = self.point(serialization.PublicFormat.CompressedPoint)

    def point(self, fmt):
        return self.private.public_key().public_bytes(serialization.Encoding.X962, fmt)

    def sign(self, message):
        if self.curve == "ed25519":
            return self.private.sign(message)
        r, s = decode_dss_signature(self.private.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def did_key(self):
        return did_key(self.curve, self.raw)


def base58(data):
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return out


def did_key(curve, raw):
    codec = b"\xed\x01" if curve == "ed25519" else b"\x80\x24"
    return "did:key:z" + base58(codec + raw)


def made_up_did_keri(key):
    digest = hashlib.sha256(b"issuer " + key.raw).digest()
    return "did:keri:E" + base64.urlsafe_b64encode(b"\0" + digest).decode()[1:]


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


SIGNED_WHEN_PRESENT = ("delegated_by", "signer_type", "commit_sha", "oidc_binding", "role", "capabilities")


def projection(record, key_hex):
    if record.get("revoked_at") and record["device_signature"] == ZERO_SIGNATURE:
        return {f: record.get(f) for f in ("version", "rid", "issuer", "subject", "timestamp", "revoked_at", "note")}
    p = {f: record.get(f) for f in ("version", "rid", "issuer", "subject", "payload", "timestamp", "expires_at",
                                    "revoked_at", "note")}
    p["device_public_key"] = key_hex
    for f in SIGNED_WHEN_PRESENT:
        if record.get(f):
            p[f] = record[f]
    return p


def device_key_field(device, form):
    """The device key as written: {curve, key} (Gen-2), the bare hex, or the bare uncompressed point."""
    if form == "uncompressed":
        return device.point(serialization.PublicFormat.UncompressedPoint).hex()
    if form == "bare":
        return device.raw.hex()
    return {"curve": device.curve, "key": device.raw.hex()}


def make(identity, device, fields, key_form="object", sign_device=True):
    """A record signed as the Auths tools sign it; `fields` after the five first ones."""
    record = {"version": 1, "rid": ".auths", "issuer": made_up_did_keri(identity),
              "subject": device.did_key(), "device_public_key": device_key_field(device, key_form)}
    record.update(fields)
    key = record["device_public_key"]
    key_hex = key if isinstance(key, str) else key["key"]
    record["device_signature"] = ZERO_SIGNATURE
    message = canonical(projection(record, key_hex))
    if sign_device:
        record["device_signature"] = device.sign(message).hex()
    record["identity_signature"] = identity.sign(message).hex()
    order = ["version", "rid", "issuer", "subject", "device_public_key", "identity_signature", "device_signature"]
    return {f: record[f] for f in order + [f for f in record if f not in order]}


def example_key():
    """A P-256 point that starts and ends as the research notes' example (03319793...088f), whose
    did:key starts and ends as theirs (zDna...sbtz): the last 6 bytes solve both endings (the
    point's last two bytes, the base58 number's last four digits), the rest is tried until the
    point is on the curve."""
    target = 0
    for c in "sbtz":
        target = target * 58 + B58.index(c)
    mod58, mod16 = 58 ** 4 // 16, 1 << 16  # 29^4 and 2^16 (the factor 16 of 58^4 agrees already)
    middle = 1
    while True:
        head = b"\x80\x24\x03\x31\x97\x93" + hashlib.sha256(b"middle %d" % middle).digest()[:23]
        high = int.from_bytes(head, "big") << 48
        # low = 0x088f (mod 2^16) and high + low = target (mod 29^4)
        want = (target - high) % mod58
        low = next(x for x in range(0x088f, mod16 * mod58, mod16) if x % mod58 == want)
        point = head[2:] + low.to_bytes(6, "big")
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
            return point
        except ValueError:
            middle += 1


def main():
    id_ed, id_p256 = Key("ed25519", 1), Key("p256", 1)
    dev_ed, dev_p256 = Key("ed25519", 9), Key("p256", 9)
    agent = Key("p256", 20)
    fixtures = {
        # Gen-2, Ed25519: whole seconds.
        "ed25519-link.json": make(id_ed, dev_ed, {
            "expires_at": "2027-06-19T14:18:34Z", "timestamp": "2026-06-19T14:18:34Z", "note": "laptop"}),
        # Gen-2, P-256 (the default): microseconds, as the research example.
        "p256-link.json": make(id_p256, dev_p256, {
            "timestamp": "2026-06-19T14:18:34.160482Z", "note": "Linked by auths-sdk setup"}),
        # An agent delegated by its identity, with a payload; milliseconds.
        "p256-agent-payload.json": make(id_p256, agent, {
            "subject": made_up_did_keri(agent),
            "expires_at": "2026-08-01T08:00:00.250Z", "timestamp": "2026-07-01T08:00:00.250Z",
            "note": "ci agent", "payload": {"model": "büro-bot", "limits": {"max_commits": 3, "dry_run": False},
                                            "tags": ["ci", "nightly"], "parent": None, "ratio": 0.5},
            "delegated_by": made_up_did_keri(id_p256), "signer_type": "Agent"}),
        # A CI workload: OIDC binding and commit provenance; nanoseconds. commit_message, author and
        # environment_claim are not signed.
        "ed25519-workload-oidc.json": make(id_ed, dev_ed, {
            "timestamp": "2026-07-02T09:10:11.123456789Z", "commit_sha": "9f2c4e1d" * 5,
            "commit_message": "release: v1.2.3", "author": "CI <ci@example.org>",
            "oidc_binding": {"issuer": "https://token.actions.githubusercontent.com",
                             "subject": "repo:example/app:ref:refs/heads/main", "audience": "auths",
                             "token_exp": 1782990611, "platform": "github", "jti": "b7c1",
                             "normalized_claims": {"repo": "example/app", "run_id": "4242"}},
            "signer_type": "Workload", "environment_claim": {"runner": "ubuntu-24.04", "attested": True}}),
        # The device key as a bare hex string of the uncompressed P-256 point; no timestamp.
        "p256-uncompressed-bare.json": make(id_p256, dev_p256, {
            "timestamp": None, "note": "bare uncompressed key"}, key_form="uncompressed"),
        # Gen-1: bare Ed25519 key, a UUID rid, role and capabilities.
        "gen1-member.json": make(id_ed, dev_ed, {
            "rid": "3f6c1d2e-8b7a-4c5d-9e0f-1a2b3c4d5e6f", "expires_at": "2026-09-20T10:00:00Z",
            "timestamp": "2026-03-20T10:00:00Z", "note": "Work Laptop", "signer_type": "Human",
            "role": "member", "capabilities": ["sign_commit", "sign_release"]}, key_form="bare"),
        # A revocation of ed25519-link.json's device, signed by the identity alone.
        "revocation.json": make(id_ed, dev_ed, {
            "revoked_at": "2026-08-01T12:00:00.500Z", "timestamp": "2026-08-01T12:00:00.500Z",
            "note": "lost laptop"}, sign_device=False),
    }
    for name, record in fixtures.items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
            f.write(json.dumps(record, indent=2, ensure_ascii=False) + "\n")

    issuers = {made_up_did_keri(k): {"curve": k.curve, "key": k.raw.hex()} for k in (id_ed, id_p256)}
    with open(os.path.join(HERE, "keys.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"issuers": issuers}, indent=2) + "\n")

    # The research notes' example, its elided values made whole (unsigned: only its projection is
    # checked).
    point = example_key()
    filler = "".join(sorted(set(B58)))[:36]
    example = {"version": 1, "rid": ".auths", "issuer": "did:keri:EB5c" + filler + "uGgd",
               "subject": did_key("p256", point), "device_public_key": {"curve": "p256", "key": point.hex()},
               "device_signature": ZERO_SIGNATURE, "timestamp": "2026-06-19T14:18:34.160482Z",
               "note": "Linked by auths-sdk setup"}
    with open(os.path.join(HERE, "projection-example.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(example, indent=2) + "\n")
    print(canonical(projection(example, point.hex())).decode())


if __name__ == "__main__":
    main()
