#!/usr/bin/env python3
"""Import cycles between the modules of a crate (default: daemon/src), at file level.

A module here is a file (`jobs/worker.rs`, `jobs/mod.rs`); an edge A → B is any
`crate::path` (in `use` lines or inline) that names B or something inside B. `super::`
paths count too. Prints each strongly connected component with more than one file;
exits 1 when there is one. Usage: scripts/module-cycles.py [src-dir] [--top]
(`--top` folds files into their top-level module first)."""
import os, re, sys

args = [a for a in sys.argv[1:] if not a.startswith('--')]
top = '--top' in sys.argv
src = args[0] if args else 'daemon/src'

files = {}
for dirpath, _, names in os.walk(src):
    for n in names:
        if n.endswith('.rs'):
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, src)
            parts = rel[:-3].split(os.sep)
            if parts[-1] == 'mod':
                parts = parts[:-1]
            if parts in (['lib'], ['main']):
                parts = []
            files[tuple(parts)] = p

def strip_tests(text):
    # `#[cfg(test)] mod tests { … }` is not part of the module graph.
    i = text.find('#[cfg(test)]\nmod tests')
    return text if i < 0 else text[:i]

def resolve(path):
    """The longest module prefix of `path` (a tuple of segments)."""
    for k in range(len(path), 0, -1):
        if tuple(path[:k]) in files:
            return tuple(path[:k])
    return None

edges = {m: set() for m in files}
path_re = re.compile(r'\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)')
group_re = re.compile(r'\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*?)\}', re.S)
for mod, p in files.items():
    text = strip_tests(open(p).read())
    is_dir_mod = p.endswith('mod.rs') or p.endswith('lib.rs')
    def base(kind):
        if kind == 'crate':
            return []
        # super:: of jobs/worker.rs is jobs; of jobs/mod.rs is the parent of jobs.
        return list(mod[:-1]) if not is_dir_mod else list(mod[:-1])
    targets = []
    for kind, rest in path_re.findall(text):
        targets.append(base(kind) + rest.split('::')[1:])
    for kind, rest, inner in group_re.findall(text):
        prefix = base(kind) + [s for s in rest.split('::') if s]
        for item in re.split(r'[,\s]+', inner):
            name = item.split('::')[0].strip('{} ')
            if re.match(r'^[a-z_][a-z0-9_]*$', name) and name != 'self':
                targets.append(prefix + [name])
    for t in targets:
        r = resolve(t)
        if r is not None and r != mod and not (len(r) < len(mod) and mod[:len(r)] == r and files[r].endswith(('mod.rs','lib.rs')) and r == ()):
            edges[mod].add(r)

if top:
    folded = {}
    for a, bs in edges.items():
        ta = a[:1]
        folded.setdefault(ta, set())
        for b in bs:
            if b[:1] != ta and b[:1]:
                folded[ta].add(b[:1])
    edges = folded

# Tarjan's SCC.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)
def strong(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        sccs.append(comp)
for v in list(edges):
    if v not in index:
        strong(v)
cycles = [c for c in sccs if len(c) > 1]
name = lambda m: '/'.join(m) or '(root)'
for c in cycles:
    print(f'cycle of {len(c)}: ' + ', '.join(sorted(name(m) for m in c)))
    for a in sorted(c):
        outs = sorted(name(b) for b in edges[a] if b in c)
        print(f'  {name(a)} -> {", ".join(outs)}')
if not cycles:
    print('no import cycle')
sys.exit(1 if cycles else 0)
