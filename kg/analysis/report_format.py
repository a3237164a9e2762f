"""The briefing written out: Markdown for a repository, HTML (with the pictures inline) for a browser.

Everything that comes from the graph is escaped for its format: ``|`` and line breaks in Markdown
tables, ``&``, ``<`` and ``>`` in HTML; a label can never add markup to the page.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["to_markdown", "to_html"]

TITLE = "Briefing: the web of money, compute and rivalry in the AI industry"
INTRO = ("Made by `kg report` from the knowledge graph: every name and figure below is stated by the sources listed "
         "at the end, and each figure is followed by the sources that give it, in brackets.")
MONEY_CAPTION = ("Each arrow points the way money flows: from investor to company, from a buyer of compute to its "
                 "provider, from a buyer of chips or systems to its supplier. Labels give each figure the sources state.")
RIVALRY_CAPTION = "Who competes with whom, according to the sources."


_MD_SPECIAL = re.compile(r"([\\`*|~])")


def _md(text: str) -> str:
    """Text from the data as inert Markdown: no raw HTML (``<``, ``>``, ``&`` as entities), no emphasis,
    links or table breaks (punctuation backslash-escaped), no control characters, one line."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("](", "]\\(")  # "[x](url)" would be a link


def _picture_md(rendering, name: str, alt: str, caption: str) -> list[str]:
    if rendering is not None and rendering.svg:
        return [f"![{alt}]({name}.svg)", "", caption]
    reason = rendering.missing_reason if rendering is not None else "not drawn"
    return [f"*No picture: {_md(reason)}* The DOT source is in `{name}.dot`."]


def to_markdown(report) -> str:
    out = [f"# {TITLE}", "", INTRO, "", "## In numbers", "", "| What | How many |", "| --- | ---: |"]
    out += [f"| {_md(k)} | {v} |" for k, v in report.counts]
    out += ["", "### Largest commitments", "", "| Deal | Figure | Sources |", "| --- | --- | --- |"]
    out += [f"| {_md(a)} | {_md(b)} | {_md(c)} |" for a, b, c in report.largest]
    out += ["", "## Where the money goes", ""]
    out += _picture_md(report.rendering, "network", "Money flows between the organizations", MONEY_CAPTION)
    out += ["", "## Who competes with whom", ""]
    out += _picture_md(report.rivalry, "rivalry", "Rivalries between the organizations", RIVALRY_CAPTION)
    for title, summary, headers, table in report.sections:
        out += ["", f"## {_md(title)}", "", _md(summary), ""]
        if not table:
            out += ["*No rows.*"]
            continue
        out += ["| " + " | ".join(_md(h) for h in headers) + " |", "|" + " --- |" * len(headers)]
        out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in table]
    out += ["", "## Sources", ""] + [f"- `{i}`: {_md(t)}" for i, t in report.sources]
    return "\n".join(out) + "\n"


def _inline_svg(svg: str) -> str:
    """The ``<svg>`` element only (no XML prolog or DOCTYPE), for embedding in HTML."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""


def _picture_html(rendering, name: str, caption: str) -> str:
    e = html.escape
    if rendering is not None and rendering.svg:
        return f"<figure>{_inline_svg(rendering.svg)}<figcaption>{e(caption)}</figcaption></figure>"
    reason = rendering.missing_reason if rendering is not None else "not drawn"
    return f"<p><em>No picture: {e(reason)}</em> The DOT source is in <code>{e(name)}.dot</code>.</p>"


def to_html(report) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{e(TITLE)}</title>",
             "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;"
             "line-height:1.4}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
             "vertical-align:top;font-size:14px}th{background:#f0f0f0;text-align:left}"
             "figure svg{max-width:100%;height:auto}figcaption{color:#444}</style></head><body>",
             f"<h1>{e(TITLE)}</h1>", f"<p>{e(INTRO).replace('`kg report`', '<code>kg report</code>')}</p>",
             "<h2>In numbers</h2><table><tr><th>What</th><th>How many</th></tr>"]
    parts += [f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in report.counts]
    parts += ["</table><h3>Largest commitments</h3><table><tr><th>Deal</th><th>Figure</th><th>Sources</th></tr>"]
    parts += [f"<tr><td>{e(a)}</td><td>{e(b)}</td><td>{e(c)}</td></tr>" for a, b, c in report.largest]
    parts += ["</table><h2>Where the money goes</h2>", _picture_html(report.rendering, "network", MONEY_CAPTION),
              "<h2>Who competes with whom</h2>", _picture_html(report.rivalry, "rivalry", RIVALRY_CAPTION)]
    for title, summary, headers, table in report.sections:
        parts += [f"<h2>{e(title)}</h2>", f"<p>{e(summary)}</p>"]
        if not table:
            parts.append("<p><em>No rows.</em></p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in headers) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in table]
        parts.append("</table>")
    parts += ["<h2>Sources</h2><ul>"] + [f"<li><code>{e(i)}</code>: {e(t)}</li>" for i, t in report.sources]
    parts += ["</ul></body></html>"]
    return "\n".join(parts) + "\n"
