"""The briefing's pictures: DOT text from the ``network`` query, rendered by Graphviz.

Two pictures, because one crowded picture hid the point: the money picture draws every tie in the
direction money flows (investor to company, compute buyer to provider, chip customer to supplier),
so a loop of money reads as a cycle of arrows; the rivalry picture draws who competes with whom.
Labels are sized for the width the README shows the picture at (about 900 pixels): a picture's
font size on screen is its font size times the shown width over the drawing's width, so the
drawing is kept narrow (top to bottom, one node per organization, one edge per pair and kind).

The DOT is written here (no Python dependency); rendering needs the ``dot`` program, a system
package. Without it the report still builds and says why the picture is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kg.analysis.figures import humanize_text

__all__ = ["Edge", "edges_from_rows", "money_dot", "rivalry_dot", "to_dot", "Rendering", "render", "INSTALL_HINT",
           "MONEY_KINDS"]

INSTALL_HINT = ("install Graphviz to get the picture: `apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS), or see https://graphviz.org/download/")

#: How each kind of tie is drawn: DOT edge attributes, a legend text, and whether money flows against the tie.
STYLES = {
    "investment": ('color="#1b7837", penwidth=2.5', "invests in", False),
    "compute": ('color="#2166ac", penwidth=2.5, style=dashed', "pays for compute", False),
    "supply": ('color="#b35806", penwidth=2.5, style=dotted', "pays for chips or systems", True),
    "competition": ('color="#b2182b", penwidth=2, dir=none', "competes with", False),
    # a rivalry that rests only on one reading of an ambiguous passage (the network query's readingOf)
    "reading": ('color="#b2182b", penwidth=2, dir=none, style=dashed', "competes, in one reading of its source", False),
}
MONEY_KINDS = ("investment", "compute", "supply")
#: The legend's drawing of each kind of line, in text.
LINES = {"investment": "━━━", "compute": "╍╍╍", "supply": "┅┅┅", "competition": "───", "reading": "╌╌╌"}


@dataclass(frozen=True)
class Edge:
    """One tie between two organizations, with the figures the sources give for it (in words)."""

    kind: str
    source: str
    source_label: str
    target: str
    target_label: str
    figures: tuple[str, ...]


def edges_from_rows(rows: list[dict]) -> list[Edge]:
    """Group the ``network`` query's rows (one per deal and figure) into one edge per pair and kind."""
    grouped: dict[tuple, list[str]] = {}
    for row in rows:
        kind = "reading" if str(row["kind"]) == "competition" and row.get("readingOf") is not None else str(row["kind"])
        key = (kind, str(row["from"]), str(row["fromLabel"]), str(row["to"]), str(row["toLabel"]))
        figures = grouped.setdefault(key, [])
        if row.get("number") is not None:
            spelled = " ".join(str(part) for part in (row.get("qualifierLabel"), row["number"], row.get("currency"))
                               if part is not None)
            text = humanize_text(spelled)
            if text not in figures:
                figures.append(text)
    return [Edge(k[0], k[1], k[2], k[3], k[4], tuple(v)) for k, v in grouped.items()]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _header(title: str, layout: str, kinds: tuple[str, ...]) -> list[str]:
    """Graph settings; the title and a one-line legend (each kind's line drawn in its colour) on top."""
    legend = "&nbsp;&nbsp;&nbsp;".join(f'<font color="{STYLES[k][0].split(chr(34))[1]}">{LINES[k]} {_html(STYLES[k][1])}</font>'
                                       for k in kinds)
    label = f'<<font point-size="24">{_html(title)}</font><br/><font point-size="17">{legend}</font>>'
    return [f"digraph {_quote('ai_industry')} {{",
            f"  graph [label={label}, labelloc=t, fontname=\"Helvetica\", layout={layout}, "
            "rankdir=TB, nodesep=0.45, ranksep=0.8, splines=true, overlap=false, pad=0.2];",
            '  node [shape=box, style="rounded,filled", fillcolor="#f7f7f7", fontname="Helvetica", fontsize=18, margin="0.15,0.08"];',
            '  edge [fontname="Helvetica", fontsize=16];']


def _nodes(edges: list[Edge]) -> tuple[list[str], dict[str, str]]:
    nodes = sorted({(e.source, e.source_label) for e in edges} | {(e.target, e.target_label) for e in edges},
                   key=lambda n: n[1])
    ids = {iri: f"n{i}" for i, (iri, _) in enumerate(nodes)}
    return [f"  {ids[iri]} [label={_quote(label)}, tooltip={_quote(iri)}];" for iri, label in nodes], ids


def money_dot(edges: list[Edge], *, title: str = "Where the money goes") -> str:
    """Investments, compute purchases and chip purchases, each arrow in the direction money flows."""
    edges = [e for e in edges if e.kind in MONEY_KINDS]
    lines = _header(title, "dot", MONEY_KINDS)
    node_lines, ids = _nodes(edges)
    lines += node_lines
    for edge in sorted(edges, key=lambda e: (MONEY_KINDS.index(e.kind), e.source_label, e.target_label)):
        style, _, reverse = STYLES[edge.kind]
        payer, payee = (edge.target, edge.source) if reverse else (edge.source, edge.target)
        label = "\n".join(edge.figures)
        lines.append(f"  {ids[payer]} -> {ids[payee]} [{style}, label={_quote(label)}];")
    return "\n".join(lines + ["}"]) + "\n"


def rivalry_dot(edges: list[Edge], *, title: str = "Who competes with whom") -> str:
    """Competition only: one line per pair of rivals, dashed where the rivalry is only one reading of its source."""
    edges = [e for e in edges if e.kind in ("competition", "reading")]
    stated = {(e.source, e.target) for e in edges if e.kind == "competition"}
    readings = {(e.source, e.target) for e in edges if e.kind == "reading"} - stated
    lines = _header(title, "circo", ("competition", "reading") if readings else ("competition",))
    node_lines, ids = _nodes(edges)
    lines += node_lines
    drawn = sorted([(ids[a], ids[b], "competition") for a, b in stated] + [(ids[a], ids[b], "reading") for a, b in readings])
    lines += [f"  {a} -> {b} [{STYLES[kind][0]}];" for a, b, kind in drawn]
    return "\n".join(lines + ["}"]) + "\n"


def to_dot(edges: list[Edge], *, title: str = "Where the money goes") -> str:
    """The money picture (kept under its old name for callers of the first version)."""
    return money_dot(edges, title=title)


@dataclass(frozen=True)
class Rendering:
    """What rendering produced: the SVG text and files, or the reason there is no picture."""

    svg: str | None
    svg_path: Path | None
    png_path: Path | None
    missing_reason: str | None


def render(dot_text: str, *, out_dir: Path, stem: str = "network", dot_program: str | None = None) -> Rendering:
    """Write ``stem.dot`` and, if Graphviz is installed, ``stem.svg`` and ``stem.png`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.dot").write_text(dot_text, encoding="utf-8")
    program = dot_program or shutil.which("dot")
    if not program:
        return Rendering(None, None, None, f"Graphviz's `dot` program was not found on PATH; {INSTALL_HINT}")
    outputs = {}
    for fmt in ("svg", "png"):
        target = out_dir / f"{stem}.{fmt}"
        done = subprocess.run([program, f"-T{fmt}", "-o", str(target)], input=dot_text.encode("utf-8"),
                              capture_output=True, timeout=120)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            return Rendering(None, None, None, f"`dot -T{fmt}` failed ({done.returncode}): {message}")
        outputs[fmt] = target
    return Rendering(outputs["svg"].read_text(encoding="utf-8"), outputs["svg"], outputs["png"], None)
