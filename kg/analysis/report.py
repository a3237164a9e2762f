"""``kg report``: a briefing built from the stored queries, in Markdown or HTML, with the network diagram.

Every figure and name in the briefing comes from a stored query run on the graph at the time the
report is made; the only text written here is headings and glue. Query texts carry figures as
plain numbers ("exact 30000000000.0 USD"); they are shown as "USD 30 bn" by one function,
:func:`humanize`, so a test can map each shown figure back to the graph.
"""

from __future__ import annotations

import argparse
import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kg.cli.main import command, open_graph, warn, write
from kg.analysis.diagram import edges_from_rows, money, render, to_dot
from kg.errors import InputError

__all__ = ["Section", "SECTIONS", "Report", "build_report", "humanize", "write_report"]

_FIGURE = re.compile(r"(-?\d+\.\d+) (USD|EUR|GBP)\b")


def humanize(text: str) -> str:
    """Replace raw figures with currency ("30000000000.0 USD" -> "USD 30 bn") in query text."""
    return _FIGURE.sub(lambda m: money(m.group(1), m.group(2)), text)


@dataclass(frozen=True)
class Section:
    """One analysis of the briefing: a stored query, its parameters, and the columns shown (header, variable)."""

    query: str
    columns: tuple[tuple[str, str], ...]
    params: dict = field(default_factory=dict)
    heading: str | None = None


SECTIONS = (
    Section("circular-financing", (("Loop", "path"), ("Kind", "loop"), ("Money in", "moneyIn"), ("Money back", "moneyBack"),
                                   ("Sources", "sources"))),
    Section("frenemies", (("A", "aLabel"), ("B", "bLabel"), ("Competition", "competitions"), ("Ties", "ties"), ("Sources", "sources"))),
    Section("rival-backers", (("Investor", "investorLabel"), ("Backs", "aLabel"), ("and its rival", "bLabel"),
                              ("How", "backing"), ("Sources", "sources"))),
    Section("exposure", (("Degree", "degree"), ("Path", "path"), ("Tie", "tie"), ("Figures", "amounts"), ("Sources", "sources")),
            params={"org": "ag:anthropic"}, heading="Who is exposed if Anthropic fails"),
    Section("alliances", (("Camp", "allianceLabel"), ("Kind", "kind"), ("Members", "members"), ("Terms", "deals"),
                          ("Equity total", "equityTotal"), ("Rivals", "rivals"), ("Also serves a rival camp", "sharedSuppliers"),
                          ("Sources", "sources"))),
    Section("model-availability", (("Model", "modelLabel"), ("Maker", "makerLabel"), ("Platform", "platformLabel"),
                                   ("Sources", "sources")), params={"onAllOf": "ai:CloudPlatform"},
            heading="Models on all major clouds"),
    Section("investments", (("Investor", "investorLabel"), ("Investee", "investeeLabel"), ("Qualifier", "qualifierLabel"),
                            ("Figure", "_figure"), ("Figure sources", "amountSources"), ("Equity", "includesEquity"),
                            ("Sources", "sources"))),
    Section("compute-commitments", (("Buyer", "buyerLabel"), ("Provider", "providerLabel"), ("Platform", "platformLabel"),
                                    ("Hardware", "hardware"), ("Qualifier", "qualifierLabel"), ("Figure", "_figure"),
                                    ("Capacity", "capacity"), ("Term", "term"), ("Sources", "sources"))),
    Section("totals", (("Organization", "orgLabel"), ("Role", "role"), ("Deals", "deals"), ("Without figure", "unquantifiedDeals"),
                       ("Stated", "_stated"), ("Up to", "_upTo"), ("At least", "_atLeast"))),
    Section("conflicting-claims", (("About", "subjectLabel"), ("Property", "property"), ("Version", "version"), ("Sources", "sources"))),
    Section("timeline", (("Position", "position"), ("Event", "factLabel"), ("Day", "dayOfWeek"), ("After", "after"),
                         ("Sources", "sources"))),
)


@dataclass
class Report:
    """The briefing's content, before it is written as Markdown or HTML."""

    counts: list[tuple[str, str]]
    largest: list[tuple[str, str, str]]
    sections: list[tuple[str, str, list[str], list[list[str]]]]
    sources: list[tuple[str, str]]
    dot: str
    rendering: object = None


def _cell(row: dict, name: str) -> str:
    if name == "_figure":
        number = next((row[k] for k in ("value", "maxValue", "minValue") if row.get(k) is not None), None)
        return money(number.toPython() if number is not None else None, row.get("currency") and str(row["currency"]))
    if name.startswith("_"):
        value = row.get(name[1:])
        return money(value.toPython(), row.get("currency") and str(row["currency"])) if value is not None else ""
    value = row.get(name)
    return "" if value is None else humanize(str(value))


