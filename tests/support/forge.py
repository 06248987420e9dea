"""The e2e forging kit: what an attacker (or a buggy client) can write without the CLI.

Run with python3 by tests/e2e/identity.sh (its `forge` helper, which documents the commands):

  forge.py ixn HOME ALIAS PREFIX SEQ PRIOR SEALS-JSON OUT
      an interaction event of PREFIX's KEL signed by key ALIAS of identity home HOME:
      writes OUT.json and OUT.cesr, prints the event's SAID
  forge.py resign-link HOME ID-ALIAS DEV-ALIAS IN OUT [FIELD=JSON...]
      the attestation IN with the fields changed as given, signed again (identity signature by
      ID-ALIAS, device signature by DEV-ALIAS; '-' leaves a signature as it is): writes OUT,
      prints its canonical registry path and its digest (the seal a KEL would anchor)
  forge.py path ATTESTATION
      prints the attestation's canonical registry path and digest

Records are made with the same bytes the CLI would make (t411 and t412 check it on the CLI's
own records): KEL events (compact JSON, `v` size, Blake3 SAID via b3sum, CESR indexed Ed25519
signatures) and attestations (RFC 8785 signed bytes, canonical registry name). Keys are read from
an identity home's key store and used by $AUTHS_BIN_DIR/auths-forge-sign (the build's test tool,
tests/support/forge_sign_main.cpp), which decrypts them with $AUTHS_PASSPHRASE and signs.
"""
import base64
import datetime
import json
import os
import struct
import subprocess
import sys

SIGN = os.path.join(os.environ.get("AUTHS_BIN_DIR", ""), "auths-forge-sign")
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def sshstr(b):
    if isinstance(b, str):
        b = b.encode()
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
    if out.returncode != 0:
        sys.exit(f"forge: signing with {alias} failed: {out.stderr.decode()}")
    return bytes.fromhex(out.stdout.decode().strip())


def blake3(data):
    out = subprocess.run(["b3sum", "--no-names", "-"], input=data, capture_output=True, check=True)
    return bytes.fromhex(out.stdout.decode().split()[0])


def cesr_digest(d):
    return "E" + base64.urlsafe_b64encode(b"\0" + d).decode()[1:]


def cesr_indexed_sig(index, sig):
    return "A" + B64[index] + base64.urlsafe_b64encode(b"\0\0" + sig).decode()[2:]


def compact(ev):
    return json.dumps(ev, separators=(",", ":"), ensure_ascii=False).encode()


def saidify(ev):
    ev = dict(ev)
    ev["v"] = "KERI10JSON000000_"
    ev["d"] = "#" * 44
    ev["v"] = "KERI10JSON%06x_" % len(compact(ev))
    ev["d"] = cesr_digest(blake3(compact(ev)))
    return ev


def jcs(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signed_bytes(att):
    return jcs({k: v for k, v in att.items() if k not in ("identity_signature", "device_signature")})


def att_path(att):
    prefix = att["issuer"][len("did:keri:"):]
    ts = datetime.datetime.strptime(att["timestamp"][:19], "%Y-%m-%dT%H:%M:%S")
    digest = cesr_digest(blake3(signed_bytes(att)))
    return f"v1/identities/{prefix}/attestations/{ts.strftime('%Y%m%dT%H%M%SZ')}-{digest[:16]}.json", digest


def main(argv):
    if not argv:
        sys.exit("usage: forge.py ixn|resign-link|path ARGS...")
    cmd = argv[0]
    if cmd == "ixn":
        home, alias, prefix, seq, prior, seals, out = argv[1:8]
        ev = saidify({"v": "", "t": "ixn", "d": "", "i": prefix, "s": "%x" % int(seq), "p": prior,
                      "a": json.loads(seals)})
        body = compact(ev)
        open(out + ".json", "wb").write(body)
        open(out + ".cesr", "w").write("-AAB" + cesr_indexed_sig(0, sign(home, alias, body)))
        print(ev["d"])
    elif cmd == "resign-link":
        home, id_alias, dev_alias, src, out = argv[1:6]
        att = json.load(open(src))
        for change in argv[6:]:
            key, value = change.split("=", 1)
            if key not in att:
                sys.exit(f"forge: no field {key}")
            att[key] = json.loads(value)
        data = signed_bytes(att)
        if id_alias != "-":
            att["identity_signature"] = sign(home, id_alias, data).hex()
        if dev_alias != "-":
            att["device_signature"] = sign(home, dev_alias, data).hex()
        open(out, "w").write(json.dumps(att, indent=2) + "\n")
        print(*att_path(att))
    elif cmd == "path":
        print(*att_path(json.load(open(argv[1]))))
    else:
        sys.exit(f"forge: unknown command {cmd}")


main(sys.argv[1:])
