"""Every stored query is standard SPARQL 1.1: kg and a second engine (pyoxigraph) give the same rows.

For each ``queries/*.rq`` (new files are picked up automatically), without parameters and with each
parameter's example (the ``e.g.`` of its header line, and the parameters the expected-row tests use),
the rows of ``KnowledgeGraph().query`` are compared, as a multiset, with the rows of a fresh
``pyoxigraph.Store`` loaded from ``export("nquads", inferred=True)`` and queried over the union of its
graphs. Parameters are bound by the engine, two ways: Oxigraph's ``substitutions`` and a VALUES block
at the head of the query's top-level group. Multi-valued cells (GROUP_CONCAT) are compared as text, so
their order must be the same whatever the engine and binding method.

Numbers are compared by value and datatype: Oxigraph keeps an ``xsd:decimal`` in its canonical form
(``5000000000``), rdflib keeps the lexical form of the file (``5000000000.0``). Numbers inside text
cells are formatted by the queries themselves (REPLACE on the lexical form), so they are compared as text.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.analysis.queries import bind, parse_stored_query
from kg.store.terms import from_oxigraph, to_oxigraph

from analyst_expected import EXPECTED

QUERIES = Path(__file__).resolve().parent.parent / "queries"
_NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float}
_EXAMPLE = re.compile(r"\be\.g\.\s+(\S+?)[,.;:]?(?:\s|$)")
_TOP_GROUP = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _cases() -> list[tuple[str, dict[str, str]]]:
    """(query name, params): no parameters (unless one is required), each parameter's example, the tests' params."""
    cases: list[tuple[str, dict[str, str]]] = []
    for path in sorted(QUERIES.glob("*.rq")):
        stored = parse_stored_query(path)
        if not any(p.required for p in stored.params):
            cases.append((stored.name, {}))
        for param in stored.params:
            example = _EXAMPLE.search(param.description)
            assert example, f"{path.name}: parameter {param.name!r} has no example ('e.g. VALUE') in its header"
            params = {param.name: example[1]}
            params.update({p.name: _EXAMPLE.search(p.description)[1] for p in stored.params
                           if p.required and p.name != param.name})
            cases.append((stored.name, params))
    for entry in EXPECTED:
        if entry["params"] and (entry["query"], entry["params"]) not in cases:
            cases.append((entry["query"], dict(entry["params"])))
    return cases


CASES = _cases()


def _key(term):
    """A term as a comparable tuple; numbers by datatype and value (see the module docstring)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype in _NUMERIC:
            return ("number", str(term.datatype), Decimal(str(term)).normalize())
        return ("literal", str(term), str(term.datatype or ""), term.language or "")
    if isinstance(term, URIRef):
        return ("iri", str(term))
    return ("bnode",)  # each store names blank nodes its own way (the export is re-read with fresh labels)


@pytest.fixture(scope="module")
def store(real_graph) -> ox.Store:
    store = ox.Store()
    store.load(real_graph.export("nquads", inferred=True).encode("utf-8"), ox.RdfFormat.N_QUADS)
    return store


def _kg_rows(graph, name, params):
    result = graph.query(name, params)
    return result.vars, Counter(tuple(_key(row[v]) for v in result.vars) for row in result.rows)


def _oxigraph_rows(store, text, variables, substitutions=None):
    solutions = store.query(text, use_default_graph_as_union=True, substitutions=substitutions)
    names = {v.value for v in solutions.variables}
    assert set(variables) == names, f"columns differ: kg {variables}, Oxigraph {sorted(names)}"
    return Counter(tuple(_key(from_oxigraph(solution[v])) for v in variables) for solution in solutions)


def _with_values(text: str, bindings) -> str:
    """The query with ``VALUES (?a ?b) { (…) }`` at the head of its top-level group (terms in N-Triples syntax)."""
    head = _TOP_GROUP.search(text)
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(to_oxigraph(value)) for value in bindings.values())
    return f"{text[:head.end()]}\n  VALUES ({names}) {{ ({values}) }}\n{text[head.end():]}"


def _id(case):
    name, params = case
    return name + "".join(f"[{k}={v}]" for k, v in params.items())


def test_every_query_is_covered():
    names = {path.stem for path in QUERIES.glob("*.rq")}
    assert names == {name for name, _ in CASES}
    assert all(name in {n for n, p in CASES if p} for name in names if parse_stored_query(QUERIES / f"{name}.rq").params)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_same_rows_on_oxigraph(real_graph, store, case):
    name, params = case
    stored = real_graph.stored(name)
    variables, expected = _kg_rows(real_graph, name, params)
    assert sum(expected.values()) > 0 or name in _EMPTY, f"{name} {params}: no rows on the curated data"
    bindings = bind(stored, params)
    if not bindings:
        assert _oxigraph_rows(store, stored.text, variables) == expected
        return
    substituted = _oxigraph_rows(store, stored.text, variables,
                                 {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()})
    assert substituted == expected, "Oxigraph with substitutions= differs from kg"
    valued = _oxigraph_rows(store, _with_values(stored.text, bindings), variables)
    assert valued == expected, "Oxigraph with a VALUES block differs from kg"


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES.glob("*.rq")))
def test_parameters_are_result_columns(real_graph, name):
    """Oxigraph's substitutions= refuses a variable that is not projected: every parameter is a column."""
    stored = real_graph.stored(name)
    projection = stored.text[stored.text.index("SELECT"):_TOP_GROUP.search(stored.text).start()]
    for param in stored.params:
        assert re.search(rf"\?{param.name}\b", projection), f"{name}: parameter {param.name} is not projected"


def test_binding_methods_do_not_change_concatenation_order(store, real_graph):
    """GROUP_CONCAT cells are the same text with no parameter, with substitution and with VALUES."""
    stored = real_graph.stored("investments")
    variables = real_graph.query("investments").vars
    plain = _oxigraph_rows(store, stored.text, variables)
    term = to_oxigraph(URIRef("https://w3id.org/ai-industry/agent/anthropic"))
    for rows in (_oxigraph_rows(store, stored.text, variables, {ox.Variable("investee"): term}),
                 _oxigraph_rows(store, _with_values(stored.text, {"investee": URIRef(term.value)}), variables)):
        assert rows and all(rows[row] == plain[row] for row in rows)


_EMPTY: set[str] = set()  # queries allowed to return no rows on the curated data (none today)
