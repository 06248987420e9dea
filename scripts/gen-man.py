#!/usr/bin/env python3
"""Writes the manual pages of the Debian package from what is already written elsewhere, so they
cannot drift from it:

  auths.1              every command's --help text, read from the built `auths` binary
  auths-policy.toml.5  README.md's sections on the policy file
  auths-hooks.yaml.5   README.md's section on the server configuration

  scripts/gen-man.py --auths build/bin/auths --readme README.md --out DIR [--version V]

Each page is written as DIR/<name>.<section> (plain roff; the packaging gzips them).
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

# README sections (level-2 headings, with their level-3 subsections) per page.
POLICY_SECTIONS = ["The policy file in 30 seconds", "Approvals and quorums", "Reason codes"]
HOOKS_YAML_SECTIONS = ["Server configuration (hooks.yaml)"]


def roff_escape(text):
    text = text.replace("\\", "\\e")
    text = text.replace("-", "\\-")
    return text


def inline(text):
    """Markdown inline markup to roff: `code` and **bold** become bold, links keep their text."""
    out = []
    pos = 0
    pattern = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\([^)]+\)")
    for m in pattern.finditer(text):
        out.append(roff_escape(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append("\\fB" + roff_escape(m.group(1)) + "\\fR")
        elif m.group(2) is not None:
            out.append("\\fB" + roff_escape(m.group(2)) + "\\fR")
        else:
            out.append(roff_escape(m.group(3)))
        pos = m.end()
    out.append(roff_escape(text[pos:]))
    return "".join(out)


def line_start_safe(line):
    """A roff text line must not start with '.' or "'" (it would be a request)."""
    if line.startswith(".") or line.startswith("'"):
        return "\\&" + line
    return line


def markdown_to_roff(lines):
    out = []
    in_code = False
    paragraph = []

    def flush():
        if paragraph:
            out.append(line_start_safe(inline(" ".join(s.strip() for s in paragraph))))
            paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            flush()
            if in_code:
                out.append(".fi")
                out.append(".RE")
                out.append(".PP")
                in_code = False
            else:
                out.append(".PP")
                out.append(".RS 2")
                out.append(".nf")
                in_code = True
            i += 1
            continue
        if in_code:
            out.append(line_start_safe(roff_escape(line)))
            i += 1
            continue
        if line.startswith("## "):
            flush()
            out.append(".SH " + roff_escape(line[3:].strip().upper()))
        elif line.startswith("### "):
            flush()
            out.append(".SS " + roff_escape(line[4:].strip()))
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                i += 1
                continue
            if len(cells) >= 2:
                out.append(".TP")
                out.append(line_start_safe(inline(cells[0])))
                out.append(line_start_safe(inline(" | ".join(cells[1:]))))
        elif re.match(r"^\s*[-*] ", line):
            flush()
            item = [re.sub(r"^\s*[-*] ", "", line)]
            while i + 1 < len(lines) and lines[i + 1].startswith("  ") and lines[i + 1].strip():
                i += 1
                item.append(lines[i])
            out.append(".IP \\(bu 2")
            out.append(line_start_safe(inline(" ".join(s.strip() for s in item))))
        elif not line.strip():
            flush()
            if out and out[-1] not in (".PP",) and not out[-1].startswith(".SH") and not out[-1].startswith(".SS"):
                out.append(".PP")
        else:
            paragraph.append(line)
        i += 1
    flush()
    if in_code:
        out.append(".fi")
    return out


def readme_sections(readme, titles):
    """The lines of each level-2 (or level-3) section named in `titles`, headings included."""
    lines = readme.splitlines()
    picked = []
    for title in titles:
        start = None
        level = 0
        for n, line in enumerate(lines):
            m = re.match(r"^(#{2,3}) (.*)$", line)
            if m and m.group(2).strip() == title:
                start, level = n, len(m.group(1))
                break
        if start is None:
            sys.exit("gen-man.py: README.md has no section '%s'" % title)
        end = len(lines)
        in_code = False
        for n in range(start + 1, len(lines)):
            if lines[n].startswith("```"):
                in_code = not in_code
            m = None if in_code else re.match(r"^(#{1,3}) ", lines[n])
            if m and len(m.group(1)) <= level:
                end = n
                break
        section = lines[start:end]
        if level == 3:
            section[0] = "## " + section[0][4:]
        picked.extend(section)
        picked.append("")
    return picked


def header(name, section, version, date, title):
    return [
        '.\\" Generated by scripts/gen-man.py: edit README.md or the --help texts, not this file.',
        '.TH "%s" "%s" "%s" "auths-hooks %s" "%s"' % (name.upper(), section, date, version, title),
    ]


def help_text(auths, path):
    result = subprocess.run([auths] + path + ["--help"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit("gen-man.py: '%s --help' failed: %s" % (" ".join(["auths"] + path), result.stderr.strip()))
    return result.stdout


def subcommands(text):
    names = []
    in_list = False
    for line in text.splitlines():
        if line.strip() == "Subcommands:":
            in_list = True
            continue
        if in_list:
            m = re.match(r"^  (\S+)\s", line)
            if m:
                names.append(m.group(1))
            elif line.strip() and not line.startswith("    "):
                in_list = False
    return names


def command_pages(auths):
    """Every command's help, depth first: (path, text)."""
    out = []

    def walk(path):
        text = help_text(auths, path)
        out.append((path, text))
        for name in subcommands(text):
            walk(path + [name])

    walk([])
    return out


