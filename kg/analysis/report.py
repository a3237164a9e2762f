"""``kg report``: a briefing for analysts, built from the stored queries, in Markdown or HTML.

Every figure and name comes from a stored query run on the graph when the report is made. The
prose is the analyst's: each section opens with a plain sentence (the query's ``#+ summary:`` when
it has one, else the sentence in :data:`SUMMARIES`), never the query's technical description.
Every figure is worded by :mod:`kg.analysis.figures` and followed by the sources that state it.
Sums are shown so that nobody can add the same money twice (see :func:`_totals`).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.analysis.diagram import edges_from_rows, money_dot, render, rivalry_dot
from kg.analysis.figures import Figure, describe, from_row, humanize_text, local_name
from kg.analysis.report_format import to_html, to_markdown
from kg.cli.main import command, open_graph, warn, write
from kg.errors import InputError

__all__ = ["Section", "SECTIONS", "SUMMARIES", "Report", "build_report", "write_report"]

#: Plain-language openings, for the queries whose header has no ``#+ summary:`` line.
SUMMARIES = {
    "circular-financing": "Money that goes round in a circle: an investor puts money into a company, and the company "
                          "spends money with the investor, directly or through one of its suppliers.",
    "frenemies": "Pairs of companies that compete with each other and are also tied by an investment, a compute deal "
                 "or a partnership.",
    "rival-backers": "Investors that put money into two companies that compete with each other.",
    "exposure": "Who would be hurt if Anthropic failed: the companies tied to it directly, and those tied to them.",
    "alliances": "The camps the sources describe: their members, the deals that bind them, their rivals, and the "
                 "suppliers that serve more than one camp.",
    "model-availability": "The AI models offered on every major cloud platform, and where each is offered.",
    "investments": "Every investment the sources report, one line per figure a source gives for it.",
    "compute-commitments": "Every commitment to buy computing capacity: who buys from whom, the amount, the capacity "
                           "and the hardware.",
    "totals": "How much money each company puts in, receives, commits to spend on compute and sells as compute.",
    "conflicting-claims": "Figures on which the sources disagree; each version is listed with the sources that give it.",
    "timeline": "The deals in the order the sources announce them, as far as the sources date them.",
}
TOTALS_SAFE = ("Each deal is counted once, in one column only: its stated figure when a source gives one, otherwise "
               "its ceiling, otherwise its floor. \"In all\" adds the three parts without counting a deal twice.")
TOTALS_APART = ("The three columns are different readings of the same deals and may overlap (one source can state "
                "a figure another gives as a ceiling): read them side by side and never add them.")
ROLES = {"invests": ("investments", "investor"), "receives investment": ("investments", "investee"),
         "commits to buy compute": ("compute-commitments", "buyer"), "sells compute": ("compute-commitments", "provider")}
COUNTED = {"ai:Investment": "Investments", "ai:ComputeCommitment": "Compute commitments", "ai:Partnership": "Partnerships",
           "ai:SupplyRelationship": "Supply deals", "ai:Competition": "Rivalries", "ai:Alliance": "Alliances",
           "ai:AILab": "AI labs", "ai:CloudProvider": "Cloud providers", "ai:ChipMaker": "Chip makers"}


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
    Section("exposure", (("Degree", "degree"), ("Path", "path"), ("Tie", "tie"), ("Figures [sources]", "amounts"),
                         ("Sources", "sources")), params={"org": "ag:anthropic"}, heading="Who is exposed if Anthropic fails"),
    Section("alliances", (("Camp", "allianceLabel"), ("Kind", "kind"), ("Members", "members"), ("Terms", "deals"),
                          ("Equity in all [sources]", "equityTotal"), ("Rivals", "rivals"),
                          ("Also serves a rival camp", "sharedSuppliers"), ("Sources", "sources"))),
    Section("model-availability", (("Model", "modelLabel"), ("Maker", "makerLabel"), ("Platform", "platformLabel"),
                                   ("Sources", "sources")), params={"onAllOf": "ai:CloudPlatform"},
            heading="Models on all major clouds"),
    Section("investments", (("Investor", "investorLabel"), ("Investee", "investeeLabel"), ("Figure [sources]", "_figure"),
                            ("Includes equity", "includesEquity"), ("Sources of the deal", "sources"))),
    Section("compute-commitments", (("Buyer", "buyerLabel"), ("Provider", "providerLabel"), ("Platform", "platformLabel"),
                                    ("Hardware", "hardware"), ("Amount [sources]", "_figure"), ("Capacity", "capacity"),
                                    ("Term", "term"), ("Sources of the deal", "sources"))),
    Section("totals", ()),
    Section("conflicting-claims", (("About", "subjectLabel"), ("What", "property"), ("Version", "version"), ("Sources", "sources"))),
    Section("timeline", (("Position", "position"), ("Event", "factLabel"), ("Day", "dayOfWeek"), ("After", "after"),
                         ("Sources", "sources"))),
)


@dataclass
class Report:
    """The briefing's content, before it is written as Markdown or HTML."""

    counts: list[tuple[str, str]]
    largest: list[tuple[str, str, str]]
    sections: list[tuple[str, str, list[str], list[list[str]]]]  # title, plain-language summary, headers, rows
    sources: list[tuple[str, str]]
    dot: str
    rivalry_dot: str = ""
    rendering: object = None
    rivalry: object = None


