"""``kg validate FILE…``: check a submission in the context of the existing graph, report every problem.

Order: read and parse each file safely (:mod:`kg.submissions.parse`; a file that cannot be read stops
there, exit code 2); relabel its blank nodes from its content so that they never meet existing
ones; refuse unsafe IRIs and text (:mod:`kg.submissions.hygiene`; nothing else reads them); run the
submission checks (:mod:`kg.submissions.checks`, :mod:`~kg.submissions.overlap`,
:mod:`~kg.submissions.plausibility`); then SHACL over the existing asserted graph plus the
submission (on a graph past :data:`~kg.submissions.consistency.FULL_GRAPH_LIMIT` triples, over the
submission's neighbourhood), keeping the results that concern the submission and are not already
explained by a more specific finding; last, when nothing else failed, the reasoner's consistency
check (:mod:`kg.submissions.consistency`), so that ``kg validate`` refuses what ``kg add`` would.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import PROV, SH

from kg.submissions import checks as checks
from kg.submissions import consistency as consistency
from kg.submissions import hygiene as hygiene
from kg.submissions import plausibility as plausibility
from kg.submissions import overlap as overlap
from kg.validation.findings import ERROR, INFO, WARNING, Finding, Report
from kg.submissions.locate import short
from kg.namespaces import AISH
from kg.submissions.parse import Limits, Submission, quiet_rdflib, read_submission
from kg.submissions.checks import Context, _literal_problem
from kg.validation.shacl import load_shapes, validate

__all__ = ["Checked", "check_submission", "relabel_blank_nodes"]

_SKOLEM = "https://w3id.org/ai-industry/.well-known/genid/submission/"
_SEVERITY = {"Violation": ERROR, "Warning": WARNING, "Info": INFO}


@dataclass
class Checked:
    """The outcome of checking: the report, the parsed files and their union (blank nodes relabelled)."""

    report: Report
    files: list[Submission]
    submission: Graph
    existing: Graph
    reasoned: consistency.Reasoned | None = None


def relabel_blank_nodes(graph: Graph, text: str) -> Graph:
    """Blank nodes named from the file's content and their canonical position: stable across runs,
    and distinct from the loader's labels (``b…``) and from any other submission's."""
    tag = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    canonical = to_canonical_graph(graph)
    ids = sorted({t for triple in canonical for t in (triple[0], triple[2]) if isinstance(t, BNode)})
    mapping = {old: BNode(f"s{tag}x{n}") for n, old in enumerate(ids)}
    out = Graph()
    for s, p, o in canonical:
        out.add((mapping.get(s, s), p, mapping.get(o, o)))
    return out


def check_submission(paths: list[Path], *, graph, input_format: str | None = None, limits: Limits = Limits(),
                     strict: bool = False, reasoning: bool = True, derive: bool = False) -> Checked:
    """Check the files against ``graph`` (a :class:`kg.KnowledgeGraph`); never raises on bad input.

    ``reasoning`` runs the reasoner's consistency check (as ``kg add`` must, so ``kg validate`` does
    too); ``derive`` also keeps the inferences before and after, for ``kg add`` to show.
    """
    report = Report(files=[str(p) for p in paths], strict=strict)
    files: list[Submission] = []
    for path in paths:
        parsed, findings = read_submission(Path(path), input_format=input_format, limits=limits)
        report.extend(findings)
        if parsed is not None:
            with quiet_rdflib():
                parsed.graph = relabel_blank_nodes(parsed.graph, parsed.text)
            files.append(parsed)
    existing = Graph()
    for triple in graph.asserted().triples((None, None, None)):
        existing.add(triple)
    union = Graph()
    for f in files:
        union += f.graph
    checked = Checked(report=report, files=files, submission=union, existing=existing)
    if report.input_failed or not files:
        return checked

    shapes = load_shapes(graph.paths.shapes)
    ctx = Context(files=files, submission=union, existing=existing, ontology=graph.ontology, shapes=shapes)
    with quiet_rdflib():
        unsafe = hygiene.iris(ctx) + hygiene.texts(ctx)
        if any(f.severity == ERROR for f in unsafe):  # unsafe IRIs or text stop here: nothing else reads them
            report.extend(unsafe)
            return checked
        report.extend(unsafe)
        for check in (checks.schema_changes, checks.namespaces, checks.vocabulary, checks.references, checks.literals,
                      overlap.duplicates, overlap.conflicts, overlap.provenance, plausibility.dates, plausibility.stakes,
                      plausibility.identifiers, plausibility.lookalikes):
            report.extend(check(ctx))
        report.extend(_shapes(ctx, shapes))
    if reasoning and not report.errors:  # a file with errors is refused already; the reasoner would repeat them
        found, checked.reasoned = consistency.reason(ctx, graph, inconsistency_only=not derive)
        report.extend(found)
    return checked


def _shapes(ctx: Context, shapes: Graph) -> list[Finding]:
    """SHACL over existing + submission; ill-typed literals go in as plain strings (reported already)."""
    data = Graph()
    touched = {t for triple in ctx.submission for t in (triple[0], triple[2])}
    focus, skolem = None, {}
    if len(ctx.existing) <= consistency.FULL_GRAPH_LIMIT:
        data += ctx.existing
    else:  # incremental: the submission's nodes, validated in their neighbourhood (ontology for the class hierarchy)
        data += consistency.neighbourhood(ctx.existing, ctx.ontology, touched)
        focus = sorted(str(t) for t in touched if isinstance(t, URIRef) and (t, None, None) in ctx.submission)
        skolem = {b: URIRef(_SKOLEM + str(b)) for b in touched if isinstance(b, BNode)}  # pySHACL focuses on IRIs only
        focus += sorted(str(i) for i in skolem.values())
    back = {i: b for b, i in skolem.items()}
    for s, p, o in ctx.submission:
        if isinstance(o, Literal) and o.datatype is not None and _literal_problem(o):
            o = Literal(str(o))
        data.add((skolem.get(s, s), p, skolem.get(o, o)))
    try:
        result = validate(data, shapes, focus_nodes=focus)
    except Exception as error:  # noqa: BLE001 - a crash of the shape engine is reported, not raised
        return [Finding(ERROR, "shape", f"the shape checker failed: {type(error).__name__}: {error}",
                        "report this as a bug, with the submission attached")]
    out = _iri_only(ctx, shapes) if skolem else []
    for r in result.findings:
        r = replace(r, focus=back.get(r.focus, r.focus), value=back.get(r.value, r.value))
        if r.focus not in touched and r.value not in touched:
            continue
        if r.value in ctx.covered or (r.focus, r.path) in ctx.covered or r.focus in ctx.covered:
            continue
        if r.value is None and r.path is None and r.focus not in touched:
            continue
        if r.path is None and any((r.focus, p) in ctx.covered for p in ctx.submission.predicates(r.focus)):
            continue  # a node-level rule tripped by a value already reported as ill-formed
        path = r.path
        if path is None and r.value is not None:  # SPARQL constraints name no path: find it from the value
            path = next(iter(ctx.submission.predicates(r.focus, r.value)), None)
        kind = "provenance" if path == PROV.wasDerivedFrom or str(r.shape).startswith(str(AISH) + "Source-") else "shape"
        node = r.focus if r.focus in touched else r.value
        rule = _rule_name(r.shape, shapes)
        out.append(ctx.finding(_SEVERITY.get(r.severity, ERROR), kind, node, r.message,
                               f"do as the message says (rule {rule} in shapes/)" if rule else "do as the message says",
                               path=[path] if path is not None and not isinstance(path, BNode) else None,
                               value=r.value if r.value is not None and not isinstance(r.value, BNode) else None))
    return out


def _iri_only(ctx: Context, shapes: Graph) -> list[Finding]:
    """Blank nodes where the shapes want an IRI: skolemised for pySHACL, so checked here instead."""
    wanted = {shapes.value(shape, SH.path) for shape in shapes.subjects(SH.nodeKind, SH.IRI)}
    return [ctx.finding(ERROR, "shape", s, f"{short(p)} points to an IRI (an entity), not a blank node",
                        "name the entity with its IRI", path=[p]) for s, p, o in sorted(ctx.submission)
            if p in wanted and isinstance(o, BNode)]


def _rule_name(shape, shapes: Graph) -> str | None:
    """The shape's name, or that of the node shape owning an anonymous property shape or constraint."""
    for _ in range(3):
        if shape is None:
            return None
        if not isinstance(shape, BNode):
            return short(shape)
        shape = next(shapes.subjects(SH.property, shape), None) or next(shapes.subjects(SH.sparql, shape), None)
    return None
