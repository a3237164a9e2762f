"""Is an IRI given as a query parameter in the graph, and if not, which one was meant?

A misspelled entity (``--param entity=ag:nvidiaa``) would otherwise give an empty answer that
looks like a true "nothing". The graph is asked through :meth:`KnowledgeGraph.sparql` (so this
works on any engine underneath), and the near misses are chosen the way ``kg validate`` chooses
them for submissions (:func:`kg.submissions.checks.suggest`): by the IRI's last segment among IRIs
of the same namespace, and by label.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from kg.errors import InputError
from kg.submissions.checks import suggest
from kg.submissions.locate import short

__all__ = ["check_iris", "near_misses"]

_EXISTS = "ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"
_POOL = ("SELECT DISTINCT ?s ?label WHERE { ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), ?namespace)) "
         "OPTIONAL { ?s rdfs:label ?label } }")


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def near_misses(graph, iri: URIRef) -> list[tuple[URIRef, str | None]]:
    """Up to two IRIs of the graph the given one may have meant: the closest by name, the closest by label."""
    namespace = str(iri)[: len(str(iri)) - len(_local(str(iri)))]
    rows = graph.sparql(_POOL, {"namespace": f'"{namespace}"'}, reasoning=False).rows  # an IRI holds no '"' 
    labels = {URIRef(str(r["s"])): str(r["label"]) for r in rows if r["label"] is not None}
    by_name = {_local(str(r["s"])): URIRef(str(r["s"])) for r in rows}
    by_label = {_slug(label): s for s, label in labels.items()}
    found = []
    for pool in (by_name, by_label):
        guess = suggest(_local(str(iri)), pool, cutoff=0.7)
        if guess is not None and guess not in [g for g, _ in found]:
            found.append((guess, labels.get(guess)))
    return found


def check_iris(graph, values: dict[str, object], *, where: str = "parameter") -> None:
    """Raise an :class:`InputError` (exit code 2) for the first IRI value the graph does not hold."""
    for name, value in values.items():
        if not isinstance(value, URIRef):
            continue
        if graph.sparql(_EXISTS, {"iri": f"<{value}>"}, reasoning=True).boolean:
            continue
        guesses = near_misses(graph, value)
        hint = " or ".join(f"{short(g)}" + (f" ({label})" if label else "") for g, label in guesses)
        raise InputError(f"{where} {name!r}: {short(value)} is not in the graph"
                         + (f" — did you mean {hint}?" if hint else " (no IRI of the graph is close to it)"))
