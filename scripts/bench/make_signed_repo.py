#!/usr/bin/env python3
"""Builds a bare repository with N SSH-signed commits on top of a base commit, for the
verification benchmarks. Every signature is made by `ssh-keygen -Y sign -n git` (a third party),
one process per commit, and stored exactly as git stores it (a gpgsig header with continuation
lines); objects are written as zlib-compressed loose objects, then packed by git.

usage: make_signed_repo.py <repo.git> <N> <private key> <base commit>
prints the tip commit id."""
import hashlib
import os
import subprocess
import sys
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


def main():
    repo, count, key, base = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    tree = subprocess.run(["git", "-C", repo, "rev-parse", base + "^{tree}"], check=True,
                          capture_output=True, text=True).stdout.strip()
    parent = base
    when = 1_700_000_000
    for i in range(count):
        ident = b"Bench Signer <bench@example.org> %d +0000" % (when + i)
        headers = b"tree %s\nparent %s\nauthor %s\ncommitter %s\n" % (
            tree.encode(), parent.encode(), ident, ident)
        message = b"\nbenchmark commit %d\n" % i
        signed = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-f", key, "-n", "git"],
                                input=headers + message, check=True, capture_output=True).stdout
        lines = signed.rstrip(b"\n").split(b"\n")
        gpgsig = b"gpgsig " + b"\n ".join(lines) + b"\n"
        parent = write_object(repo, b"commit", headers + gpgsig + message)
        if (i + 1) % 1000 == 0:
            print("  %d commits signed" % (i + 1), file=sys.stderr)
    print(parent)


if __name__ == "__main__":
    main()
