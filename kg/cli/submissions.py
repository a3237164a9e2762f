"""``kg validate FILE…`` and ``kg add FILE…``: the contributor's two commands.

Exit codes: 0 the submission conforms (and, for ``kg add``, was merged or was already there),
1 it does not conform (nothing written), 2 a file cannot be read or parsed, or the usage is wrong
(nothing written). Warnings fail only with ``--strict``. The report goes to stdout (text or
``--format json``); nothing is written to ``data/`` unless everything conforms.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.cli.main import command, open_graph, progress, write
from kg.errors import InputError
from kg.validation.findings import Report
from kg.submissions.locate import short
from kg.namespaces import AI
from kg.reasoning.reference import infer
from kg.submissions.parse import Limits, quiet_rdflib

__all__ = ["derived_changes", "add_submission"]

#: Shown with a plain-words name when the reasoner starts to derive them.
SHORTCUTS = {AI.investsIn: "invests in", AI.buysComputeFrom: "buys compute from", AI.fundsCustomerOf: "funds a customer of",
             AI.competesWith: "competes with", AI.partnersWith: "partners with", AI.alliedWith: "allied with",
             AI.ownsStakeIn: "owns a stake in", AI.supplies: "supplies", AI.memberOf: "member of",
             AI.availableOn: "available on", AI.announcedBefore: "announced before", AI.sendsMoneyTo: "sends money to"}


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", metavar="FILE", nargs="+", type=Path, help="submission files (.ttl, .nt, .jsonld, .rdf)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    parser.add_argument("--strict", action="store_true",
                        help="the strict reading of SHACL: any result fails, sh:Warning and sh:Info too. Without it "
                             "the data conforms when no shape reports an sh:Violation (warnings and infos are printed "
                             "but pass); standard SHACL tools read 'conforms' strictly and say the curated data does "
                             "not conform because of its sh:Info notes")
    parser.add_argument("--input-format", choices=("turtle", "nt", "json-ld", "xml"),
                        help="the files' RDF format (default: from the extension)")
    parser.add_argument("--max-bytes", type=int, default=Limits.max_bytes, help=argparse.SUPPRESS)
    parser.add_argument("--max-depth", type=int, default=Limits.max_depth, help=argparse.SUPPRESS)


def _add_args(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument("--dry-run", action="store_true", help="check and show what would be added; write nothing")
    parser.add_argument("--into", metavar="FILE", help="write every new triple into this .ttl file of the data folder")
    parser.add_argument("--lock-timeout", type=float, default=60.0, help=argparse.SUPPRESS)


def _limits(args) -> Limits:
    return Limits(max_bytes=args.max_bytes, max_depth=args.max_depth)


def _emit(report: Report, fmt: str) -> int:
    write(report.to_json() if fmt == "json" else report.to_text())
    return report.exit_code


@command("validate", help="check a submission (new facts in Turtle, N-Triples, JSON-LD or RDF/XML) against the graph",
         configure=_common)
def validate_command(args: argparse.Namespace) -> int:
    from kg.submissions.check import check_submission

    graph = open_graph(args)
    checked = check_submission(args.files, graph=graph, input_format=args.input_format, limits=_limits(args),
                               strict=args.strict)
    return _emit(checked.report, args.format)


def derived_changes(graph, before: Graph, new: Graph) -> list[dict]:
    """Shortcut relations and derived roles the reasoner draws after the merge and not before."""
    asserted = Graph()
    for triple in graph.asserted().triples((None, None, None)):
        asserted.add(triple)
    asserted += new
    with quiet_rdflib():
        after = infer(asserted)
    label = lambda t: str(asserted.value(t, RDFS.label) or short(t))  # noqa: E731
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
                         "text": f"{label(s)} is now a {str(graph.ontology.value(o, RDFS.label) or short(o))}"})
    return rows


def add_submission(args: argparse.Namespace) -> Report:
    """Lock, check against the current data, plan, show, and (unless a dry run) write."""
    from kg.submissions.merge import data_lock, plan_additions, remove_stale_temporaries, write_plan
    from kg.paths import resolve_paths
    from kg.submissions.check import check_submission

    data_dir = resolve_paths(data=args.data).data
    if not Path(data_dir).is_dir():
        raise InputError(f"{data_dir}: the data folder does not exist")
    if "_bundled" in Path(data_dir).parts and not args.dry_run:
        raise InputError(f"{data_dir} is the copy installed with the package; run kg add from a checkout or give --data DIR")
    into = None
    if args.into:
        into = Path(args.into) if Path(args.into).parent != Path(".") else Path(data_dir) / args.into
        if into.suffix != ".ttl" or Path(data_dir).resolve() not in into.resolve().parents:
            raise InputError(f"--into {args.into}: give a .ttl file inside the data folder {data_dir}")
    lock = data_lock(Path(data_dir), timeout=args.lock_timeout) if not args.dry_run else _nothing()
    with lock:
        if not args.dry_run:
            remove_stale_temporaries(Path(data_dir))
        graph = open_graph(args)
        checked = check_submission(args.files, graph=graph, input_format=args.input_format, limits=_limits(args),
                                   strict=args.strict)
        report = checked.report
        if not report.conforms:
            report.summary = {"written": False, "reason": "the submission does not conform; nothing was written"}
            return report
        plan = plan_additions(checked.submission, checked.existing, graph, into=into)
        if plan.empty:
            report.summary = {"written": False, "added_triples": 0,
                              "reason": "everything in the submission is already in the graph; nothing to add"}
            return report
        progress("reasoning over the graph with and without the submission…")
        derived = derived_changes(graph, graph.inferred(), plan.new)
        new_entities = sorted({short(s) + " (" + ", ".join(sorted(short(t) for t in plan.new.objects(s, RDF.type))) + ")"
                               for s in plan.new.subjects(RDF.type, None)
                               if isinstance(s, URIRef) and (s, RDF.type, None) not in checked.existing})
        report.summary = {
            "written": not args.dry_run,
            "dry_run": args.dry_run,
            "added_triples": len(plan.new),
            "already_present": plan.skipped,
            "files": {str(p): len(plan.targets[p]) for p in sorted(plan.targets)},
            "new_entities": new_entities,
            "derived": derived,
            "turtle": {str(p): b for p, b in sorted(plan.blocks.items())},
        }
        if not args.dry_run:
            write_plan(plan)
        return report


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def changes_text(summary: dict) -> str:
    if not summary.get("added_triples"):
        return summary.get("reason", "") + "\n"
    verb = "would add" if summary.get("dry_run") else "added"
    lines = [f"{verb} {summary['added_triples']} triples"
             + (f" ({summary['already_present']} already in the graph)" if summary.get("already_present") else "")]
    for path, roots in summary["files"].items():
        lines.append(f"  {path}: {roots} entit{'y' if roots == 1 else 'ies'}")
    if summary["new_entities"]:
        lines.append("new entities:")
        lines += [f"  {e}" for e in summary["new_entities"]]
    lines.append("the reasoner now derives:" if summary["derived"] else "the reasoner derives nothing new from it")
    lines += [f"  {d['text']}  ({d['subject']} {d['relation']} {d['object']})" for d in summary["derived"]]
    if summary.get("dry_run"):
        for path, block in summary["turtle"].items():
            lines += ["", f"--- would append to {path}:", block.rstrip()]
    return "\n".join(lines) + "\n"


@command("add", help="check a submission and, if it conforms, merge it into data/ (atomic, deterministic)",
         configure=_add_args)
def add_command(args: argparse.Namespace) -> int:
    report = add_submission(args)
    if args.format == "json":
        write(report.to_json())
    else:
        write(report.to_text())
        if report.summary:
            write(changes_text(report.summary))
    return report.exit_code
