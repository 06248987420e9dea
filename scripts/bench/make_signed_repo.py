#!/usr/bin/env python3
"""Builds a bare repository with N SSH-signed commits on top of a base commit, for the
verification benchmarks. Objects are stored exactly as git stores them (a gpgsig header with
continuation lines), written as zlib-compressed loose objects, then packed by the caller.

Who signs: with --signer ssh-keygen, `ssh-keygen -Y sign -n git`, one process per commit (~5 ms
each: fine for a few thousand commits, hours for 100,000). With --signer openssl (the default),
OpenSSL's Ed25519 through python3-cryptography, wrapped in the SSHSIG envelope here (PROTOCOL.sshsig
in OpenSSH): the first commits are then checked by `ssh-keygen -Y check-novalidate`, so a wrong
envelope stops the build instead of producing a benchmark of refusals. Either way the signature
itself is a third party's, never ours.

usage: make_signed_repo.py [--signer openssl|ssh-keygen] <repo.git> <N> <private key> <base commit>
prints the tip commit id."""
import base64
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import zlib


def write_object(repo, kind, body):
    data = b"%s %d\0" % (kind, len(body)) + body
    oid = hashlib.sha1(data).hexdigest()
    path = os.path.join(repo, "objects", oid[:2], oid[2:])
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(zlib.compress(data, 1))
    return oid


def ssh_string(b):
    return struct.pack(">I", len(b)) + b


class OpensslSigner:
    """SSHSIG (namespace "git", hash sha512) over OpenSSL's Ed25519."""

    def __init__(self, key_path):
        from cryptography.hazmat.primitives import serialization
        with open(key_path, "rb") as f:
            self.key = serialization.load_ssh_private_key(f.read(), password=None)
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_blob = ssh_string(b"ssh-ed25519") + ssh_string(raw)

    def sign(self, message):
        digest = hashlib.sha512(message).digest()
        to_sign = b"SSHSIG" + ssh_string(b"git") + ssh_string(b"") + ssh_string(b"sha512") + ssh_string(digest)
        signature = ssh_string(b"ssh-ed25519") + ssh_string(self.key.sign(to_sign))
        blob = (b"SSHSIG" + struct.pack(">I", 1) + ssh_string(self.public_blob) + ssh_string(b"git") +
                ssh_string(b"") + ssh_string(b"sha512") + ssh_string(signature))
        text = base64.b64encode(blob)
        lines = [text[i:i + 70] for i in range(0, len(text), 70)]
        return b"-----BEGIN SSH SIGNATURE-----\n" + b"\n".join(lines) + b"\n-----END SSH SIGNATURE-----\n"


class SshKeygenSigner:
    def __init__(self, key_path):
        self.key_path = key_path

    def sign(self, message):
        return subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-f", self.key_path, "-n", "git"],
                              input=message, check=True, capture_output=True).stdout


def check_with_ssh_keygen(message, armor):
    """`ssh-keygen -Y check-novalidate` must accept what OpensslSigner made."""
    with tempfile.NamedTemporaryFile(suffix=".sig") as sig:
        sig.write(armor)
        sig.flush()
        done = subprocess.run(["ssh-keygen", "-Y", "check-novalidate", "-n", "git", "-s", sig.name],
                              input=message, capture_output=True)
    if done.returncode != 0:
        sys.exit("error: ssh-keygen refuses the SSHSIG envelope made here: %s" % done.stderr.decode().strip())


def main():
    args = sys.argv[1:]
    kind = "openssl"
    if args[:1] == ["--signer"]:
        kind, args = args[1], args[2:]
    repo, count, key, base = args[0], int(args[1]), args[2], args[3]
    signer = OpensslSigner(key) if kind == "openssl" else SshKeygenSigner(key)
    tree = subprocess.run(["git", "-C", repo, "rev-parse", base + "^{tree}"], check=True,
                          capture_output=True, text=True).stdout.strip()
    parent = base
    when = 1_700_000_000
    for i in range(count):
        ident = b"Bench Signer <bench@example.org> %d +0000" % (when + i)
        headers = b"tree %s\nparent %s\nauthor %s\ncommitter %s\n" % (
            tree.encode(), parent.encode(), ident, ident)
        message = b"\nbenchmark commit %d\n" % i
        signed = signer.sign(headers + message)
        if kind == "openssl" and i < 3:
            check_with_ssh_keygen(headers + message, signed)
        lines = signed.rstrip(b"\n").split(b"\n")
        gpgsig = b"gpgsig " + b"\n ".join(lines) + b"\n"
        parent = write_object(repo, b"commit", headers + gpgsig + message)
        if (i + 1) % 10000 == 0:
            print("  %d commits signed" % (i + 1), file=sys.stderr)
    print(parent)


if __name__ == "__main__":
    main()
