"""SHACL validation of the asserted graphs with the shapes in ``shapes/*.ttl``.

Validation runs on the asserted triples (ontology + data) and never on inferred ones: the
reasoner would otherwise paper over missing facts. Warnings and infos (``shapes/recommended.ttl``)
are reported but do not make the data non-conforming; only violations do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.store.files import rdf_files, read_graph
from kg.namespaces import bind_prefixes

__all__ = ["Finding", "ValidationResult", "load_shapes", "validate"]


@dataclass(frozen=True)
class Finding:
    """One SHACL result: severity (Violation, Warning, Info), the node, the path and the message."""

    severity: str
    focus: Node
    path: Node | None
    value: Node | None
    message: str
    shape: Node | None


@dataclass(frozen=True)
class ValidationResult:
    """``conforms`` is False only when there is at least one violation."""

    conforms: bool
    findings: tuple[Finding, ...]
    report: Graph
    text: str

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]


def load_shapes(folder: Path) -> Graph:
    """All ``*.ttl`` files of the shapes folder in one graph (a parse error names the file and line)."""
    shapes = bind_prefixes(Graph())
    for path in rdf_files(folder):
        graph, _ = read_graph(path, label="shapes/" + path.relative_to(folder).as_posix())
        shapes += graph
    return shapes


def validate(asserted: Iterable[tuple], shapes: Graph, *, focus_nodes: list | None = None) -> ValidationResult:
    """Run pyshacl over a copy of the asserted triples and summarise the report.

    ``focus_nodes`` limits validation to those nodes (each against the shapes that target it): the
    incremental check of a submission, which needs no verdict on the rest of the graph.
    """
    import pyshacl  # imported here: slow to import, and most commands never validate

    data = Graph()
    for triple in asserted:
        data.add(triple)
    _, report, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True,
        **({"focus_nodes": list(focus_nodes)} if focus_nodes is not None else {}),
    )
    bind_prefixes(report)
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        message = report.value(result, SH.resultMessage)
        findings.append(Finding(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=report.value(result, SH.focusNode),
            path=report.value(result, SH.resultPath),
            value=report.value(result, SH.value),
            message=str(message) if message is not None else "",
            shape=report.value(result, SH.sourceShape),
        ))
    findings.sort(key=lambda f: (f.severity != "Violation", str(f.focus), str(f.path), f.message))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationResult(conforms=conforms, findings=tuple(findings), report=report, text=text)