def auths_page(auths, version, date):
    lines = header("auths", "1", version, date, "auths-hooks manual")
    commands = command_pages(auths)
    top = commands[0][1].splitlines()
    lines += [".SH NAME", "auths \\- " + roff_escape(top[0].split(": ", 1)[-1] if top else "")]
    lines += [".SH SYNOPSIS", ".B auths", "\\fICOMMAND\\fR [\\fISUBCOMMAND\\fR] [\\fIOPTIONS\\fR]"]
    lines += [
        ".SH DESCRIPTION",
        "\\fBauths\\fR manages identities, devices, organizations and policies, and runs or installs",
        "the server hooks (\\fBauths-pre-receive\\fR, \\fBauths-update\\fR, \\fBauths-post-receive\\fR)",
        "that accept a push only when every new commit and tag satisfies",
        "\\fI.auths/policy.toml\\fR of the repository; see \\fBauths-policy.toml\\fR(5).",
        "The server's own settings are in \\fI/etc/auths/hooks.yaml\\fR; see \\fBauths-hooks.yaml\\fR(5).",
        ".SH COMMANDS",
    ]
    for path, text in commands[1:]:
        lines.append(".SS auths " + roff_escape(" ".join(path)))
        lines.append(".nf")
        for raw in text.rstrip("\n").splitlines():
            lines.append(line_start_safe(roff_escape(raw)))
        lines.append(".fi")
    lines += [
        ".SH EXIT STATUS",
        "Hooks and \\fBauths hook run\\fR: 0 accepted, 1 refused by the policy, 2 could not decide",
        "(fail closed). Other commands: 0 success, 1 a check failed, 2 bad input or an error.",
        ".SH ENVIRONMENT",
        ".TP",
        ".B AUTHS_HOME",
        "The identity home of the key store (default \\fI~/.auths\\fR).",
        ".TP",
        ".B AUTHS_HOOKS_CONFIG",
        "The server configuration file the hooks read (default \\fI/etc/auths/hooks.yaml\\fR).",
        ".SH FILES",
        ".TP",
        ".I .auths/policy.toml",
        "The policy, committed on the default branch of each repository.",
        ".TP",
        ".I /etc/auths/hooks.yaml",
        "The server configuration.",
        ".TP",
        ".I /usr/share/doc/auths\\-hooks/examples/",
        "Example policies and an example hooks.yaml.",
        ".SH SEE ALSO",
        "\\fBauths\\-policy.toml\\fR(5), \\fBauths\\-hooks.yaml\\fR(5), \\fBgithooks\\fR(5), \\fBssh\\-keygen\\fR(1)",
    ]
    return lines


def readme_page(readme, name, section, version, date, summary, titles):
    lines = header(name, section, version, date, "auths-hooks manual")
    lines += [".SH NAME", roff_escape(name) + " \\- " + roff_escape(summary)]
    lines += markdown_to_roff(readme_sections(readme, titles))
    lines += [".SH SEE ALSO", "\\fBauths\\fR(1)"]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--auths", required=True, help="the built auths binary")
    parser.add_argument("--readme", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--version", default="")
    args = parser.parse_args()
    with open(args.readme, encoding="utf-8") as f:
        readme = f.read()
    # A reproducible date: the one SOURCE_DATE_EPOCH gives (Debian's convention), else today.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch else datetime.datetime.now(
        datetime.timezone.utc)
    date = when.strftime("%Y-%m-%d")
    os.makedirs(args.out, exist_ok=True)
    pages = {
        "auths.1": auths_page(args.auths, args.version, date),
        "auths-policy.toml.5": readme_page(readme, "auths-policy.toml", "5", args.version, date,
                                           "the policy file of a repository protected by auths-hooks",
                                           POLICY_SECTIONS),
        "auths-hooks.yaml.5": readme_page(readme, "auths-hooks.yaml", "5", args.version, date,
                                          "the server configuration of the auths-hooks hooks",
                                          HOOKS_YAML_SECTIONS),
    }
    for filename, lines in pages.items():
        with open(os.path.join(args.out, filename), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
