"""Query results as tables a person can read in a terminal of any width (rendered by ``rich``).

What a person reads differs from what a program reads, and only here: IRIs become prefixed names
next to their labels ("NVIDIA (ag:nvidia)"), figures become money and quantities
(:mod:`kg.analysis.figures`: the value, bounds, currency and qualifier columns of a row read as one
"up to $10 bn"), literals are shown as their words. Nothing is cut: cells wrap inside the terminal
width (``COLUMNS``, else the terminal, else 100). When the columns cannot fit side by side with room
to read them, each row is shown as a block of "field value" lines instead, and the footer says so.
Every cell is escaped first: control characters (an ``ESC[2J`` in a label), bidirectional
overrides and other invisible format characters are shown as ``\\x1b``/``\\u202e`` and never reach
the terminal raw.
"""

from __future__ import annotations

import io
import os
import shutil
import textwrap
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager

from kg.analysis.figures import PARTS, Figure, describe, from_row, humanize_text, plain_number
from kg.errors import InputError

__all__ = ["terminal_width", "escape", "Layout", "layout", "render", "DEFAULT_WIDTH"]

DEFAULT_WIDTH = 100
_NARROWEST = 4  # below this a column is not readable, even wrapped
_NUMERIC = {XSD.decimal, XSD.double, XSD.float}


def terminal_width(default: int = DEFAULT_WIDTH) -> int:
    """``COLUMNS`` if set, else the terminal's width, else ``default`` (output to a pipe or a file)."""
    text = os.environ.get("COLUMNS", "")
    if text.isdigit() and int(text) > 0:
        return int(text)
    return shutil.get_terminal_size((default, 24)).columns


def escape(text: str) -> str:
    """Text safe to print: whitespace runs become one space; control and format characters (ESC,
    bidi overrides, zero-width joiners …) are written as visible escapes; nothing is dropped."""
    out = []
    for char in text:
        if char in "\t\n\r\f\v":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return " ".join("".join(out).split())


