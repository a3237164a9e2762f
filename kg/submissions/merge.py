"""``kg add``: merge a conforming submission into ``data/`` without touching anything else.

- Only new triples are written: a triple already in the graph, or a value node (blank node
  tree) identical to one the graph already holds under the same entity and property, is
  skipped, so adding the same file twice adds nothing the second time.
- Each entity goes to the file that already describes it, or else to the file that holds most
  entities of its kind (``--into`` overrides). The new block is *appended* as Turtle written in a
  fixed order with the file's own prefixes, so existing lines, comments included, stay as they
  are and ``git diff data/`` shows only the new facts.
- Blank nodes are written inline (``[ … ]``) when used once, else with labels derived from the
  submission's content hash (``_:s<hash>x<n>``), which cannot meet an existing label.
- Every file is written to a temporary file in the same folder, fsynced, re-parsed and checked to
  be exactly the old graph plus the new triples, and only then renamed over the original; if a
  later rename fails, the files already renamed are put back. A lock on ``data/.kg-add.lock``
  (``flock``: released by the kernel if the process dies) serialises concurrent runs, and the
  check runs under it, so the second run sees the first one's data.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

from kg.errors import InputError
from kg.namespaces import PREFIXES
from kg.submissions.parse import prefix_declarations, quiet_rdflib

__all__ = ["Plan", "plan_additions", "write_plan", "data_lock", "remove_stale_temporaries", "LOCK_NAME", "LockBusy"]

LOCK_NAME = ".kg-add.lock"
_LOCAL = re.compile(r"[A-Za-z0-9_]([\w.-]*[\w-])?")


class LockBusy(InputError):
    """Another ``kg add`` holds the lock on the data folder."""


@contextlib.contextmanager
def data_lock(folder: Path, *, timeout: float = 60.0):
    """Hold an exclusive ``flock`` on ``folder/.kg-add.lock``; refuse after ``timeout`` seconds."""
    path = Path(folder) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(f"another kg add is writing to {folder} (lock {path}); nothing was written, "
                                   "try again when it has finished") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass
class Plan:
    """What ``kg add`` will write: new triples per target file, and the Turtle block for each."""

    new: Graph
    targets: dict[Path, list] = field(default_factory=dict)  # file -> root subjects
    blocks: dict[Path, str] = field(default_factory=dict)
    skipped: int = 0

    @property
    def empty(self) -> bool:
        return len(self.new) == 0


def _signature(graph: Graph, node, seen=frozenset()):
    if not isinstance(node, BNode):
        return node
    if node in seen:
        return "cycle"
    return frozenset((p, _signature(graph, o, seen | {node})) for p, o in graph.predicate_objects(node))


def _subtree(graph: Graph, node, out: list, seen: set) -> None:
    if node in seen:
        return
    seen.add(node)
    for p, o in graph.predicate_objects(node):
        out.append((node, p, o))
        if isinstance(o, BNode):
            _subtree(graph, o, out, seen)


def new_triples(submission: Graph, existing: Graph) -> tuple[Graph, int]:
    """The submission minus what the graph already states (value nodes compared by content)."""
    new, skipped = Graph(), 0
    for s, p, o in submission:
        if isinstance(s, BNode):
            continue
        if isinstance(o, BNode):
            mine = _signature(submission, o)
            if any(_signature(existing, e) == mine for e in existing.objects(s, p) if isinstance(e, BNode)):
                skipped += 1
                continue
            tree: list = []
            _subtree(submission, o, tree, set())
            new.add((s, p, o))
            for t in tree:
                new.add(t)
        elif (s, p, o) in existing:
            skipped += 1
        else:
            new.add((s, p, o))
    reached = {t for triple in new for t in (triple[0], triple[2]) if isinstance(t, BNode)}
    for s, p, o in submission:  # blank nodes that hang from nothing (rare) go in as they are
        if isinstance(s, BNode) and s not in reached and not any(True for _ in submission.subjects(None, s)):
            tree = []
            _subtree(submission, s, tree, set())
            for t in tree:
                new.add(t)
    return new, skipped


def choose_targets(new: Graph, graph, into: Path | None) -> dict[Path, list]:
    """Root subject -> data file: where it is already described, else where most of its kind live."""
    data_dir = Path(graph.paths.data)
    per_file: dict[Path, Counter] = {}
    home: dict = {}
    for f in graph.files:
        if not str(f.graph).startswith("https://w3id.org/ai-industry/graph/data/"):
            continue
        g = graph.named_graph(f.graph)
        per_file[f.path] = Counter(o for o in g.objects(None, RDF.type))
        for s in g.subjects(RDF.type, None):
            home.setdefault(s, f.path)
    targets: dict[Path, list] = defaultdict(list)
    roots = sorted({s for s in new.subjects() if not isinstance(s, BNode)}, key=str)
    for s in roots:
        if into is not None:
            targets[into].append(s)
            continue
        if s in home:
            targets[home[s]].append(s)
            continue
        kinds = list(new.objects(s, RDF.type))
        for kind in list(kinds):
            kinds += [k for k in graph.ontology.transitive_objects(kind, RDFS.subClassOf) if k not in kinds]
        best = None
        for kind in kinds:
            counts = sorted(((c[kind], str(p)) for p, c in per_file.items() if c[kind]), key=lambda x: (-x[0], x[1]))
            if counts:
                best = Path(counts[0][1])
                break
        targets[best or data_dir / "additions.ttl"].append(s)
    return dict(targets)


# deterministic Turtle ------------------------------------------------------------------------
class _Writer:
    def __init__(self, graph: Graph, prefixes: dict[str, str]):
        self.g = graph
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))  # (prefix, namespace), longest first
        refs = Counter(o for o in graph.objects() if isinstance(o, BNode))
        self.inline = {b for b, n in refs.items() if n == 1}

    def term(self, t, depth=0) -> str:
        if isinstance(t, URIRef):
            for prefix, ns in self.prefixes:
                if str(t).startswith(ns) and _LOCAL.fullmatch(str(t)[len(ns):]):
                    return f"{prefix}:{str(t)[len(ns):]}"
            return f"<{t}>"
        if isinstance(t, BNode):
            if t in self.inline and depth < 20:
                return "[ " + " ; ".join(self.predicate_list(t, depth + 1, " , ")) + " ]"
            return f"_:{t}"
        lex = str(t)
        if t.datatype == XSD.decimal and re.fullmatch(r"[+-]?\d+\.\d+", lex):
            return lex
        if t.datatype == XSD.integer and re.fullmatch(r"[+-]?\d+", lex):
            return lex
        if t.datatype == XSD.boolean and lex in ("true", "false"):
            return lex
        quoted = '"' + lex.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
        if t.language:
            return f"{quoted}@{t.language}"
        if t.datatype and t.datatype != XSD.string:
            return f"{quoted}^^{self.term(t.datatype)}"
        return quoted

    def predicate_list(self, s, depth=0, sep=" , ") -> list[str]:
        def order(p):
            return (p != RDF.type, p != RDFS.label, self.term(p))
        parts = []
        for p in sorted(set(self.g.predicates(s)), key=order):
            objects = sorted(self.term(o, depth) for o in self.g.objects(s, p))
            parts.append(("a" if p == RDF.type else self.term(p)) + " " + sep.join(objects))
        return parts

    def statement(self, s) -> str:
        head = self.term(s) if not isinstance(s, BNode) else f"_:{s}"
        return head + " " + " ;\n    ".join(self.predicate_list(s)) + " .\n"


def turtle_block(new: Graph, roots: list, prefixes: dict[str, str]) -> str:
    """The new triples of ``roots`` (and the blank nodes under them) as Turtle, in a fixed order."""
    sub = Graph()
    for s in roots:
        tree: list = []
        _subtree(new, s, tree, set())
        for t in tree:
            sub.add(t)
    writer = _Writer(sub, prefixes)
    labelled = sorted({b for b in sub.subjects() if isinstance(b, BNode) and b not in writer.inline}, key=str)
    return "\n".join(writer.statement(s) for s in sorted(roots, key=writer.term) + labelled)


def plan_additions(submission: Graph, existing: Graph, graph, *, into: Path | None = None) -> Plan:
    new, skipped = new_triples(submission, existing)
    plan = Plan(new=new, skipped=skipped)
    if plan.empty:
        return plan
    plan.targets = choose_targets(new, graph, into)
    for path, roots in sorted(plan.targets.items()):
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        prefixes = {p: ns for p, ns, _ in prefix_declarations(text)}
        header = ""
        if not text:
            used = {str(t) for triple in new for t in triple if isinstance(t, URIRef)}
            prefixes = {p: str(ns) for p, ns in PREFIXES.items() if any(u.startswith(str(ns)) for u in used)}
            header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items())) + "\n"
        plan.blocks[path] = header + turtle_block(new, roots, prefixes)
    return plan


def _parse(text: str, path: Path) -> Graph:
    g = Graph()
    with quiet_rdflib():
        g.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    return g


def write_plan(plan: Plan) -> list[Path]:
    """Write every block atomically; verify each result before any rename; undo on failure."""
    prepared: list[tuple[Path, str, bytes | None]] = []
    try:
        for path, block in sorted(plan.blocks.items()):
            old = path.read_bytes() if path.exists() else None
            old_text = old.decode("utf-8") if old is not None else ""
            glue = "" if not old_text else ("\n" if old_text.endswith("\n") else "\n\n")
            new_text = old_text + glue + block
            expected = _parse(old_text, path)
            expected += _parse("".join(f"@prefix {p}: <{ns}> .\n" for p, ns, _ in prefix_declarations(old_text)) + block, path)
            if not isomorphic(_parse(new_text, path), expected):
                raise RuntimeError(f"{path}: the merged file would not be exactly the old graph plus the new triples")
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".kg-add.tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(new_text.encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            if old is not None:
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            prepared.append((path, tmp, old))
    except BaseException:
        for _, tmp, _ in prepared:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    # Files whose new entities the other new blocks point to go first, so that a crash between two
    # renames leaves, say, a new source without its deal, never a deal citing a missing source.
    referenced = {o for triple in plan.new for o in triple[2:] if isinstance(o, URIRef)}
    prepared.sort(key=lambda item: (-sum(r in referenced for r in plan.targets.get(item[0], [])), str(item[0])))
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, tmp, old in prepared:
            os.replace(tmp, path)
            done.append((path, old))
        _fsync_dirs({p.parent for p, _, _ in prepared})
    except BaseException:
        for path, tmp, _ in prepared:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for path, old in reversed(done):
            _restore(path, old)
        raise
    return [p for p, _, _ in prepared]


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Temporary files left by a ``kg add`` that was killed (call with the lock held)."""
    stale = sorted(Path(folder).glob(".*.kg-add.tmp"))
    for path in stale:
        with contextlib.suppress(OSError):
            path.unlink()
    return stale


def _restore(path: Path, old: bytes | None) -> None:
    with contextlib.suppress(OSError):
        if old is None:
            os.unlink(path)
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".kg-add.tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(old)
            out.flush()
            os.fsync(out.fileno())
        os.rename(tmp, path)  # not os.replace: a test that breaks os.replace must still see the undo


def _fsync_dirs(folders) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
