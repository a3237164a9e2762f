"""Checks of what a submission repeats or contradicts: duplicates, conflicting figures, provenance.

- the same entity under a second IRI (same label or alias, or the same source file name);
- a deal already in the graph under another IRI (same kind, same parties, no different date);
- a figure that contradicts an existing value node from the same source (same field, same
  currency or unit, different number);
- new organizations, people and products that cite no source (facts and figures are covered by
  the SHACL shapes, whose results are reported as provenance findings).
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from kg.validation.findings import ERROR, WARNING, Finding
from kg.submissions.locate import short
from kg.namespaces import AI, ORG, SCHEMA
from kg.submissions.checks import ENTITY_NAMESPACES, Context

__all__ = ["duplicates", "conflicts", "provenance", "ROLE_PROPERTIES"]

#: Properties naming the parties of a fact: two facts of one kind with the same parties are one.
ROLE_PROPERTIES = tuple(AI[n] for n in ("investor", "investee", "buyer", "provider", "party", "supplier", "customer",
                                        "holder", "company", "competitor", "model", "platform", "member", "alliance",
                                        "planner", "claimant", "earlier", "later"))
_FIGURES = (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def duplicates(ctx: Context) -> list[Finding]:
    out = []
    names: dict[str, URIRef] = {}
    for s, p, o in ctx.existing.triples((None, None, None)):
        if p in (RDFS.label, SKOS.altLabel) and isinstance(s, URIRef) and str(s).startswith(ENTITY_NAMESPACES):
            names.setdefault(_norm(o), s)
    identifiers = {str(o): s for s, o in ctx.existing.subject_objects(DCTERMS.identifier)}
    new = sorted(s for s in set(ctx.submission.subjects(RDF.type, None))
                 if isinstance(s, URIRef) and str(s).startswith(ENTITY_NAMESPACES) and ctx.is_new(s))
    for s in new:
        flagged = False
        for p in (RDFS.label, SKOS.altLabel):
            for label in ctx.submission.objects(s, p):
                twin = names.get(_norm(label))
                if twin is not None and twin != s and not flagged:
                    flagged = True
                    out.append(ctx.finding(ERROR, "duplicate", s, f'"{label}" is already the name of {short(twin)}; '
                                           f"{short(s)} would be a second IRI for the same entity",
                                           f"use {short(twin)} instead of {short(s)}", path=[p], value=label))
                elif twin is None and p == RDFS.label and ctx.is_a(s, ORG.Organization) and not flagged:
                    close = difflib.get_close_matches(_norm(label), list(names), n=1, cutoff=0.8)
                    if close:
                        flagged = True
                        twin = names[close[0]]
                        out.append(ctx.finding(WARNING, "possible-duplicate", s,
                                               f'"{label}" is close to the name of {short(twin)} '
                                               f'("{ctx.existing.value(twin, RDFS.label)}"); is it a typo?',
                                               f"if it is the same organization, use {short(twin)}", path=[p], value=label))
        for ident in ctx.submission.objects(s, DCTERMS.identifier):
            twin = identifiers.get(str(ident))
            if twin is not None and twin != s:
                out.append(ctx.finding(ERROR, "duplicate", s, f'the source file "{ident}" is already {short(twin)}',
                                       f"cite {short(twin)} instead", path=[DCTERMS.identifier], value=ident))
        out.extend(_same_deal(ctx, s))
    return out


def _signature(graph, node) -> frozenset:
    return frozenset((p, o) for p in ROLE_PROPERTIES for o in graph.objects(node, p))


def _same_deal(ctx: Context, s: URIRef) -> list[Finding]:
    if not ctx.is_a(s, AI.Fact):
        return []
    roles = _signature(ctx.submission, s)
    if len(roles) < 2:
        return []
    kinds = set(ctx.submission.objects(s, RDF.type))
    dates = set(ctx.submission.objects(s, AI.announcedOn))
    # only a node sharing a party in the same role can share two: look those up, not every node of the
    # kind (a scan per submitted deal took 9 s of a 1k-triple submission's check at 100k triples)
    sharing = {other for p, o in roles for other in ctx.existing.subjects(p, o)}
    for kind in sorted(kinds):
        for other in sorted(o for o in sharing if (o, RDF.type, kind) in ctx.existing):
            theirs_roles = _signature(ctx.existing, other)
            if other == s or len(roles & theirs_roles) < 2 or not (roles <= theirs_roles or theirs_roles <= roles):
                continue
            theirs = set(ctx.existing.objects(other, AI.announcedOn))
            if dates and theirs and not dates & theirs:
                continue  # a different deal between the same parties, on another day
            parties = ", ".join(sorted(short(o) for _, o in roles & theirs_roles))
            return [ctx.finding(ERROR, "duplicate", s, f"{short(other)} is already a {short(kind)} between the same "
                                f"parties ({parties}); {short(s)} looks like the same deal under a second IRI",
                                f"add new figures or sources to {short(other)} instead; if this is a different deal, "
                                "give both their ai:announcedOn dates", path=[RDF.type], value=kind)]
    return []


def _figures(graph, node) -> tuple:
    key = tuple(sorted(str(v) for p in (SCHEMA.currency, SCHEMA.unitCode, SCHEMA.unitText) for v in graph.objects(node, p)))
    figures = {}
    for p in _FIGURES:
        for v in graph.objects(node, p):
            try:
                figures[p] = Decimal(str(v))
            except InvalidOperation:
                figures[p] = str(v)
    return key, figures


def conflicts(ctx: Context) -> list[Finding]:
    """A figure from a source that contradicts the figure the graph already holds from that source."""
    out = []
    for s, p, node in sorted(ctx.submission):
        if not isinstance(node, BNode) or isinstance(s, BNode) or ctx.is_new(s):
            continue
        sources = set(ctx.submission.objects(node, PROV.wasDerivedFrom))
        key, figures = _figures(ctx.submission, node)
        if not figures:
            continue
        for old in ctx.existing.objects(s, p):
            if not isinstance(old, BNode):
                continue
            shared = sources & set(ctx.existing.objects(old, PROV.wasDerivedFrom))
            old_key, old_figures = _figures(ctx.existing, old)
            if not shared or old_key != key or not old_figures or old_figures == figures:
                continue
            said = ", ".join(f"{short(k)} {v}" for k, v in sorted(old_figures.items()))
            new = ", ".join(f"{short(k)} {v}" for k, v in sorted(figures.items()))
            out.append(ctx.finding(ERROR, "conflict", node, f"{', '.join(sorted(short(x) for x in shared))} already gives "
                                   f"{short(p)} of {short(s)} as {said}; the submission says {new}",
                                   "if the graph misreads the source, correct data/ in a reviewed change; if another source "
                                   "says this, cite that source instead", path=[next(iter(figures))],
                                   value=Literal(next(iter(figures.values())))))
            break
    return out


def provenance(ctx: Context) -> list[Finding]:
    """New organizations, people and products cite where they come from (facts: see the shapes)."""
    out = []
    for s in sorted(set(ctx.submission.subjects(RDF.type, None))):
        if not isinstance(s, URIRef) or not ctx.is_new(s) or (s, PROV.wasDerivedFrom, None) in ctx.submission:
            continue
        if ctx.is_a(s, AI.Organization) or ctx.is_a(s, AI.Product) or ctx.is_a(s, AI.Person) or ctx.is_a(s, AI.Alliance):
            out.append(ctx.finding(WARNING, "provenance", s, f"{short(s)} is new and cites no source",
                                   "add prov:wasDerivedFrom src:… naming the source that mentions it"))
    return out
