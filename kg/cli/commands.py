"""The read-side commands: info, queries, query, sparql, reason, export.

Each is a small function registered with :func:`kg.cli.main.command`; the work itself is done by
:class:`kg.KnowledgeGraph`, so the command line and the Python API give the same answers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.cli.main import command, open_graph, parse_params, warn, write
from kg.errors import InputError, QueryError
from kg.publishing.export import EXPORT_FORMATS
from kg.analysis.lookup import check_iris
from kg.analysis.queries import bind, parse_value
from kg.analysis.results import GRAPH_FORMATS, TABLE_FORMATS


def _info_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-reasoning", action="store_true", help="skip counting inferred triples")
    parser.add_argument("--no-validation", action="store_true",
                        help="skip the conformance check (SHACL; its verdict is cached per version of the files)")


@command("info", help="counts: asserted and inferred triples, entities by class, sources, conformance", configure=_info_args)
def info(args: argparse.Namespace) -> int:
    graph = open_graph(args)
    facts = graph.info(reasoning=not args.no_reasoning, validation=not args.no_validation)
    lines = [
        f"asserted triples  {facts.asserted}",
        f"inferred triples  {'(not computed)' if facts.inferred is None else facts.inferred}",
        f"files             {facts.files}",
        f"sources           {facts.sources}",
        f"conforms          {_verdict(facts.conforms)}",
        "entities by class",
    ]
    width = max((len(name) for name in facts.classes), default=0)
    lines += [f"  {name.ljust(width)}  {count}" for name, count in sorted(facts.classes.items())]
    write("\n".join(lines) + "\n")
    return 0


def _verdict(conforms: bool | None) -> str:
    if conforms is None:
        return "(not checked)"
    return "yes" if conforms else "no (run kg validate for the details)"


@command("queries", help="list the stored queries with their titles, descriptions and parameters")
def queries(args: argparse.Namespace) -> int:
    graph = open_graph(args)
    blocks = []
    for stored in graph.queries.values():
        lines = [f"{stored.name} — {stored.title}"]
        if stored.description:
            lines.append(f"    {stored.description}")
        for p in stored.params:
            default = f", default {p.default}" if p.default is not None else ""
            kind = "required" if p.required else "optional"
            lines.append(f"    --param {p.name}=…  ({p.type}, {kind}{default}) {p.description}".rstrip())
        lines.append(f"    reasoning: {'required' if stored.reasoning else 'not required'}")
        blocks.append("\n".join(lines))
    write("\n\n".join(blocks) + "\n" if blocks else "")
    return 0


def _query_args(parser: argparse.ArgumentParser, *, stored: bool) -> None:
    if stored:
        parser.add_argument("name", metavar="NAME", help="the stored query (see kg queries)")
    else:
        parser.add_argument("text", metavar="QUERY", nargs="?", help="the SPARQL query text (or use --file)")
        parser.add_argument("--file", metavar="F", help="read the query from file F ('-' for stdin)")
    parser.add_argument("--param", metavar="NAME=VALUE", action="append",
                        help='bind a variable: prefixed name (ag:nvidia), <IRI>, or literal ("text", 42, 3.5, true, '
                             '"2025-01-01"^^xsd:date); repeatable')
    formats = TABLE_FORMATS if stored else TABLE_FORMATS + tuple(GRAPH_FORMATS)
    parser.add_argument("--format", choices=formats,
                        help="output format (default: table on a terminal, csv otherwise" +
                             ("; turtle for graph results)" if not stored else ")"))
    parser.add_argument("--no-reasoning", action="store_true", help="leave inferred triples out")
    if not stored:  # the server's limits (kg.publishing.limited): the query runs in a process that is killed
        parser.add_argument("--timeout", metavar="SECONDS", type=float, default=10.0,
                            help="stop the query after SECONDS (default: 10, as kg serve; 0: no limit)")
        parser.add_argument("--max-rows", metavar="N", type=int, default=10000,
                            help="refuse a result of more than N rows or triples (default: 10000, as kg serve)")
    _table_args(parser)


def _table_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--columns", metavar="A,B,…", type=lambda text: [c.strip() for c in text.split(",") if c.strip()],
                        help="table only: show these columns, in this order (machine formats keep every column)")
    parser.add_argument("--wide", action="store_true",
                        help="table only: no width limit and no wrapping (default: fit $COLUMNS or the terminal)")


def _emit(result, fmt: str | None, graph, args: argparse.Namespace | None = None) -> int:
    fmt = fmt or result.default_format(terminal=sys.stdout.isatty() and not (args is not None and args.output))
    options = {}
    if args is not None and (args.columns or args.wide):
        if fmt != "table":
            raise InputError("--columns and --wide shape the table; use them with --format table")
        options = {"columns": args.columns, "wide": args.wide}
    write(result.serialize(fmt, namespace_manager=graph.namespace_manager, **options))
    return 0


@command("query", help="run a stored query", configure=lambda p: _query_args(p, stored=True))
def query(args: argparse.Namespace) -> int:
    params = parse_params(args.param)
    graph = open_graph(args)
    stored = graph.stored(args.name)
    check_iris(graph, bind(stored, params))  # a misspelled entity is an error with suggestions, not an empty answer
    if stored.reasoning and args.no_reasoning:
        warn(f"query {stored.name!r} needs reasoning; without it the answer may be incomplete")
    return _emit(graph.query(args.name, params, reasoning=not args.no_reasoning), args.format, graph, args)


@command("sparql", help="run an ad hoc SELECT, ASK, CONSTRUCT or DESCRIBE query (updates are refused)",
         configure=lambda p: _query_args(p, stored=False))
def sparql(args: argparse.Namespace) -> int:
    if (args.text is None) == (args.file is None):
        raise InputError("give the query either as an argument or with --file, not both and not neither")
    source = "query"
    text = args.text
    if args.file is not None:
        source = "<stdin>" if args.file == "-" else args.file
        try:
            text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{args.file}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    params = parse_params(args.param)
    if args.timeout < 0 or args.max_rows <= 0:
        raise InputError("--timeout must be 0 (no limit) or more, --max-rows positive")
    from kg.publishing.limited import limited_query

    graph = open_graph(args)
    result = limited_query(graph, text, params, reasoning=not args.no_reasoning, timeout=args.timeout,
                           max_rows=args.max_rows, source=source)
    try:  # an ad hoc query may ask about an IRI on purpose: a warning, not an error
        check_iris(graph, {name: parse_value(value, name=name) for name, value in params.items()})
    except (InputError, QueryError) as unknown:
        warn(str(unknown))
    return _emit(result, args.format, graph, args)


def _reason_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--refresh", action="store_true", help="recompute even if the cache holds the inferences")


@command("reason", help="materialise the OWL 2 RL inferences and report how many of each kind were added",
         configure=_reason_args)
def reason(args: argparse.Namespace) -> int:
    graph = open_graph(args)
    report = graph.reason(refresh=args.refresh)
    origin = "read from the cache" if report.cached else "computed"
    lines = [f"inferred triples  {report.inferred}  ({origin} in {report.seconds:.2f} s)"]
    width = max((len(kind) for kind in report.kinds), default=0)
    lines += [f"  {kind.ljust(width)}  {count}" for kind, count in sorted(report.kinds.items(), key=lambda kv: (-kv[1], kv[0]))]
    write("\n".join(lines) + "\n")
    return 0


def _export_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="turtle", help="serialization (default: turtle)")
    parser.add_argument("--inferred", action="store_true", help="include the inferred triples")


@command("export", help="write the asserted (or asserted plus inferred) triples, byte-identical for the same data",
         configure=_export_args)
def export(args: argparse.Namespace) -> int:
    write(open_graph(args).export(args.format, inferred=args.inferred))  # -o FILE: kg.cli.main writes it atomically
    return 0
