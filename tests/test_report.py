"""``kg report``: the briefing has its sections, every figure in it comes from the graph, and the
network picture is real SVG naming the organizations.

The SVG test needs Graphviz's ``dot``. It fails (not skips) when ``dot`` is missing, so that CI
cannot pass without having drawn the picture; ``.ci/run`` installs Graphviz where it can.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from kg.cli.main import main
from kg.analysis.diagram import render
from kg.analysis.report import SECTIONS, write_report

ORGANIZATIONS = ("Anthropic", "OpenAI", "Microsoft", "NVIDIA", "Google", "Amazon", "Sequoia", "AMD")
_SHOWN = re.compile(r"\b(USD|EUR|GBP) (-?\d+(?:\.\d+)?)(?: (bn|m))?")


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
        figures |= {Decimal(str(row[k])) for k in ("stated", "upTo", "atLeast") if row[k] is not None}
    return figures


def test_sections(real_graph, briefing):
    _, md, html = briefing
    for heading in ("## Summary", "### Largest commitments", "## The network", "## Sources"):
        assert heading in md
    for section in SECTIONS:
        title = section.heading or real_graph.stored(section.query).title
        assert f"\n## {title}\n" in md
        assert f"<h2>{title}</h2>".replace("&", "&amp;") in html
    assert "Who is exposed if Anthropic fails" in md and "Microsoft → Anthropic → Microsoft" in md


def test_every_figure_comes_from_the_graph(real_graph, briefing):
    _, md, html = briefing
    figures = _graph_figures(real_graph)
    shown = _SHOWN.findall(md)
    assert len(shown) > 20
    scale = {"bn": Decimal(10) ** 9, "m": Decimal(10) ** 6, "": Decimal(1)}
    for currency, number, unit in shown:
        assert Decimal(number) * scale[unit] in figures, f"{currency} {number} {unit} is not a figure of the graph"
    assert not re.search(r"\d{10,}", md)  # no raw, unreadable figures left in the text
    counts = dict(re.findall(r"\| (ai:\w+|Sources|Asserted triples) \| (\d+) \|", md))
    info = real_graph.info(validation=False)
    assert int(counts["Asserted triples"]) == info.asserted and int(counts["Sources"]) == info.sources
    assert int(counts["ai:Investment"]) == info.classes["ai:Investment"]


def test_html_escapes_data(briefing):
    _, _, html = briefing
    assert "Microsoft, NVIDIA &amp; Anthropic" in html  # a source title with "&"
    assert "NVIDIA & Anthropic" not in html.split("<figure>")[0]


def test_svg_parses_and_names_the_organizations(briefing):
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's `dot` is not installed, so the report has no picture to check: "
                    "apt-get install graphviz (Debian/Ubuntu) or brew install graphviz (macOS)")
    folder, md, html = briefing
    root = ET.parse(folder / "network.svg").getroot()
    assert root.tag.endswith("svg")
    texts = {t.text for t in root.iter() if t.tag.endswith("text") and t.text}
    assert set(ORGANIZATIONS) <= texts
    assert "USD 30 bn" in " ".join(texts) or any("USD 30 bn" in t for t in texts)
    assert (folder / "network.png").stat().st_size > 1000
    assert "<svg" in html and "](network.svg)" in md


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
