"""``kg validate FILE…`` and ``kg add FILE…``: the contributor's two commands.

The work is in :mod:`kg.submissions.api`; this module only parses arguments and prints.
Exit codes: 0 the submission conforms (and, for ``kg add``, was merged or was already there),
1 it does not conform (nothing written), 2 a file cannot be read or parsed, the usage is wrong, or
the data folder cannot be locked or written (nothing written). Warnings fail only with ``--strict``. The report goes to stdout (text or
``--format json``); nothing is written to ``data/`` unless everything conforms.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.cli.main import command, open_graph, progress, write
from kg.submissions.parse import Limits
from kg.validation.findings import Report

__all__ = ["changes_text"]


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
    from kg.submissions import api

    report = api.check(open_graph(args), args.files, input_format=args.input_format, limits=_limits(args), strict=args.strict)
    return _emit(report, args.format)


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
    from kg.submissions import api

    outcome = api.add(lambda: open_graph(args), args.files, input_format=args.input_format, limits=_limits(args),
                      strict=args.strict, dry_run=args.dry_run, into=args.into, lock_timeout=args.lock_timeout,
                      data=args.data, progress=progress)
    report = outcome.report
    if args.format == "json":
        write(report.to_json())
    else:
        write(report.to_text())
        if report.summary:
            write(changes_text(report.summary))
    return report.exit_code
