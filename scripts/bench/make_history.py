#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a long history, for the benchmarks of a push to a big
repository (scripts/bench/bigrepo.sh). Unsigned commits: only the pushed commit is judged.

  refs/heads/main: COMMITS commits in a line. The first adds .auths/policy.toml (read from the
                   file POLICY); every commit then changes one of 16 small files in src/, so each
                   has its own tree (1 blob, 2 trees and 1 commit per commit).
  REFS more refs:  spread evenly over that history, in turn a branch (refs/heads/topic/J), an
                   annotated tag (refs/tags/vJ), a branch and a lightweight tag (refs/tags/lightJ).

usage: make_history.py <COMMITS> <REFS> <POLICY> | git fast-import --quiet"""
import sys

FILES = 16
START = 1_600_000_000  # committer times: one commit a minute from here


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    commits, refs, policy_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    if commits < 1 or refs < 0:
        sys.exit("error: COMMITS must be at least 1 and REFS at least 0")
    with open(policy_path, "rb") as f:
        policy = f.read()
    out = sys.stdout.buffer
    chunk = []
    for i in range(1, commits + 1):
        message = b"history commit %d\n" % i
        content = b"line %d\n" % i
        chunk.append(b"commit refs/heads/main\nmark :%d\ncommitter Bench <bench@example.org> %d +0000\n"
                     b"data %d\n%s" % (i, START + 60 * i, len(message), message))
        if i == 1:
            chunk.append(b"M 100644 inline .auths/policy.toml\ndata %d\n%s\n" % (len(policy), policy))
        chunk.append(b"M 100644 inline src/%d.txt\ndata %d\n%s\n" % (i % FILES, len(content), content))
        if len(chunk) >= 4096:
            out.write(b"".join(chunk))
            chunk = []
    for j in range(refs):
        mark = 1 + j * commits // refs
        kind = j % 4
        if kind in (0, 2):
            chunk.append(b"reset refs/heads/topic/%d\nfrom :%d\n\n" % (j, mark))
        elif kind == 1:
            message = b"release %d\n" % j
            chunk.append(b"tag v%d\nfrom :%d\ntagger Bench <bench@example.org> %d +0000\ndata %d\n%s" %
                         (j, mark, START + 60 * mark, len(message), message))
        else:
            chunk.append(b"reset refs/tags/light%d\nfrom :%d\n\n" % (j, mark))
    out.write(b"".join(chunk))


if __name__ == "__main__":
    main()
