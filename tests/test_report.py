"""``kg report``: a briefing for analysts. Its sections are there, its prose is plain language, every
figure in it is a figure (or a sum of figures) of the graph worded for people, the sums cannot be
added twice, and its two pictures are real SVG naming the organizations, drawn to be read at the
width the README shows them.

The SVG tests need Graphviz's ``dot``. They fail (not skip) when ``dot`` is missing, so that CI
cannot pass without having drawn the pictures; ``.ci/run`` installs Graphviz where it can.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from kg.analysis.diagram import render
from kg.analysis.report import SECTIONS, SUMMARIES, write_report
from kg.cli.main import main

ORGANIZATIONS = ("Anthropic", "OpenAI", "Microsoft", "NVIDIA", "Google", "Amazon", "Sequoia", "AMD")
_MONEY = re.compile(r"\$(-?[\d,]+(?:\.\d+)?)(?: (bn|m|tn))?")
_SCALE = {"bn": Decimal(10) ** 9, "m": Decimal(10) ** 6, "tn": Decimal(10) ** 12, "": Decimal(1)}
_TECHNICAL = re.compile(r"\?[A-Za-z]|⊑|\b(ai|rdfs|rdf|owl|schema|prov|skos):|\bIRI\b|GROUP_CONCAT")


@pytest.fixture(scope="session")
def briefing(real_graph, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    md = write_report(real_graph, out_dir=folder, format="md").read_text(encoding="utf-8")
    html = write_report(real_graph, out_dir=folder, format="html").read_text(encoding="utf-8")
    return folder, md, html


def _graph_figures(graph) -> set[Decimal]:
    """Every figure stated in the graph, and every sum the totals query makes of them."""
    rows = graph.sparql("SELECT ?n WHERE { ?node schema:value|schema:maxValue|schema:minValue ?n }", reasoning=False).rows
    figures = {Decimal(str(r["n"].toPython())) for r in rows}
    for row in graph.query("totals").records():
        figures |= {Decimal(str(row[k])) for k in ("stated", "upTo", "atLeast") if row.get(k) is not None}
    return figures


def _section(md: str, title: str) -> str:
    return md.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_sections(real_graph, briefing):
    _, md, html = briefing
    for heading in ("## In numbers", "### Largest commitments", "## Where the money goes", "## Who competes with whom",
                    "## Sources"):
        assert heading in md
    for section in SECTIONS:
        title = section.heading or real_graph.stored(section.query).title
        assert f"\n## {title}\n" in md
        assert f"<h2>{title}</h2>".replace("&", "&amp;") in html
    assert "Who is exposed if Anthropic fails" in md and "Microsoft → Anthropic → Microsoft" in md


def test_prose_is_plain_language_not_the_query_headers(real_graph, briefing):
    """The queries' technical descriptions (?path, ⊑, ai: terms) once were the briefing's prose."""
    _, md, _ = briefing
    for section in SECTIONS:
        stored = real_graph.stored(section.query)
        summary = _section(md, section.heading or stored.title).strip().split("\n\n")[0]
        assert summary and not _TECHNICAL.search(summary), (section.query, summary)
        assert stored.description[:60] not in md
        assert summary.startswith(getattr(stored, "summary", None) or SUMMARIES[section.query])
    assert not _TECHNICAL.search(md), _TECHNICAL.search(md)


def test_every_figure_comes_from_the_graph_and_is_worded_for_people(real_graph, briefing):
    _, md, html = briefing
    figures = _graph_figures(real_graph)
    shown = _MONEY.findall(md.split("\n## Sources\n")[0])  # the source titles are the articles' words
    assert len(shown) > 20
    for number, unit in shown:
        assert Decimal(number.replace(",", "")) * _SCALE[unit] in figures, f"${number} {unit} is not a figure of the graph"
    without_ids = re.sub(r"\d{3}_[0-9a-f]{16}", "", md.split("\n## Sources\n")[0])
    assert not re.search(r"\d{7,}", without_ids)  # no raw, unreadable figures
    assert "$30 bn (roughly) [004_9fb578446bd148d3]" in md and "up to $10 bn [002_028c8e945d95a55f" in md
    assert "$ billions (magnitude only) [000_344770c96ebca10a]" in md
    counts = dict(re.findall(r"\| (Investments|Sources|Statements in the graph) \| (\d+) \|", md))
    info = real_graph.info(validation=False)
    assert int(counts["Statements in the graph"]) == info.asserted and int(counts["Sources"]) == info.sources
    assert int(counts["Investments"]) == info.classes["ai:Investment"]


def test_every_figure_in_the_analyses_has_its_sources(briefing):
    _, md, _ = briefing
    for title in ("Who invested in whom", "Who buys compute from whom", "Money loops (circular financing)"):
        for line in _section(md, title).splitlines():
            for cell in line.split(" | "):
                if _MONEY.search(cell) and "; $" not in cell:
                    assert re.search(r"\[\d{3}_[0-9a-f]{16}", cell), (title, cell)


def test_totals_cannot_be_added_twice(real_graph, briefing):
    """Microsoft's $5 bn for Anthropic was both 'stated' and 'up to', so adding the columns gave $20 bn."""
    _, md, _ = briefing
    totals = _section(md, real_graph.stored("totals").title)
    header = next(line for line in totals.splitlines() if line.startswith("| Organization"))
    if "In all" in header:  # the query counts each deal in one column only: the parts add up
        assert "counted once" in totals
        row = next(line for line in totals.splitlines() if line.startswith("| Anthropic | receives investment |")
                   and "$" in line)
        assert "$20 bn" not in row and "+ up to $10 bn" in row
    else:  # the columns overlap: the briefing says not to add them, and offers no sum
        assert "never add them" in totals


