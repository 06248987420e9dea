#!/usr/bin/env python3
"""Deterministic mutations of real commit and tag objects, for t105-object-parity.sh.

Reads seed objects (raw bytes as `git cat-file commit|tag` prints them), writes hundreds of
variants: duplicate and misplaced headers, dropped and damaged idents, odd signature headers,
CRLF, NUL, truncation, ... Many are re-signed with ssh-keygen over what git will take as their
payload, so that a reader that sees the object differently from git would accept a good
signature over content it does not see: the attack the strict parser exists to stop.

Usage: object_mutations.py --out DIR --other-tree OID --other-commit OID --keys DIR
                           [--seed N] [--random N] [--sample N] [--full LABEL,..] SEED...
where each SEED is KIND:LABEL:PATH (KIND commit or tag). The seeds labelled --full get every
mutation, the others a sample; the commit and the tag labelled "signed" (alice's) are also
re-signed after each structural mutation. Output: DIR/NNNN.commit or
DIR/NNNN.tag, one object each, and DIR/manifest.tsv with one line per object:
NNNN <tab> kind <tab> must_accept (1 for the unmodified seeds) <tab> description.
The same seeds and arguments give the same objects (ECDSA signatures aside).
"""

import argparse
import os
import random
import subprocess
import sys

ARMOR_STARTS = (b"-----BEGIN SSH SIGNATURE-----", b"-----BEGIN PGP SIGNATURE-----",
                b"-----BEGIN PGP MESSAGE-----", b"-----BEGIN SIGNED MESSAGE-----")


# ------------------------------------------------------------------------------------------
# Objects as fields: a field is a header line followed by its continuation lines (no '\n').

def split(raw):
    """(fields, body) of an object with a blank line after its headers."""
    end = raw.index(b"\n\n")
    fields = []
    for line in raw[:end].split(b"\n"):
        if line.startswith(b" ") and fields:
            fields[-1].append(line)
        else:
            fields.append([line])
    return fields, raw[end + 2:]


def join(fields, body):
    return b"".join(line + b"\n" for f in fields for line in f) + b"\n" + body


def name(field):
    return field[0].split(b" ", 1)[0]


def where(fields, wanted):
    return [i for i, f in enumerate(fields) if name(f) == wanted]


def without(fields, *names):
    return [f for f in fields if name(f) not in names]


def insert(fields, at, *new):
    return fields[:at] + [list(f) for f in new] + fields[at:]


def split_tag_body(body):
    """(message, signature) as git's parse_signed_buffer cuts a tag: at the last armour line."""
    start = None
    pos = 0
    while pos < len(body):
        if body.startswith(ARMOR_STARTS, pos):
            start = pos
        nl = body.find(b"\n", pos)
        if nl < 0:
            break
        pos = nl + 1
    if start is None:
        return body, b""
    return body[:start], body[start:]


