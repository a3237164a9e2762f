"""``kg publish DIR``: the whole graph as a static linked-data site that any web server can host.

The layout mirrors the IRIs: ``https://w3id.org/ai-industry/agent/anthropic`` is published as
``agent/anthropic.html`` (+ ``.ttl``, ``.jsonld``, ``.nt``), so a server only has to add the
suffix the client asks for (see :mod:`kg.publishing.server`, or a rewrite rule on any web server). Beside
the pages: the dumps in every export format (asserted, and with inferences), ``context.jsonld``,
``void.ttl`` (VoID + DCAT, computed), the ontology documentation and an index page. Everything is
written in a fixed order from sorted data, so publishing twice gives byte-identical folders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kg.publishing import jsonld
from kg.publishing.describe import BASE, MEDIA_TYPES, Dump, describe, to_turtle
from kg.errors import QueryError
from kg.publishing.export import export_graphs
from kg.publishing.ontodoc import ontology_html
from kg.publishing.pages import EntityIndex, entity_path
from kg.namespaces import ONTOLOGY_GRAPH

__all__ = ["publish", "PublishReport", "DUMP_NAME", "dump_path", "query_page"]

DUMP_NAME = "ai-industry"


@dataclass
class PublishReport:
    """What was written: file count, entity pages, dumps."""

    files: int
    entities: int
    dumps: list[Dump]


def dump_path(format: str, inferred: bool) -> str:
    """``dumps/ai-industry.ttl``, ``dumps/ai-industry-inferred.nq`` …"""
    return f"dumps/{DUMP_NAME}{'-inferred' if inferred else ''}{MEDIA_TYPES[format][0]}"


def _write(root: Path, relative: str, text: str, written: list[str]) -> int:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    written.append(relative)
    return len(data)


def query_page(examples: dict[str, str], *, endpoint: str = "sparql") -> str:
    """A SPARQL form that needs no network beyond the endpoint (no CDN): plain HTML and a little JS."""
    from kg.publishing.pages import esc, json_script, layout

    options = "".join(f'<option value="{esc(name)}">{esc(name)}</option>' for name in examples)
    body = f"""<h1>SPARQL query</h1>
