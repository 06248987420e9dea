#!/usr/bin/env python3
"""wall_us.py INPUT OUTPUT DIR COMMAND...: runs COMMAND as git runs a hook (in DIR, GIT_DIR=DIR,
standard input from the file INPUT, standard output and error to the file OUTPUT) and prints its
wall time in microseconds, from just before the process is created to just after it is reaped.
Exits with COMMAND's status (128 + N when signal N ended it).

Used by scripts/bench/lib.sh (bench_wall_us) to time commands that take a few milliseconds:
posix_spawn creates the process without copying this one, and nothing else runs between the two
clock readings. A shell would fork itself first, and that copy costs a shell's worth of page
tables inside the timed span."""

import os
import sys
import time


def main() -> int:
    if len(sys.argv) < 5:
        sys.stderr.write("usage: wall_us.py INPUT OUTPUT DIR COMMAND...\n")
        return 2
    source, target, directory = sys.argv[1:4]
    command = sys.argv[4:]
    env = dict(os.environ, GIT_DIR=directory)
    stdin = os.open(source, os.O_RDONLY)
    stdout = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.chdir(directory)
    actions = [(os.POSIX_SPAWN_DUP2, stdin, 0), (os.POSIX_SPAWN_DUP2, stdout, 1), (os.POSIX_SPAWN_DUP2, stdout, 2)]
    start = time.perf_counter_ns()
    pid = os.posix_spawnp(command[0], command, env, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    end = time.perf_counter_ns()
    print((end - start) // 1000)
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main())
