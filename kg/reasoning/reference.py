"""OWL 2 RL reasoning with owlrl, kept apart from the asserted triples, and cached.

owlrl expands a graph in place and adds a great deal that is true of every graph (``x owl:sameAs
x``, every class a subclass of ``owl:Thing``, facts about the built-in vocabularies). Only the
difference to the asserted graph, minus that trivial output, is kept: it goes into the
``graph/inferred`` named graph. owlrl reports inconsistencies by adding error-message nodes to
the graph; those become a :class:`ReasoningError` instead of silently polluting the output.
The result is cached on disk, keyed by the bytes of the ontology and data files and the
versions of the tools, because reasoning takes seconds and the data rarely changes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.namespaces import bind_prefixes
from kg.reasoning.common import ReasoningError, ReasoningReport

__all__ = ["ReasoningError", "ReasoningReport", "infer", "is_trivial", "cache_key", "InferenceCache"]

#: Bump when the filtering below or the blank node labelling in load.py changes, so that old cache
#: entries (which name blank nodes by label) are not reused.
FILTER_VERSION = "3"

_BUILT_IN = tuple(str(ns) for ns in (OWL, RDF, RDFS, XSD))
_REFLEXIVE_TRIVIAL = {OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf}
_CLASS_AXIOMS = {RDF.type, RDFS.subClassOf, OWL.equivalentClass}
_CLASS_LINKS = {RDFS.subClassOf, OWL.equivalentClass}
_ERROR_NS = "http://www.daml.org/2002/03/agents/agent-ont#"
_ERROR_MESSAGE = URIRef(_ERROR_NS + "ErrorMessage")
_ERROR_TEXT = URIRef(_ERROR_NS + "error")
#: Skolem namespace for blank nodes in the cache file (N-Triples parsers relabel ``_:x`` at random).
_GENID = "https://w3id.org/ai-industry/.well-known/genid/"


def is_trivial(triple: tuple, symmetric: set) -> bool:
    """True for closure output that holds of any graph or only restates the ontology's machinery."""
    s, p, o = triple
    if isinstance(s, Literal) or str(s).startswith(_BUILT_IN):
        return True  # literal datatype typing; facts about owl:, rdf:, rdfs:, xsd: themselves
    if s == o and (p in _REFLEXIVE_TRIVIAL or p in symmetric):
        return True  # x sameAs x; x subClassOf x; a party "competing" with itself via a chain
    if p == RDF.type and o in (RDFS.Resource, OWL.Thing):
        return True
    if p in (RDFS.subClassOf, RDFS.domain, RDFS.range) and o in (RDFS.Resource, OWL.Thing):
        return True  # every class is a subclass of, and every property ranges over, everything
    if p in _CLASS_AXIOMS and isinstance(o, BNode) or p in _CLASS_LINKS and isinstance(s, BNode):
        return True  # membership of, and links among, anonymous class expressions (restrictions)
    return False


def infer(asserted: Iterable[tuple]) -> Graph:
    """Run the OWL 2 RL closure over a copy of ``asserted`` and return the non-trivial new triples.

    Raises :class:`ReasoningError` when owlrl reports an inconsistency.
    """
    from owlrl import DeductiveClosure, OWLRL_Semantics  # imported here: slow, and only needed on a cache miss

    work = Graph()
    for triple in asserted:
        work.add(triple)
    before = set(work)
    known_bnodes = {t for triple in before for t in (triple[0], triple[2]) if isinstance(t, BNode)}
    DeductiveClosure(OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False).expand(work)

    errors = sorted(str(text) for node in work.subjects(RDF.type, _ERROR_MESSAGE) for text in work.objects(node, _ERROR_TEXT))
    if errors:
        raise ReasoningError(errors)
    symmetric = set(work.subjects(RDF.type, OWL.SymmetricProperty))
    inferred = bind_prefixes(Graph())
    for triple in work:
        if triple in before or is_trivial(triple, symmetric):
            continue
        if any(isinstance(t, BNode) and t not in known_bnodes for t in (triple[0], triple[2])):
            continue  # owlrl's own helper nodes (literal proxies), not about our data
        inferred.add(triple)
    return inferred


def kinds(inferred: Graph) -> Counter:
    """Count inferred triples by predicate, splitting ``rdf:type`` by class (prefixed names)."""
    nm = inferred.namespace_manager
    counter: Counter = Counter()
    for _, p, o in inferred:
        key = "rdf:type " + o.n3(nm) if p == RDF.type else p.n3(nm)
        counter[key] += 1
    return counter


def cache_key(file_digests: Iterable[tuple[str, str]]) -> str:
    """A key over the (role/path, sha256) of every input file and the versions of owlrl and rdflib."""
    h = hashlib.sha256()
    for name, digest in sorted(file_digests):
        h.update(f"{name}\0{digest}\n".encode())
    h.update(f"owlrl {version('owlrl')} rdflib {version('rdflib')} filter {FILTER_VERSION}".encode())
    return h.hexdigest()


class InferenceCache:
    """Inferred graphs on disk as N-Triples, one file per key; writes are atomic."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / f"inferred-{key}.nt"

    def load(self, key: str) -> Graph | None:
        path = self.path(key)
        if not path.is_file():
            return None
        graph = Graph()
        try:
            graph.parse(path, format="nt")
        except Exception:
            return None  # a damaged entry is recomputed, not fatal
        out = bind_prefixes(Graph())
        for triple in graph:
            out.add(tuple(BNode(t[len(_GENID):]) if isinstance(t, URIRef) and t.startswith(_GENID) else t for t in triple))
        return out

    def store(self, key: str, inferred: Graph) -> None:
        skolem = Graph()
        for triple in inferred:
            skolem.add(tuple(URIRef(_GENID + t) if isinstance(t, BNode) else t for t in triple))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(skolem.serialize(format="nt", encoding="utf-8"))
            os.replace(tmp, self.path(key))
        except OSError:
            pass  # an unwritable cache only costs time on the next run
