"""JSON-LD for people who read JSON: a published context, compact output, and the expanded form.

rdflib's own JSON-LD compaction drops blank nodes referenced through ``@type: @id`` terms (it
loses the amount nodes of the deals), so the documents are built here from the triples: the
mapping is small and fully determined by :func:`build_context`. The context is generated from
the ontology (every ``ai:`` property gets its local name as key, object properties are
``@type: @id``, datatype properties with an ``xsd:`` range other than string are typed) plus a
fixed table for the external terms the data uses (``label``, ``source``, ``value`` …).

Numbers: decimals are written as strings typed by the context (``"value": "10000000000.0"`` with
``value`` declared ``xsd:decimal``) because a JSON number would come back as ``xsd:double``;
integers and booleans in canonical form are written as JSON numbers and booleans.
Output is deterministic: nodes sorted by ``@id``, keys sorted, values sorted, and a blank node
used exactly once as an object is embedded where it is used (so an amount sits inside its deal).
No context is ever fetched: documents carry the context inline.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.namespaces import PREFIXES, SCHEMA

__all__ = ["CONTEXT_FILE", "build_context", "compact", "expanded", "dumps"]

#: File name the context is published under (next to the dumps).
CONTEXT_FILE = "context.jsonld"

#: Short keys for terms from other vocabularies: key -> (IRI, coercion or None).
_EXTERNAL = {
    "label": (RDFS.label, None),
    "comment": (RDFS.comment, None),
    "altLabel": (SKOS.altLabel, None),
    "hiddenLabel": (SKOS.hiddenLabel, None),
    "definition": (SKOS.definition, None),
    "example": (SKOS.example, None),
    "exactMatch": (SKOS.exactMatch, "@id"),
    "source": (PROV.wasDerivedFrom, "@id"),
    "identifier": (DCTERMS.identifier, None),
    "title": (DCTERMS.title, None),
    "license": (DCTERMS.license, "@id"),
    "isDefinedBy": (RDFS.isDefinedBy, "@id"),
    "subClassOf": (RDFS.subClassOf, "@id"),
    "value": (SCHEMA.value, str(XSD.decimal)),
    "minValue": (SCHEMA.minValue, str(XSD.decimal)),
    "maxValue": (SCHEMA.maxValue, str(XSD.decimal)),
    "currency": (SCHEMA.currency, None),
    "unitCode": (SCHEMA.unitCode, "@id"),
    "unitText": (SCHEMA.unitText, None),
    "sameAs": (SCHEMA.sameAs, str(XSD.anyURI)),
}
_AI = str(PREFIXES["ai"])


def build_context(ontology: Graph) -> dict:
    """The JSON-LD context: the project's prefixes, ``id``/``type`` aliases and one key per term."""
    terms: dict[str, object] = {"id": "@id", "type": "@type"}
    terms.update({prefix: str(ns) for prefix, ns in PREFIXES.items()})
    for key, (iri, coercion) in _EXTERNAL.items():
        terms[key] = {"@id": str(iri), "@type": coercion} if coercion else str(iri)
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty))
    for prop in sorted(p for p in properties if isinstance(p, URIRef) and str(p).startswith(_AI)):
        key = str(prop)[len(_AI):]
        if key in terms or not key.isidentifier():
            continue  # an external term already holds the key; the property stays "ai:key"
        if (prop, RDF.type, OWL.ObjectProperty) in ontology:
            terms[key] = {"@id": str(prop), "@type": "@id"}
        else:
            ranges = [r for r in ontology.objects(prop, RDFS.range) if str(r).startswith(str(XSD))]
            typed = ranges and ranges[0] not in (XSD.string, XSD.boolean, XSD.integer)  # JSON has those
            terms[key] = {"@id": str(prop), "@type": str(ranges[0])} if typed else str(prop)
    return {"@context": dict(sorted(terms.items()))}


