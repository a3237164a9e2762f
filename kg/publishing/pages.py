"""HTML and per-entity RDF for the entity IRIs, shared by the static site and the server.

An entity is a subject whose IRI lies under one of the project's entity namespaces (agent,
product, deal, claim, source). Its description is its own triples plus those of the blank nodes
it reaches (the value nodes of amounts), asserted and inferred, the inferred ones marked.
Links are relative (``../deal/x.html``), so the same HTML works from disk, from any static web
server and from ``kg serve``, which maps ``/agent/anthropic`` to the same page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import defaultdict
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from kg.publishing import jsonld
from kg.publishing.describe import BASE
from kg.namespaces import SCHEMA, bind_prefixes

__all__ = ["KINDS", "EntityIndex", "entity_path", "href", "layout", "esc", "csp", "web_link", "json_script"]

#: Entity folders (the path after the base) and their headings, in index order.
KINDS = {"agent": "Organizations and people", "product": "Products", "deal": "Deals and other facts",
         "claim": "Claims and analysis", "source": "Sources"}
#: Display names for the external terms the data uses (ontology terms show their rdfs:label).
_NAMES = {RDF.type: "type", RDFS.label: "label", PROV.wasDerivedFrom: "source", SKOS.altLabel: "also called",
          SKOS.exactMatch: "same as", SCHEMA.sameAs: "web page", SCHEMA.value: "value", SCHEMA.minValue: "at least",
          SCHEMA.maxValue: "up to", SCHEMA.currency: "currency", SCHEMA.unitCode: "unit", DCTERMS.title: "title",
          DCTERMS.identifier: "identifier", SCHEMA.description: "description"}

CSS = """body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:62rem;padding:1rem 1.5rem;color:#222}
a{color:#0645ad}code,pre,textarea{font:13px/1.4 ui-monospace,monospace}table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #ddd}th{width:14rem;font-weight:600}
td table td,td table th{border:0;padding:.1rem .4rem}.iri{color:#666;font-size:13px;word-break:break-all}
.inferred{color:#777;font-style:italic}.src{font-size:12px;color:#555}.role{color:#555;font-size:13px}
.mentions th{width:auto}details{margin-top:2rem}summary{cursor:pointer;font-weight:600}nav{font-size:14px;margin-bottom:1rem}nav a{margin-right:1rem}
pre{background:#f6f6f6;padding:.6rem;overflow:auto}textarea{width:100%}h2{margin-top:2rem}"""


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def entity_path(iri) -> str | None:
    """``agent/anthropic`` for an entity IRI, ``ontology`` for ontology terms, None outside the site."""
    text = str(iri)
    if not isinstance(iri, URIRef) or not text.startswith(BASE):
        return None
    rest = text[len(BASE):]
    if rest == "ontology" or rest.startswith("ontology#"):
        return "ontology"
    kind, _, local = rest.partition("/")
    return rest if kind in KINDS and local and "/" not in local and "#" not in local else None


def href(iri, depth: int) -> str | None:
    """Relative link from a page ``depth`` folders deep to the page of ``iri`` (or None)."""
    path = entity_path(iri)
    if path is None:
        return None
    up = "../" * depth
    if path == "ontology":
        fragment = str(iri).partition("#")[2]
        return f"{up}ontology.html" + (f"#{quote(fragment)}" if fragment else "")
    return f"{up}{quote(path)}.html"


_INLINE = re.compile(r"<(script|style)([^>]*)>(.*?)</\1>", re.S)


def csp(page: str, *, meta: bool = False) -> str:
    """A Content-Security-Policy allowing only this page's own inline style and scripts (by hash).

    Nothing else runs: no inline event handlers, no ``javascript:`` URLs, no script from elsewhere,
    so a label that slipped through escaping still could not execute. ``meta`` leaves out what a
    ``<meta>`` policy may not carry (the static site has no headers).
    """
    hashes = {"script": [], "style": []}
    for tag, attrs, content in _INLINE.findall(page):
        if tag == "script" and "json" in attrs:
            continue  # a data block, never executed
        digest = base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode("ascii")
        hashes[tag].append(f"'sha256-{digest}'")
    scripts = " ".join(sorted(set(hashes["script"]))) or "'none'"
    styles = " ".join(sorted(set(hashes["style"]))) or "'none'"
    policy = (f"default-src 'none'; img-src 'self' data:; style-src {styles}; script-src {scripts}; "
              f"connect-src 'self'; form-action 'self'; base-uri 'none'")
    return policy if meta else policy + "; frame-ancestors 'none'"


def web_link(url) -> str | None:
    """``url`` if it may become a link (http or https, no spaces or controls), else None: shown as text."""
    text = str(url)
    if re.match(r"(?i)^https?://[^\s\x00-\x1f\x7f<>\"]+$", text):
        return text
    return None


def layout(title: str, body: str, *, depth: int, head: str = "") -> str:
    """A complete HTML page with the site's navigation and its CSP; ``depth`` makes the links relative."""
    up = "../" * depth
    nav = (f'<nav><a href="{up}index.html">Index</a><a href="{up}ontology.html">Ontology</a>'
           f'<a href="{up}void.ttl">Dataset description</a><a href="{up}query.html">Query</a></nav>')
    rest = (f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{esc(title)}</title>\n'
            f"<style>{CSS}</style>\n{head}</head>\n<body>\n{nav}\n{body}\n</body>\n</html>\n")
    policy = csp(rest, meta=True)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(policy)}">\n{rest}')


class EntityIndex:
    """Triples by subject and by object over asserted and inferred graphs, with labels for display."""

    def __init__(self, asserted: list[Graph], inferred: Graph | None, ontology: Graph, context: dict):
        self.context = context
        self.out: dict = defaultdict(set)
        self.incoming: dict = defaultdict(set)
        self.inferred: set = set(inferred or ())
        self.labels: dict = {}
        for graph in list(asserted) + ([inferred] if inferred is not None else []):
            for s, p, o in graph:
                self.out[s].add((p, o))
                if isinstance(o, URIRef):
                    self.incoming[o].add((s, p))
                if p in (RDFS.label, DCTERMS.title) and (s not in self.labels or p == RDFS.label):
                    self.labels[s] = str(o)
        self.ontology = ontology
        self.nm = bind_prefixes(Graph()).namespace_manager

    def entities(self) -> dict[str, list[URIRef]]:
        """Entity IRIs by kind (folder), sorted by label."""
        found: dict[str, list[URIRef]] = {kind: [] for kind in KINDS}
        for subject in self.out:
            path = entity_path(subject)
            if path and path != "ontology":
                found[path.split("/")[0]].append(subject)
        return {k: sorted(v, key=lambda s: (self.label(s).lower(), str(s))) for k, v in found.items()}

    def labels_json(self) -> dict[str, str]:
        """IRI -> label for every labelled IRI (entities and ontology terms), for the query page."""
        return {str(k): v for k, v in sorted(self.labels.items()) if isinstance(k, URIRef)}

    def label(self, term) -> str:
        if term in self.labels:
            return self.labels[term]
        if term in _NAMES:
            return _NAMES[term]
        if isinstance(term, URIRef):
            try:
                return term.n3(self.nm)
            except Exception:
                return str(term)
        return str(term)

    def description(self, iri) -> list[tuple]:
        """The entity's triples plus those of the blank nodes it reaches (a concise bounded description)."""
        triples, todo, seen = [], [iri], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for p, o in self.out.get(node, ()):
                triples.append((node, p, o))
                if isinstance(o, BNode):
                    todo.append(o)
        return sorted(triples, key=lambda t: tuple(x.n3() for x in t))

    def graph(self, iri) -> Graph:
        graph = bind_prefixes(Graph())
        for triple in self.description(iri):
            graph.add(triple)
        return graph

    def jsonld(self, iri) -> str:
        return jsonld.dumps(jsonld.compact(self.description(iri), self.context))

    # HTML --------------------------------------------------------------------------------
    def literal_html(self, term: Literal) -> str:
        """A literal as text; an ``xsd:anyURI`` becomes a link only if it is an http(s) URL."""
        text = esc(term)
        if term.datatype and str(term.datatype).endswith("anyURI") and web_link(term):
            text = f'<a href="{esc(web_link(term))}" rel="nofollow">{text}</a>'
        return text + (f' <span class="iri">@{esc(term.language)}</span>' if term.language else "")

    def link(self, term, depth: int) -> str:
        """A term's label, linked to its page here, or out if it is an http(s) IRI; anything else is text."""
        target = href(term, depth)
        text = esc(self.label(term))
        if target:
            return f'<a href="{esc(target)}">{text}</a>'
        if isinstance(term, URIRef) and web_link(term):
            return f'<a href="{esc(web_link(term))}" class="iri" rel="nofollow">{text}</a>'
        return text

    def page(self, iri) -> str:
        """The HTML page of one entity (see :mod:`kg.publishing.entry`), with its JSON-LD embedded."""
        from kg.publishing.entry import entry_body

        depth = entity_path(iri).count("/")
        name = entity_path(iri).rsplit("/", 1)[-1]
        body = entry_body(self, iri, depth)
        body.insert(2, f'<p>This entity as <a href="{esc(quote(name))}.ttl">Turtle</a>, '
                       f'<a href="{esc(quote(name))}.jsonld">JSON-LD</a>, <a href="{esc(quote(name))}.nt">N-Triples</a>.</p>')
        head = f'<script type="application/ld+json">\n{script_safe(self.jsonld(iri))}</script>\n'
        return layout(self.label(iri), "\n".join(body), depth=depth, head=head)

    def index_page(self, *, counts: dict[str, int], dumps: list[tuple[str, str]], endpoint_note: str) -> str:
        """The site's front page: what the dataset is, the dumps, and every entity by kind."""
        parts = ["<h1>AI industry knowledge graph</h1>",
                 "<p>Organizations, products and the deals that connect them (investments, compute commitments, "
                 "partnerships, stakes, competition), every fact citing its source.</p>",
                 "<p>" + ", ".join(f"{esc(v)} {esc(k)}" for k, v in counts.items()) + "</p>",
                 "<h2>Downloads</h2><ul>"]
        parts += [f'<li><a href="{esc(path)}">{esc(path)}</a> — {esc(title)}</li>' for path, title in dumps]
        parts += ["</ul>", f"<p>{endpoint_note}</p>"]
        for kind, iris in self.entities().items():
            if iris:
                items = "".join(f"<li>{self.link(i, 0)}</li>" for i in iris)
                parts.append(f"<h2>{esc(KINDS[kind])} ({len(iris)})</h2><ul>{items}</ul>")
        return layout("AI industry knowledge graph", "\n".join(parts), depth=0)


def json_script(value) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` as \\u escapes (so neither ``</script>``
    nor ``<!--`` can end or comment out the element; JSON parsers read the same string)."""
    return script_safe(json.dumps(value, ensure_ascii=False))


def script_safe(text: str) -> str:
    """JSON text with ``<``, ``>``, ``&`` (and the JS line separators) escaped; still the same JSON."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
