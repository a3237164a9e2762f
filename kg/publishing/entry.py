"""An entity's page as an encyclopedia entry: what it is, its deals grouped by kind, figures with sources.

The old page listed every triple (about 150 rows for a lab, mostly inferred shortcuts, amounts as
blank-node tables, reverse links as "invests in of"). Here the entity's own facts come first,
value nodes are shown as their figures ("up to USD 10 bn") with the sources of each figure; every
deal, claim or product that names the entity is one row in a section for its kind, with its
role, the other parties, the figures, the date and the sources; inferred shortcuts sit in a
collapsed ``<details>``, each reverse link named by the ontology's inverse property ("has
investor") or, where there is none, as "‹subject› ‹property› this". Everything shown is escaped
and only http(s) URLs become links (see :mod:`kg.publishing.pages`).
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from kg.namespaces import AI, SCHEMA
from kg.publishing.pages import entity_path, esc

__all__ = ["figure", "entry_body", "inverse_labels"]

_HIDDEN = {RDF.type, RDFS.label, PROV.wasDerivedFrom}


def figure(index, node) -> tuple[str, list]:
    """``("up to $10 bn", [sources])`` for a value node, worded by :mod:`kg.analysis.figures` like every table."""
    from kg.analysis.figures import describe, from_row

    facts = defaultdict(list)
    for p, o in index.out.get(node, ()):
        facts[p].append(o)
    first = lambda p: facts[p][0] if facts[p] else None  # noqa: E731
    row = {"value": first(SCHEMA.value), "minValue": first(SCHEMA.minValue), "maxValue": first(SCHEMA.maxValue),
           "currency": first(SCHEMA.currency), "unit": first(SCHEMA.unitCode), "qualifier": first(AI.qualifier)}
    found = from_row(row)
    text = describe(found) if found is not None else ", ".join(
        str(o) for p, os in facts.items() if p not in _HIDDEN for o in os if isinstance(o, Literal))
    return text, sorted(facts[PROV.wasDerivedFrom], key=str)


def inverse_labels(index) -> dict:
    """Property -> (its inverse, that inverse's label): ``ai:investor`` -> (``ai:investorIn``, "investor in")."""
    names = {}
    for a, b in index.ontology.subject_objects(OWL.inverseOf):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            names.setdefault(a, (b, index.label(b)))
            names.setdefault(b, (a, index.label(a)))
    for p in index.ontology.subjects(RDF.type, OWL.SymmetricProperty):
        names.setdefault(p, (p, index.label(p)))
    return names


def _sources(index, sources, depth: int) -> str:
    links = []
    for source in sorted(set(sources), key=str):
        name = str(source).rsplit("/", 1)[-1].split("_")[0]
        links.append(f'<a href="{esc(_href(source, depth))}" title="{esc(index.label(source))}">{esc(name)}</a>'
                     if _href(source, depth) else esc(name))
    return f'<span class="src">[{", ".join(links)}]</span>' if links else ""


def _href(iri, depth: int) -> str | None:
    from kg.publishing.pages import href

    return href(iri, depth)


def _kind(index, subject) -> str:
    """The subject's most specific asserted ai: class, as its label (for grouping)."""
    kinds = sorted(index.label(o) for p, o in index.out.get(subject, ()) if p == RDF.type
                   and (subject, p, o) not in index.inferred and str(o).startswith(str(AI)))
    return kinds[0] if kinds else "other"


def _value(index, term, depth: int) -> str:
    if isinstance(term, BNode):
        text, sources = figure(index, term)
        return esc(text) + " " + _sources(index, sources, depth)
    if isinstance(term, Literal):
        return index.literal_html(term)
    return index.link(term, depth)


def _own_facts(index, iri, depth: int) -> list[str]:
    rows = []
    facts = sorted(((p, o) for p, o in index.out.get(iri, ()) if (iri, p, o) not in index.inferred
                    and p not in (RDFS.label, PROV.wasDerivedFrom)),
                   key=lambda po: (po[0] != RDF.type, index.label(po[0]).lower(), index.label(po[1]).lower()))
    grouped: dict = defaultdict(list)
    for p, o in facts:
        grouped[p].append(o)
    for p, values in grouped.items():
        name = "kind" if p == RDF.type else index.label(p)
        cells = "<br>".join(_value(index, o, depth) for o in values)
        rows.append(f"<tr><th>{esc(name)}</th><td>{cells}</td></tr>")
    return rows


def _row_parts(index, s, iri, depth: int) -> tuple[str, str, str]:
    """(who and how much, dates, sources) of a deal or fact ``s`` that names ``iri``."""
    others, figures, dates = [], [], []
    for p, o in sorted(index.out.get(s, ()), key=lambda po: (index.label(po[0]), str(po[1]))):
        if (s, p, o) in index.inferred or p in _HIDDEN:
            continue
        if isinstance(o, BNode):
            figures.append(f"{esc(index.label(p))}: {_value(index, o, depth)}")
        elif isinstance(o, URIRef) and o != iri and entity_path(o) not in (None, "ontology"):
            others.append(f"{esc(index.label(p))}: {index.link(o, depth)}")
        elif isinstance(o, Literal) and o.datatype is not None and str(o.datatype).endswith("#date"):
            dates.append(esc(o))
    sources = [o for p, o in index.out.get(s, ()) if p == PROV.wasDerivedFrom]
    return "; ".join(others + figures), ", ".join(dates), _sources(index, sources, depth)


def _mentions(index, iri, depth: int) -> tuple[list[str], list[str], list[str]]:
    """Products it makes (one fact row), deals by kind (one table, a row per deal), claims (a list)."""
    by_kind: dict = defaultdict(dict)
    for s, p in index.incoming.get(iri, ()):
        if isinstance(s, BNode) or (s, p, iri) in index.inferred or entity_path(s) in (None, "ontology"):
            continue
        by_kind[_kind(index, s)].setdefault(s, []).append(p)
    products, rows, claims = defaultdict(list), [], []
    for kind in sorted(by_kind):
        group = []
        for s in sorted(by_kind[kind], key=lambda x: index.label(x).lower()):
            roles = ", ".join(sorted({index.label(p) for p in by_kind[kind][s]}))
            folder = entity_path(s).split("/")[0]
            if folder == "product":
                products[roles].append(index.link(s, depth))
                continue
            detail, dates, sources = _row_parts(index, s, iri, depth)
            if folder == "claim":
                claims.append(f"<li>{index.link(s, depth)} <span class=\"role\">({esc(kind)})</span> {detail} {sources}</li>")
                continue
            group.append(f"<tr><td>{index.link(s, depth)} <span class=\"role\">as {esc(roles)}</span></td>"
                         f"<td>{detail}</td><td>{dates}</td><td>{sources}</td></tr>")
        if group:
            rows.append(f'<tr><th colspan="4">{esc(kind[:1].upper() + kind[1:])} ({len(group)})</th></tr>')
            rows.extend(group)
    facts = [f"<tr><th>{'products' if role == 'maker' else 'products (' + esc(role) + ')'}</th><td>{', '.join(links)}</td></tr>"
             for role, links in sorted(products.items())]
    return facts, rows, claims


def _shortcuts(index, iri, depth: int) -> tuple[int, str]:
    inverse = inverse_labels(index)
    rows = set()
    for p, o in index.out.get(iri, ()):
        if (iri, p, o) in index.inferred and p != RDF.type and not isinstance(o, BNode):
            rows.add((index.label(p), index.label(o).lower(), index.link(o, depth)))
    for s, p in index.incoming.get(iri, ()):
        if (s, p, iri) in index.inferred and not isinstance(s, BNode):
            if p in inverse:
                q, name = inverse[p]
                if (q, s) in index.out.get(iri, ()) and (iri, q, s) not in index.inferred:
                    continue  # the same fact is asserted, and shown above
                rows.add((name, index.label(s).lower(), index.link(s, depth)))
            else:
                rows.add((f"who {index.label(p)} this", index.label(s).lower(), index.link(s, depth)))
    grouped: dict = defaultdict(list)
    for name, key, link in sorted(rows):
        if link not in grouped[name]:
            grouped[name].append(link)
    body = "".join(f"<tr><th>{esc(name)}</th><td>{', '.join(links)}</td></tr>" for name, links in sorted(grouped.items()))
    count = sum(len(v) for v in grouped.values())
    return count, body


def entry_body(index, iri, depth: int) -> list[str]:
    """The page's body parts (headings and tables), all escaped."""
    kinds = sorted({index.label(o) for p, o in index.out.get(iri, ()) if p == RDF.type and (iri, p, o) not in index.inferred})
    body = [f"<h1>{esc(index.label(iri))}</h1>",
            f'<p>{esc(", ".join(kinds))} · <span class="iri">{esc(iri)}</span></p>']
    facts = _own_facts(index, iri, depth)
    sources = [o for p, o in index.out.get(iri, ()) if p == PROV.wasDerivedFrom]
    if sources:
        facts.append(f"<tr><th>sources</th><td>{_sources(index, sources, depth)}</td></tr>")
    products, deals, claims = _mentions(index, iri, depth)
    facts[1:1] = products
    body += ["<h2>Facts</h2>", f"<table>{''.join(facts)}</table>"]
    if deals:
        body += ["<h2>Deals and other facts</h2>", '<table class="mentions"><tr><th>what</th><th>who and how much</th>'
                 f"<th>date</th><th>sources</th></tr>{''.join(deals)}</table>"]
    if claims:
        body += [f"<h2>Claims and analysis ({len(claims)})</h2>", f"<ul>{''.join(claims)}</ul>"]
    count, shortcuts = _shortcuts(index, iri, depth)
    if count:
        body.append(f"<details><summary>Inferred shortcuts ({count}), derived by the reasoner from the facts above"
                    f"</summary><table class=\"inferred\">{shortcuts}</table></details>")
    return body
