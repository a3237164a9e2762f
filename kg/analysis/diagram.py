"""The network diagram of the briefing: DOT text from the ``network`` query, rendered by Graphviz.

The DOT is written here (no Python dependency); rendering needs the ``dot`` program, which is a
system package. Without it the report still builds and says why the picture is missing, so that
``kg report`` works on any machine that runs ``kg``.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

__all__ = ["Edge", "edges_from_rows", "to_dot", "Rendering", "render", "money", "INSTALL_HINT"]

INSTALL_HINT = ("install Graphviz to get the picture: `apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS), or see https://graphviz.org/download/")

#: How each kind of tie is drawn: DOT edge attributes, and a legend text.
STYLES = {
    "investment": ('color="#1b7837", penwidth=2', "invests in (equity or money in)"),
    "compute": ('color="#2166ac", penwidth=2, style=dashed', "buys compute from"),
    "supply": ('color="#b35806", style=dotted, penwidth=2', "supplies chips or systems to"),
    "competition": ('color="#b2182b", dir=both, arrowhead=none, arrowtail=none, style=bold', "competes with"),
}


def money(number: Decimal | float | int | None, currency: str | None) -> str:
    """A figure as people read it (``USD 30 bn``); the number itself is kept exactly."""
    if number is None:
        return ""
    value = Decimal(str(number))
    unit, scale = ("bn", Decimal(10) ** 9) if abs(value) >= 10 ** 9 else ("m", Decimal(10) ** 6) if abs(value) >= 10 ** 6 else ("", 1)
    shown = (value / scale).normalize()
    text = f"{shown:f}".rstrip("0").rstrip(".") if "." in f"{shown:f}" else f"{shown:f}"
    return f"{currency or ''} {text} {unit}".strip().replace("  ", " ")


@dataclass(frozen=True)
class Edge:
    """One tie between two organizations, with the figures the sources give for it."""

    kind: str
    source: str
    source_label: str
    target: str
    target_label: str
    figures: tuple[str, ...]


def edges_from_rows(rows: list[dict]) -> list[Edge]:
    """Group the ``network`` query's rows (one per figure) into one edge per deal."""
    grouped: dict[tuple, list[str]] = {}
    for row in rows:
        key = (str(row["kind"]), str(row["from"]), str(row["fromLabel"]), str(row["to"]), str(row["toLabel"]), str(row["deal"]))
        figures = grouped.setdefault(key, [])
        if row.get("number") is not None:
            text = f"{row.get('qualifierLabel') or ''} {money(row['number'].toPython(), row.get('currency') and str(row['currency']))}".strip()
            if text not in figures:
                figures.append(text)
    return [Edge(k[0], k[1], k[2], k[3], k[4], tuple(v)) for k, v in grouped.items()]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(edges: list[Edge], *, title: str = "The AI industry web") -> str:
    """DOT text: organizations as nodes, one differently drawn edge per tie, figures as edge labels."""
    nodes = sorted({(e.source, e.source_label) for e in edges} | {(e.target, e.target_label) for e in edges},
                   key=lambda n: n[1])
    lines = [f"digraph {_quote('ai_industry')} {{",
             f"  graph [label={_quote(title)}, labelloc=t, fontsize=20, fontname=\"Helvetica\", rankdir=LR, "
             "overlap=false, splines=true, nodesep=0.6, ranksep=1.2];",
             '  node [shape=box, style="rounded,filled", fillcolor="#f7f7f7", fontname="Helvetica", fontsize=14];',
             '  edge [fontname="Helvetica", fontsize=10];']
    ids = {iri: f"n{i}" for i, (iri, _) in enumerate(nodes)}
    for iri, label in nodes:
        lines.append(f"  {ids[iri]} [label={_quote(label)}, tooltip={_quote(iri)}];")
    for edge in sorted(edges, key=lambda e: (e.kind, e.source_label, e.target_label, e.figures)):
        style, _ = STYLES[edge.kind]
        label = "\n".join(edge.figures)
        lines.append(f"  {ids[edge.source]} -> {ids[edge.target]} [{style}, label={_quote(label)}];")
    lines.append("  subgraph cluster_legend { label=\"Legend\"; fontsize=12; style=dashed;")
    for i, (kind, (style, text)) in enumerate(STYLES.items()):
        lines.append(f"    l{i}a [label=\"\", shape=point]; l{i}b [label={_quote(text)}, shape=plaintext, style=\"\"];")
        lines.append(f"    l{i}a -> l{i}b [{style}];")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


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
