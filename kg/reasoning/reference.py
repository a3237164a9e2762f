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

import contextlib
import hashlib
import re
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.paths import cache_key as files_key
from kg.namespaces import bind_prefixes
from kg.reasoning.common import ReasoningError, ReasoningReport

__all__ = ["ReasoningError", "ReasoningReport", "infer", "is_trivial", "cache_key", "InferenceCache", "CacheWarning"]

#: Bump when the filtering below or the blank node labelling in load.py changes, so that old cache
#: entries (which name blank nodes by label) are not reused.
FILTER_VERSION = "4"  # 4: cache files carry a checksum line

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
    return files_key(file_digests, f"owlrl {version('owlrl')} rdflib {version('rdflib')} filter {FILTER_VERSION}")


class CacheWarning(UserWarning):
    """A cache entry was empty, truncated or damaged and is recomputed."""


class InferenceCache:
    """Inferred graphs on disk as N-Triples, one file per key, behind a checksum line; writes are atomic.

    The first line is ``# kg-inference-cache sha256=<hex> triples=<n>``, over the N-Triples that
    follow. A file whose line, checksum or triple count does not match (empty, truncated by a full
    disk or a killed run, edited) is never served: ``load`` warns (:class:`CacheWarning`), removes
    it and returns None, so the caller recomputes.
    """

    _HEADER = re.compile(rb"# kg-inference-cache sha256=([0-9a-f]{64}) triples=(\d+)\n")

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / f"inferred-{key}.nt"

    def _damaged(self, path: Path, why: str) -> None:
        import warnings

        warnings.warn(f"inference cache {path} is {why}; recomputing", CacheWarning, stacklevel=3)
        with contextlib.suppress(OSError):
            path.unlink()

    def load(self, key: str) -> Graph | None:
        path = self.path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            return None  # an unreadable cache only costs time
        header = self._HEADER.match(raw)
        if not raw:
            return self._damaged(path, "empty")
        if header is None:
            return self._damaged(path, "not a cache file of this version (no checksum line)")
        body = raw[header.end():]
        if hashlib.sha256(body).hexdigest() != header.group(1).decode():
            return self._damaged(path, "damaged or truncated (checksum mismatch)")
        graph = Graph()
        try:
            graph.parse(data=body.decode("utf-8"), format="nt")
        except Exception:  # noqa: BLE001 - a checksum-valid file that does not parse is damaged too
            return self._damaged(path, "not valid N-Triples")
        if len(graph) != int(header.group(2)):
            return self._damaged(path, f"holding {len(graph)} triples instead of {header.group(2)}")
        out = bind_prefixes(Graph())
        for triple in graph:
            out.add(tuple(BNode(t[len(_GENID):]) if isinstance(t, URIRef) and t.startswith(_GENID) else t for t in triple))
        return out

    def store(self, key: str, inferred: Graph) -> None:
        skolem = Graph()
        for triple in inferred:
            skolem.add(tuple(URIRef(_GENID + t) if isinstance(t, BNode) else t for t in triple))
        body = skolem.serialize(format="nt", encoding="utf-8")
        header = f"# kg-inference-cache sha256={hashlib.sha256(body).hexdigest()} triples={len(skolem)}\n".encode()
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".inferred-", suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(header + body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path(key))
            tmp = None
        except OSError:
            pass  # an unwritable cache only costs time on the next run
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
