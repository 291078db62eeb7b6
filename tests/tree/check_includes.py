#!/usr/bin/env python3
"""tests/tree/check_includes.py — the layering of docs/architecture.md, checked.

Reads every #include "..." of the .c and .h files under sim/ and models/ and fails
  - when a file includes a header of a higher layer, the layers being, bottom up,
        sim/core < models/link < models/ip < models/tcp < models/apps < sim/drill
        < sim/cli
    (the one allowed exception: the link layer names addresses, models/ip/addr.h);
  - when files of different folders include one another in a cycle. A module (x.c
    with x.h) counts as one node, so "a.c includes b.h, b.c includes a.h" is a cycle.
Cycles inside one folder are one concern (IPv4 sends ICMP errors, ICMP sends through
IPv4) and are allowed.

Usage: check_includes.py SOURCE_ROOT. Exit 0, or 1 with one line per offence.
"""
import os
import re
import sys

LAYERS = ["sim/core", "models/link", "models/ip", "models/tcp", "models/apps", "sim/drill",
          "sim/cli"]
# (including folder, included header) pairs allowed against the layer order.
ALLOWED_UP = {("models/link", "models/ip/addr.h")}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder(path):
    return os.path.dirname(path)


def module(path):
    return os.path.splitext(path)[0]


def read_includes(root):
    """{file: [included paths relative to root]} for sim/ and models/."""
    out = {}
    for top in ("sim", "models"):
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                if not n.endswith((".c", ".h")):
                    continue
                full = os.path.join(d, n)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                with open(full, encoding="utf-8") as f:
                    out[rel] = [m.group(1) for m in map(INCLUDE_RE.match, f) if m]
    return out


def layer_errors(includes):
    errs = []
    for path, incs in sorted(includes.items()):
        src = folder(path)
        if src not in LAYERS:
            errs.append(f"{path}: folder {src} has no place in the layer order")
            continue
        for inc in incs:
            dst = folder(inc)
            if dst not in LAYERS:
                continue
            if LAYERS.index(dst) > LAYERS.index(src) and (src, inc) not in ALLOWED_UP:
                errs.append(f"{path}: includes {inc}, a higher layer ({dst} above {src})")
    return errs


def sccs(graph):
    """Strongly connected components (Tarjan, iterative), in a stable order."""
    index, low, on, stack, comps = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in graph:
                    continue
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(sorted(comp))
    return comps


def cycle_errors(includes):
    graph = {}
    for path, incs in includes.items():
        edges = graph.setdefault(module(path), set())
        for inc in incs:
            if module(inc) != module(path):
                edges.add(module(inc))
    errs = []
    for comp in sccs(graph):
        folders = sorted({folder(m) for m in comp})
        if len(folders) > 1:
            errs.append("include cycle across folders " + ", ".join(folders) + ": " +
                        " ".join(comp))
    return errs


def main(argv):
    includes = read_includes(argv[1])
    errs = layer_errors(includes) + cycle_errors(includes)
    for e in errs:
        print(e)
    if not errs:
        print(f"ok: {len(includes)} files, layers {' < '.join(LAYERS)}, "
              "no include cycle across folders")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
