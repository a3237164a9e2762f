"""``KnowledgeGraph``: the one entry point that loads, reasons, queries, exports and validates.

It owns one rdflib ``Dataset`` (a named graph per data file, one for the ontology, one for the
inferences) and reaches it only through rdflib's ``Graph``/``Dataset`` API, so that a persistent
or remote store could replace the in-memory one without touching the rest of the package.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import PROV, RDF
from rdflib.paths import Path as PropertyPath

from kg.errors import QueryError
from kg.publishing.export import export_graphs
from kg.store.files import load_dataset
from kg.namespaces import AI, INFERRED_GRAPH, ONTOLOGY_GRAPH, SRC, bind_prefixes
from kg.paths import cache_dir, resolve_paths
from kg.analysis.queries import StoredQuery, bind, load_catalogue, prepare, query_variables, unknown_query
from kg.reasoning.reference import InferenceCache, ReasoningReport, cache_key, infer, kinds
from kg.analysis.results import QueryResult
from kg.validation.shacl import ValidationResult, load_shapes, validate

__all__ = ["KnowledgeGraph", "Info", "UnionView"]


class UnionView(ReadOnlyGraphAggregate):
    """A read-only union of some named graphs of the dataset, with set semantics.

    rdflib's aggregate yields a triple once per graph that holds it (duplicate query rows) and
    hides its graphs from SPARQL ``GRAPH``; both are fixed here, so ``GRAPH ?g`` names the file.
    """

    def __init__(self, graphs: list[Graph]):
        super().__init__(graphs)
        self.namespace_manager = bind_prefixes(Graph()).namespace_manager  # the aggregate refuses bind()

    def triples(self, triple, context=None):
        s, p, o = triple
        if isinstance(p, PropertyPath):
            for s1, o1 in p.eval(self, s, o):
                yield s1, p, o1
            return
        seen = set()
        for graph in self.graphs:
            for found in graph.triples(triple):
                if found not in seen:
                    seen.add(found)
                    yield found

    def contexts(self, triple=None):
        return (g for g in self.graphs if triple is None or triple in g)

    def get_context(self, identifier, quoted=False, base=None):
        return next((g for g in self.graphs if g.identifier == identifier), Graph(identifier=identifier))


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
    """The AI-industry graph: ontology and data from folders, inferences from owlrl on demand.

    Folders default to the repository checkout (or the copy bundled in the wheel) and can be
    given here or through ``KG_ONTOLOGY``, ``KG_DATA``, ``KG_SHAPES``, ``KG_QUERIES``.
    Reasoning runs lazily, the first time inferred triples are needed, and is cached on disk
    (``cache=False`` turns the disk cache off).
    """

    def __init__(self, *, ontology: str | os.PathLike | None = None, data: str | os.PathLike | None = None,
                 shapes: str | os.PathLike | None = None, queries: str | os.PathLike | None = None,
                 cache: bool = True, cache_folder: str | os.PathLike | None = None,
                 progress: Callable[[str], None] | None = None):
        self.paths = resolve_paths(ontology=ontology, data=data, shapes=shapes, queries=queries)
        self._progress = progress or (lambda message: None)
        started = time.perf_counter()
        self.dataset, self.files = load_dataset(self.paths.ontology, self.paths.data)
        self._progress(f"loaded {len(self.files)} files in {time.perf_counter() - started:.2f} s")
        self._cache = InferenceCache(cache_dir(cache_folder)) if cache else None
        self._report: ReasoningReport | None = None
        self._catalogue: dict[str, StoredQuery] | None = None

    # graphs ---------------------------------------------------------------------------------
    @property
    def ontology(self) -> Graph:
        return self.dataset.graph(ONTOLOGY_GRAPH)

    def asserted_graphs(self) -> list[Graph]:
        """The ontology graph and one graph per data file, in file order."""
        return [self.ontology] + [self.dataset.graph(f.graph) for f in self.files if f.graph != ONTOLOGY_GRAPH]

    def asserted(self) -> Graph:
        """A read-only union of the asserted graphs."""
        return UnionView(self.asserted_graphs())

    def inferred(self) -> Graph:
        """The inferred graph (reasoning first if that has not happened yet)."""
        self.reason()
        return self.dataset.graph(INFERRED_GRAPH)

    def view(self, *, reasoning: bool = True) -> Graph:
        """The graph queries run on: asserted, or asserted plus inferred."""
        graphs = self.asserted_graphs() + ([self.inferred()] if reasoning else [])
        return UnionView(graphs)

    # reasoning ------------------------------------------------------------------------------
    def reason(self, *, refresh: bool = False) -> ReasoningReport:
        """Fill the inferred graph (from the cache when the inputs are unchanged) and report on it."""
        if self._report is not None and not refresh:
            return self._report
        started = time.perf_counter()
        key = cache_key((f"{f.graph} {f.path.name}", f.sha256) for f in self.files)
        inferred = None if (refresh or self._cache is None) else self._cache.load(key)
        cached = inferred is not None
        if inferred is None:
            self._progress("reasoning (OWL 2 RL)…")
            inferred = infer(self.asserted().triples((None, None, None)))
            if self._cache is not None:
                self._cache.store(key, inferred)
        target = self.dataset.graph(INFERRED_GRAPH)
        target.remove((None, None, None))
        target += inferred
        seconds = time.perf_counter() - started
        self._progress(f"inferences {'from cache' if cached else 'computed'} in {seconds:.2f} s")
        self._report = ReasoningReport(inferred=len(target), seconds=seconds, cached=cached, kinds=kinds(inferred))
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
        prepared = prepare(stored.text, source=str(stored.path))
        return self._run(prepared, bindings, reasoning)

    def sparql(self, text: str, params: Mapping[str, Any] | None = None, *, reasoning: bool = True,
               source: str = "query") -> QueryResult:
        """Run ad hoc SPARQL (SELECT, ASK, CONSTRUCT, DESCRIBE); ``params`` bind its variables."""
        from kg.analysis.queries import parse_value

        prepared = prepare(text, source=source)
        variables = query_variables(prepared)
        bindings = {}
        for name, value in (params or {}).items():
            if name not in variables:
                raise QueryError(f"{source}: parameter {name!r} is not a variable of the query "
                                 f"(variables: {', '.join(sorted(variables)) or 'none'})")
            bindings[name] = value if not isinstance(value, str) else parse_value(value, name=name)
        return self._run(prepared, bindings, reasoning)

    def _run(self, prepared, bindings, reasoning: bool) -> QueryResult:
        graph = self.view(reasoning=reasoning)
        return QueryResult.from_rdflib(graph.query(prepared, initBindings=bindings))

    # export, validation, counts -------------------------------------------------------------
    def export(self, format: str = "turtle", *, inferred: bool = False) -> str:
        """The asserted (or asserted plus inferred) triples, byte-identical for the same data."""
        graphs = [(g.identifier, g) for g in self.asserted_graphs()]
        if inferred:
            graphs.append((INFERRED_GRAPH, self.inferred()))
        return export_graphs(graphs, format)

    def validate(self) -> ValidationResult:
        """SHACL-validate the asserted graphs with ``shapes/*.ttl``."""
        return validate(self.asserted().triples((None, None, None)), load_shapes(self.paths.shapes))

    def info(self, *, reasoning: bool = True, validation: bool = True) -> Info:
        """Triple counts, entities by ``ai:`` class, sources (``src:`` IRIs described or cited) and conformance."""
        asserted = self.asserted()
        classes = Counter(o.n3(asserted.namespace_manager) for s, o in set(asserted.subject_objects(RDF.type))
                          if str(o).startswith(str(AI)))
        return Info(
            asserted=sum(1 for _ in asserted.triples((None, None, None))),
            inferred=self.reason().inferred if reasoning else None,
            files=len(self.files),
            sources=len({s for s in asserted.subjects() if str(s).startswith(str(SRC))}
                        | {o for o in asserted.objects(None, PROV.wasDerivedFrom) if str(o).startswith(str(SRC))}),
            classes=classes,
            conforms=self.validate().conforms if validation else None,
        )
