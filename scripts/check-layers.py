#!/usr/bin/env python3
"""Checks that every #include "…" in src/ follows the layer order written in
docs/ARCHITECTURE.md, and that no include cycle exists anywhere in src/.

The order is read from the document, between the lines
    <!-- layers -->  and  <!-- /layers -->
as one layer per line, top to bottom, each line a list of the units in it:
    main.c cli.c
    api/
    ...
A unit is a top-level file of src/ (`app.c` covers app.c and app.h) or a
folder (`store/` covers everything below it); a folder inside a folder
may be a unit of its own (`domain/children/`), and a file belongs to the
longest unit that holds it.  A file may include its own unit and any unit
of a LOWER layer; units on one line are peers and may not include each
other.  Inside a unit any include is allowed, but the include
graph of the whole tree must have no cycle, counted between modules (a
module is a .c and its .h: account.c including audit.h while audit.c
includes account.h is a cycle).

Exit status 0 when everything holds; 1 with one line per broken rule.
Run by scripts/test.sh; standard library only."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
DOC = ROOT / "docs" / "ARCHITECTURE.md"
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_layers():
    text = DOC.read_text(encoding="utf-8")
    m = re.search(r"<!-- layers -->\n(.*?)<!-- /layers -->", text, re.S)
    if not m:
        sys.exit(f"{DOC}: no <!-- layers --> … <!-- /layers --> block")
    rank = {}
    lines = [l.strip().strip("`") for l in m.group(1).splitlines()]
    lines = [l for l in lines if l and not l.startswith("```")]
    for i, line in enumerate(lines):
        for unit in line.replace("`", "").split():
            rank[unit] = len(lines) - i  # higher number = higher layer
    return rank


def unit_of(rel, rank):
    """'domain/children/child.c' -> 'domain/children/' when that folder is
    a unit, else 'domain/'; 'app.h' -> 'app.c'."""
    if "/" not in rel:
        return rel[:-2] + ".c"
    parts = rel.split("/")[:-1]
    for n in range(len(parts), 0, -1):
        folder = "/".join(parts[:n]) + "/"
        if folder in rank:
            return folder
    return parts[0] + "/"


def main():
    rank = read_layers()
    files = sorted(p for p in SRC.rglob("*") if p.suffix in (".c", ".h"))
    graph = {}
    problems = []
    for p in files:
        rel = p.relative_to(SRC).as_posix()
        u = unit_of(rel, rank)
        if u not in rank:
            problems.append(f"src/{rel}: its unit {u} is in no layer of {DOC.name}")
            continue
        deps = []
        for inc in INCLUDE.findall(p.read_text(encoding="utf-8", errors="replace")):
            if not (SRC / inc).exists():
                continue  # a system or generated header
            if inc[:-2] != rel[:-2]:
                deps.append(inc[:-2])
            v = unit_of(inc, rank)
            if v == u:
                continue
            if v not in rank:
                problems.append(f"src/{rel}: includes {inc}, whose unit {v} is in no layer")
            elif rank[v] >= rank[u]:
                how = "a peer of" if rank[v] == rank[u] else "a higher layer than"
                problems.append(f"src/{rel}: includes {inc}: {v} is {how} {u}")
        graph.setdefault(rel[:-2], []).extend(deps)

    # Cycles: depth-first search; each cycle reported once, from its
    # smallest file name.
    seen_cycles = set()
    state = {}
    stack = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for d in graph.get(n, ()):
            if state.get(d) == 1:
                cyc = stack[stack.index(d):]
                k = cyc.index(min(cyc))
                key = tuple(cyc[k:] + cyc[:k])
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    problems.append("include cycle: " + " -> ".join(key + (key[0],)))
            elif state.get(d) is None:
                visit(d)
        stack.pop()
        state[n] = 2

    sys.setrecursionlimit(10000)
    for n in sorted(graph):
        if n not in state:
            visit(n)

    for line in problems:
        print(line)
    print(f"layers: {len(files)} files, {sum(len(v) for v in graph.values())} includes, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
