"""Reading RDF files: strictly, with stable blank-node labels, and with errors that say where.

Data and ontology files go into the store by Oxigraph's W3C parsers: a file that holds no blank
node straight from its bytes, any other through :func:`read_quads`, which labels its blank nodes
in the order they occur, so exports do not change from run to run. The shapes, which only
pySHACL reads, go through :func:`read_graph` (rdflib), whose blank node labels are made stable
for the same reason.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg.errors import InputError
from kg.namespaces import PREFIXES

__all__ = ["SourceFile", "LoadError", "rdf_files", "read_graph", "read_raw", "read_quads", "may_hold_blank_nodes",
           "oxigraph_format", "oxigraph_position", "stable_bnodes", "syntax_position", "syntax_advice"]

#: Suffixes read from the ontology and data folders, with their rdflib parser names.
FORMATS = {".ttl": "turtle", ".nt": "nt"}


class LoadError(InputError):
    """A folder is missing or a file does not parse; the message names the file and line."""


@dataclass(frozen=True)
class SourceFile:
    """One file that was read: where it is, which graph holds it, and a digest of its bytes."""

    path: Path
    graph: URIRef
    sha256: str
    triples: int


def rdf_files(folder: Path) -> list[Path]:
    """The RDF files below ``folder`` in a stable order; a missing folder is an error."""
    if not folder.is_dir():
        raise LoadError(f"{folder}: not a folder (set it with a flag or a KG_* environment variable)")
    return sorted(p for p in folder.rglob("*") if p.suffix in FORMATS and p.is_file())


def syntax_position(error: BadSyntax) -> tuple[int, int]:
    """(line, column), both from 1, of a Turtle/N3 syntax error: rdflib keeps only a character offset.

    At the end of the input rdflib's offset is -1 (e.g. a missing final '.'): the position is then
    just after the last character that is not white space, where the missing token belongs.
    """
    text = error._str.decode("utf-8", "replace") if isinstance(error._str, bytes) else str(error._str)
    at = error._i
    if at < 0 or at > len(text):
        at = len(text.rstrip())
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def syntax_advice(why: str) -> str | None:
    """What to do about a Turtle parser's complaint, when it is one people often make."""
    unbound = re.search(r'[Pp]refix "?([A-Za-z][\w.-]*)?:"? (?:not bound|has not been declared)', why)
    if unbound:
        prefix = unbound.group(1) or ""
        if prefix in PREFIXES:
            return f"declare the prefix: @prefix {prefix}: <{PREFIXES[prefix]}> ."
        return f"declare the prefix {prefix}: with @prefix, or write the full IRI in <…>"
    if any(words in why for words in ("EOF found", "at end of statement", "followed by a dot", "Unexpected end")):
        return "the statement before this point may be missing its final '.', or a ';' or ',' between values"
    return None


def _position(error: BadSyntax) -> str:
    line, column = syntax_position(error)
    advice = syntax_advice(error._why)
    return f"line {line}, column {column}: {error._why}" + (f" ({advice})" if advice else "")


def read_graph(path: Path, *, label: str) -> tuple[Graph, str]:
    """Parse one file into a fresh graph with stable blank node labels; return it and its sha256.

    ``label`` (unique per file) prefixes the blank node labels so that two files never share one.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LoadError(f"{path}: cannot read: {error.strerror}") from None
    parsed = Graph()
    try:
        parsed.parse(data=raw, format=FORMATS[path.suffix], publicID=path.resolve().as_uri())
    except BadSyntax as error:
        raise LoadError(f"{path}: {_position(error)}") from None
    except Exception as error:  # rdflib's parsers raise plain exceptions for some errors
        raise LoadError(f"{path}: {error}") from None
    return stable_bnodes(parsed, tag=hashlib.sha1(label.encode()).hexdigest()[:8]), hashlib.sha256(raw).hexdigest()


def stable_bnodes(parsed: Graph, *, tag: str) -> Graph:
    """A copy of ``parsed`` whose blank node labels depend only on the graph, never on the parse.

    rdflib names blank nodes at random and its store iterates in no fixed order. Our blank nodes
    are value nodes: trees hanging off one IRI each (an amount under a deal). Such a node is
    labelled from where it hangs and what it holds, in time linear in the file; any other shape
    (a blank node that is shared, a root, on a cycle, or identical to a sibling) falls back to
    the canonical form (RGDA1), which is exact but grew as triples^2.1 in the benchmarks.
    """
    labels = _tree_labels(parsed)
    if labels is None:
        canonical = to_canonical_graph(parsed)
        ids = sorted({t for triple in canonical for t in (triple[0], triple[2]) if isinstance(t, BNode)})
        labels = {old: f"{number}" for number, old in enumerate(ids)}
        parsed = canonical
    relabel = {old: BNode(f"b{tag}x{key}") for old, key in labels.items()}
    graph = Graph()
    for s, p, o in parsed:
        graph.add((relabel.get(s, s), p, relabel.get(o, o)))
    return graph


def _tree_labels(graph: Graph) -> dict[BNode, str] | None:
    """Labels from each blank node's place (IRI and predicate path) and content, or None if not trees."""
    parent: dict[BNode, tuple] = {}
    for s, p, o in graph.triples((None, None, None)):
        if isinstance(o, BNode):
            if o in parent:
                return None  # shared
            parent[o] = (s, p)
    nodes = {s for s in graph.subjects() if isinstance(s, BNode)} | set(parent)
    if any(node not in parent for node in nodes):
        return None  # a root blank node: nothing to say where it hangs

    place: dict[BNode, str] = {}
    for node in nodes:
        chain, current = [], node
        while isinstance(current, BNode) and current not in place:
            if len(chain) > len(nodes):
                return None  # a cycle of blank nodes
            chain.append(current)
            current = parent[current][0]
        base = place[current] if isinstance(current, BNode) else current.n3()
        for link in reversed(chain):
            base = place[link] = base + " " + parent[link][1].n3()

    content: dict[BNode, str] = {}

    def digest(node: BNode) -> str:
        if node not in content:
            parts = sorted(p.n3() + " " + (digest(o) if isinstance(o, BNode) else o.n3())
                           for p, o in graph.predicate_objects(node))
            content[node] = hashlib.sha1("\n".join(parts).encode()).hexdigest()
        return content[node]

    depth = {node: place[node].count(" ") for node in nodes}
    for node in sorted(nodes, key=lambda n: -depth[n]):  # deepest first: no deep recursion
        digest(node)
    labels = {node: hashlib.sha1((place[node] + " " + content[node]).encode()).hexdigest()[:16] for node in nodes}
    if len(set(labels.values())) != len(labels):
        return None  # identical siblings: only the canonical form tells them apart
    return labels


