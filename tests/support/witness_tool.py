#!/usr/bin/env python3
"""A second implementation of the witness formats (README.md, "Witness receipts"), for the
end-to-end tests: it checks receipts and makes requests from the documented bytes alone, with
Python's standard library, OpenSSL (Ed25519) and ssh-keygen (SSHSIG), never our code.

  witness_tool.py check-receipt VALUE DIR
      VALUE: an Auths-Witness-Receipt trailer value (folding white space allowed). Checks that it
      is base64url without padding of RFC 8785 JSON, verifies the witness's Ed25519 signature over
      the same JSON without "signature" with `openssl pkeyutl` (scratch files in DIR), and prints
      the fields as JSON.
  witness_tool.py http METHOD URL BODYFILE
      One request (BODYFILE: the body, "-" for none); prints the HTTP status, then the body.
  witness_tool.py request URL TREE PARENTS SIGNER KEYFILE DIR
      POSTs a request for TREE and PARENTS (ids separated by spaces) as SIGNER (an SSH public key
      line without comment), signed with `ssh-keygen -Y sign -n auths-witness -f KEYFILE`.
      Prints the HTTP status, then the body.
"""
import base64
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def canonical(doc):
    # RFC 8785 for what receipts hold (ASCII member names, integers, strings).
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def ed25519_key(did):
    assert did.startswith("did:key:z"), did
    n = 0
    for ch in did[len("did:key:z"):]:
        n = n * 58 + BASE58.index(ch)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    assert raw[:2] == b"\xed\x01", "not an Ed25519 did:key"
    return raw[2:]


def check_receipt(value, scratch):
    compact = "".join(value.split())
    assert "=" not in compact, "padded"
    raw = base64.urlsafe_b64decode(compact + "=" * (-len(compact) % 4))
    doc = json.loads(raw)
    assert raw == canonical(doc), "not RFC 8785"
    signature = bytes.fromhex(doc.pop("signature"))
    der = bytes.fromhex("302a300506032b6570032100") + ed25519_key(doc["witness"])
    pem = "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n"
    files = {name: os.path.join(scratch, name) for name in ("key.pem", "message", "signature")}
    with open(files["key.pem"], "w") as f:
        f.write(pem)
    with open(files["message"], "wb") as f:
        f.write(canonical(doc))
    with open(files["signature"], "wb") as f:
        f.write(signature)
    subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", files["key.pem"], "-rawin", "-in",
                    files["message"], "-sigfile", files["signature"]], check=True, stdout=subprocess.DEVNULL)
    print(json.dumps(doc, sort_keys=True))


def http(method, url, body_file):
    data = None
    if body_file != "-":
        with open(body_file, "rb") as f:
            data = f.read()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=20) as reply:
            print(reply.status)
            print(reply.read().decode())
    except urllib.error.HTTPError as e:
        print(e.code)
        print(e.read().decode())


def request(url, tree, parents, signer, keyfile, scratch):
    claim = {"tree": tree, "parents": parents.split(), "signer": signer}
    message = os.path.join(scratch, "request")
    with open(message, "wb") as f:
        f.write(canonical(claim))
    if os.path.exists(message + ".sig"):
        os.remove(message + ".sig")
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "auths-witness", "-f", keyfile, message], check=True,
                   stderr=subprocess.DEVNULL)
    with open(message + ".sig") as f:
        claim["signature"] = f.read()
    with open(message + ".json", "w") as f:
        json.dump(claim, f)
    http("POST", url + "/v1/receipts", message + ".json")


if __name__ == "__main__":
    if sys.argv[1] == "check-receipt":
        check_receipt(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "http":
        http(*sys.argv[2:5])
    elif sys.argv[1] == "request":
        request(*sys.argv[2:8])
    else:
        sys.exit("unknown command " + sys.argv[1])
