#!/usr/bin/python3
"""Independent test tooling: identities, devices and evidence in the format of the current
Auths CLI ("Gen-2"), built from the documented format, not from this repository's C++ code.

It implements, from ../shared/research/auths-spec.md (the research notes; section numbers):
  - 2.1 SAIDs: the event in field order, `d` (and `i` of an inception) replaced by 44 `#`,
    `v` = KERI10JSON + 6 lowercase hex digits of the compact length + `_`, compact
    serialization in field order, Blake3-256 (the `b3sum` command), E-coded with keripy's
    alignment (base64url of 0x00 + digest, first character replaced by `E`);
  - 2.2 keys: P-256 `1AAJ` + base64url of the 33-byte compressed point; Ed25519 `D` (keripy
    alignment); next-key commitments `n` = E-coded Blake3 of the next key's qb64 text;
  - 2.4 events icp, ixn, rot, dip, drt with exactly their fields in order (`s` lowercase hex;
    `kt`, `nt`, `bt` hex strings); seals: KeyEvent {i, s, d} anchoring a dip/drt, Digest {d}
    revoking a delegate (section 8), `agent:<prefix>` and `agentscope:<prefix>:<expiry>:<caps>`
    (sections 2.4 and 9);
  - 2.6 signatures over the compact bytes of the finalized event: P-256 ECDSA SHA-256 as raw
    r||s (low S), Ed25519; CESR `-A` + 2-character count + 88-character sigers with code `A`
    and the key index (code `A` for P-256 too); a delegated event also carries `-GAB` + a
    `0A` Seqner (24 characters) + the SAID of the delegator's anchoring event;
  - 3.1 the registry tree of `refs/auths/registry`: v1/metadata.json,
    v1/identities/<p[0:2]>/<p[2:4]>/<prefix>/events/<seq 8 decimal digits>.json (pretty JSON,
    indent 2) and .attachments.cesr, tip.json, state.json, metadata.json, and
    v1/devices/<shard>/<sanitized did>/attestation.json with history/<YYYYMMDDTHHMMSS.mmm>_<rid
    [:8]>.json (device shard: the sanitized DID without a leading `did_key_`, characters 0:2 and
    2:4, so a did:keri device lives under di/d_/);
  - 4.1/4.2 attestations in the current form (device_public_key {curve, key}), signed over the
    RFC 8785 projection with device_public_key as plain hex, by the issuer's key
    (identity_signature) and the device's key (device_signature), hex;
  - 4.4 `.auths/ci-bundle.json` (IdentityBundle) and 1.3 `.auths/roots`.
Devices are delegated identifiers whose key is the P-256 key of an OpenSSH
ecdsa-sha2-nistp256 private key file (`ssh-keygen -t ecdsa -b 256`), so that git signs commits
with it (gpg.format=ssh, user.signingKey = that file).

Runs with Debian's /usr/bin/python3: the standard library, python3-cryptography (38) and the
b3sum command. Keys and events persist in a state file (JSON, unencrypted: test keys only).

Usage (every command takes --state FILE, default $AUTHS_GEN2_STATE or ./gen2-state.json):
  identity NAME [--curve p256|ed25519]                 a root identity (icp); prints its did
  device ROOT NAME --ssh-key FILE [--next-ssh-key FILE] [--curve p256|ed25519]
         [--no-anchor] [--signer-type T] [--note TEXT] [--expires-at RFC3339]
      a device: a dip delegated by ROOT, anchored by an ixn of ROOT (unless --no-anchor: then
      its -G couple names ROOT's last event, which holds no seal for it), and its attestation;
      prints its did. Without --next-ssh-key the next key is generated and kept in the state.
  rotate-device NAME --ssh-key NEWFILE [--next-ssh-key FILE]
      a drt to the committed next key (NEWFILE must hold it), anchored by its delegator, and a
      new attestation for the new key
  export-next-key NAME OUT                             the generated next key of NAME as an
      OpenSSH private key file (mode 0600, with OUT.pub), for rotate-device --ssh-key OUT
  rotate NAME                                          a rot of a root identity
  revoke ROOT DEVICE                                   ROOT's ixn with the Digest seal {d: device}
  agent-scope ROOT DEVICE --expires EPOCH --caps a,b   the agent marker and the scope seal
  ixn NAME SEALS-JSON                                  an ixn with these seals
  truncate NAME SEQ                                    drops NAME's events from SEQ on (only
      interaction events): the next ixn is then a second, validly signed event at SEQ, for
      duplicity and edit attacks (use it on a copy of the state)
  show NAME                                            prefix, did, keys, sequence (JSON)
  write-registry DIR [NAME...]                         the v1/ tree (DIR/v1 replaced); all
                                                       identities without NAMEs
  commit-registry REPO DIR [--ref REF] [--parent OID|none] [--message M] [--no-update-ref]
      commits DIR's files as the next commit of REF (default refs/auths/registry) in REPO,
      parent = REF's commit (or --parent); moves REF unless --no-update-ref; prints the commit
  bundle ROOT OUT [--device NAME]... [--timestamp RFC3339 | --age SECS] [--max-valid-for-secs N]
      .auths/ci-bundle.json for ROOT (its devices, or those named); --age backdates
  roots OUT DID-OR-NAME... [--comment TEXT]            .auths/roots
  selfcheck                                            checks the encoders on known values
  check-bundle FILE / check-registry DIR               replays the KELs (SAIDs, signatures,
      pre-rotation, delegation seals at the -G couples) and attestations: the self-check of
      what the tool wrote (or of foreign data); prints the problems, exit 1 if any
"""
import argparse
import base64
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
PLACEHOLDER = "#" * 44
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