#: Oxigraph's parsers by suffix: strict W3C Turtle and N-Triples (rdflib's accepts N3 as Turtle).
_OX_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES"}


def oxigraph_position(error: SyntaxError, text: bytes = b"") -> str:
    """Oxigraph's "Parser error at line L column C: why" as "line L, column C: why" (our wording everywhere).

    An error at the end of the input (a missing final '.') is placed just after the last character
    that is not white space, where the missing token belongs, and common mistakes get advice.
    """
    message = re.sub(r"^Parser error at ", "", str(error))
    message = re.sub(r"^line (\d+) column (\d+): ", r"line \1, column \2: ", message)
    message = re.sub(r"^line (\d+) between columns (\d+) and \d+: ", r"line \1, column \2: ", message)
    message = re.sub(r" \(line \d+\)$", "", message.rstrip())  # Oxigraph repeats the line; ours is above
    found = re.match(r"^line (\d+), column (\d+): (.*)$", message, re.S)
    if found and text:
        decoded = text.decode("utf-8", "replace")
        end = len(decoded.rstrip())
        last_line, last_column = decoded.count("\n", 0, end) + 1, end - (decoded.rfind("\n", 0, end) + 1) + 1
        if (int(found.group(1)), int(found.group(2))) > (last_line, last_column):
            message = f"line {last_line}, column {last_column}: {found.group(3)}"
    advice = syntax_advice(message)
    return message + (f" ({advice})" if advice else "")


def may_hold_blank_nodes(raw: bytes) -> bool:
    """Whether Turtle or N-Triples bytes could contain a blank node.

    A blank node is written ``_:label``, ``[`` or ``(`` (a collection), or made by RDF 1.2's
    reified triples (``<< … >>``) and annotations (``{| … |}``), which Oxigraph parses; bytes with
    none of those hold none, so such a file can be loaded by Oxigraph alone, with no relabelling in
    Python. The test is conservative: a ``[`` inside a string only sends a file the slower way.
    """
    return any(mark in raw for mark in (b"_:", b"[", b"(", b"<<", b"{|"))


def read_raw(path: Path) -> tuple[bytes, str]:
    """The bytes of ``path`` and their sha256; an unreadable file is a :class:`LoadError`."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LoadError(f"{path}: cannot read: {error.strerror}") from None
    return raw, hashlib.sha256(raw).hexdigest()


def oxigraph_format(path: Path):
    import pyoxigraph as ox

    return getattr(ox.RdfFormat, _OX_FORMATS[path.suffix])


def read_quads(path: Path, raw: bytes, *, graph: URIRef, label: str) -> list:
    """Parse one file strictly with Oxigraph into quads of ``graph``.

    Oxigraph, like rdflib, names blank nodes at random on every parse; exports, the inference
    cache and Skolem IRIs must not change from run to run, nor two files' blank nodes meet. So
    each blank node is labelled by the order in which it first occurs in the file, prefixed with
    a tag of ``label``: the same bytes always give the same labels, in one linear pass (the
    canonical form, RDFC-1.0, gave labels that survive reformatting too, but cost three times
    as much at 1M triples). Syntax errors say where, as a :class:`LoadError`.
    """
    import pyoxigraph as ox

    name = ox.NamedNode(str(graph))
    tag = hashlib.sha1(label.encode()).hexdigest()[:8]
    labels: dict = {}
    blank = ox.BlankNode

    def relabel(term):
        if type(term) is blank:
            found = labels.get(term)
            if found is None:
                found = labels[term] = blank(f"b{tag}x{len(labels)}")
            return found
        if type(term) is ox.Triple:  # an RDF 1.2 triple term may hold blank nodes too
            return ox.Triple(relabel(term.subject), term.predicate, relabel(term.object))
        return term

    quads = []
    simple = (ox.NamedNode, ox.Literal)
    try:
        for quad in ox.parse(raw, format=oxigraph_format(path), base_iri=path.resolve().as_uri(), without_named_graphs=True):
            subject, obj = quad.subject, quad.object
            if type(subject) is not ox.NamedNode:
                subject = relabel(subject)
            if type(obj) not in simple:
                obj = relabel(obj)
            quads.append(ox.Quad(subject, quad.predicate, obj, name))
    except SyntaxError as error:
        raise LoadError(f"{path}: {oxigraph_position(error, raw)}") from None
    return quads
