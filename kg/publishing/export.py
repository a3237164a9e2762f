"""Deterministic export: the same data gives byte-identical files, with the project's prefixes.

Blank node labels are already stable (see :mod:`kg.store.files`); here triples are fed to rdflib's
serializers in sorted order through a store that iterates in insertion order (the default one
iterates sets, whose order changes from process to process), N-Triples and N-Quads lines are sorted, and Turtle uses rdflib's
``longturtle`` (sorted subjects, one predicate per line) so that diffs stay small.
JSON-LD comes from :mod:`kg.publishing.jsonld`: ``jsonld`` is compact, with the context generated from the
ontology inline (short keys, typed numbers), ``jsonld-expanded`` the expanded form.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from rdflib import Dataset, Graph, URIRef

from kg.errors import InputError
from kg.namespaces import PREFIXES, bind_prefixes

__all__ = ["EXPORT_FORMATS", "export_graphs"]

#: Formats ``kg export`` writes; nquads and trig keep the named graphs, the others merge them.
EXPORT_FORMATS = ("turtle", "nt", "nquads", "trig", "jsonld", "jsonld-expanded", "xml")
_RDFLIB_NAMES = {"turtle": "longturtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}


def _key(triple) -> tuple[str, str, str]:
    return tuple(term.n3() for term in triple)


def _sorted_lines(text: str) -> str:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n" if lines else ""


def _normalise_json(node, parent_key: str = ""):
    """Sort JSON-LD arrays (their order carries no meaning, except under ``@list``) and keys."""
    if isinstance(node, dict):
        return {key: _normalise_json(value, key) for key, value in sorted(node.items())}
    if isinstance(node, list):
        items = [_normalise_json(item) for item in node]
        return items if parent_key == "@list" else sorted(items, key=lambda i: json.dumps(i, sort_keys=True))
    return node


def _trig(graphs: list[tuple[URIRef, list[tuple]]]) -> str:
    """TriG by Oxigraph's writer, graphs in name order and triples sorted.

    rdflib's TriG writer prints a blank node that is only an object in one graph as ``[ ]``, a
    fresh node, which cut inferred triples off the value nodes they share with the data; Oxigraph
    keeps every blank node's label, so the dump is isomorphic to the N-Quads one.
    """
    import pyoxigraph as ox

    from kg.store.terms import quads_to_oxigraph

    quads = [quad for name, triples in graphs for quad in quads_to_oxigraph(triples, name)]
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes).decode("utf-8")


def export_graphs(graphs: Iterable[tuple[URIRef, Iterable[tuple]]], format: str) -> str:
    """Serialize ``(graph name, triples)`` pairs in ``format`` (one of :data:`EXPORT_FORMATS`)."""
    if format not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    graphs = sorted(((name, sorted(set(triples), key=_key)) for name, triples in graphs), key=lambda g: str(g[0]))
    if format == "trig":
        return _trig(graphs)
    if format == "nquads":
        dataset = Dataset()
        for name, triples in graphs:
            target = dataset.graph(name)
            for triple in triples:
                target.add(triple)
        return _sorted_lines(dataset.serialize(format="nquads"))
    if format in ("jsonld", "jsonld-expanded"):
        from kg.publishing import jsonld

        triples = {t for _, triples in graphs for t in triples}
        if format == "jsonld-expanded":
            return jsonld.dumps(jsonld.expanded(triples))
        ontology = Graph()
        for triple in triples:
            ontology.add(triple)
        return jsonld.dumps(jsonld.compact(triples, jsonld.build_context(ontology)))
    merged = bind_prefixes(Graph(store="SimpleMemory"))  # iterates in insertion (sorted) order
    for triple in sorted({t for _, triples in graphs for t in triples}, key=_key):
        merged.add(triple)
    text = merged.serialize(format=_RDFLIB_NAMES[format])
    if format == "nt":
        return _sorted_lines(text)
    if format == "jsonld":
        return json.dumps(_normalise_json(json.loads(text)), indent=2, ensure_ascii=False) + "\n"
    return text
