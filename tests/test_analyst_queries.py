"""The analyst queries (issue 5) answer the sources' questions with the rows the curated data implies.

Every stored query is run through the product (``KnowledgeGraph.query``), with and without
reasoning, and compared row by row with ``analyst_expected.py``. Queries that rest on derived
relations (property chains, symmetry, inverses) show what reasoning adds.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.namespaces import bind_prefixes

from analyst_expected import EXPECTED

_NM = bind_prefixes(Graph()).namespace_manager
_NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float}


def cell(value) -> str | None:
    """A cell as written in analyst_expected.py: prefixed name, number in canonical form, or string.

    Numbers are written canonically (``5000000000``, not ``5000000000.0``): rdflib keeps the lexical
    form of the file, Oxigraph the canonical one, and the expected rows hold for both engines.
    """
    if value is None:
        return None
    if isinstance(value, URIRef):
        return value.n3(_NM)
    if isinstance(value, Literal) and value.datatype in _NUMERIC:
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def table(result) -> list[tuple]:
    """Rows as tuples of cells (None for unbound), in the query's order."""
    return [tuple(cell(row[name]) for name in result.vars) for row in result.rows]


def _id(entry):
    return entry["query"] + "".join(f"[{k}={v}]" for k, v in entry["params"].items())


@pytest.mark.parametrize("entry", EXPECTED, ids=_id)
def test_rows_with_reasoning(real_graph, entry):
    result = real_graph.query(entry["query"], entry["params"])
    assert tuple(result.vars) == entry["columns"]
    assert table(result) == entry["rows"]


@pytest.mark.parametrize("entry", EXPECTED, ids=_id)
def test_rows_without_reasoning(real_graph, entry):
    rows = table(real_graph.query(entry["query"], entry["params"], reasoning=False))
    expected = {"not": entry["rows"], "req": [], "alt": entry.get("rows_without_reasoning")}[entry["mode"]]
    assert rows == expected


@pytest.mark.parametrize("entry", EXPECTED, ids=_id)
def test_header_says_whether_reasoning_is_required(real_graph, entry):
    stored = real_graph.stored(entry["query"])
    if entry["mode"] != "alt":  # "alt": works either way, reasoning adds rows (entity) or order (timeline)
        assert stored.reasoning == (entry["mode"] == "req")
    if stored.reasoning:
        assert "reasoner" in stored.description  # the header names the derived relations it uses


def test_every_analyst_query_is_covered(real_graph):
    analyst = {"investments", "compute-commitments", "circular-financing", "frenemies", "rival-backers",
               "model-availability", "alliances", "exposure", "totals", "conflicting-claims", "entity", "timeline", "network",
               "stakes", "claims", "share-price-moves", "rivalries", "co-investing-rivals", "camp-money-loops",
               "supplied-products", "valuations", "partnerships"}
    assert analyst <= set(real_graph.queries)
    assert analyst == {entry["query"] for entry in EXPECTED}


def test_loops_the_sources_describe(real_graph):
    """Microsoft → Anthropic → Azure, NVIDIA → Anthropic → Azure (NVIDIA accelerators), Google → Anthropic → TPUs."""
    paths = {r["path"].toPython() for r in real_graph.query("circular-financing").rows}
    assert {"Microsoft → Anthropic → Microsoft", "NVIDIA → Anthropic → Microsoft → NVIDIA",
            "Google → Anthropic → Google"} <= paths
    assert not any("OpenAI" in p or "Amazon" in p for p in paths)  # OpenAI–AWS has no equity: no loop


def test_loop_parameter(real_graph):
    rows = real_graph.query("circular-financing", {"org": "ag:google"}).rows
    assert [r["path"].toPython() for r in rows] == ["Google → Anthropic → Google"]


def test_claude_is_the_only_model_on_all_three_clouds(real_graph):
    rows = real_graph.query("model-availability", {"onAllOf": "ai:CloudPlatform"}).rows
    assert {r["modelLabel"].toPython() for r in rows} == {"Claude"}
    assert len(rows) == 3


def test_totals_never_mix_exact_figures_and_ceilings(real_graph):
    (row,) = [r for r in real_graph.query("totals", {"organization": "ag:anthropic"}).records()
              if r["role"] == "receives investment" and r["currency"] == "USD"]
    assert (row["stated"], row["upTo"], row["atLeast"]) == (5_000_000_000, 10_000_000_000, None)


def test_totals_count_each_deal_once(real_graph):
    """Issue 12: Microsoft's $5 bn in Anthropic (exact in 002, "up to" in 004, "billions" in 003) counts once, as
    stated, not also as a ceiling or a floor; its stake in OpenAI, which 003 sizes only as "billions", is the floor."""
    (row,) = [r for r in real_graph.query("totals", {"organization": "ag:microsoft"}).records()
              if r["role"] == "invests" and r["currency"] == "USD"]
    assert (row["deals"], row["stated"], row["upTo"], row["atLeast"]) == (2, 5_000_000_000, None, 1_000_000_000)