def term_text(term: Any, nm: NamespaceManager) -> str:
    """One RDF term for reading: a prefixed name (or <IRI>), a blank node id, a literal's words."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        try:
            return term.n3(nm)
        except Exception:  # noqa: BLE001 - an IRI no prefix covers
            return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.datatype in _NUMERIC and term.value is not None:
        return plain_number(Decimal(str(term.value)))
    return humanize_text(str(term))


@dataclass
class Layout:
    """The table as text cells: headers, rows, and notes for the footer (what was merged or chosen)."""

    headers: list[str]
    rows: list[list[str]]
    notes: list[str]


def _figure_columns(names: Sequence[str]) -> list[str]:
    """The columns that together state one figure, if the result has a number and its context."""
    numbers = [n for n in names if n in PARTS["value"] + PARTS["max"] + PARTS["min"]]
    context = [n for n in names if n in PARTS["currency"] + PARTS["unit"] + PARTS["qualifier"] + PARTS["magnitude"]]
    if not numbers or not context:
        return []
    return numbers + context + (["qualifierLabel"] if "qualifierLabel" in names and "qualifierLabel" not in context else [])


def _bound_by_name(name: str) -> str:
    lowered = name.lower()
    if any(word in lowered for word in ("upto", "max", "ceiling")):
        return "max"
    if any(word in lowered for word in ("atleast", "min", "floor")):
        return "min"
    return "value"


def layout(names: Sequence[str], rows: Sequence[Mapping[str, Any]], nm: NamespaceManager,
           columns: Sequence[str] | None = None) -> Layout:
    """Decide the shown columns and their cell texts (no width involved)."""
    names = list(names)
    figure_cols = _figure_columns(names)
    notes: list[str] = []
    shown: list[tuple[str, Any]] = []  # (header, how to fill a cell)
    label_of = {n: f"{n}Label" for n in names if f"{n}Label" in names}
    for name in names:  # "orgLabel" labels "organization" when no column is called "org"
        stems = [m for m in names if m.endswith("Label") and len(m) >= 8 and m[:-5] not in names
                 and name.startswith(m[:-5]) and name not in label_of and m not in label_of.values()]
        if len(stems) == 1 and not name.endswith("Label"):
            label_of[name] = stems[0]
    labelled = set(label_of)
    money_cols = []
    if "currency" in names and not figure_cols:
        money_cols = [n for n in names if any(isinstance(r.get(n), Literal) and r[n].datatype in _NUMERIC for r in rows)]
    currency_shown = all(r.get("currency") is None or any(r.get(m) is not None for m in money_cols) for r in rows)
    for name in names:
        if name in figure_cols:
            if name == figure_cols[0]:
                shown.append((name, ("figure",)))
                notes.append(f"{name}: {', '.join(figure_cols)} as one figure")
            continue
        if name in label_of.values():
            continue
        if name == "currency" and money_cols and currency_shown:
            continue
        if name in labelled:
            shown.append((name, ("labelled", name)))
        elif name in money_cols:
            shown.append((name, ("money", name)))
        else:
            shown.append((name, ("plain", name)))

    def fill(how, row) -> str:
        kind = how[0]
        if kind == "figure":
            figure = from_row(row)
            if figure is None:  # e.g. the entity query's ordinary rows: the value is not a number
                return fill(("labelled" if figure_cols[0] in labelled else "plain", figure_cols[0]), row)
            return describe(Figure(**{**figure.__dict__, "sources": ()}))
        if kind == "labelled":
            label = row.get(label_of[how[1]])
            iri = term_text(row.get(how[1]), nm)
            return f"{label} ({iri})" if label is not None and str(label) and iri else str(label or "") or iri
        if kind == "money":
            value = row.get(how[1])
            if isinstance(value, Literal) and value.datatype in _NUMERIC and row.get("currency") is not None:
                bound = _bound_by_name(how[1])
                return describe(Figure(**{bound: Decimal(str(value.value)), "currency": str(row["currency"])}))
            return term_text(value, nm)
        return term_text(row.get(how[1]), nm)

    if columns:
        by_header = {header: how for header, how in shown}
        chosen = []
        for name in columns:
            if name in by_header:
                chosen.append((name, by_header[name]))
            elif name in names:
                chosen.append((name, ("plain", name)))
            else:
                raise InputError(f"--columns: no column {name!r}; the columns are: {', '.join(dict.fromkeys([*by_header, *names]))}")
        shown = chosen
        notes = []
    body = [[escape(fill(how, row)) for _, how in shown] for row in rows]
    return Layout([h for h, _ in shown], body, notes)


def _console(width: int) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=width, color_system=None, force_terminal=False, highlight=False, emoji=False,
                   markup=False, soft_wrap=False, legacy_windows=False), out


def _print(table: Table, width: int) -> list[str]:
    console, out = _console(width)
    console.print(table)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    return [line for line in lines if line.strip(" ╷╵")]  # drop the stub lines above and below the rules


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _needs(grid: Layout) -> list[int]:
    """The width each column needs to be read: its header, and its longest word (up to 24 characters)."""
    return [max(_NARROWEST, cell_len(header), min(24, max([_longest_word(r[i]) for r in grid.rows], default=0)))
            for i, header in enumerate(grid.headers)]


def _widths(grid: Layout, width: int) -> list[int] | None:
    """Column widths that fit ``width`` (separators included), or None when the columns cannot be read."""
    natural = [max([cell_len(h)] + [cell_len(r[i]) for r in grid.rows]) for i, h in enumerate(grid.headers)]
    available = width - 3 * (len(natural) - 1)
    if sum(natural) <= available:
        return natural
    needs = _needs(grid)
    if sum(needs) > available:
        return None
    spare, wants = available - sum(needs), [n - m for n, m in zip(natural, needs)]
    widths = [m + spare * w // sum(wants) for m, w in zip(needs, wants)]
    for i in sorted(range(len(widths)), key=lambda i: wants[i] - widths[i], reverse=True)[: available - sum(widths)]:
        widths[i] += 1
    return widths


def _table(grid: Layout, widths: list[int], *, lines: bool) -> list[str]:
    table = Table(box=box.MINIMAL, show_lines=lines, pad_edge=False, collapse_padding=False, show_edge=False)
    for header, width in zip(grid.headers, widths):
        table.add_column(Text(header), overflow="fold", width=width)
    for row in grid.rows:
        table.add_row(*(Text(cell) for cell in row))
    return _print(table, sum(widths) + 3 * (len(widths) - 1))


def _records(grid: Layout, width: int) -> list[str]:
    label = min(max(cell_len(h) for h in grid.headers), width // 3)
    out: list[str] = []
    for number, row in enumerate(grid.rows, start=1):
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
        table.add_column(width=label, overflow="fold")
        table.add_column(width=width - label - 2, overflow="fold")
        for header, cell in zip(grid.headers, row):
            if cell:  # an empty field says nothing; the footer says they are left out
                table.add_row(Text(header), Text(cell))
        heading = f"── row {number} of {len(grid.rows)} "
        out.append(heading + "─" * max(0, min(width, 60) - len(heading)))
        out += _print(table, width)
    return out


def render(names: Sequence[str], rows: Sequence[Mapping[str, Any]], nm: NamespaceManager, *, width: int | None = None,
           columns: Sequence[str] | None = None, wide: bool = False) -> str:
    """The rows as text for a terminal ``width`` characters wide (``wide``: no width limit, no wrapping)."""
    grid = layout(names, rows, nm, columns)
    count = f"({len(rows)} row{'s' if len(rows) != 1 else ''}"
    if not grid.headers:
        return count + ")\n"
    width = width or terminal_width()
    widths = _widths(grid, 10 ** 6 if wide else width)
    lines = _table(grid, widths, lines=False) if widths else None
    if lines is not None and len(lines) > len(grid.rows) + 2:  # a cell wrapped: rule the rows apart
        lines = _table(grid, widths, lines=True)
    records = None if wide or not grid.rows else _records(grid, width)
    footer = count + ")"
    if lines is None or (records is not None and len(records) < len(lines)):
        lines = records
        footer = (f"{count}, one block per row, empty fields left out: {len(grid.headers)} columns side by side "
                  f"would wrap badly in {width} characters; pick columns with --columns a,b,… or use --wide)")
    footer_lines = textwrap.wrap(footer, width) + [line for note in grid.notes
                                                    for line in textwrap.wrap(note, width, initial_indent="  ",
                                                                              subsequent_indent="    ")]
    return "\n".join(lines + footer_lines) + "\n"