def _svg_texts(path) -> set[str]:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    return {t.text for t in root.iter() if t.tag.endswith("text") and t.text}


def test_pictures_parse_name_the_organizations_and_keep_money_apart_from_rivalry(briefing):
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's `dot` is not installed, so the report has no picture to check: "
                    "apt-get install graphviz (Debian/Ubuntu) or brew install graphviz (macOS)")
    folder, md, html = briefing
    money, rivalry = _svg_texts(folder / "network.svg"), _svg_texts(folder / "rivalry.svg")
    assert set(ORGANIZATIONS) <= money | rivalry
    assert "$30 bn" in money and "up to $10 bn" in money and "AMD" not in money  # AMD only competes
    assert not any("$" in t for t in rivalry)
    assert (folder / "network.png").stat().st_size > 1000 and (folder / "rivalry.png").stat().st_size > 1000
    assert "<svg" in html and "](network.svg)" in md and "](rivalry.svg)" in md


def test_labels_are_legible_at_the_width_the_readme_shows(briefing):
    """Shown 900 pixels wide, a label's size on screen is its font size times 900 over the drawing's width;
    the first picture's edge labels came out about 6 pixels high."""
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's `dot` is not installed")
    folder, _, _ = briefing
    root = ET.parse(folder / "network.svg").getroot()
    width_pt = float(root.get("width").removesuffix("pt"))
    sizes = [float(t.get("font-size")) for t in root.iter() if t.tag.endswith("text") and t.get("font-size")]
    shown = min(sizes) * (96 / 72) * 900 / (width_pt * 96 / 72)
    assert shown >= 12, f"the smallest label is {shown:.1f} px high at 900 px"


def test_html_escapes_data(briefing):
    _, _, html = briefing
    assert "Microsoft, NVIDIA &amp; Anthropic" in html  # a source title with "&"
    assert "NVIDIA & Anthropic" not in html.split("<figure>")[0]


def test_without_graphviz_the_report_says_why(tmp_path):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shutil, "which", lambda name: None)
        rendering = render("digraph { a -> b }", out_dir=tmp_path)
    assert rendering.svg is None and "apt-get install graphviz" in rendering.missing_reason
    assert (tmp_path / "network.dot").is_file()


def test_report_command(tmp_path, capsys):
    assert main(["report", "-o", str(tmp_path), "--format", "md"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "report.md")
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# Briefing")
