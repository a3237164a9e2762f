"""Filling the store's inferred graph: by the compiled rules on the engine, or by owlrl (the reference).

A store that already holds its inferences (built on disk by ``kg load``, or pushed to an
endpoint by ``kg push``) is only counted, never recomputed: it is read-only. In memory, the
rules run on Oxigraph itself; ``reasoner="owlrl"`` runs the reference closure over rdflib
instead, and caches it on disk because it takes seconds to minutes.
"""

from __future__ import annotations

import time
from collections import Counter

from rdflib import Graph
from rdflib.namespace import RDF

from kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, bind_prefixes
from kg.reasoning.reference import InferenceCache, ReasoningReport, cache_key, infer

__all__ = ["reason", "count_kinds"]

_KINDS = """SELECT ?p ?class (COUNT(*) AS ?n) WHERE {
  GRAPH <https://w3id.org/ai-industry/graph/inferred> { ?s ?p ?o } BIND(IF(?p = rdf:type, ?o, ?nothing) AS ?class)
} GROUP BY ?p ?class"""


def count_kinds(store) -> Counter:
    """Inferred triples by predicate, ``rdf:type`` split by class (prefixed names), counted by the engine."""
    nm = bind_prefixes(Graph()).namespace_manager
    result = store.select(_KINDS, reasoning=True, bindings={}, named=[], source="kg reason")
    counter: Counter = Counter()
    for row in result.rows:
        key = "rdf:type " + row["class"].n3(nm) if row["p"] == RDF.type and row["class"] is not None else row["p"].n3(nm)
        counter[key] += int(row["n"])
    return counter


def reason(graph, *, refresh: bool = False) -> ReasoningReport:
    """Make sure ``graph.store`` holds the inferences of its asserted graphs; report what they are."""
    store = graph.store
    started = time.perf_counter()
    if store.read_only:
        if refresh:
            graph._progress("the store is read-only: its inferences were computed when it was built")
        total = store.count(INFERRED_GRAPH)
        return ReasoningReport(inferred=total, seconds=time.perf_counter() - started, cached=True, kinds=count_kinds(store))
    cached = False
    if graph.reasoner == "rules":
        from kg.reasoning.fixpoint import infer_in_store

        graph._progress("reasoning (OWL 2 RL rules on the store)…")
        # the deduplicated union, not the file graphs: a default graph of one graph is read in one
        # index scan per pattern, a union of a dozen in a dozen (10.1 s instead of 13.2 s at 1M)
        report = infer_in_store(store.oxigraph, ontology=_named(ONTOLOGY_GRAPH),
                                asserted=[_named(ASSERTED_GRAPH)], target=_named(INFERRED_GRAPH))
        graph._progress(f"inferences computed in {report.seconds:.2f} s")
        return report
    else:
        cache = InferenceCache(graph._cache_folder) if graph._cache_folder is not None else None
        key = cache_key((f"{f.graph} {f.path.name}", f.sha256) for f in graph.files)
        inferred = None if (refresh or cache is None) else cache.load(key)
        cached = inferred is not None
        if inferred is None:
            graph._progress("reasoning (owlrl, the reference OWL 2 RL closure)…")
            inferred = infer(graph.asserted())
            if cache is not None:
                cache.store(key, inferred)
        store.clear_inferred()
        store.add_inferred(inferred)
    seconds = time.perf_counter() - started
    graph._progress(f"inferences {'from cache' if cached else 'computed'} in {seconds:.2f} s")
    total = store.count(INFERRED_GRAPH)
    return ReasoningReport(inferred=total, seconds=seconds, cached=cached, kinds=count_kinds(store))


def _named(iri):
    import pyoxigraph as ox

    return ox.NamedNode(str(iri))



def infer_triples(triples) -> Graph:
    """The rules' inferences over ``triples`` (rdflib terms), as an rdflib graph.

    For code that holds rdflib graphs, such as the submission checks reasoning over the graph with
    a submission added: the same compiled rules as the store's, in a scratch in-memory store, so
    that checking a submission never waits for owlrl. Raises :class:`ReasoningError` like it.
    """
    import pyoxigraph as ox

    from kg.reasoning.fixpoint import infer_in_store
    from kg.store.terms import quads_to_oxigraph, triples_from_oxigraph

    work, target = _named(ONTOLOGY_GRAPH), _named(INFERRED_GRAPH)
    scratch = ox.Store()
    scratch.extend(quads_to_oxigraph(triples, work))
    infer_in_store(scratch, ontology=work, asserted=[work], target=target)
    inferred = bind_prefixes(Graph())
    for triple in triples_from_oxigraph(scratch.quads_for_pattern(None, None, None, target)):
        inferred.add(triple)
    return inferred