def _cell(row: dict, name: str) -> str:
    """A cell in words; a detail with a sources column of its own (``includesEquitySources``) shows them after it."""
    if name == "_figure":
        return describe(from_row(row), sources=True)
    value = row.get(name)
    if value is None:
        return ""
    stated_by = row.get(f"{name}Sources")
    suffix = f" [{stated_by}]" if stated_by else ""
    if getattr(value, "datatype", None) is not None and str(value.datatype).endswith("#boolean"):
        return ("yes" if value.toPython() is True else "no") + suffix
    if name == "property":  # a property's local name ("headlineTotal") in words
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(value)).lower()
    return humanize_text(str(value)) + suffix


def _summary(stored) -> str:
    return getattr(stored, "summary", None) or SUMMARIES.get(stored.name) or stored.title


def _sources_by_role(graph) -> dict[tuple[str, str], set[str]]:
    """The sources of the figures of each organization's deals in each role (for the sums)."""
    found: dict[tuple[str, str], set[str]] = {}
    for role, (query, column) in ROLES.items():
        for row in graph.query(query).rows:
            sources = {s.strip() for s in str(row.get("amountSources") or "").split(";") if s.strip()}
            found.setdefault((str(row[column]), role), set()).update(sources)
    return found


def _totals(graph) -> tuple[str, list[str], list[list[str]]]:
    """The totals table, worded for its query's columns: each deal once (an "In all" column), or the readings apart."""
    result = graph.query("totals")
    org = "organization" if "organization" in result.vars else "org"
    sources = _sources_by_role(graph)
    once = org == "organization"  # the query that counts each deal in one column only
    headers = ["Organization", "Role", "Deals", "Without a figure", "Stated", "Up to", "At least"]
    headers += ["In all", "Sources of the figures"] if once else ["Sources of the figures"]
    table = []
    for row in result.rows:
        currency = str(row["currency"]) if row.get("currency") is not None else None
        parts = [describe(Figure(**{bound: row[name].toPython(), "currency": currency})) if row.get(name) is not None else ""
                 for name, bound in (("stated", "value"), ("upTo", "max"), ("atLeast", "min"))]
        cells = [str(row.get("orgLabel") or local_name(row[org])), str(row["role"]), str(row["deals"]),
                 str(row["unquantifiedDeals"])] + parts
        if once:
            cells.append(" + ".join(p for p in parts if p))
        cells.append("; ".join(sorted(sources.get((str(row[org]), str(row["role"])), ()))) if any(parts) else "")
        table.append(cells)
    return _summary(graph.stored("totals")) + " " + (TOTALS_SAFE if once else TOTALS_APART), headers, table


def build_report(graph, *, out_dir: Path) -> Report:
    """Run the stored queries behind the briefing and render the two pictures into ``out_dir``."""
    info = graph.info(validation=False)
    counts = [("Sources", str(info.sources))]
    counts += [(label, str(info.classes[name])) for name, label in COUNTED.items() if info.classes.get(name)]
    counts += [("Statements in the graph", str(info.asserted)), ("Statements the reasoner adds", str(info.inferred))]
    deals = []
    for name, a, b, verb in (("compute-commitments", "buyerLabel", "providerLabel", "commits to buy compute from"),
                             ("investments", "investorLabel", "investeeLabel", "invests in")):
        for row in graph.query(name).rows:
            figure = from_row(row)
            if figure is not None:
                size = next(n for n in (figure.value, figure.max, figure.min) if n is not None)
                deals.append((size, f"{row[a]} {verb} {row[b]}", describe(figure), ", ".join(figure.sources)))
    largest, seen = [], set()
    for _, what, figure, sources in sorted(deals, key=lambda d: (-d[0], d[1])):
        if what not in seen:
            seen.add(what)
            largest.append((what, figure, sources))
    sections = []
    for section in SECTIONS:
        stored = graph.stored(section.query)
        if section.query == "totals":
            summary, headers, table = _totals(graph)
            sections.append((section.heading or stored.title, summary, headers, table))
            continue
        rows = graph.query(section.query, section.params).rows
        table = [[_cell(row, var) for _, var in section.columns] for row in rows]
        sections.append((section.heading or stored.title, _summary(stored), [h for h, _ in section.columns], table))
    source_rows = graph.sparql("SELECT ?id ?title WHERE { ?s a ai:Source ; dcterms:identifier ?id ; dcterms:title ?title } "
                               "ORDER BY ?id", reasoning=False).rows
    sources = [(str(r["id"]), str(r["title"])) for r in source_rows]
    edges = edges_from_rows(graph.query("network", reasoning=False).rows)
    report = Report(counts, largest[:5], sections, sources, money_dot(edges), rivalry_dot(edges))
    report.rendering = render(report.dot, out_dir=out_dir, stem="network")
    report.rivalry = render(report.rivalry_dot, out_dir=out_dir, stem="rivalry")
    return report


def write_report(graph, *, out_dir: Path, format: str = "html") -> Path:
    """Build the briefing into ``out_dir`` (``report.md`` or ``report.html`` plus the pictures); return its path."""
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


@command("report", help="write a briefing (Markdown or HTML) with the analyst queries and pictures of the web",
         configure=_report_args)
def report_command(args: argparse.Namespace) -> int:
    graph = open_graph(args)
    target = write_report(graph, out_dir=Path(args.output), format=args.format)
    if not (target.parent / "network.svg").is_file():
        warn("no pictures: Graphviz's `dot` is missing or failed; the report says how to install it")
    write(f"{target}\n")
    return 0
