"""The lexical guard in front of the engine: no query that would make Oxigraph call out gets past it.

Oxigraph evaluates SERVICE over HTTP. The oracle here is the engine itself: a query run on a
one-triple store can only fail with an OSError when it tried to reach the network (the triple gives
the patterns around a call a solution, so the engine does not skip it), so for every generated query
the guard lets through, the engine must never try.
"""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.analysis.sparql_text import refusal, skeleton, variables

_CALL = "SERVICE <http://127.0.0.1:9/sparql> { ?a ?b ?c }"
#: Pieces a query may be made of: real calls, calls in disguise, and decoys that only look like one.
FRAGMENTS = [
    "?s ?p ?o .", _CALL, "SERVICE SILENT <http://127.0.0.1:9/> { ?a ?b ?c }", "service <http://127.0.0.1:9/> {}",
    "\\u0053ERVICE <http://127.0.0.1:9/> { }", "SERVI\\u0043E <http://127.0.0.1:9/> { }",
    "# SERVICE <http://127.0.0.1:9/> {}\n", 'FILTER(?s != "SERVICE <http://x/> {}")',
    "FILTER(?s != '''SERVICE''')", "OPTIONAL { ?s <http://ex/SERVICE> ?o }", "BIND(?service AS ?x)",
    "{ ?s ?p ?o } UNION { ?s ?p ?o }", "FILTER(?o < 3 && ?p > 2)", "MINUS { ?s ?p ?o }", "\n", " ",
    ".SERVICE <http://127.0.0.1:9/> { }", "}SERVICE <http://127.0.0.1:9/> {",
]


def _store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal("1")))
    return store


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6))
def test_nothing_the_guard_lets_through_reaches_the_network(pieces):
    query = "SELECT * WHERE { " + " ".join(pieces) + " }"
    if refusal(query) is not None:
        return
    try:
        list(_store().query(query))  # solutions are lazy: the call happens while iterating
    except SyntaxError:
        pass  # not a query the engine would run at all
    except OSError as error:  # the engine tried HTTP: the guard missed a SERVICE
        raise AssertionError(f"guard let through a network call: {query!r} ({error})") from None


def test_the_oracle_sees_a_call():
    """The property above is only worth something if the engine really tries when SERVICE gets through."""
    try:
        list(_store().query("SELECT * WHERE { ?s ?p ?o . " + _CALL + " }"))
    except OSError:
        return
    raise AssertionError("the engine did not try the SERVICE call: the oracle is blind")


@given(st.text(max_size=200))
def test_skeleton_keeps_every_offset_and_line(text):
    bare = skeleton(text, decode=False)
    assert len(bare) == len(text) and bare.count("\n") == text.count("\n")


def test_variables_and_decoys():
    text = 'SELECT ?service WHERE { ?service <http://ex/p> "?not" . # ?nor\n $also ?p "SERVICE" }'
    assert variables(text) == {"service", "also", "p"}
    assert refusal(text) is None
    assert refusal("SELECT * FROM <http://ex/g> WHERE { ?s ?p ?o }").startswith("FROM")
    assert refusal("INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }").startswith("update")
    assert refusal("LOAD <http://ex/data.ttl>").startswith("update")