def build_report(graph, *, out_dir: Path) -> Report:
    """Run the stored queries behind the briefing and render the network diagram into ``out_dir``."""
    info = graph.info(validation=False)
    counts = [("Asserted triples", str(info.asserted)), ("Inferred triples", str(info.inferred)),
              ("Sources", str(info.sources))]
    counts += [(name, str(n)) for name, n in sorted(info.classes.items())
               if name in ("ai:Investment", "ai:ComputeCommitment", "ai:Partnership", "ai:SupplyRelationship",
                           "ai:Competition", "ai:Alliance", "ai:AILab", "ai:CloudProvider", "ai:ChipMaker")]
    deals = []
    for name, role in (("compute-commitments", "buys compute from"), ("investments", "invests in")):
        for row in graph.query(name).rows:
            number = next((row[k] for k in ("value", "maxValue", "minValue") if row.get(k) is not None), None)
            if number is not None:
                a, b = (("buyerLabel", "providerLabel") if role == "buys compute from" else ("investorLabel", "investeeLabel"))
                deals.append((number.toPython(), f"{row[a]} {role} {row[b]}", f"{row['qualifierLabel']} {_cell(row, '_figure')}",
                              str(row["amountSources"])))
    seen, largest = set(), []
    for number, what, figure, sources in sorted(deals, key=lambda d: (-d[0], d[1])):
        if what not in seen:
            seen.add(what)
            largest.append((what, figure, sources))
    sections = []
    for section in SECTIONS:
        stored = graph.stored(section.query)
        rows = graph.query(section.query, section.params).rows
        table = [[_cell(row, var) for _, var in section.columns] for row in rows]
        sections.append((section.heading or stored.title, stored.description, [h for h, _ in section.columns], table))
    source_rows = graph.sparql("SELECT ?id ?title WHERE { ?s a ai:Source ; dcterms:identifier ?id ; dcterms:title ?title } "
                               "ORDER BY ?id", reasoning=False).rows
    sources = [(str(r["id"]), str(r["title"])) for r in source_rows]
    dot = to_dot(edges_from_rows(graph.query("network", reasoning=False).rows))
    report = Report(counts, largest[:5], sections, sources, dot)
    report.rendering = render(dot, out_dir=out_dir)
    return report


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md_escape(text: str) -> str:
    """Text from the data as inert Markdown: no raw HTML (``<``, ``>``, ``&`` as entities), no emphasis,
    links or table breaks (punctuation backslash-escaped), no control characters, one line."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(report: Report) -> str:
    out = ["# Briefing: the web of money, compute and rivalry in the AI industry", "",
           "Generated by `kg report` from the stored queries; every figure and name below comes from the graph.", "",
           "## Summary", "", "| Count | Number |", "| --- | ---: |"]
    out += [f"| {_md_escape(k)} | {v} |" for k, v in report.counts]
    out += ["", "### Largest commitments", "", "| Deal | Figure | Sources |", "| --- | --- | --- |"]
    out += [f"| {_md_escape(a)} | {_md_escape(b)} | {_md_escape(c)} |" for a, b, c in report.largest]
    out += ["", "## The network", ""]
    rendering = report.rendering
    out += ["![Network of investments, compute purchases, supply and competition](network.svg)"] if rendering.svg else \
           [f"*No picture: {rendering.missing_reason}* The DOT source is in `network.dot`."]
    for title, description, headers, table in report.sections:
        out += ["", f"## {_md_escape(title)}", "", description, ""]
        if not table:
            out += ["*No rows.*"]
            continue
        out += ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
        out += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in table]
    out += ["", "## Sources", ""] + [f"- `{i}`: {_md_escape(t)}" for i, t in report.sources]
    return "\n".join(out) + "\n"


def _inline_svg(svg: str) -> str:
    """The ``<svg>`` element only (no XML prolog or DOCTYPE), for embedding in HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""


def to_html(report: Report) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>Briefing: the AI industry web</title>",
             "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;"
             "font-size:13px}th{background:#f0f0f0}figure svg{max-width:100%;height:auto}</style></head><body>",
             "<h1>Briefing: the web of money, compute and rivalry in the AI industry</h1>",
             "<p>Generated by <code>kg report</code> from the stored queries; every figure and name below comes from the graph.</p>",
             "<h2>Summary</h2><table><tr><th>Count</th><th>Number</th></tr>"]
    parts += [f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in report.counts]
    parts += ["</table><h3>Largest commitments</h3><table><tr><th>Deal</th><th>Figure</th><th>Sources</th></tr>"]
    parts += [f"<tr><td>{e(a)}</td><td>{e(b)}</td><td>{e(c)}</td></tr>" for a, b, c in report.largest]
    parts += ["</table><h2>The network</h2>"]
    rendering = report.rendering
    parts += [f"<figure>{_inline_svg(rendering.svg)}</figure>"] if rendering.svg else \
             [f"<p><em>No picture: {e(rendering.missing_reason)}</em> The DOT source is in <code>network.dot</code>.</p>"]
    for title, description, headers, table in report.sections:
        parts += [f"<h2>{e(title)}</h2>", f"<p>{e(description)}</p>"]
        if not table:
            parts.append("<p><em>No rows.</em></p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in table]
        parts.append("</table>")
    parts += ["<h2>Sources</h2><ul>"] + [f"<li><code>{e(i)}</code>: {e(t)}</li>" for i, t in report.sources]
    parts += ["</ul></body></html>"]
    return "\n".join(parts) + "\n"


def write_report(graph, *, out_dir: Path, format: str = "html") -> Path:
    """Build the briefing into ``out_dir`` (``report.md`` or ``report.html`` plus ``network.*``); return its path."""
    if format not in ("md", "html"):
        raise InputError(f"report format must be md or html, not {format!r}")
    out_dir = Path(out_dir)
    report = build_report(graph, out_dir=out_dir)
    target = out_dir / f"report.{format}"
    target.write_text(to_markdown(report) if format == "md" else to_html(report), encoding="utf-8")
    return target


def _report_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="DIR", default="report", help="folder to write into (default: ./report)")
    parser.add_argument("--format", choices=("md", "html"), default="html", help="briefing format (default: html)")


@command("report", help="write a briefing (Markdown or HTML) with the analyst queries and a network diagram", configure=_report_args)
def report_command(args: argparse.Namespace) -> int:
    graph = open_graph(args)
    target = write_report(graph, out_dir=Path(args.output), format=args.format)
    if not (target.parent / "network.svg").is_file():
        warn("no network picture: Graphviz's `dot` is missing or failed; the report says how to install it")
    write(f"{target}\n")
    return 0
