"""The reasoner's verdict on a submission, in ``kg validate`` as in ``kg add``.

``kg add`` reasons over the graph with the submission to show what it derives; an inconsistency
(an instance typed with two disjoint classes, directly or through a domain or range) surfaced
there as an internal error, after ``kg validate`` had said yes. Both now run this check, and the
reasoner's complaint becomes a finding on the entity it names, with file and line.

On a large graph the reasoner runs over the *neighbourhood* of the submission: the ontology,
every triple that touches a node the submission mentions, and the triples of the nodes those
reach (the other deals of the same parties, with their value nodes) and the types of what those
reach. OWL RL rules are local, so what the new triples make
inconsistent or newly derivable shows there, in time proportional to the submission and its
neighbours rather than to the graph. Past :data:`FULL_GRAPH_LIMIT` triples this is the method.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.reasoning.common import ReasoningError
from kg.reasoning.run import infer_triples as infer
from kg.submissions.checks import ENTITY_NAMESPACES, Context
from kg.submissions.parse import quiet_rdflib
from kg.validation.findings import ERROR, Finding

__all__ = ["FULL_GRAPH_LIMIT", "neighbourhood", "Reasoned", "reason"]

#: Up to this many existing triples the whole graph is reasoned over; above, the neighbourhood.
FULL_GRAPH_LIMIT = 50_000


def neighbourhood(existing: Graph, ontology: Graph, seeds: set) -> Graph:
    """The ontology; every triple touching ``seeds`` (entities the submission names), with their value
    nodes whole; of the nodes those reach, the type, label and parties (what a property chain or a
    disjointness needs); the types of those parties. Hubs do not widen it further."""
    from kg.submissions.overlap import ROLE_PROPERTIES

    keep = set(ROLE_PROPERTIES) | {RDF.type, RDFS.label}
    out = Graph()
    out += ontology
    seeds = {t for t in seeds if _entity(t)}  # not classes or vocabulary individuals: those reach everything
    first: set = set()
    stack: list = []
    for node in seeds:
        for triple in existing.triples((node, None, None)):
            out.add(triple)
            if isinstance(triple[2], BNode):
                stack.append(triple[2])
            else:
                first.add(triple[2])
        for triple in existing.triples((None, None, node)):
            out.add(triple)
            first.add(triple[0])
    seen = set(seeds)
    while stack:  # value nodes of the seeds, whole
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            for triple in existing.triples((node, None, None)):
                out.add(triple)
                if isinstance(triple[2], BNode):
                    stack.append(triple[2])
    second: set = set()
    for node in first - seen:
        if _entity(node):
            for triple in existing.triples((node, None, None)):
                if triple[1] in keep:
                    out.add(triple)
                    second.add(triple[2])
    for node in second - seen - first:
        if isinstance(node, URIRef):
            for triple in existing.triples((node, RDF.type, None)):
                out.add(triple)
    return out


def _entity(term) -> bool:
    return isinstance(term, BNode) or isinstance(term, URIRef) and str(term).startswith(ENTITY_NAMESPACES)


@dataclass
class Reasoned:
    """Inferences over the graph (or the neighbourhood) before and after the submission."""

    before: Graph | None
    after: Graph | None
    scope: str  # "graph" or "neighbourhood"


def reason(ctx: Context, graph, *, inconsistency_only: bool = False) -> tuple[list[Finding], Reasoned]:
    """Reason with the submission; an inconsistency becomes findings on the entities it names."""
    if len(ctx.existing) <= FULL_GRAPH_LIMIT:
        scope, base = "graph", ctx.existing
    else:
        seeds = {t for triple in ctx.submission for t in (triple[0], triple[2])}
        scope, base = "neighbourhood", neighbourhood(ctx.existing, ctx.ontology, seeds)
    work = Graph()
    work += base
    work += ctx.submission
    try:
        with quiet_rdflib():
            after = infer(work)
    except ReasoningError as error:
        return _findings(ctx, error), Reasoned(None, None, scope)
    except Exception as error:  # noqa: BLE001 - a reasoner crash is reported, never a traceback
        return [Finding(ERROR, "reasoner", f"the reasoner failed on the submission: {type(error).__name__}: {error}",
                        "report this as a bug, with the submission attached")], Reasoned(None, None, scope)
    if inconsistency_only:
        return [], Reasoned(None, after, scope)
    if scope == "graph":
        before = graph.inferred()
    else:
        with quiet_rdflib():
            before = infer(base)
    return [], Reasoned(before, after, scope)


def _findings(ctx: Context, error: ReasoningError) -> list[Finding]:
    touched = {str(t) for triple in ctx.submission for t in (triple[0], triple[2]) if isinstance(t, URIRef)}
    named = [URIRef(iri) for iri in error.resources if iri in touched and (URIRef(iri), None, None) in ctx.submission]
    named = named or [URIRef(iri) for iri in error.resources if iri in touched]
    text = "; ".join(error.messages)[:600]
    fix = ("an instance cannot belong to two disjoint classes (directly, or through the domain or range of a property "
           "it uses); check its types and the properties pointing at it")
    if not named:
        return [Finding(ERROR, "consistency", f"the reasoner finds the graph with this submission inconsistent: {text}", fix,
                        file=ctx.files[0].name if ctx.files else None)]
    return [ctx.finding(ERROR, "consistency", node, f"the reasoner finds the graph with this submission inconsistent: {text}",
                        fix) for node in named[:5]]
