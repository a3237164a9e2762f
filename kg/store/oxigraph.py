"""The graph held by Oxigraph: in memory by default, or on disk for graphs that outgrow a process.

Layout of the store (the same in memory, on disk and on a remote endpoint after ``kg push``):

- one named graph per input file (``graph/ontology``, ``graph/data/<stem>``) so that ``GRAPH ?g``
  names the file a triple came from;
- ``graph/asserted``: the set union of those graphs. Oxigraph's union default graph is a *bag*
  (a triple stated in two files comes back twice), which would double every count and sum; one
  deduplicated copy is cheap, and a remote endpoint gets the same copy, so all three answer alike;
- ``graph/inferred``: what the reasoner adds, never overlapping ``graph/asserted``.

Queries take ``graph/asserted`` (plus ``graph/inferred`` with reasoning) as their default graph and
the file graphs (plus ``graph/inferred``) as their named graphs. Parameters reach the engine as
substitutions, never as text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg.errors import InputError, QueryError
from kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, PREFIXES
from kg.store.terms import from_oxigraph, inline_values, to_oxigraph

__all__ = ["OxigraphStore", "syntax_error"]

_ASSERTED = ox.NamedNode(str(ASSERTED_GRAPH))
_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def syntax_error(error: SyntaxError, text: str, source: str) -> QueryError:
    """A QueryError with line, column and a pointer under the offending token (positions from 1).

    Oxigraph's SPARQL parser reports the position just after the token it could not use; the
    pointer goes back to where that token starts, which is where a person looks. An unknown
    prefix gets its own message, since the parser words it as a list of expected characters.
    """
    message = str(error)
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not found:
        return QueryError(f"{source}: SPARQL syntax error: {message}")
    line, column, message = int(found[1]), int(found[2]), found[3]
    lines = text.splitlines() or [""]
    shown = lines[min(line, len(lines)) - 1]
    if column > len(shown) or shown[column - 1].isspace():  # just after the token: step back onto it
        column = max(1, min(column - 1, len(shown)))
        while column > 1 and re.match(r"[\w:.\-?$]", shown[column - 2]) and re.match(r"[\w:.\-?$]", shown[column - 1]):
            column -= 1
    if "Prefix not found" in message:
        prefix = re.match(r"([^\s:]*):", shown[column - 1:])
        message = f"unknown prefix {(prefix[1] if prefix else '') + ':'!r} (declare it with PREFIX, or use one of kg's: " \
                  f"{', '.join(p + ':' for p in PREFIXES)})"
    elif message.startswith("expected one of"):  # the parser's list of alternatives helps nobody
        token = re.match(r"[\w:.\-?$]+|\S", shown[column - 1:])
        message = f"unexpected {token[0]!r} here" if token else "the query ends too early"
    pointer = " " * (column - 1) + "^"
    return QueryError(f"{source}: SPARQL syntax error at line {line}, column {column}: {message}\n  {shown}\n  {pointer}")


class OxigraphStore:
    """A local Oxigraph store; ``path=None`` keeps everything in memory."""

    read_only = False

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        try:
            if path is None:
                self.oxigraph = ox.Store()
            elif read_only:
                self.oxigraph = ox.Store.read_only(str(path))
            else:
                self.oxigraph = ox.Store(str(path))
        except OSError as error:
            raise InputError(f"{path}: cannot open the store: {error}") from None
        self.read_only = read_only

    # writing ------------------------------------------------------------------------------
    def clear_graph(self, name: URIRef) -> None:
        graph = ox.NamedNode(str(name))
        if self.oxigraph.contains_named_graph(graph):
            self.oxigraph.remove_graph(graph)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        self.oxigraph.extend(quads)

    def parse_into(self, raw: bytes, *, format, base_iri: str, name: URIRef) -> None:
        """Parse ``raw`` strictly straight into graph ``name``, all in Oxigraph (no Python object per triple).

        Only for input without blank nodes: Oxigraph labels those at random. All or nothing: a
        syntax error (raised as Oxigraph's ``SyntaxError``) leaves the store as it was.
        """
        self.oxigraph.load(raw, format=format, base_iri=base_iri, to_graph=ox.NamedNode(str(name)))

    def rebuild_asserted(self) -> None:
        """Refill ``graph/asserted`` as the set union of the file graphs (every graph but the two derived ones).

        ``ADD`` copies graph to graph inside the engine; a triple stated in two files is held once.
        """
        if self.oxigraph.contains_named_graph(_ASSERTED):
            self.oxigraph.remove_graph(_ASSERTED)
        for graph in list(self.oxigraph.named_graphs()):  # listed first: an update while iterating deadlocks
            if graph not in (_ASSERTED, _INFERRED):
                self.oxigraph.update(f"ADD {graph} TO {_ASSERTED}")

    def clear_inferred(self) -> None:
        if self.oxigraph.contains_named_graph(_INFERRED):
            self.oxigraph.remove_graph(_INFERRED)

    def add_inferred(self, triples: Iterable[tuple]) -> None:
        """rdflib triples into ``graph/inferred`` (for the reference reasoner and the cache)."""
        self.oxigraph.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), _INFERRED) for s, p, o in triples)

    # reading ------------------------------------------------------------------------------
    def graph_names(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, name: URIRef) -> Iterator[ox.Quad]:
        return self.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))

    def triples(self, name: URIRef) -> Iterator[tuple]:
        """The triples of one named graph, as rdflib terms."""
        for quad in self.quads(name):
            yield from_oxigraph(quad.subject), from_oxigraph(quad.predicate), from_oxigraph(quad.object)

    def count(self, name: URIRef) -> int:
        graph = ox.NamedNode(str(name))  # validated as an IRI; str() writes it as an IRIREF
        found = self.oxigraph.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        return int(next(iter(found))["n"].value)

    def select(self, text: str, *, reasoning: bool, bindings: Mapping[str, object], named: list[URIRef],
               source: str = "query"):
        """Evaluate a checked query text and return a :class:`kg.analysis.results.QueryResult`."""
        from kg.analysis.results import QueryResult

        return QueryResult.from_oxigraph(self.run(text, reasoning=reasoning, bindings=bindings, named=named, source=source))

    def run(self, text: str, *, reasoning: bool, bindings: Mapping[str, object], named: list[URIRef],
            source: str = "query"):
        """Evaluate a checked query text; returns Oxigraph's own result object.

        Parameters are substituted by the engine (SEP-0007) when the query returns them; one it
        does not return (``SELECT ?b WHERE { ?a … ?b }`` with ``a`` given) is bound by a ``VALUES``
        block at the head of the WHERE group instead, since Oxigraph substitutes only returned variables.
        """
        default = [_ASSERTED] + ([_INFERRED] if reasoning else [])
        named_graphs = [ox.NamedNode(str(g)) for g in named] + ([_INFERRED] if reasoning else [])
        substituted, inline = dict(bindings), {}
        while True:
            query = inline_values(text, inline) if inline else text
            try:
                return self.oxigraph.query(query, prefixes=_PREFIXES, default_graph=default, named_graphs=named_graphs,
                                           substitutions={ox.Variable(n): to_oxigraph(v) for n, v in substituted.items()})
            except SyntaxError as error:
                raise syntax_error(error, query, source) from None
            except RuntimeError as error:
                missing = re.search(r"does not contains? variable \?(\S+) in its SELECT projection", str(error))
                if missing and missing[1] in substituted:
                    inline[missing[1]] = substituted.pop(missing[1])
                    continue
                raise QueryError(f"{source}: the engine refused the query: {error}") from None
            except OSError as error:
                raise QueryError(f"{source}: the engine refused the query: {error}") from None
