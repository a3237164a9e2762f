"""The contributor's Python API: check a submission, and add it to ``data/``; ``kg validate``/``kg add`` wrap these.

``check(graph, paths)`` never writes and never raises on bad input: everything is in the
:class:`~kg.validation.findings.Report` (``report.exit_code`` is what the command line returns).
``add(graph, paths)`` checks under an exclusive lock on the data folder and writes only if the
report conforms; a folder it must not or cannot write to raises
:class:`~kg.submissions.merge.DataFolderError` (exit code 2) and leaves every file as it was.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.errors import InputError
from kg.namespaces import AI
from kg.submissions.check import Checked, check_submission
from kg.submissions.locate import short
from kg.submissions.merge import DataFolderError, data_lock, plan_additions, remove_stale_temporaries, write_plan
from kg.submissions.parse import Limits
from kg.validation.findings import Report

__all__ = ["check", "add", "Outcome", "installed_location", "SHORTCUTS"]

#: Shown with a plain-words name when the reasoner starts to derive them.
SHORTCUTS = {AI.investsIn: "invests in", AI.buysComputeFrom: "buys compute from", AI.fundsCustomerOf: "funds a customer of",
             AI.competesWith: "competes with", AI.partnersWith: "partners with", AI.alliedWith: "allied with",
             AI.ownsStakeIn: "owns a stake in", AI.supplies: "supplies", AI.memberOf: "member of",
             AI.availableOn: "available on", AI.announcedBefore: "announced before", AI.sendsMoneyTo: "sends money to"}


@dataclass
class Outcome:
    """What ``add`` did: the report (its ``summary`` lists the changes) and the files written."""

    report: Report
    written: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return self.report.exit_code


def _paths(paths) -> list[Path]:
    return [Path(paths)] if isinstance(paths, (str, os.PathLike)) else [Path(p) for p in paths]


def check(graph, paths: str | os.PathLike | Iterable[str | os.PathLike], *, input_format: str | None = None,
          strict: bool = False, limits: Limits = Limits(), reasoning: bool = True) -> Report:
    """Check submission files against ``graph`` (a :class:`kg.KnowledgeGraph`); write nothing."""
    return check_submission(_paths(paths), graph=graph, input_format=input_format, limits=limits, strict=strict,
                            reasoning=reasoning).report


def installed_location(folder: Path) -> str | None:
    """The install location ``folder`` lies in (site-packages, the package's bundle), or None for a checkout."""
    resolved = Path(folder).resolve()
    if "_bundled" in resolved.parts:
        return str(resolved)
    roots = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")} | {p for p in sys.path if p.endswith("-packages")}
    for root in roots:
        try:
            resolved.relative_to(Path(root).resolve())
            return root
        except (ValueError, OSError):
            continue
    return None


def derived_rows(ontology: Graph, labels: Graph, before: Graph, after: Graph) -> list[dict]:
    """Shortcut relations and derived roles the reasoner draws after the merge and not before."""
    label = lambda t: str(labels.value(t, RDFS.label) or short(t))  # noqa: E731
    rows = []
    for s, p, o in sorted(set(after) - set(before)):
        if not isinstance(s, URIRef) or not isinstance(o, URIRef):
            continue
        if p in SHORTCUTS:
            loop = p == AI.fundsCustomerOf and s == o
            rows.append({"subject": short(s), "relation": short(p), "object": short(o),
                         "text": f"{label(s)} {SHORTCUTS[p]} {label(o)}" + (" — a money loop" if loop else "")})
        elif p == RDF.type and o in (AI.Investor, AI.ComputeBuyer):
            rows.append({"subject": short(s), "relation": "rdf:type", "object": short(o),
                         "text": f"{label(s)} is now a {str(ontology.value(o, RDFS.label) or short(o))}"})
    return rows


def _target(data_dir: Path, into) -> Path | None:
    if not into:
        return None
    target = Path(into) if Path(into).parent != Path(".") else data_dir / into
    if target.suffix != ".ttl" or data_dir.resolve() not in target.resolve().parents:
        raise InputError(f"--into {into}: give a .ttl file inside the data folder {data_dir}")
    return target


def add(graph, paths, *, input_format: str | None = None, strict: bool = False, limits: Limits = Limits(),
        dry_run: bool = False, into: str | os.PathLike | None = None, lock_timeout: float = 60.0,
        data: str | os.PathLike | None = None, progress: Callable[[str], None] | None = None) -> Outcome:
    """Check ``paths`` and, if they conform and this is not a dry run, merge them into the graph's data folder.

    ``graph`` is a :class:`kg.KnowledgeGraph`, or a function returning one (then ``data`` names its
    data folder, as ``--data`` does): it is opened under the lock, so that a concurrent ``add``
    that finished first is seen.
    """
    from kg.paths import resolve_paths

    opener = graph if callable(graph) and not hasattr(graph, "paths") else (lambda: graph)
    data_dir = Path(graph.paths.data) if hasattr(graph, "paths") else Path(resolve_paths(data=data).data)
    if not data_dir.is_dir():
        raise DataFolderError(f"{data_dir}: the data folder does not exist")
    installed = installed_location(data_dir)
    if installed and not dry_run:
        raise DataFolderError(f"{data_dir} is inside an installed package ({installed}); kg add writes only into a "
                              "checkout's data/: run it from the checkout, or give --data DIR")
    target = _target(data_dir, into)
    if dry_run:
        return _check_and_plan(opener(), paths, input_format, strict, limits, target, dry_run, progress)
    with data_lock(data_dir, timeout=lock_timeout):
        remove_stale_temporaries(data_dir)
        return _check_and_plan(opener(), paths, input_format, strict, limits, target, dry_run, progress)


def _check_and_plan(graph, paths, input_format, strict, limits, target, dry_run, progress) -> Outcome:
    if progress:
        progress("checking the submission and reasoning over the graph with it…")
    checked: Checked = check_submission(_paths(paths), graph=graph, input_format=input_format, limits=limits,
                                        strict=strict, derive=True)
    report = checked.report
    if not report.conforms:
        report.summary = {"written": False, "reason": "the submission does not conform; nothing was written"}
        return Outcome(report)
    plan = plan_additions(checked.submission, checked.existing, graph, into=target)
    if plan.empty:
        report.summary = {"written": False, "added_triples": 0,
                          "reason": "everything in the submission is already in the graph; nothing to add"}
        return Outcome(report)
    labels = Graph()
    labels += checked.submission
    for s in {t for tr in plan.new for t in (tr[0], tr[2]) if isinstance(t, URIRef)}:
        for o in checked.existing.objects(s, RDFS.label):
            labels.add((s, RDFS.label, o))
    reasoned = checked.reasoned
    derived = derived_rows(graph.ontology, labels, reasoned.before, reasoned.after) if reasoned and reasoned.before is not None else []
    new_entities = sorted({short(s) + " (" + ", ".join(sorted(short(t) for t in plan.new.objects(s, RDF.type))) + ")"
                           for s in plan.new.subjects(RDF.type, None)
                           if isinstance(s, URIRef) and (s, RDF.type, None) not in checked.existing})
    report.summary = {
        "written": not dry_run, "dry_run": dry_run, "added_triples": len(plan.new), "already_present": plan.skipped,
        "files": {str(p): len(plan.targets[p]) for p in sorted(plan.targets)}, "new_entities": new_entities,
        "derived": derived, "reasoned_over": reasoned.scope if reasoned else None,
        "turtle": {str(p): b for p, b in sorted(plan.blocks.items())},
    }
    written = [] if dry_run else write_plan(plan)
    return Outcome(report, written)