class Signer:
    def __init__(self, keys):
        self.keys = keys

    def armour(self, data, key="alice", namespace="git"):
        out = subprocess.run(["ssh-keygen", "-Y", "sign", "-n", namespace, "-f", os.path.join(self.keys, key)],
                             input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        return out.stdout

    def gpgsig(self, data, key="alice", namespace="git", header=b"gpgsig"):
        lines = self.armour(data, key, namespace).rstrip(b"\n").split(b"\n")
        return [header + b" " + lines[0]] + [b" " + line for line in lines[1:]]


# ------------------------------------------------------------------------------------------
# Commits

def commit_mutations(ctx):
    """(label, function(fields, body) -> bytes or None, resign) triples. resign: also emit a
    variant whose gpgsig is replaced by alice's signature over git's payload of the result."""
    other_tree = b"tree " + ctx.other_tree
    other_parent = b"parent " + ctx.other_commit
    m = []

    def ident_edit(which, fn):
        def go(fields, body):
            idx = where(fields, which)
            if not idx:
                return None
            f = [list(x) for x in fields]
            f[idx[0]][0] = fn(f[idx[0]][0])
            return join(f, body)
        return go

    def after_last(fields, *names):
        idx = [i for i, f in enumerate(fields) if name(f) in names]
        return idx[-1] + 1 if idx else 1

    m.append(("seed", lambda f, b: join(f, b), False))
    m.append(("tree twice", lambda f, b: join(insert(f, 1, f[0]), b), True))
    m.append(("other tree after tree", lambda f, b: join(insert(f, 1, [other_tree]), b), True))
    m.append(("other tree first", lambda f, b: join(insert(f, 0, [other_tree]), b), True))
    m.append(("other tree after parents", lambda f, b: join(insert(f, after_last(f, b"tree", b"parent"), [other_tree]), b), True))
    m.append(("other tree after author", lambda f, b: join(insert(f, after_last(f, b"author"), [other_tree]), b), True))
    m.append(("other tree after committer", lambda f, b: join(insert(f, after_last(f, b"committer"), [other_tree]), b), True))
    m.append(("other tree last", lambda f, b: join(f + [[other_tree]], b), True))
    m.append(("tree after parents", lambda f, b: join(insert(f[1:], after_last(f[1:], b"parent") if where(f, b"parent") else 0, f[0]), b), True))
    m.append(("tree last", lambda f, b: join(f[1:] + [f[0]], b), True))
    m.append(("no tree", lambda f, b: join(f[1:], b), False))
    m.append(("parent twice", lambda f, b: join(insert(f, 1, [other_parent], [other_parent]), b), True))
    m.append(("other parent after author", lambda f, b: join(insert(f, after_last(f, b"author"), [other_parent]), b), True))
    m.append(("other parent after committer", lambda f, b: join(insert(f, after_last(f, b"committer"), [other_parent]), b), True))
    m.append(("other parent last", lambda f, b: join(f + [[other_parent]], b), True))
    m.append(("other parent first", lambda f, b: join(insert(f, 0, [other_parent]), b), True))
    m.append(("parents after author", lambda f, b: join(insert(without(f, b"parent"), 2, *[f[i] for i in where(f, b"parent")]), b) if where(f, b"parent") else None, True))
    m.append(("parents last", lambda f, b: join(without(f, b"parent") + [f[i] for i in where(f, b"parent")], b) if where(f, b"parent") else None, True))
    m.append(("author twice", lambda f, b: join(insert(f, after_last(f, b"author"), f[where(f, b"author")[0]]), b), True))
    m.append(("committer twice", lambda f, b: join(insert(f, after_last(f, b"committer"), f[where(f, b"committer")[0]]), b), True))
    m.append(("author again last", lambda f, b: join(f + [f[where(f, b"author")[0]]], b), True))
    m.append(("committer again last", lambda f, b: join(f + [f[where(f, b"committer")[0]]], b), True))
    m.append(("author and committer swapped", lambda f, b: join(swap(f, where(f, b"author")[0], where(f, b"committer")[0]), b), True))
    m.append(("no author", lambda f, b: join(without(f, b"author"), b), True))
    m.append(("no committer", lambda f, b: join(without(f, b"committer"), b), True))
    m.append(("no author, no committer", lambda f, b: join(without(f, b"author", b"committer"), b), True))
    m.append(("committer without timestamp", ident_edit(b"committer", lambda l: l[:l.rindex(b">") + 1]), True))
    m.append(("committer without timezone", ident_edit(b"committer", lambda l: l[:l.rindex(b" ")]), True))
    m.append(("author without timestamp", ident_edit(b"author", lambda l: l[:l.rindex(b">") + 1]), True))
    m.append(("committer timestamp not digits", ident_edit(b"committer", lambda l: l[:l.rindex(b">") + 1] + b" soon +0000"), True))
    m.append(("committer timestamp negative", ident_edit(b"committer", lambda l: l[:l.rindex(b">") + 1] + b" -5 +0000"), True))
    m.append(("committer timestamp with plus", ident_edit(b"committer", lambda l: l[:l.rindex(b">") + 1] + b" +5 +0000"), True))
    m.append(("committer timestamp zero-padded", ident_edit(b"committer", lambda l: l.replace(b"> ", b"> 000", 1)), True))
    m.append(("committer timestamp huge", ident_edit(b"committer", lambda l: l[:l.rindex(b">") + 1] + b" 99999999999999999999 +0000"), True))
    m.append(("committer two spaces", ident_edit(b"committer", lambda l: l.replace(b"> ", b">  ", 1)), True))
    m.append(("committer tab", ident_edit(b"committer", lambda l: l.replace(b"> ", b">\t", 1)), True))
    m.append(("committer short timezone", ident_edit(b"committer", lambda l: l[:-2]), True))
    m.append(("committer timezone without sign", ident_edit(b"committer", lambda l: l[:-5] + l[-4:]), True))
    m.append(("committer trailing space", ident_edit(b"committer", lambda l: l + b" "), True))
    m.append(("committer trailing CR", ident_edit(b"committer", lambda l: l + b"\r"), True))
    m.append(("committer no email", ident_edit(b"committer", lambda l: l.replace(b"<", b"").replace(b">", b"")), True))
    m.append(("committer email with spaces and >", ident_edit(b"committer", lambda l: l.replace(b"@", b" at> x ", 1)), True))
    m.append(("committer no name", ident_edit(b"committer", lambda l: b"committer " + l[l.index(b"<"):]), True))
    m.append(("unknown header last", lambda f, b: join(f + [[b"x-custom value"]], b), True))
    m.append(("unknown header with continuation", lambda f, b: join(f + [[b"x-custom a", b" b", b"  c"]], b), True))
    m.append(("header without value", lambda f, b: join(f + [[b"flag"]], b), True))
    m.append(("unknown header after tree", lambda f, b: join(insert(f, 1, [b"x-custom value"]), b), True))
    m.append(("unknown header before author", lambda f, b: join(insert(f, where(f, b"author")[0], [b"x-custom value"]), b), True))
    m.append(("unknown header before committer", lambda f, b: join(insert(f, where(f, b"committer")[0], [b"x-custom value"]), b), True))
    m.append(("encoding", lambda f, b: join(insert(f, after_last(f, b"committer"), [b"encoding ISO-8859-1"]), b), True))
    m.append(("encoding twice", lambda f, b: join(insert(f, after_last(f, b"committer"), [b"encoding ISO-8859-1"], [b"encoding UTF-8"]), b), True))
    m.append(("mergetag", lambda f, b: join(insert(f, after_last(f, b"committer"), ctx.mergetag), b), True))
    m.append(("mergetag last", lambda f, b: join(f + [ctx.mergetag], b), True))
    m.append(("mergetag twice", lambda f, b: join(f + [ctx.mergetag, ctx.mergetag], b), True))
    m.append(("gpgsig-sha256 added", lambda f, b: join(f + [ctx.sha256sig], b), False))
    m.append(("gpgsig-sha256 before gpgsig", lambda f, b: join(insert(f, after_last(f, b"committer"), ctx.sha256sig), b), False))
    m.append(("gpgsig-sha256 twice", lambda f, b: join(f + [ctx.sha256sig, ctx.sha256sig], b), False))
    m.append(("gpgsigx header", lambda f, b: join(f + [[b"gpgsigx -----BEGIN SSH SIGNATURE-----", b" abc"]], b), False))
    m.append(("bare gpgsig line", lambda f, b: join(f + [[b"gpgsig"]], b), False))
    m.append(("gpgsig twice", lambda f, b: join(f + [f[where(f, b"gpgsig")[0]]], b) if where(f, b"gpgsig") else None, False))
    m.append(("gpgsig junk second", lambda f, b: join(f + [[b"gpgsig junk"]], b) if where(f, b"gpgsig") else None, False))
    m.append(("gpgsig after tree", lambda f, b: join(insert(without(f, b"gpgsig"), 1, f[where(f, b"gpgsig")[0]]), b) if where(f, b"gpgsig") else None, False))
    m.append(("gpgsig first", lambda f, b: join(insert(without(f, b"gpgsig"), 0, f[where(f, b"gpgsig")[0]]), b) if where(f, b"gpgsig") else None, False))
    m.append(("gpgsig before author", lambda f, b: join(move_before(f, b"gpgsig", b"author"), b), False))
    m.append(("gpgsig before committer", lambda f, b: join(move_before(f, b"gpgsig", b"committer"), b), False))
    m.append(("gpgsig lines CRLF", lambda f, b: join([[l + b"\r" for l in x] if name(x) == b"gpgsig" else x for x in f], b) if where(f, b"gpgsig") else None, False))
    m.append(("gpgsig empty armour line", lambda f, b: join([x[:2] + [b" "] + x[2:] if name(x) == b"gpgsig" else x for x in f], b) if where(f, b"gpgsig") else None, False))
    m.append(("gpgsig junk after end", lambda f, b: join([x + [b" junk"] if name(x) == b"gpgsig" else x for x in f], b) if where(f, b"gpgsig") else None, False))
    m.append(("continuation after tree", lambda f, b: join([f[0] + [b" x"]] + f[1:], b), True))
    m.append(("continuation after author", lambda f, b: join([x + [b" x"] if name(x) == b"author" else x for x in f], b), True))
    m.append(("continuation after committer", lambda f, b: join([x + [b" x"] if name(x) == b"committer" else x for x in f], b), True))
    m.append(("continuation first", lambda f, b: b" x\n" + join(f, b), False))
    m.append(("blank line first", lambda f, b: b"\n" + join(f, b), False))
    m.append(("all CRLF", lambda f, b: join(f, b).replace(b"\n", b"\r\n"), False))
    m.append(("tree line CRLF", lambda f, b: join([[f[0][0] + b"\r"]] + f[1:], b), True))
    m.append(("tree trailing space", lambda f, b: join([[f[0][0] + b" "]] + f[1:], b), True))
    m.append(("tree two spaces", lambda f, b: join([[f[0][0].replace(b" ", b"  ", 1)]] + f[1:], b), True))
    m.append(("tree uppercase", lambda f, b: join([[b"tree " + f[0][0][5:].upper()]] + f[1:], b), True))
    m.append(("tree short", lambda f, b: join([[f[0][0][:-1]]] + f[1:], b), True))
    m.append(("parent trailing space", lambda f, b: join([x if name(x) != b"parent" else [x[0] + b" "] for x in f], b) if where(f, b"parent") else None, True))
    m.append(("NUL in committer name", ident_edit(b"committer", lambda l: l.replace(b"committer ", b"committer a\0", 1)), True))
    m.append(("NUL in message", lambda f, b: join(f, b + b"a\0b\n"), True))
    m.append(("message CRLF", lambda f, b: join(f, b.replace(b"\n", b"\r\n")), True))
    m.append(("message without newline", lambda f, b: join(f, b.rstrip(b"\n")), True))
    m.append(("empty message", lambda f, b: join(f, b""), True))
    m.append(("message with headers", lambda f, b: join(f, b"tree " + ctx.other_tree + b"\nparent " + ctx.other_commit + b"\n\n" + b), True))
    m.append(("message with gpgsig", lambda f, b: join(f, b + b"\ngpgsig -----BEGIN SSH SIGNATURE-----\n"), True))
    m.append(("headers only", lambda f, b: join(f, b"")[:-1], False))
    m.append(("truncated", lambda f, b: join(f, b)[:join(f, b).index(b"\n\n") - 3], False))
    m.append(("armour as header", lambda f, b: join(f + [[b"-----BEGIN SSH SIGNATURE----- x"]], b), True))
    return m


def swap(fields, i, j):
    f = [list(x) for x in fields]
    f[i], f[j] = f[j], f[i]
    return f


def move_before(fields, moving, anchor):
    src = where(fields, moving)
    if not src:
        return None
    rest = [f for i, f in enumerate(fields) if i != src[0]]
    at = where(rest, anchor)
    if not at:
        return None
    return insert(rest, at[0], fields[src[0]])


def resign_commit(signer, raw, key="alice", position=None, namespace="git"):
    """raw without gpgsig headers (git's payload when the new header is one block), signed by
    `key`, with the gpgsig block at `position` (None: after the last header, as git does)."""
    try:
        fields, body = split(raw)
    except ValueError:
        return None
    fields = without(fields, b"gpgsig")
    payload = join(fields, body)
    sig = signer.gpgsig(payload, key, namespace)
    at = len(fields) if position is None else min(position, len(fields))
    return join(insert(fields, at, sig), body)


def random_commit_ops(rng, fields, ctx):
    """1 to 3 random structural edits."""
    f = [list(x) for x in fields]
    for _ in range(rng.randint(1, 3)):
        op = rng.choice(["dup", "del", "move", "swap", "extra", "tree", "parent", "ident"])
        i = rng.randrange(len(f))
        j = rng.randrange(len(f) + 1)
        if op == "dup":
            f = insert(f, j, f[i])
        elif op == "del" and len(f) > 1:
            f = f[:i] + f[i + 1:]
        elif op == "move":
            x = f.pop(i)
            f.insert(min(j, len(f)), x)
        elif op == "swap":
            j = rng.randrange(len(f))
            f[i], f[j] = f[j], f[i]
        elif op == "extra":
            f = insert(f, j, rng.choice([[b"x-extra v"], [b"encoding UTF-8"], ctx.mergetag, ctx.sha256sig, [b"flag"]]))
        elif op == "tree":
            f = insert(f, j, [b"tree " + ctx.other_tree])
        elif op == "parent":
            f = insert(f, j, [b"parent " + ctx.other_commit])
        elif op == "ident":
            f = insert(f, j, [rng.choice([b"author", b"committer"]) + b" R <r@example.org> 1700000000 +0000"])
    return f


# ------------------------------------------------------------------------------------------
# Tags

def tag_mutations(ctx):
    m = []

    def edit(which, fn):
        def go(fields, body):
            idx = where(fields, which)
            if not idx:
                return None
            f = [list(x) for x in fields]
            f[idx[0]][0] = fn(f[idx[0]][0])
            return join(f, body)
        return go

    def after(f, n):
        idx = where(f, n)
        return idx[-1] + 1 if idx else len(f)

    m.append(("seed", lambda f, b: join(f, b), False))
    for header in (b"object", b"type", b"tag", b"tagger"):
        m.append((header.decode() + " twice", lambda f, b, h=header: join(insert(f, after(f, h), f[where(f, h)[0]]), b) if where(f, h) else None, True))
        m.append((header.decode() + " again last", lambda f, b, h=header: join(f + [f[where(f, h)[0]]], b) if where(f, h) else None, True))
        m.append(("no " + header.decode(), lambda f, b, h=header: join(without(f, h), b), True))
    m.append(("type before object", lambda f, b: join(swap(f, 0, 1), b), True))
    m.append(("tagger before tag", lambda f, b: join(swap(f, 2, 3), b) if len(f) > 3 else None, True))
    m.append(("empty name", edit(b"tag", lambda l: b"tag "), True))
    m.append(("bare tag line", edit(b"tag", lambda l: b"tag"), True))
    m.append(("name with spaces", edit(b"tag", lambda l: l + b" and more"), True))
    m.append(("name trailing space", edit(b"tag", lambda l: l + b" "), True))
    m.append(("name with CR", edit(b"tag", lambda l: l + b"\r"), True))
    m.append(("type tree", edit(b"type", lambda l: b"type tree"), True))
    m.append(("type blob", edit(b"type", lambda l: b"type blob"), True))
    m.append(("type tag", edit(b"type", lambda l: b"type tag"), True))
    m.append(("type commit", edit(b"type", lambda l: b"type commit"), True))
    m.append(("type unknown", edit(b"type", lambda l: b"type commitx"), True))
    m.append(("type capitalised", edit(b"type", lambda l: l.capitalize()), True))
    m.append(("type trailing space", edit(b"type", lambda l: l + b" "), True))
    m.append(("object other commit", edit(b"object", lambda l: b"object " + ctx.other_commit), True))
    m.append(("object other tree", edit(b"object", lambda l: b"object " + ctx.other_tree), True))
    m.append(("object uppercase", edit(b"object", lambda l: l.upper().replace(b"OBJECT", b"object")), True))
    m.append(("object trailing space", edit(b"object", lambda l: l + b" "), True))
    m.append(("tagger without timestamp", edit(b"tagger", lambda l: l[:l.rindex(b">") + 1]), True))
    m.append(("tagger without timezone", edit(b"tagger", lambda l: l[:l.rindex(b" ")]), True))
    m.append(("tagger trailing space", edit(b"tagger", lambda l: l + b" "), True))
    m.append(("extra header", lambda f, b: join(f + [[b"x-extra value"]], b), True))
    m.append(("extra header with continuation", lambda f, b: join(f + [[b"x-extra a", b" b"]], b), True))
    m.append(("extra header before tagger", lambda f, b: join(insert(f, 3, [b"x-extra value"]), b), True))
    m.append(("extra header, no tagger", lambda f, b: join(without(f, b"tagger") + [[b"x-extra value"]], b), True))
    m.append(("continuation after tagger", lambda f, b: join([x + [b" x"] if name(x) == b"tagger" else x for x in f], b), True))
    m.append(("continuation after tag", lambda f, b: join([x + [b" x"] if name(x) == b"tag" else x for x in f], b), True))
    m.append(("gpgsig-sha256 header", lambda f, b: join(f + [ctx.sha256sig], b), False))
    m.append(("gpgsig header", lambda f, b: join(f + [[b"gpgsig -----BEGIN SSH SIGNATURE-----", b" abc"]], b), False))
    m.append(("armour as header", lambda f, b: join(f + [[b"-----BEGIN SSH SIGNATURE-----"]], b), True))
    m.append(("all CRLF", lambda f, b: join(f, b).replace(b"\n", b"\r\n"), False))
    m.append(("NUL in name", edit(b"tag", lambda l: l + b"\0x"), True))
    m.append(("headers only", lambda f, b: join(f, b"")[:-1], False))
    m.append(("message only blank", lambda f, b: join(f, b""), True))
    m.append(("message without newline", lambda f, b: join(f, split_tag_body(b)[0].rstrip(b"\n")), True))
    m.append(("signature twice", lambda f, b: join(f, b + split_tag_body(b)[1]) if split_tag_body(b)[1] else None, False))
    m.append(("quoted armour after signature", lambda f, b: join(f, b + b"-----BEGIN PGP SIGNATURE-----\nx\n-----END PGP SIGNATURE-----\n"), False))
    m.append(("text after signature", lambda f, b: join(f, b + b"trailing text\n") if split_tag_body(b)[1] else None, False))
    m.append(("signature CRLF", lambda f, b: join(f, split_tag_body(b)[0] + split_tag_body(b)[1].replace(b"\n", b"\r\n")) if split_tag_body(b)[1] else None, False))
    m.append(("signature indented", lambda f, b: join(f, split_tag_body(b)[0] + b" " + split_tag_body(b)[1]) if split_tag_body(b)[1] else None, False))
    m.append(("message edited", lambda f, b: join(f, b"edited\n" + b), False))
    return m


def resign_tag(signer, raw, key="alice", namespace="git"):
    try:
        fields, body = split(raw)
    except ValueError:
        return None
    message, _ = split_tag_body(body)
    payload = join(fields, message)
    return payload + signer.armour(payload, key, namespace)


# ------------------------------------------------------------------------------------------

class Out:
    def __init__(self, directory):
        self.dir = directory
        self.n = 0
        self.seen = set()
        self.manifest = open(os.path.join(directory, "manifest.tsv"), "w")

    def add(self, kind, raw, description, must_accept=False):
        if raw is None or (kind, raw) in self.seen:
            return
        self.seen.add((kind, raw))
        self.n += 1
        ident = "%04d" % self.n
        with open(os.path.join(self.dir, ident + "." + kind), "wb") as f:
            f.write(raw)
        self.manifest.write("%s\t%s\t%d\t%s\n" % (ident, kind, 1 if must_accept else 0, description))


class Ctx:
    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--other-tree", required=True)
    ap.add_argument("--other-commit", required=True)
    ap.add_argument("--keys", required=True)
    ap.add_argument("--seed", type=int, default=105)
    ap.add_argument("--random", type=int, default=120, help="random commit edits")
    ap.add_argument("--sample", type=int, default=8, help="mutations of each seed not labelled full")
    ap.add_argument("--full", default="signed,merge,root,nested", help="seeds that get every mutation")
    ap.add_argument("seeds", nargs="+")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    FULL = set(args.full.split(","))
    signer = Signer(args.keys)
    out = Out(args.out)
    ctx = Ctx()
    ctx.other_tree = args.other_tree.encode()
    ctx.other_commit = args.other_commit.encode()
    seeds = []
    for spec in args.seeds:
        kind, label, path = spec.split(":", 2)
        with open(path, "rb") as f:
            seeds.append((kind, label, f.read()))
    commits = [(label, raw) for kind, label, raw in seeds if kind == "commit"]
    tags = [(label, raw) for kind, label, raw in seeds if kind == "tag"]
    # A real signed tag as a mergetag header, and a stand-in SHA-256 signature header.
    tag_raw = tags[0][1]
    lines = tag_raw.rstrip(b"\n").split(b"\n")
    ctx.mergetag = [b"mergetag " + lines[0]] + [b" " + line for line in lines[1:]]
    ctx.sha256sig = signer.gpgsig(b"not this object", "bob", header=b"gpgsig-sha256")

    for label, raw in commits:
        fields, body = split(raw)
        mutations = commit_mutations(ctx)
        if label not in FULL:  # the other seeds: a sample, enough to vary parents and headers
            mutations = mutations[:1] + rng.sample(mutations[1:], args.sample)
        for what, fn, resign in mutations:
            try:
                result = fn(fields, body)
            except (ValueError, IndexError, TypeError):
                result = None
            if result is None:
                continue
            out.add("commit", result, "%s: %s" % (label, what), must_accept=(what == "seed"))
            if resign and label == "signed":
                out.add("commit", resign_commit(signer, result), "%s: %s, re-signed by alice" % (label, what))
    # Where the signature block sits: git takes it from anywhere in the header section.
    label, raw = commits[0]
    fields, body = split(raw)
    for position in range(len(fields) + 1):
        out.add("commit", resign_commit(signer, raw, "alice", position), "%s: re-signed with gpgsig at header %d" % (label, position))
    out.add("commit", resign_commit(signer, raw, "mallory"), "%s: re-signed by mallory" % label)
    out.add("commit", resign_commit(signer, raw, "bob"), "%s: re-signed by bob" % label)
    out.add("commit", resign_commit(signer, raw, "alice", None, "file"), "%s: re-signed by alice in namespace file" % label)
    # Random edits of random seeds, half of them re-signed by a random key.
    for k in range(args.random):
        label, raw = rng.choice(commits)
        fields, body = split(raw)
        result = join(random_commit_ops(rng, fields, ctx), body)
        if rng.random() < 0.5:
            key = rng.choice(["alice", "bob", "mallory"])
            pos = rng.choice([None, None, rng.randrange(8)])
            out.add("commit", resign_commit(signer, result, key, pos), "%s: random edit %d, re-signed by %s at %s" % (label, k, key, pos))
        else:
            out.add("commit", result, "%s: random edit %d" % (label, k))

    for label, raw in tags:
        fields, body = split(raw)
        mutations = tag_mutations(ctx)
        if label not in FULL:
            mutations = mutations[:1] + rng.sample(mutations[1:], args.sample)
        for what, fn, resign in mutations:
            try:
                result = fn(fields, body)
            except (ValueError, IndexError, TypeError):
                result = None
            if result is None:
                continue
            out.add("tag", result, "%s: %s" % (label, what), must_accept=(what == "seed"))
            if resign and label == "signed":
                out.add("tag", resign_tag(signer, result), "%s: %s, re-signed by alice" % (label, what))
    label, raw = tags[0]
    out.add("tag", resign_tag(signer, raw, "mallory"), "%s: re-signed by mallory" % label)
    out.add("tag", resign_tag(signer, raw, "alice", "file"), "%s: re-signed by alice in namespace file" % label)
    out.manifest.close()
    print(out.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
