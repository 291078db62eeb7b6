#!/usr/bin/env python3
"""tests/tree/check_sizes.py — the size limits of the house style, checked.

No function in sim/ or models/ longer than MAX_FUNC lines and no .c file longer than
MAX_FILE lines. A function is counted from the line holding its name to its closing
brace: the house style (.clang-format) puts a definition's opening brace alone at
column 0 and its closing brace alone at column 0, which is what this looks for.

Usage: check_sizes.py SOURCE_ROOT [--list]   (--list prints every function's length,
longest first). Exit 0 when within the limits, 1 with one line per offender.
"""
import os
import re
import sys

MAX_FUNC = 100
MAX_FILE = 1000
ROOTS = ("sim", "models")
# Folders not yet held to the limits (being split elsewhere); checked once they are.
EXCLUDE = ()

NAME_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def c_files(root):
    for top in ROOTS:
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                if n.endswith(".c"):
                    path = os.path.relpath(os.path.join(d, n), root)
                    yield path.replace(os.sep, "/")


def functions(lines):
    """Yields (name, first line, length) of every function definition."""
    i = 0
    while i < len(lines):
        if lines[i].rstrip() != "{":
            i += 1
            continue
        # The signature: back up over the lines of the declarator to its name.
        start = i - 1
        while start > 0 and not NAME_RE.search(lines[start]):
            start -= 1
        while start > 0 and lines[start][:1] in (" ", "\t"):
            start -= 1
        m = NAME_RE.search(lines[start])
        name = m.group(1) if m else "?"
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != "}":
            end += 1
        yield name, start + 1, end - start + 1
        i = end + 1


def main(argv):
    root = argv[1]
    listing = "--list" in argv
    bad = []
    every = []
    for path in c_files(root):
        with open(os.path.join(root, path), encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        excluded = path.startswith(EXCLUDE)
        if not excluded and len(lines) > MAX_FILE:
            bad.append(f"{path}: {len(lines)} lines (limit {MAX_FILE})")
        for name, line, length in functions(lines):
            every.append((length, f"{path}:{line}: {name}"))
            if not excluded and length > MAX_FUNC:
                bad.append(f"{path}:{line}: {name}() is {length} lines (limit {MAX_FUNC})")
    if listing:
        for length, where in sorted(every, reverse=True):
            print(f"{length:5d} {where}")
        return 0
    for b in bad:
        print(b)
    if not bad:
        print(f"ok: no .c file over {MAX_FILE} lines, no function over {MAX_FUNC} "
              f"(excluding {', '.join(EXCLUDE)})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