<p>Runs against <code>{esc(endpoint)}</code> (read-only; start one with <code>kg serve</code>).
Results as a table, or choose another format to download.</p>
<p><label>Example: <select id="ex"><option value="">—</option>{options}</select></label></p>
<form id="f" method="post" action="{esc(endpoint)}">
<textarea id="q" name="query" rows="14">SELECT ?deal ?label WHERE {{
  ?deal a ?kind ; rdfs:label ?label .
  ?kind rdfs:subClassOf* ai:Deal .
}} ORDER BY ?label LIMIT 20</textarea>
<p><button type="submit" id="run">Run</button>
<label>Download as <select id="fmt"><option value="">table</option><option>application/sparql-results+json</option>
<option>application/sparql-results+xml</option><option>text/csv</option><option>text/tab-separated-values</option>
<option>text/turtle</option><option>application/ld+json</option></select></label></p>
</form>
<div id="out"></div>
<script>
const examples = {json_script(examples)};
const prefixes = "PREFIX ai: <https://w3id.org/ai-industry/ontology#>\\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n";
document.getElementById("ex").onchange = e => {{ if (examples[e.target.value]) document.getElementById("q").value = examples[e.target.value]; }};
document.getElementById("f").onsubmit = async e => {{
  const fmt = document.getElementById("fmt").value;
  if (fmt) {{ e.target.action = "{esc(endpoint)}?format=" + encodeURIComponent(fmt); return; }}
  e.preventDefault();
  const out = document.getElementById("out");
  let text = document.getElementById("q").value;
  if (!/PREFIX\\s+ai:/i.test(text)) text = prefixes + text;
  try {{
    const r = await fetch("{esc(endpoint)}", {{method: "POST", body: new URLSearchParams({{query: text}}),
      headers: {{"Accept": "application/sparql-results+json"}}}});
    if (!r.ok) {{ out.textContent = r.status + " " + await r.text(); return; }}
    const data = await r.json();
    if ("boolean" in data) {{ out.textContent = data.boolean; return; }}
    const vars = data.head.vars, table = document.createElement("table");
    table.insertRow().innerHTML = vars.map(v => "<th>" + v + "</th>").join("");
    for (const b of data.results.bindings) {{
      const row = table.insertRow();
      for (const v of vars) {{ const c = row.insertCell(); const t = b[v];
        if (!t) continue;
        if (t.type === "uri") {{ const a = document.createElement("a"); a.href = t.value; a.textContent = t.value; c.append(a); }}
        else c.textContent = t.value; }}
    }}
    out.replaceChildren(table, document.createTextNode(data.results.bindings.length + " rows"));
  }} catch (err) {{ out.textContent = "No SPARQL endpoint here (" + err + "): run kg serve and open /query."; }}
}};
</script>"""
    return layout("SPARQL query", body, depth=0)


def publish(kg, out: str | os.PathLike, *, base: str = BASE, endpoint: str | None = None,
            examples: dict[str, str] | None = None) -> PublishReport:
    """Write the site for the KnowledgeGraph ``kg`` into ``out`` (created; existing files replaced)."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    asserted = kg.asserted_graphs()
    inferred = kg.inferred()
    context = jsonld.build_context(kg.ontology)
    _write(root, jsonld.CONTEXT_FILE, jsonld.dumps(context), written)

    dumps = []
    for format in MEDIA_TYPES:
        for with_inferred in (False, True):
            text = kg.export(format, inferred=with_inferred)
            path = dump_path(format, with_inferred)
            dumps.append(Dump(path, format, with_inferred, _write(root, path, text, written)))

    graphs = list(asserted) + [inferred]
    description = describe(graphs, kg.ontology, base=base, dumps=dumps, endpoint=endpoint or base + "sparql")
    _write(root, "void.ttl", to_turtle(description), written)

    _write(root, "ontology.html", ontology_html(kg.ontology), written)
    onto = [(ONTOLOGY_GRAPH, kg.ontology)]
    _write(root, "ontology.ttl", export_graphs(onto, "turtle"), written)
    _write(root, "ontology.jsonld", jsonld.dumps(jsonld.compact(kg.ontology, context)), written)

    index = EntityIndex(asserted, inferred, kg.ontology, context)
    entities = [iri for iris in index.entities().values() for iri in iris]
    for iri in entities:
        path = entity_path(iri)
        triples = index.description(iri)
        _write(root, path + ".html", index.page(iri), written)
        _write(root, path + ".ttl", export_graphs([(None, triples)], "turtle"), written)
        _write(root, path + ".nt", export_graphs([(None, triples)], "nt"), written)
        _write(root, path + ".jsonld", jsonld.dumps(jsonld.compact(triples, context)), written)

    if examples is None:
        try:
            examples = {name: stored.text for name, stored in sorted(kg.queries.items())}
        except QueryError:  # no queries folder: the page still works, without examples
            examples = {}
    _write(root, "query.html", query_page(examples), written)
    counts = {"triples asserted": sum(len(g) for g in asserted), "triples inferred": len(inferred),
              "entities": len(entities)}
    listing = [(d.path, f"{MEDIA_TYPES[d.format][1]}, {'with inferences' if d.inferred else 'asserted'}, "
                        f"{d.size:,} bytes") for d in dumps]
    listing += [("void.ttl", "VoID + DCAT dataset description"), ("context.jsonld", "JSON-LD context"),
                ("ontology.html", "ontology documentation")]
    note = ('SPARQL: run <code>kg serve</code> and use <code>/sparql</code> '
            '(SPARQL 1.1 Protocol) or the <a href="query.html">query page</a>.')
    _write(root, "index.html", index.index_page(counts=counts, dumps=listing, endpoint_note=note), written)
    return PublishReport(files=len(written), entities=len(entities), dumps=dumps)
