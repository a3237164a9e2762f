"""``KnowledgeGraph``: the one entry point that loads, reasons, queries, exports and validates.

Oxigraph holds the triples and answers SPARQL (:mod:`kg.store`): in memory by default, on disk
(``store=DIR``, built once by :meth:`KnowledgeGraph.build_store`) or any SPARQL 1.1 endpoint
(``endpoint=URL``, read-only). Nothing here knows which one answers. rdflib graphs are made at
the boundary, only when a library needs them (pySHACL, owlrl, the page and JSON-LD writers), and
kept until the data changes.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from kg.analysis.queries import StoredQuery, bind, bind_adhoc, check_query, load_catalogue, unknown_query
from kg.analysis.results import QueryResult
from kg.errors import QueryError
from kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, bind_prefixes
from kg.paths import cache_dir, resolve_paths
from kg.reasoning.reference import ReasoningReport
from kg.store.open import open_store
from kg.validation.shacl import ValidationResult, load_shapes, validate

__all__ = ["KnowledgeGraph", "Info"]

#: Reasoners: the compiled rules evaluated on the store (fast), or owlrl over rdflib (the reference).
REASONERS = ("rules", "owlrl")


@dataclass
class Info:
    """The counts ``kg info`` reports."""

    asserted: int
    inferred: int | None
    files: int
    sources: int
    classes: Counter = field(default_factory=Counter)
    conforms: bool | None = None


class KnowledgeGraph:
    """The AI-industry graph: ontology and data from folders (or a built store), inferences on demand.

    Folders default to the repository checkout (or the copy bundled in the wheel) and can be
    given here or through ``KG_ONTOLOGY``, ``KG_DATA``, ``KG_SHAPES``, ``KG_QUERIES``.
    Reasoning runs lazily, the first time inferred triples are needed.
    """

    def __init__(self, *, ontology: str | os.PathLike | None = None, data: str | os.PathLike | None = None,
                 shapes: str | os.PathLike | None = None, queries: str | os.PathLike | None = None,
                 cache: bool = True, cache_folder: str | os.PathLike | None = None,
                 progress: Callable[[str], None] | None = None, store: str | os.PathLike | None = None,
                 endpoint: str | None = None, reasoner: str = "rules", timeout: float | None = None):
        if reasoner not in REASONERS:
            raise QueryError(f"unknown reasoner {reasoner!r}; choose one of {', '.join(REASONERS)}")
        self.paths = resolve_paths(ontology=ontology, data=data, shapes=shapes, queries=queries)
        self._progress = progress or (lambda message: None)
        self.reasoner = reasoner
        self._cache_folder = cache_dir(cache_folder) if cache else None
        started = time.perf_counter()
        self.store, self.files = open_store(self.paths, store=store, endpoint=endpoint, timeout=timeout, warn=_warn)
        self._progress(f"opened {len(self.files)} files in {time.perf_counter() - started:.2f} s")
        self._report: ReasoningReport | None = None
        self._catalogue: dict[str, StoredQuery] | None = None
        self._rdflib: dict[URIRef, Graph] = {}

    @classmethod
    def build_store(cls, folder: str | os.PathLike, **options) -> "KnowledgeGraph":
        """Load the folders into an on-disk store at ``folder``, reason, and record what was loaded."""
        from kg.store.open import build_disk_store

        graph = cls(**options)
        graph.reason()
        build_disk_store(folder, graph.store, graph.files)
        return cls(store=folder, **{k: v for k, v in options.items() if k not in ("store", "endpoint")})

    # graphs as rdflib objects, for the libraries that need them ------------------------------
    def named_graph(self, name: URIRef) -> Graph:
        """One named graph of the store (a file's, ``graph/asserted``, ``graph/inferred``) as an rdflib graph."""
        if name not in self._rdflib:
            graph = bind_prefixes(Graph(identifier=name))
            for triple in self.store.triples(name):
                graph.add(triple)
            self._rdflib[name] = graph
        return self._rdflib[name]

    @property
    def namespace_manager(self):
        """The project's prefixes, for writing terms as prefixed names."""
        return bind_prefixes(Graph()).namespace_manager

    @property
    def ontology(self) -> Graph:
        return self.named_graph(ONTOLOGY_GRAPH)

    def asserted_graphs(self) -> list[Graph]:
        """The ontology graph and one graph per data file, in file order."""
        return [self.ontology] + [self.named_graph(f.graph) for f in self.files if f.graph != ONTOLOGY_GRAPH]

    def asserted(self) -> Graph:
        """The asserted triples (ontology and data, each once) as one rdflib graph."""
        return self.named_graph(ASSERTED_GRAPH)

    def inferred(self) -> Graph:
        """The inferred graph (reasoning first if that has not happened yet)."""
        self.reason()
        return self.named_graph(INFERRED_GRAPH)

    # reasoning ------------------------------------------------------------------------------
    def reason(self, *, refresh: bool = False) -> ReasoningReport:
        """Fill the inferred graph (unless the store already holds it) and report on it."""
        if self._report is not None and not refresh:
            return self._report
        from kg.reasoning.run import reason

        self._rdflib.pop(INFERRED_GRAPH, None)
        self._report = reason(self, refresh=refresh)
        return self._report

    # queries --------------------------------------------------------------------------------
    @property
    def queries(self) -> dict[str, StoredQuery]:
        """The stored queries by name."""
        if self._catalogue is None:
            self._catalogue = load_catalogue(self.paths.queries)
        return self._catalogue

    def stored(self, name: str) -> StoredQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise unknown_query(name, sorted(self.queries)) from None

    def query(self, name: str, params: Mapping[str, Any] | None = None, *, reasoning: bool = True) -> QueryResult:
        """Run the stored query ``name`` with ``params`` (RDF terms or strings like ``ag:nvidia``)."""
        stored = self.stored(name)
        bindings = bind(stored, dict(params or {}))
        check_query(stored.text, source=str(stored.path))
        return self._run(stored.text, bindings, reasoning, str(stored.path))

    def sparql(self, text: str, params: Mapping[str, Any] | None = None, *, reasoning: bool = True,
               source: str = "query") -> QueryResult:
        """Run ad hoc SPARQL (SELECT, ASK, CONSTRUCT, DESCRIBE); ``params`` bind its variables."""
        return self._run(text, bind_adhoc(text, params, source=source), reasoning, source)

    def _run(self, text: str, bindings, reasoning: bool, source: str) -> QueryResult:
        if reasoning:
            self.reason()
        named = [f.graph for f in self.files]
        return self.store.select(text, reasoning=reasoning, bindings=bindings, named=named, source=source)

    # submissions ----------------------------------------------------------------------------
    def check(self, paths, **options):
        """Check submission files against the graph and report every problem; writes nothing.

        Options as :func:`kg.submissions.api.check` (``input_format``, ``strict``, ``limits``).
        """
        from kg.submissions import api

        return api.check(self, paths, **options)

    def add(self, paths, **options):
        """Merge submission files into the data folder if, and only if, everything conforms.

        Options as :func:`kg.submissions.api.add` (``dry_run``, ``into``, ``strict`` …); the result says
        what was written and the exit code the command line gives.
        """
        from kg.submissions import api

        return api.add(self, paths, **options)

    # export, validation, counts -------------------------------------------------------------
    def export(self, format: str = "turtle", *, inferred: bool = False) -> str:
        """The asserted (or asserted plus inferred) triples, byte-identical for the same data."""
        from kg.publishing.export import export_graphs

        names = sorted({f.graph for f in self.files})
        graphs = [(name, self.store.triples(name)) for name in names]
        if inferred:
            self.reason()
            graphs.append((INFERRED_GRAPH, self.store.triples(INFERRED_GRAPH)))
        return export_graphs(graphs, format)

    def validate(self) -> ValidationResult:
        """SHACL-validate the asserted graphs with ``shapes/*.ttl``."""
        return validate(self.asserted(), load_shapes(self.paths.shapes))

    def info(self, *, reasoning: bool = True, validation: bool = True) -> Info:
        """Triple counts, entities by ``ai:`` class, sources (``src:`` IRIs described or cited) and conformance."""
        counts = self.sparql(_INFO_CLASSES, reasoning=False, source="kg info")
        classes = Counter({row["class"].n3(self.ontology.namespace_manager): int(row["n"]) for row in counts.rows})
        sources = self.sparql(_INFO_SOURCES, reasoning=False, source="kg info").rows[0]["n"]
        return Info(
            asserted=self.store.count(ASSERTED_GRAPH),
            inferred=self.reason().inferred if reasoning else None,
            files=len(self.files),
            sources=int(sources),
            classes=classes,
            conforms=self.conforms() if validation else None,
        )

    def conforms(self) -> bool:
        """Whether the asserted graphs conform to the shapes (no SHACL violation).

        Remembered in the cache folder per digest of the ontology, data and shapes files, so that
        ``kg info`` answers in well under a second once the files have been validated.
        """
        if not self.files or self._cache_folder is None:  # a remote endpoint: no files to key the verdict on
            return self.validate().conforms
        from kg.store.files import rdf_files, read_raw
        from kg.validation.verdict import cached_verdict, verdict_key

        digests = [(f"{f.graph} {f.path}", f.sha256) for f in self.files]
        digests += [(f"shapes {path}", read_raw(path)[1]) for path in rdf_files(self.paths.shapes)]
        return cached_verdict(self._cache_folder, verdict_key(digests), lambda: self.validate().conforms)


def _warn(message: str) -> None:
    print(f"kg: warning: {message}", file=sys.stderr, flush=True)


_INFO_CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(STRSTARTS(STR(?class), STR(ai:)))
} GROUP BY ?class"""

_INFO_SOURCES = """SELECT (COUNT(DISTINCT ?src) AS ?n) WHERE {
  { ?src ?p ?o } UNION { ?x prov:wasDerivedFrom ?src }
  FILTER(isIRI(?src) && STRSTARTS(STR(?src), STR(src:)))
}"""
