"""``kg add``: merge a conforming submission into ``data/`` without touching anything else.

- Only new triples are written: a triple already in the graph, or a value node (blank node
  tree) identical to one the graph already holds under the same entity and property, is
  skipped, so adding the same file twice adds nothing the second time.
- Each entity goes to the file that already describes it, or else to the file that holds most
  entities of its kind (``--into`` overrides). The new block is *appended*, written by rdflib's
  Turtle serializer (never by pasting terms into text) with the file's own prefixes, so existing
  lines, comments included, stay as they are and ``git diff data/`` shows only the new facts.
- Blank nodes are written inline (``[ … ]``) when used once, else with labels derived from the
  submission's content hash (``_:s<hash>x<n>``), renamed further if the file already uses one.
- Every file is written to a temporary file in the same folder, fsynced, parsed again by
  Oxigraph's strict parser and proved to be exactly the old graph plus the new triples (the two
  graphs compared after blank node canonicalisation, not as text), and only then renamed over
  the original; if a later rename fails, the files already renamed are put back. An exclusive
  ``flock`` on the data folder itself (no lock file; released by the kernel if the process dies)
  serialises concurrent runs, and the check runs under it, so the second run sees the first one's
  data. A folder that cannot be locked, read or written is an input error (exit code 2) naming it.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.errors import InputError
from kg.namespaces import PREFIXES
from kg.store.terms import to_oxigraph
from kg.submissions.folder import DataFolderError, LockBusy, data_lock, folder_error, remove_stale_temporaries
from kg.submissions.parse import prefix_declarations, quiet_rdflib

__all__ = ["Plan", "plan_additions", "write_plan", "data_lock", "remove_stale_temporaries", "LockBusy",
           "DataFolderError", "MergeProofError"]


class MergeProofError(InputError):
    """A merged file did not parse back to exactly the old graph plus the new triples; nothing was kept."""

    exit_code = 3


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


# writing --------------------------------------------------------------------------------------
def _file_bnode_labels(text: str) -> set[str]:
    """Every ``_:label`` spelt in the file (a superset: labels inside strings count too)."""
    return set(re.findall(r"_:([A-Za-z0-9_][A-Za-z0-9_.-]*)", text))


def turtle_block(new: Graph, roots: list, prefixes: dict[str, str], *, taken: set[str] = frozenset()) -> str:
    """The new triples of ``roots`` (and the blank nodes under them) as Turtle, by rdflib's serializer.

    Prefix declarations the file already makes are left out of the block; blank node labels the
    file already uses (``taken``) are renamed.
    """
    sub = Graph(bind_namespaces="none")
    rename: dict = {}
    for s in sorted(roots, key=str):
        tree: list = []
        _subtree(new, s, tree, set())
        for triple in tree:
            out = []
            for t in triple:
                if isinstance(t, BNode) and str(t) in taken:
                    n = 0
                    while f"{t}n{n}" in taken:
                        n += 1
                    t = rename.setdefault(t, BNode(f"{t}n{n}"))
                out.append(t)
            sub.add(tuple(out))
    used = {str(t) for triple in sub for t in triple if isinstance(t, URIRef)}
    declared = dict(prefixes)
    for prefix, namespace in PREFIXES.items():
        if prefix not in declared and str(namespace) not in declared.values() and any(u.startswith(str(namespace)) for u in used):
            declared[prefix] = str(namespace)
    for prefix, namespace in sorted(declared.items()):
        sub.bind(prefix, namespace, override=True, replace=True)
    with quiet_rdflib():
        text = sub.serialize(format="turtle")
    kept = [line for line in text.split("\n")
            if not (line.startswith("@prefix ") and _declaration(line) in prefixes.items())]
    return "\n".join(kept).strip("\n") + "\n"


def _declaration(line: str) -> tuple[str, str] | None:
    match = re.match(r"@prefix ([A-Za-z][\w.-]*)?: <([^>]*)> \.$", line.strip())
    return (match.group(1) or "", match.group(2)) if match else None


def plan_additions(submission: Graph, existing: Graph, graph, *, into: Path | None = None) -> Plan:
    new, skipped = new_triples(submission, existing)
    plan = Plan(new=new, skipped=skipped)
    if plan.empty:
        return plan
    plan.targets = choose_targets(new, graph, into)
    for path, roots in sorted(plan.targets.items()):
        try:
            text = path.read_text(encoding="utf-8") if path.exists() else ""
        except OSError as error:
            raise folder_error(path, error, "read the data file") from None
        prefixes = {p: ns for p, ns, _ in prefix_declarations(text)}  # the last declaration of each prefix wins
        plan.blocks[path] = turtle_block(new, roots, prefixes, taken=_file_bnode_labels(text))
    return plan


def _strict(text: str, path: Path) -> ox.Dataset:
    """The file's graph as Oxigraph's strict Turtle parser reads it."""
    return ox.Dataset(ox.parse(text, ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri(), without_named_graphs=True))


def prove(old_text: str, new_text: str, new_triples: list[tuple], path: Path) -> None:
    """Raise :class:`MergeProofError` unless ``new_text`` is exactly the old graph plus ``new_triples``."""
    try:
        actual = _strict(new_text, path)
        expected = _strict(old_text, path)
    except SyntaxError as error:
        raise MergeProofError(f"{path}: the merged file does not parse as strict Turtle ({error}); nothing was written") from None
    fresh: dict = {}
    for s, p, o in new_triples:  # the new blank nodes get names no parse can produce: the union is disjoint
        s, o = (fresh.setdefault(t, ox.BlankNode()) if isinstance(t, BNode) else to_oxigraph(t) for t in (s, o))
        expected.add(ox.Quad(s, to_oxigraph(p), o, ox.DefaultGraph()))
    actual.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    expected.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    if actual != expected:
        missing, extra = len(expected) - len(set(expected) & set(actual)), len(set(actual) - set(expected))
        raise MergeProofError(f"{path}: the merged file would not be exactly the old graph plus the new triples "
                              f"({missing} missing, {extra} unexpected); nothing was written")


def _block_triples(plan: Plan, path: Path) -> list[tuple]:
    out: list = []
    for s in plan.targets.get(path, []):
        _subtree(plan.new, s, out, set())
    return out


def write_plan(plan: Plan) -> list[Path]:
    """Write every block atomically; prove each written file before any rename; undo on failure.

    An :class:`OSError` (read-only folder, full disk) becomes a :class:`DataFolderError` naming the
    path; in every case the temporary files are removed and the data files keep their old bytes.
    """
    prepared: list[tuple[Path, str, bytes | None]] = []
    current = None
    try:
        for path, block in sorted(plan.blocks.items()):
            current = path
            old = path.read_bytes() if path.exists() else None
            old_text = old.decode("utf-8") if old is not None else ""
            glue = "" if not old_text else ("\n" if old_text.endswith("\n") else "\n\n")
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".kg-add.tmp")
            prepared.append((path, tmp, old))
            with os.fdopen(fd, "wb") as out:
                out.write((old_text + glue + block).encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            if old is not None:
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            written = Path(tmp).read_bytes().decode("utf-8")  # prove what is on disk, not what was meant
            prove(old_text, written, _block_triples(plan, path), path)
    except BaseException as error:
        for _, tmp, _ in prepared:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(error, OSError):
            raise folder_error(current or Path("."), error, "write the data file") from None
        raise
    # Files whose new entities the other new blocks point to go first, so that a crash between two
    # renames leaves, say, a new source without its deal, never a deal citing a missing source.
    referenced = {o for triple in plan.new for o in triple[2:] if isinstance(o, URIRef)}
    prepared.sort(key=lambda item: (-sum(r in referenced for r in plan.targets.get(item[0], [])), str(item[0])))
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, tmp, old in prepared:
            current = path
            os.replace(tmp, path)
            done.append((path, old))
        _fsync_dirs({p.parent for p, _, _ in prepared})
    except BaseException as error:
        for path, tmp, _ in prepared:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for path, old in reversed(done):
            _restore(path, old)
        if isinstance(error, OSError):
            raise folder_error(current, error, "replace the data file") from None
        raise
    return [p for p, _, _ in prepared]


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
