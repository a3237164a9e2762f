"""The ``/query`` page: a SPARQL form with the stored queries, their parameters, and a readable table.

Plain HTML and one inline script (allowed by hash in the page's CSP; nothing from a CDN). A
stored query is run through ``queries/NAME?param=value`` so the server binds the parameters
(the ``entity`` example needs one); edited text goes to ``sparql``. Results show the label next
to the compact IRI; entity IRIs link to this server's (or this site's) own page, other http(s)
IRIs link out, anything else (a ``javascript:`` IRI) is text. Errors are shown as the engine
reports them (no lines are added to the query, so the line and column are the user's). The
table wraps long cells to fit the window.
"""

from __future__ import annotations

from kg.namespaces import PREFIXES
from kg.publishing.describe import BASE
from kg.publishing.pages import esc, json_script, layout

__all__ = ["query_page"]

_CSS = ("<style>#out table{table-layout:fixed;width:100%}#out td,#out th{overflow-wrap:anywhere;word-break:break-word;"
        "width:auto}#out .iri{display:block}#params label{display:block;margin:.3rem 0}#params input{width:24rem;"
        "max-width:100%}#err{white-space:pre-wrap;color:#a00}</style>\n")

_SCRIPT = """
const catalogue = JSON.parse(document.getElementById("catalogue").textContent);
const labels = JSON.parse(document.getElementById("labels").textContent);
const prefixes = JSON.parse(document.getElementById("prefixes").textContent);
const config = JSON.parse(document.getElementById("config").textContent);
const $ = id => document.getElementById(id);
let chosen = null;
function compact(iri) {
  for (const [p, ns] of Object.entries(prefixes)) if (iri.startsWith(ns) && iri.length > ns.length) return p + ":" + iri.slice(ns.length);
  return iri;
}
function pageOf(iri) {
  if (iri.startsWith(config.base)) {
    const rest = iri.slice(config.base.length);
    if (/^(agent|product|deal|claim|source)\\/[^\\/#?]+$/.test(rest)) return config.local ? rest : rest + ".html";
    if (rest.startsWith("ontology")) return "ontology.html" + (rest.includes("#") ? "#" + rest.split("#")[1] : "");
  }
  return /^https?:\\/\\/[^\\s<>"]+$/i.test(iri) ? iri : null;
}
function showParams(name) {
  const box = $("params"); box.replaceChildren();
  chosen = catalogue[name] || null;
  if (!chosen) return;
  $("q").value = chosen.text;
  for (const p of chosen.params) {
    const label = document.createElement("label"), input = document.createElement("input");
    input.name = p.name; input.dataset.param = "1"; input.required = p.required;
    input.placeholder = (p.description.match(/e\\.g\\. (\\S+)/) || [])[1] || p.type;
    label.append(p.name + (p.required ? " (required) " : " (optional) "), input, " " + p.description);
    box.append(label);
  }
}
$("ex").onchange = e => showParams(e.target.value);
$("q").oninput = () => { if (chosen && $("q").value !== chosen.text) { chosen = null; $("params").replaceChildren(); $("ex").value = ""; } };
function cell(term) {
  const c = document.createElement("td");
  if (!term) return c;
  if (term.type === "uri") {
    const target = pageOf(term.value), name = labels[term.value];
    const shown = document.createElement(target ? "a" : "span");
    if (target) shown.href = target;
    shown.textContent = name || compact(term.value);
    c.append(shown);
    if (name) { const s = document.createElement("span"); s.className = "iri"; s.textContent = compact(term.value); c.append(s); }
  } else c.textContent = term.value;
  return c;
}
$("f").onsubmit = async e => {
  const fmt = $("fmt").value;
  e.preventDefault();
  const out = $("out"), err = $("err");
  out.replaceChildren(); err.textContent = "";
  let url, init;
  if (chosen) {
    const q = new URLSearchParams();
    for (const input of document.querySelectorAll("#params input")) if (input.value.trim()) q.set(input.name, input.value.trim());
    if (fmt) q.set("format", fmt);
    url = "queries/" + encodeURIComponent(chosen.name) + "?" + q;
    init = {headers: {"Accept": "application/sparql-results+json"}};
  } else {
    url = config.endpoint + (fmt ? "?format=" + encodeURIComponent(fmt) : "");
    init = {method: "POST", body: new URLSearchParams({query: $("q").value}), headers: {"Accept": "application/sparql-results+json"}};
  }
  try {
    const r = await fetch(url, init);
    if (!r.ok) { err.textContent = r.status + " " + await r.text(); return; }
    if (fmt) { const a = document.createElement("a"); a.href = URL.createObjectURL(await r.blob()); a.download = "result"; a.textContent = "download the result"; out.append(a); return; }
    const data = await r.json();
    if ("boolean" in data) { out.textContent = data.boolean ? "yes" : "no"; return; }
    const vars = data.head.vars, table = document.createElement("table"), head = table.insertRow();
    for (const v of vars) { const th = document.createElement("th"); th.textContent = v; head.append(th); }
    for (const b of data.results.bindings) { const row = table.insertRow(); for (const v of vars) row.append(cell(b[v])); }
    out.replaceChildren(table, document.createTextNode(data.results.bindings.length + " rows"));
  } catch (error) { err.textContent = "No SPARQL endpoint here (" + error + "): run kg serve and open /query."; }
};
"""


def query_page(catalogue: dict, *, endpoint: str = "sparql", labels: dict[str, str] | None = None,
               local: bool = False) -> str:
    """The page; ``catalogue`` maps names to StoredQuery (or to query text), ``local`` links to ``kg serve`` paths."""
    entries = {}
    for name, stored in catalogue.items():
        if isinstance(stored, str):
            entries[name] = {"name": name, "text": stored, "params": []}
        else:
            entries[name] = {"name": name, "text": stored.text, "title": stored.title,
                             "params": [{"name": p.name, "type": p.type, "required": p.required,
                                         "description": p.description} for p in stored.params]}
    options = "".join(f'<option value="{esc(name)}">{esc(name)}</option>' for name in entries)
    data = {"catalogue": entries, "labels": labels or {}, "prefixes": {k: str(v) for k, v in PREFIXES.items()},
            "config": {"base": BASE, "local": local, "endpoint": endpoint}}
    blocks = "".join(f'<script type="application/json" id="{key}">{json_script(value)}</script>\n'
                     for key, value in data.items())
    body = f"""<h1>SPARQL query</h1>
<p>Runs against <code>{esc(endpoint)}</code> (read-only; start one with <code>kg serve</code>); the project's
prefixes (<code>ai:</code>, <code>ag:</code>, <code>rdfs:</code> …) are predeclared.</p>
<p><label>Stored query: <select id="ex"><option value="">— write your own —</option>{options}</select></label></p>
<form id="f">
<div id="params"></div>
<textarea id="q" name="query" rows="14">SELECT ?deal ?label WHERE {{
  ?deal a ?kind ; rdfs:label ?label .
  ?kind rdfs:subClassOf* ai:Deal .
}} ORDER BY ?label LIMIT 20</textarea>
<p><button type="submit" id="run">Run</button>
<label>Result as <select id="fmt"><option value="">table</option><option>application/sparql-results+json</option>
<option>application/sparql-results+xml</option><option>text/csv</option><option>text/tab-separated-values</option>
<option>text/turtle</option><option>application/ld+json</option></select></label></p>
</form>
<pre id="err"></pre>
<div id="out"></div>
{blocks}<script>{_SCRIPT}</script>"""
    return layout("SPARQL query", body, depth=0, head=_CSS)
