"""Any SPARQL 1.1 endpoint as a read-only store, for graphs past one machine; ``push`` fills one.

The layout is the one :mod:`kg.store.oxigraph` keeps (a graph per file, ``graph/asserted``,
``graph/inferred``), so the stored queries answer alike: the dataset of each request is named
with the protocol's ``default-graph-uri``/``named-graph-uri`` parameters, which every conforming
endpoint honours (QLever, Virtuoso, GraphDB, Fuseki, Oxigraph server). Remote engines cannot take
substitutions, so parameters travel as a trailing ``VALUES`` block whose terms are written by
Oxigraph's term serializer. Every request has a time limit and every answer a size limit.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg.errors import InputError, QueryError
from kg.namespaces import ASSERTED_GRAPH, GRAPH, INFERRED_GRAPH, PREFIXES
from kg.store.files import SourceFile
from kg.store.terms import inline_values, skolemize

__all__ = ["EndpointStore", "push", "graph_store_url"]

#: Largest answer read from an endpoint (bytes); a bigger one is an error, not a truncated answer.
MAX_RESPONSE = 256 * 1024 * 1024
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_PROLOGUE = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())


def _check_url(url: str, what: str) -> str:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(f"{what} {url!r}: expected an http(s) URL, e.g. http://localhost:7878/query")
    return url


class EndpointStore:
    """A remote SPARQL endpoint holding a graph pushed by ``kg push`` (read-only here)."""

    read_only = True

    def __init__(self, url: str, *, timeout: float | None = None, max_bytes: int = MAX_RESPONSE):
        self.url = _check_url(url, "--endpoint")
        self.timeout = timeout or 60.0
        self.max_bytes = max_bytes

    def _request(self, text: str, *, default: list[URIRef], named: list[URIRef], source: str) -> tuple[str, bytes]:
        params = [("default-graph-uri", str(g)) for g in default] + [("named-graph-uri", str(g)) for g in named]
        url = self.url + ("&" if "?" in self.url else "?") + urllib.parse.urlencode(params)
        request = urllib.request.Request(url, data=text.encode("utf-8"), method="POST", headers={
            "Content-Type": "application/sparql-query; charset=utf-8", "Accept": _ACCEPT})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(self.max_bytes + 1)
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            detail = error.read(2000).decode("utf-8", "replace").strip()
            raise QueryError(f"{source}: the endpoint {self.url} answered {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise InputError(f"{self.url}: cannot reach the endpoint: {getattr(error, 'reason', error)}") from None
        if len(body) > self.max_bytes:
            raise QueryError(f"{source}: the answer is larger than {self.max_bytes} bytes; narrow the query or add LIMIT")
        return kind, body

    def _graphs(self) -> list[URIRef]:
        kind, body = self._request("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", default=[], named=[],
                                   source="listing graphs")
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return sorted(URIRef(s["g"].value) for s in solutions if isinstance(s["g"], ox.NamedNode))

    def files(self) -> list[SourceFile]:
        """The pushed file graphs, as files named by their graph (the endpoint knows no paths)."""
        graphs = self._graphs()
        names = [g for g in graphs if g not in (ASSERTED_GRAPH, INFERRED_GRAPH) and g.startswith(GRAPH)]
        if ASSERTED_GRAPH not in graphs:
            raise InputError(f"{self.url}: no {ASSERTED_GRAPH} graph: fill the endpoint first with kg push --endpoint URL")
        return [SourceFile(path=Path(name[len(GRAPH):]), graph=name, sha256="", triples=self.count(name)) for name in names]

    def graph_names(self) -> list[URIRef]:
        return self._graphs()

    def count(self, name: URIRef) -> int:
        graph = ox.NamedNode(str(name))
        result = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}", reasoning=False,
                             bindings={}, named=[name], source="counting")
        return int(result.rows[0]["n"])

    def triples(self, name: URIRef) -> Iterator[tuple]:
        graph = ox.NamedNode(str(name))
        result = self.select(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}", reasoning=False,
                             bindings={}, named=[name], source="reading a graph")
        return iter(result.graph)

    def select(self, text: str, *, reasoning: bool, bindings: Mapping[str, object], named: list[URIRef],
               source: str = "query"):
        from kg.analysis.results import QueryResult

        if bindings:  # remote engines take no substitutions
            text = inline_values(text, bindings)
        default = [ASSERTED_GRAPH] + ([INFERRED_GRAPH] if reasoning else [])
        kind, body = self._request(_PROLOGUE + text, default=default, named=list(named) + ([INFERRED_GRAPH] if reasoning else []),
                                   source=source)
        if kind in ("application/sparql-results+json", "application/json"):
            return QueryResult.from_oxigraph(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))
        if kind in ("application/n-triples", "text/plain"):
            return QueryResult.from_oxigraph(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        raise QueryError(f"{source}: the endpoint answered with {kind!r}, not SPARQL JSON results or N-Triples")


def graph_store_url(endpoint: str, explicit: str | None) -> str:
    """The Graph Store Protocol address: given, or the endpoint's sibling ``/store`` (Oxigraph's layout)."""
    if explicit:
        return _check_url(explicit, "--graph-store")
    base = _check_url(endpoint, "--endpoint").rstrip("/")
    for tail in ("/query", "/sparql"):
        if base.endswith(tail):
            return base[: -len(tail)] + "/store"
    raise InputError(f"cannot tell the Graph Store Protocol address of {endpoint!r}: give it with --graph-store URL")


def push(store, graphs: list[URIRef], url: str, *, timeout: float = 300.0, progress=lambda m: None) -> dict[URIRef, int]:
    """PUT each named graph of the local ``store`` to the Graph Store at ``url`` (replacing it); counts.

    Blank nodes travel as Skolem IRIs: each PUT is its own document, in which a blank node label
    would start a new node, cutting an inferred triple off the value node it is about.
    """
    pushed = {}
    for name in graphs:
        quads = list(store.quads(name))
        body = ox.serialize([ox.Triple(skolemize(q.subject), q.predicate, skolemize(q.object)) for q in quads],
                            format=ox.RdfFormat.N_TRIPLES)
        target = url + ("&" if "?" in url else "?") + urllib.parse.urlencode({"graph": str(name)})
        request = urllib.request.Request(target, data=body, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                pass
        except urllib.error.HTTPError as error:
            raise InputError(f"{url}: refused graph {name}: {error.code} {error.read(500).decode('utf-8', 'replace')}") from None
        except (urllib.error.URLError, OSError) as error:
            raise InputError(f"{url}: cannot reach the graph store: {getattr(error, 'reason', error)}") from None
        pushed[name] = len(quads)
        progress(f"pushed {name} ({len(quads)} triples)")
    return pushed