FIELDS = {  # section 2.4: exactly these fields, in this order
    "icp": ["v", "t", "d", "i", "s", "kt", "k", "nt", "n", "bt", "b", "c", "a"],
    "rot": ["v", "t", "d", "i", "s", "p", "kt", "k", "nt", "n", "bt", "br", "ba", "a"],
    "ixn": ["v", "t", "d", "i", "s", "p", "a"],
    "dip": ["v", "t", "d", "i", "s", "kt", "k", "nt", "n", "bt", "b", "c", "a", "di"],
    "drt": ["v", "t", "d", "i", "s", "p", "kt", "k", "nt", "n", "bt", "br", "ba", "a", "di"],
}


class Gen2Error(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Encodings (sections 2.1, 2.2, 2.6)

def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def blake3(data):
    out = subprocess.run(["b3sum", "--no-names", "--length", "32"], input=data, capture_output=True)
    if out.returncode != 0:
        raise Gen2Error("b3sum failed: " + out.stderr.decode(errors="replace"))
    return bytes.fromhex(out.stdout.decode().split()[0])


def e_code(digest):
    """A 32-byte digest as keripy's 44-character qb64 with code E (one pad byte up front)."""
    return "E" + b64url(b"\0" + digest)[1:]


def compact(obj):
    """Compact JSON in the object's own (insertion) order, as serde_json writes it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def pretty(obj):
    """Pretty JSON, 2-space indent, as serde_json's to_vec_pretty (no newline at the end)."""
    return json.dumps(obj, indent=2, ensure_ascii=False).encode()


def jcs(obj):
    """RFC 8785 for what attestations hold (strings, integers, null, objects): keys sorted, no
    white space, strings as JSON writes them without escaping non-ASCII."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def hex_sn(n):
    return format(n, "x")


def saidify(ev):
    """Section 2.1: the event with `v`, `d` (and `i` for an inception) filled in."""
    t = ev["t"]
    if list(ev.keys()) != FIELDS[t]:
        raise Gen2Error(f"{t}: fields {list(ev.keys())} are not {FIELDS[t]}")
    ev = dict(ev)
    ev["d"] = PLACEHOLDER
    if t in ("icp", "dip"):
        ev["i"] = PLACEHOLDER
    ev["v"] = "KERI10JSON000000_"
    ev["v"] = "KERI10JSON%06x_" % len(compact(ev))
    said = e_code(blake3(compact(ev)))
    ev["d"] = said
    if t in ("icp", "dip"):
        ev["i"] = said
    return ev


def said_ok(ev):
    return saidify(ev) == ev


def counter(code, count):
    return code + B64[count // 64] + B64[count % 64]


def siger(index, sig):
    if len(sig) != 64 or index >= 64:
        raise Gen2Error("siger: a 64-byte signature and an index below 64")
    return "A" + B64[index] + b64url(b"\0\0" + sig)[2:]


def seqner(sn):
    return "0A" + b64url(b"\0\0" + sn.to_bytes(16, "big"))[2:]


def parse_attachment(text):
    """The -A sigers and the -G couples of an attachment: ([(index, sig)], [(sn, said)])."""
    sigs, couples, pos = [], [], 0
    while pos < len(text):
        code = text[pos:pos + 2]
        count = B64.index(text[pos + 2]) * 64 + B64.index(text[pos + 3])
        pos += 4
        if code == "-A":
            for _ in range(count):
                sg = text[pos:pos + 88]
                if sg[0] != "A" or len(sg) != 88:
                    raise Gen2Error(f"attachment: siger {sg!r}")
                sigs.append((B64.index(sg[1]), b64url_decode("AA" + sg[2:])[2:]))
                pos += 88
        elif code == "-G":
            for _ in range(count):
                sq, sd = text[pos:pos + 24], text[pos + 24:pos + 68]
                if not sq.startswith("0A") or len(sd) != 44:
                    raise Gen2Error(f"attachment: seal source couple {text[pos:pos + 68]!r}")
                couples.append((int.from_bytes(b64url_decode("AA" + sq[2:])[2:], "big"), sd))
                pos += 68
        else:
            raise Gen2Error(f"attachment: unknown counter {code!r} at {pos - 4}")
    return sigs, couples


# ---------------------------------------------------------------------------------------------
# Keys

class Key:
    """A signing key: generated (PEM in the state) or an OpenSSH private key file."""

    def __init__(self, spec):
        self.spec = spec
        if spec["type"] == "pem":
            self.priv = serialization.load_pem_private_key(spec["pem"].encode(), password=None)
        elif spec["type"] == "ssh":
            with open(spec["path"], "rb") as f:
                self.priv = serialization.load_ssh_private_key(f.read(), password=None)
        else:
            raise Gen2Error(f"unknown key type {spec['type']!r}")
        if isinstance(self.priv, ec.EllipticCurvePrivateKey):
            if not isinstance(self.priv.curve, ec.SECP256R1):
                raise Gen2Error(f"{spec.get('path', 'key')}: an EC key not on P-256")
            self.curve = "p256"
        elif isinstance(self.priv, ed25519.Ed25519PrivateKey):
            self.curve = "ed25519"
        else:
            raise Gen2Error(f"{spec.get('path', 'key')}: neither P-256 nor Ed25519")

    @staticmethod
    def generate(curve):
        priv = ec.generate_private_key(ec.SECP256R1()) if curve == "p256" else ed25519.Ed25519PrivateKey.generate()
        pem = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
        return {"type": "pem", "pem": pem}

    @staticmethod
    def ssh(path):
        return {"type": "ssh", "path": os.path.abspath(path)}

    def raw_public(self):
        """P-256: the 33-byte compressed point; Ed25519: the 32 bytes."""
        pub = self.priv.public_key()
        if self.curve == "p256":
            return pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
        return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def qb64(self):
        return qb64_of(self.curve, self.raw_public())

    def sign(self, data):
        if self.curve == "ed25519":
            sig = self.priv.sign(data)
        else:
            r, s = decode_dss_signature(self.priv.sign(data, ec.ECDSA(hashes.SHA256())))
            if s > P256_ORDER // 2:
                s = P256_ORDER - s  # low S: both verify, some verifiers want this one
            sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        if not verify(self.curve, self.raw_public(), data, sig):
            raise Gen2Error("self-check: a signature just made does not verify")
        return sig


def qb64_of(curve, raw):
    if curve == "p256":
        if len(raw) != 33 or raw[0] not in (2, 3):
            raise Gen2Error("a P-256 verkey is a 33-byte compressed point")
        return "1AAJ" + b64url(raw)
    if len(raw) != 32:
        raise Gen2Error("an Ed25519 verkey has 32 bytes")
    return "D" + b64url(b"\0" + raw)[1:]


def decode_qb64(key):
    """(curve, raw public key) of a CESR verkey (1AAJ or 1AAI P-256, D or B Ed25519)."""
    if key[:4] in ("1AAJ", "1AAI") and len(key) == 48:
        return "p256", b64url_decode(key[4:])
    if key[0] in "DB" and len(key) == 44:
        return "ed25519", b64url_decode("A" + key[1:])[1:]
    raise Gen2Error(f"unknown verkey code: {key!r}")


def verify(curve, raw, data, sig):
    try:
        if curve == "p256":
            pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
            der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
            pub.verify(der, data, ec.ECDSA(hashes.SHA256()))
        else:
            ed25519.Ed25519PublicKey.from_public_bytes(raw).verify(sig, data)
        return True
    except InvalidSignature:
        return False


def commitment(qb64):
    """Section 2.2: the next-key digest, Blake3 of the qb64 text."""
    return e_code(blake3(qb64.encode()))


# ---------------------------------------------------------------------------------------------
# Time (chrono's RFC 3339 with 0, 3, 6 or 9 fractional digits, section 4.1)

def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def rfc3339(t):
    t = t.astimezone(datetime.timezone.utc)
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    us = t.microsecond
    if us == 0:
        frac = ""
    elif us % 1000 == 0:
        frac = ".%03d" % (us // 1000)
    else:
        frac = ".%06d" % us
    return base + frac + "Z"


def parse_rfc3339(text):
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z", text)
    if not m:
        raise Gen2Error(f"not an RFC 3339 UTC time: {text!r}")
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return t.replace(microsecond=int((m.group(2) or "0").ljust(9, "0")[:6]))


# ---------------------------------------------------------------------------------------------
# State

class State:
    def __init__(self, path):
        self.path = path
        if os.path.exists(path):
            with open(path) as f:
                self.data = json.load(f)
        else:
            self.data = {"version": 1, "identities": {}, "attestations": []}

    def save(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, indent=1)
        os.replace(tmp, self.path)

    def ident(self, name):
        ids = self.data["identities"]
        if name in ids:
            return ids[name]
        for rec in ids.values():  # a did or a prefix names an identity too
            if name in (rec["prefix"], "did:keri:" + rec["prefix"]):
                return rec
        raise Gen2Error(f"no identity {name!r} in {self.path}")


def sign_event(ev, keys):
    raw = compact(ev)
    return counter("-A", len(keys)) + "".join(siger(i, Key(k).sign(raw)) for i, k in enumerate(keys))


def append(rec, ev, attachment):
    if not said_ok(ev):
        raise Gen2Error("self-check: the event's SAID does not recompute")
    sigs, _ = parse_attachment(attachment)
    keys = current_keys(rec) if ev["t"] == "ixn" else ev["k"]
    for index, sig in sigs:
        if not verify(*decode_qb64(keys[index]), compact(ev), sig):
            raise Gen2Error("self-check: an event signature does not verify")
    rec["events"].append(ev)
    rec["attachments"].append(attachment)


def current_keys(rec):
    for ev in reversed(rec["events"]):
        if ev["t"] in ("icp", "rot", "dip", "drt"):
            return ev["k"]
    raise Gen2Error(f"{rec['name']}: no establishment event")


def new_identity(state, name, curve):
    if name in state.data["identities"]:
        raise Gen2Error(f"identity {name!r} exists")
    cur, nxt = Key.generate(curve), Key.generate(curve)
    k, n = Key(cur).qb64(), Key(nxt).qb64()
    ev = saidify({"v": "", "t": "icp", "d": "", "i": "", "s": "0", "kt": "1", "k": [k], "nt": "1",
                  "n": [commitment(n)], "bt": "0", "b": [], "c": [], "a": []})
    rec = {"name": name, "prefix": ev["i"], "curve": curve, "delegator": None, "signing": [cur],
           "next": [nxt], "events": [], "attachments": [], "created": rfc3339(now_utc())}
    append(rec, ev, sign_event(ev, rec["signing"]))
    state.data["identities"][name] = rec
    return rec


def interaction(rec, seals):
    last = rec["events"][-1]
    ev = saidify({"v": "", "t": "ixn", "d": "", "i": rec["prefix"], "s": hex_sn(len(rec["events"])),
                  "p": last["d"], "a": seals})
    append(rec, ev, sign_event(ev, rec["signing"]))
    return ev


def anchor(delegator, ev):
    """The delegator's ixn with the KeyEvent seal of ev; returns the -G couple text."""
    ixn = interaction(delegator, [{"i": ev["i"], "s": ev["s"], "d": ev["d"]}])
    return counter("-G", 1) + seqner(int(ixn["s"], 16)) + ixn["d"]


def next_key_spec(next_ssh, curve):
    return Key.ssh(next_ssh) if next_ssh else Key.generate(curve)


def new_device(state, root_name, name, ssh_key, next_ssh, no_anchor, signer_type, note, expires_at):
    if name in state.data["identities"]:
        raise Gen2Error(f"identity {name!r} exists")
    root = state.ident(root_name)
    cur = Key.ssh(ssh_key)
    curve = Key(cur).curve
    nxt = next_key_spec(next_ssh, curve)
    if Key(nxt).curve != curve:
        raise Gen2Error("the next key is on another curve")
    ev = saidify({"v": "", "t": "dip", "d": "", "i": "", "s": "0", "kt": "1", "k": [Key(cur).qb64()], "nt": "1",
                  "n": [commitment(Key(nxt).qb64())], "bt": "0", "b": [], "c": [], "a": [],
                  "di": root["prefix"]})
    if no_anchor:  # a couple naming the root's last event, which has no seal for this dip
        last = root["events"][-1]
        couple = counter("-G", 1) + seqner(int(last["s"], 16)) + last["d"]
    else:
        couple = anchor(root, ev)
    rec = {"name": name, "prefix": ev["i"], "curve": curve, "delegator": root["name"], "signing": [cur],
           "next": [nxt], "events": [], "attachments": [], "created": rfc3339(now_utc())}
    append(rec, ev, sign_event(ev, rec["signing"]) + couple)
    state.data["identities"][name] = rec
    attest(state, root, rec, signer_type, note, expires_at)
    return rec


def rotation(state, rec, new_ssh, next_ssh):
    """rot of a root (new_ssh None: the generated next key) or drt of a delegated identifier."""
    nxt_now = Key(rec["next"][0])
    if new_ssh:
        new = Key.ssh(new_ssh)
        if Key(new).qb64() != nxt_now.qb64():
            raise Gen2Error(f"{new_ssh} is not the key {rec['name']} committed to as its next key")
    else:
        new = rec["next"][0]
    after = next_key_spec(next_ssh, rec["curve"])
    delegated = rec["delegator"] is not None
    body = {"v": "", "t": "drt" if delegated else "rot", "d": "", "i": rec["prefix"],
            "s": hex_sn(len(rec["events"])), "p": rec["events"][-1]["d"], "kt": "1", "k": [Key(new).qb64()],
            "nt": "1", "n": [commitment(Key(after).qb64())], "bt": "0", "br": [], "ba": [], "a": []}
    if delegated:
        body["di"] = state.ident(rec["delegator"])["prefix"]
    ev = saidify(body)
    if commitment(ev["k"][0]) != rec["events"][last_establishment(rec)]["n"][0]:
        raise Gen2Error("self-check: the new key does not match the prior commitment")
    attachment = sign_event(ev, [new])
    if delegated:
        attachment += anchor(state.ident(rec["delegator"]), ev)
    append(rec, ev, attachment)
    rec["signing"], rec["next"] = [new], [after]
    return ev


def last_establishment(rec):
    for i in range(len(rec["events"]) - 1, -1, -1):
        if rec["events"][i]["t"] in ("icp", "rot", "dip", "drt"):
            return i
    raise Gen2Error("no establishment event")


# ---------------------------------------------------------------------------------------------
# Attestations (sections 4.1 and 4.2)

PROJECTION_ALWAYS = ["version", "rid", "issuer", "subject", "device_public_key", "payload", "timestamp",
                     "expires_at", "revoked_at", "note"]
PROJECTION_IF_PRESENT = ["delegated_by", "signer_type", "commit_sha", "oidc_binding"]
STORED_ORDER = ["version", "rid", "issuer", "subject", "device_public_key", "identity_signature",
                "device_signature", "revoked_at", "expires_at", "timestamp", "note", "payload", "commit_sha",
                "commit_message", "author", "oidc_binding", "delegated_by", "signer_type", "environment_claim"]


def projection(att):
    """The signed bytes: RFC 8785 of the projection, device_public_key as plain hex."""
    out = {}
    for field in PROJECTION_ALWAYS:
        value = att.get(field)
        if field == "device_public_key" and isinstance(value, dict):
            value = value["key"]
        out[field] = value
    for field in PROJECTION_IF_PRESENT:
        if att.get(field) is not None:
            out[field] = att[field]
    return jcs(out)


def attest(state, issuer, device, signer_type=None, note=None, expires_at=None):
    dev_key = Key(device["signing"][0])
    att = {"version": 1, "rid": ".auths", "issuer": "did:keri:" + issuer["prefix"],
           "subject": "did:keri:" + device["prefix"],
           "device_public_key": {"curve": dev_key.curve, "key": dev_key.raw_public().hex()},
           "expires_at": expires_at, "timestamp": rfc3339(now_utc()),
           "note": note if note is not None else "Linked by auths_gen2.py", "signer_type": signer_type}
    data = projection(att)
    att["identity_signature"] = Key(issuer["signing"][0]).sign(data).hex()
    att["device_signature"] = dev_key.sign(data).hex()
    stored = {f: att[f] for f in STORED_ORDER if att.get(f) is not None}
    state.data["attestations"].append({"device": device["name"], "record": stored})
    return stored


def check_attestation(att, issuer_curve, issuer_raw):
    data = projection(att)
    dev = att["device_public_key"]
    ok_id = verify(issuer_curve, issuer_raw, data, bytes.fromhex(att["identity_signature"]))
    ok_dev = verify(dev["curve"], bytes.fromhex(dev["key"]), data, bytes.fromhex(att["device_signature"]))
    return ok_id and ok_dev


# ---------------------------------------------------------------------------------------------
# The registry tree (section 3.1)

def sanitize(did):
    return did.replace(":", "_")


def device_dir(did):
    s = sanitize(did)
    rest = s[len("did_key_"):] if s.startswith("did_key_") else s
    return f"v1/devices/{rest[0:2]}/{rest[2:4]}/{s}"


def identity_dir(prefix):
    return f"v1/identities/{prefix[0:2]}/{prefix[2:4]}/{prefix}"


def key_state(state, rec):
    est = rec["events"][last_establishment(rec)]
    return {"prefix": rec["prefix"], "current_keys": est["k"], "next_commitment": est["n"],
            "sequence": len(rec["events"]) - 1, "last_event_said": rec["events"][-1]["d"], "is_abandoned": False,
            "threshold": est["kt"], "next_threshold": est["nt"], "backers": [], "backer_threshold": "0",
            "config_traits": [], "is_non_transferable": False,
            "delegator": state.ident(rec["delegator"])["prefix"] if rec["delegator"] else None,
            "last_establishment_sequence": int(est["s"], 16)}


def history_name(att):
    t = parse_rfc3339(att["timestamp"])
    return t.strftime("%Y%m%dT%H%M%S") + ".%03d" % (t.microsecond // 1000) + "_" + att["rid"][:8] + ".json"


def registry_files(state, names):
    """{path: bytes} of the v1/ tree."""
    recs = [state.ident(n) for n in names] if names else list(state.data["identities"].values())
    now = rfc3339(now_utc())
    files = {}
    for rec in recs:
        base = identity_dir(rec["prefix"])
        for seq, (ev, att) in enumerate(zip(rec["events"], rec["attachments"])):
            files[f"{base}/events/{seq:08d}.json"] = pretty(ev)
            files[f"{base}/events/{seq:08d}.attachments.cesr"] = att.encode()
        tip = rec["events"][-1]
        files[f"{base}/tip.json"] = pretty({"version": 1, "sequence": len(rec["events"]) - 1, "said": tip["d"]})
        files[f"{base}/state.json"] = pretty({"version": 1, "state": key_state(state, rec),
                                              "validated_against_said": tip["d"]})
        files[f"{base}/metadata.json"] = pretty({"version": 1, "prefix": rec["prefix"], "created_at": rec["created"],
                                                 "updated_at": now})
    included = {rec["name"] for rec in recs}
    devices = set()
    for entry in state.data["attestations"]:
        if entry["device"] not in included:
            continue
        att = entry["record"]
        d = device_dir(att["subject"])
        devices.add(d)
        files[f"{d}/attestation.json"] = pretty(att)  # the latest one wins (entries are in order)
        files[f"{d}/history/{history_name(att)}"] = pretty(att)
    files["v1/metadata.json"] = pretty({"version": 1, "identity_count": len(recs), "device_count": len(devices),
                                        "member_count": 0, "updated_at": now})
    return files


def write_registry(state, out, names):
    v1 = os.path.join(out, "v1")
    if os.path.isdir(v1):
        for root, dirs, files in os.walk(v1, topdown=False):
            for f in files:
                os.remove(os.path.join(root, f))
            for d in dirs:
                os.rmdir(os.path.join(root, d))
        os.rmdir(v1)
    for path, data in registry_files(state, names).items():
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)


def git(repo, *args, env=None, input=None):
    out = subprocess.run(["git", "-C", repo, *args], capture_output=True, input=input,
                         env=dict(os.environ, **(env or {})))
    if out.returncode != 0:
        raise Gen2Error(f"git {' '.join(args)}: {out.stderr.decode(errors='replace').strip()}")
    return out.stdout.decode().strip()


def commit_registry(repo, tree_dir, ref, parent, message, update_ref):
    """DIR's files (all of them, the tree as it is) as a commit on top of REF (or PARENT)."""
    tree_dir = os.path.abspath(tree_dir)
    paths = sorted(os.path.relpath(os.path.join(root, f), tree_dir)
                   for root, _, files in os.walk(tree_dir) for f in files)
    if not paths:
        raise Gen2Error(f"{tree_dir} holds no file")
    blobs = git(repo, "hash-object", "-w", "--stdin-paths",
                input="".join(os.path.join(tree_dir, p) + "\n" for p in paths).encode()).split("\n")
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        git(repo, "update-index", "--add", "--index-info", env=env,
            input="".join(f"100644 {b}\t{p}\n" for b, p in zip(blobs, paths)).encode())
        tree = git(repo, "write-tree", env=env)
    if parent is None:
        out = subprocess.run(["git", "-C", repo, "rev-parse", "-q", "--verify", ref + "^{commit}"],
                             capture_output=True)
        parent = out.stdout.decode().strip() if out.returncode == 0 else "none"
    args = ["commit-tree", tree, "-m", message]
    if parent != "none":
        args += ["-p", parent]
    commit = git(repo, *args)
    if update_ref:
        git(repo, "update-ref", ref, commit)
    return commit


# ---------------------------------------------------------------------------------------------
# Bundle and roots (sections 4.4, 1.3, 3.3)

def bundle(state, root_name, device_names, timestamp, max_valid):
    root = state.ident(root_name)
    if root["delegator"]:
        raise Gen2Error(f"{root_name} is a delegated identifier, not a root")
    devices = [state.ident(n) for n in device_names] if device_names else \
        [r for r in state.data["identities"].values() if r["delegator"] == root["name"]]
    chosen = {d["name"] for d in devices}
    latest = {}
    for entry in state.data["attestations"]:
        if entry["device"] in chosen:
            latest[entry["device"]] = entry["record"]
    key = Key(root["signing"][0])
    return {
        "identity_did": "did:keri:" + root["prefix"],
        "public_key_hex": key.raw_public().hex(),
        "curve": key.curve,
        "attestation_chain": [latest[d["name"]] for d in devices if d["name"] in latest],
        "kel": root["events"],
        "kel_attachments": [a.encode().hex() for a in root["attachments"]],
        "device_kels": [{"did": "did:keri:" + d["prefix"], "kel": d["events"],
                         "kel_attachments": [a.encode().hex() for a in d["attachments"]]} for d in devices],
        "bundle_timestamp": timestamp,
        "max_valid_for_secs": max_valid,
    }


# ---------------------------------------------------------------------------------------------
# Checking what was written (the tool's own self-check; also usable on foreign data)

def check_kel(prefix, events, attachments, kels):
    """Problems of one KEL (list of strings). kels maps delegator prefixes to (events, _)."""
    problems, keys, nexts = [], None, None
    if len(events) != len(attachments):
        return [f"{prefix}: {len(events)} events, {len(attachments)} attachments"]
    for seq, (ev, att) in enumerate(zip(events, attachments)):
        where = f"{prefix} event {seq}"
        t = ev.get("t")
        if t not in FIELDS or list(ev.keys()) != FIELDS[t]:
            problems.append(f"{where}: fields"); break
        if not said_ok(ev):
            problems.append(f"{where}: SAID or v")
        if ev["i"] != prefix or ev["s"] != hex_sn(seq):
            problems.append(f"{where}: i or s")
        if (seq == 0) != (t in ("icp", "dip")):
            problems.append(f"{where}: inception position")
        if seq > 0 and ev["p"] != events[seq - 1]["d"]:
            problems.append(f"{where}: p")
        if t in ("rot", "drt") and [commitment(k) for k in ev["k"]] != nexts:
            problems.append(f"{where}: pre-rotation")
        signing = keys if t == "ixn" else ev["k"]
        try:
            sigs, couples = parse_attachment(att)
        except Gen2Error as e:
            problems.append(f"{where}: {e}"); continue
        good = {i for i, sig in sigs if i < len(signing) and verify(*decode_qb64(signing[i]), compact(ev), sig)}
        if len(good) < int(ev.get("kt", "1"), 16) or len(good) != len(sigs):
            problems.append(f"{where}: signatures")
        if t in ("dip", "drt"):
            seal = {"i": ev["i"], "s": ev["s"], "d": ev["d"]}
            dkel = kels.get(ev["di"], ([], None))[0]
            if not any(sn < len(dkel) and dkel[sn]["d"] == sd and seal in dkel[sn].get("a", [])
                       for sn, sd in couples):
                problems.append(f"{where}: not anchored by {ev['di']} at its -G couple")
        if t != "ixn":
            keys, nexts = ev["k"], ev["n"]
    return problems


def check_bundle(doc):
    root = doc["identity_did"][len("did:keri:"):]
    kels = {root: (doc["kel"], [bytes.fromhex(a).decode() for a in doc["kel_attachments"]])}
    for dk in doc["device_kels"]:
        kels[dk["did"][len("did:keri:"):]] = (dk["kel"], [bytes.fromhex(a).decode() for a in dk["kel_attachments"]])
    problems = []
    for prefix, (events, atts) in kels.items():
        problems += check_kel(prefix, events, atts, kels)
    est = [e for e in doc["kel"] if e["t"] != "ixn"][-1]
    if decode_qb64(est["k"][0]) != (doc["curve"], bytes.fromhex(doc["public_key_hex"])):
        problems.append("public_key_hex is not the root's current key")
    root_keys = [decode_qb64(e["k"][0]) for e in doc["kel"] if e["t"] != "ixn"]  # signed by one of them
    for att in doc["attestation_chain"]:
        if not any(check_attestation(att, *k) for k in root_keys):
            problems.append(f"attestation of {att['subject']}: signatures")
    return problems


def check_registry(tree):
    kels = {}
    base = os.path.join(tree, "v1", "identities")
    for root, dirs, files in os.walk(base):
        if os.path.basename(root) == "events":
            prefix = os.path.basename(os.path.dirname(root))
            names = sorted(f for f in files if f.endswith(".json"))
            if [f"{i:08d}.json" for i in range(len(names))] != names:
                return [f"{prefix}: event files {names}"]
            evs = [json.load(open(os.path.join(root, f))) for f in names]
            atts = [open(os.path.join(root, f[:-5] + ".attachments.cesr")).read() for f in names]
            kels[prefix] = (evs, atts)
    problems = []
    for prefix, (events, atts) in kels.items():
        problems += check_kel(prefix, events, atts, kels)
    for root, dirs, files in os.walk(os.path.join(tree, "v1", "devices")):
        for f in files:
            att = json.load(open(os.path.join(root, f)))
            issuer = kels.get(att["issuer"][len("did:keri:"):], ([], None))[0]
            if not any(check_attestation(att, *decode_qb64(ev["k"][0])) for ev in issuer if ev["t"] != "ixn"):
                problems.append(f"{os.path.relpath(os.path.join(root, f), tree)}: signatures")
    return problems


# ---------------------------------------------------------------------------------------------
# Self-check on known values

def selfcheck():
    problems = []
    if blake3(b"").hex() != "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262":
        problems.append("b3sum: BLAKE3 of the empty input")
    # Section 4.2's canonical example, with its elided values as they are printed.
    example = ('{"device_public_key":"03319793…088f","expires_at":null,"issuer":"did:keri:EB5c…uGgd",'
               '"note":"Linked by auths-sdk setup","payload":null,"revoked_at":null,"rid":".auths",'
               '"subject":"did:key:zDna…sbtz","timestamp":"2026-06-19T14:18:34.160482Z","version":1}')
    att = {"version": 1, "rid": ".auths", "issuer": "did:keri:EB5c…uGgd", "subject": "did:key:zDna…sbtz",
           "device_public_key": {"curve": "p256", "key": "03319793…088f"},
           "identity_signature": "00", "device_signature": "00",
           "timestamp": "2026-06-19T14:18:34.160482Z", "note": "Linked by auths-sdk setup"}
    if projection(att).decode() != example:
        problems.append("attestation projection differs from section 4.2's example")
    if seqner(0) != "0A" + "A" * 22 or seqner(11) != "0A" + "A" * 21 + "L":
        problems.append("Seqner encoding")
    if counter("-A", 1) != "-AAB" or counter("-G", 1) != "-GAB":
        problems.append("counter encoding")
    for curve in ("p256", "ed25519"):
        k = Key(Key.generate(curve))
        if decode_qb64(k.qb64()) != (curve, k.raw_public()):
            problems.append(f"{curve} verkey round trip")
        if len(k.qb64()) != (48 if curve == "p256" else 44):
            problems.append(f"{curve} verkey length")
        sig = k.sign(b"x")
        if parse_attachment(counter("-A", 1) + siger(0, sig))[0] != [(0, sig)]:
            problems.append(f"{curve} siger round trip")
    for t in ("2026-07-18T15:23:24.735834Z", "2026-08-17T15:23:20Z", "2026-01-02T03:04:05.123Z"):
        if rfc3339(parse_rfc3339(t)) != t:
            problems.append(f"timestamp {t}")
    ev = saidify({"v": "", "t": "ixn", "d": "", "i": "E" + "A" * 43, "s": "a", "p": "E" + "B" * 43, "a": []})
    if int(ev["v"][10:16], 16) != len(compact(ev)) or not said_ok(ev):
        problems.append("ixn SAID/version")
    return problems


# ---------------------------------------------------------------------------------------------
# Command line

def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--state", default=os.environ.get("AUTHS_GEN2_STATE", "gen2-state.json"))
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("identity")
    p.add_argument("name")
    p.add_argument("--curve", choices=["p256", "ed25519"], default="p256")
    p = sub.add_parser("device")
    p.add_argument("root")
    p.add_argument("name")
    p.add_argument("--ssh-key", required=True)
    p.add_argument("--next-ssh-key")
    p.add_argument("--no-anchor", action="store_true")
    p.add_argument("--signer-type", choices=["Human", "Agent", "Workload"])
    p.add_argument("--note")
    p.add_argument("--expires-at")
    p = sub.add_parser("rotate-device")
    p.add_argument("name")
    p.add_argument("--ssh-key", required=True)
    p.add_argument("--next-ssh-key")
    p = sub.add_parser("export-next-key")
    p.add_argument("name")
    p.add_argument("out")
    p = sub.add_parser("rotate")
    p.add_argument("name")
    p = sub.add_parser("revoke")
    p.add_argument("root")
    p.add_argument("device")
    p = sub.add_parser("agent-scope")
    p.add_argument("root")
    p.add_argument("device")
    p.add_argument("--expires", type=int, default=0)
    p.add_argument("--caps", default="sign_commit")
    p = sub.add_parser("ixn")
    p.add_argument("name")
    p.add_argument("seals")
    p = sub.add_parser("truncate")
    p.add_argument("name")
    p.add_argument("seq", type=int)
    p = sub.add_parser("show")
    p.add_argument("name")
    p = sub.add_parser("write-registry")
    p.add_argument("dir")
    p.add_argument("names", nargs="*")
    p = sub.add_parser("commit-registry")
    p.add_argument("repo")
    p.add_argument("dir")
    p.add_argument("--ref", default="refs/auths/registry")
    p.add_argument("--parent")
    p.add_argument("--message", default="atomic batch write")
    p.add_argument("--no-update-ref", action="store_true")
    p = sub.add_parser("bundle")
    p.add_argument("root")
    p.add_argument("out")
    p.add_argument("--device", action="append", default=[])
    p.add_argument("--timestamp")
    p.add_argument("--age", type=int)
    p.add_argument("--max-valid-for-secs", type=int, default=86400)
    p = sub.add_parser("roots")
    p.add_argument("out")
    p.add_argument("ids", nargs="+")
    p.add_argument("--comment")
    sub.add_parser("selfcheck")
    p = sub.add_parser("check-bundle")
    p.add_argument("file")
    p = sub.add_parser("check-registry")
    p.add_argument("dir")
    args = ap.parse_args(argv)

    if args.cmd == "selfcheck":
        problems = selfcheck()
        for pr in problems:
            print("selfcheck: FAILED: " + pr, file=sys.stderr)
        if not problems:
            print("selfcheck: ok")
        return 1 if problems else 0
    if args.cmd in ("check-bundle", "check-registry"):
        if args.cmd == "check-bundle":
            with open(args.file) as f:
                problems = check_bundle(json.load(f))
        else:
            problems = check_registry(args.dir)
        for pr in problems:
            print(f"{args.cmd}: {pr}", file=sys.stderr)
        return 1 if problems else 0
    if args.cmd == "commit-registry":
        print(commit_registry(args.repo, args.dir, args.ref, args.parent, args.message, not args.no_update_ref))
        return 0

    state = State(args.state)
    if args.cmd == "identity":
        rec = new_identity(state, args.name, args.curve)
        print("did:keri:" + rec["prefix"])
    elif args.cmd == "device":
        rec = new_device(state, args.root, args.name, args.ssh_key, args.next_ssh_key, args.no_anchor,
                         args.signer_type, args.note, args.expires_at)
        print("did:keri:" + rec["prefix"])
    elif args.cmd == "rotate-device":
        rec = state.ident(args.name)
        if not rec["delegator"]:
            raise Gen2Error(f"{args.name} is not a delegated identifier (rotate is for roots)")
        rotation(state, rec, args.ssh_key, args.next_ssh_key)
        attest(state, state.ident(rec["delegator"]), rec)
        print("did:keri:" + rec["prefix"])
    elif args.cmd == "export-next-key":
        key = Key(state.ident(args.name)["next"][0])
        if key.spec["type"] != "pem":
            raise Gen2Error(f"the next key of {args.name} is already a file: {key.spec['path']}")
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                           serialization.NoEncryption()))
        with open(args.out + ".pub", "wb") as f:
            f.write(key.priv.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                                       serialization.PublicFormat.OpenSSH) + b" " +
                    args.name.encode() + b"-next\n")
        return 0
    elif args.cmd == "rotate":
        rec = state.ident(args.name)
        if rec["delegator"]:
            raise Gen2Error(f"{args.name} is delegated: use rotate-device")
        rotation(state, rec, None, None)
        print("did:keri:" + rec["prefix"])
    elif args.cmd == "revoke":
        ev = interaction(state.ident(args.root), [{"d": state.ident(args.device)["prefix"]}])
        print(ev["d"])
    elif args.cmd == "agent-scope":
        prefix = state.ident(args.device)["prefix"]
        root = state.ident(args.root)
        interaction(root, [{"d": "agent:" + prefix}])
        ev = interaction(root, [{"d": f"agentscope:{prefix}:{args.expires}:{args.caps}"}])
        print(ev["d"])
    elif args.cmd == "ixn":
        ev = interaction(state.ident(args.name), json.loads(args.seals))
        print(ev["d"])
    elif args.cmd == "truncate":
        rec = state.ident(args.name)
        if args.seq < 1 or any(ev["t"] != "ixn" for ev in rec["events"][args.seq:]):
            raise Gen2Error("truncate drops interaction events only, never the inception")
        del rec["events"][args.seq:], rec["attachments"][args.seq:]
    elif args.cmd == "show":
        rec = state.ident(args.name)
        print(json.dumps({"name": rec["name"], "did": "did:keri:" + rec["prefix"], "prefix": rec["prefix"],
                          "keys": current_keys(rec), "sequence": len(rec["events"]) - 1,
                          "said": rec["events"][-1]["d"], "delegator": rec["delegator"],
                          "dir": identity_dir(rec["prefix"]),
                          "device_dir": device_dir("did:keri:" + rec["prefix"]) if rec["delegator"] else None}))
        return 0
    elif args.cmd == "write-registry":
        write_registry(state, args.dir, args.names)
        return 0
    elif args.cmd == "bundle":
        if args.timestamp:
            ts = args.timestamp
        else:
            ts = rfc3339(now_utc() - datetime.timedelta(seconds=args.age or 0))
        doc = bundle(state, args.root, args.device, ts, args.max_valid_for_secs)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "wb") as f:
            f.write(pretty(doc) + b"\n")
        return 0
    elif args.cmd == "roots":
        lines = [f"# {args.comment}"] if args.comment else []
        for i in args.ids:
            lines.append(i if i.startswith("did:") else "did:keri:" + state.ident(i)["prefix"])
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")
        return 0
    state.save()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Gen2Error as e:
        print(f"auths_gen2: {e}", file=sys.stderr)
        sys.exit(1)