class _Compactor:
    """Turns IRIs and values into their shortest form under one context."""

    def __init__(self, context: dict):
        ctx = context["@context"]
        self.prefixes = sorted(((v, k) for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#"))),
                               key=lambda pair: -len(pair[0]))
        self.terms: dict[tuple[str, str | None], str] = {}
        for key, definition in ctx.items():
            if isinstance(definition, dict):
                self.terms[(definition["@id"], definition.get("@type"))] = key
            elif not definition.startswith("@") and not definition.endswith(("/", "#")):
                self.terms[(definition, None)] = key

    def iri(self, iri: str) -> str:
        for namespace, prefix in self.prefixes:
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and not local.startswith("//") and ":" not in local:
                return f"{prefix}:{local}"
        return iri

    def key(self, predicate: str, coercion: str | None) -> str | None:
        return self.terms.get((predicate, coercion))


def _literal(value: Literal, compactor: _Compactor | None):
    """Expanded value object of a literal; with a compactor, datatype IRIs are shortened."""
    out: dict[str, object] = {"@value": str(value)}
    if value.language:
        out["@language"] = value.language
    elif value.datatype:
        out["@type"] = compactor.iri(str(value.datatype)) if compactor else str(value.datatype)
    return out


def _native(value: Literal):
    """A JSON number or boolean when it reads back as the same literal, else None."""
    if value.datatype == XSD.boolean and str(value) in ("true", "false"):
        return str(value) == "true"
    if value.datatype == XSD.integer:
        try:
            number = int(str(value))
        except ValueError:
            return None
        return number if str(number) == str(value) else None
    return None


def _node_id(term) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _order(term) -> tuple[bool, str]:
    return isinstance(term, BNode), str(term)


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _sorted_values(values: list) -> list:
    return sorted(values, key=_canonical)


def compact(triples: Iterable[tuple], context: dict) -> dict:
    """A compact JSON-LD document (context inline) for ``triples``."""
    c = _Compactor(context)
    by_subject: dict = defaultdict(list)
    uses: dict = defaultdict(int)
    for s, p, o in set(triples):
        by_subject[s].append((p, o))
        if isinstance(o, BNode):
            uses[o] += 1
    embeddable = {b for b, n in uses.items() if n == 1 and b in by_subject}
    building: set = set()
    embedded_done: set = set()

    def node(subject, embedded: bool) -> dict:
        building.add(subject)
        out: dict[str, object] = {} if embedded else {"id": c.iri(_node_id(subject))}
        values: dict[str, list] = defaultdict(list)
        for p, o in by_subject[subject]:
            if p == RDF.type and isinstance(o, URIRef):
                values["type"].append(c.iri(str(o)))
            elif isinstance(o, (URIRef, BNode)):
                key = c.key(str(p), "@id")
                if isinstance(o, BNode) and o in embeddable and o not in building:
                    value = node(o, embedded=True)
                    embedded_done.add(o)
                else:
                    value = c.iri(_node_id(o)) if key else {"id": c.iri(_node_id(o))}
                values[key or c.iri(str(p))].append(value)
            else:
                datatype = str(o.datatype) if o.datatype and not o.language else None
                key = c.key(str(p), datatype) if datatype else None
                if key:
                    values[key].append(str(o))
                    continue
                key = c.key(str(p), None) or c.iri(str(p))
                native = _native(o)
                values[key].append(native if native is not None else
                                   str(o) if not o.datatype and not o.language else _literal(o, c))
        for key, items in sorted(values.items()):
            items = _sorted_values(items)
            out[key] = items[0] if len(items) == 1 else items
        building.discard(subject)
        return out

    roots = [s for s in by_subject if s not in embeddable]
    nodes = [node(s, embedded=False) for s in sorted(roots, key=_order)]
    # blank nodes used once but only from each other (a cycle) have no root: list them at top level
    listed: set = set()
    while rest := sorted(embeddable - embedded_done - listed, key=_order):
        listed.add(rest[0])
        nodes.append(node(rest[0], embedded=False))
    return {"@context": context["@context"], "@graph": nodes}


def expanded(triples: Iterable[tuple]) -> list:
    """The JSON-LD expanded form: full IRIs, every value an object in an array."""
    by_subject: dict = defaultdict(lambda: defaultdict(list))
    for s, p, o in set(triples):
        target = by_subject[s]
        if p == RDF.type and isinstance(o, URIRef):
            target["@type"].append(str(o))
        elif isinstance(o, (URIRef, BNode)):
            target[str(p)].append({"@id": _node_id(o)})
        else:
            target[str(p)].append(_literal(o, None))
    out = []
    for subject in sorted(by_subject, key=_order):
        entry: dict[str, object] = {"@id": _node_id(subject)}
        for key, items in sorted(by_subject[subject].items()):
            entry[key] = sorted(items) if key == "@type" else _sorted_values(items)
        out.append(entry)
    return out


def dumps(document) -> str:
    """Serialize a document built here (keys already in a fixed order): two-space indent, UTF-8 text."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
