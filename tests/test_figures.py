"""Money and quantities for people (issue 12): how each kind of figure reads, written out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.analysis.figures import Figure, describe, from_row, humanize_text, money

AI = "https://w3id.org/ai-industry/ontology#"
UNIT = "http://qudt.org/vocab/unit/"
D = Decimal


@pytest.mark.parametrize("figure, words", [
    (Figure(value=D("30000000000.0"), currency="USD", qualifier="Roughly"), "$30 bn (roughly)"),
    (Figure(value=D("30000000000.0"), currency="USD", qualifier="Exact"), "$30 bn"),
    (Figure(max=D("10000000000.0"), currency="USD", qualifier="UpTo"), "up to $10 bn"),
    (Figure(min=D("5000000000.0"), currency="USD", qualifier="MoreThan"), "more than $5 bn"),
    (Figure(min=D("5000000000.0"), currency="USD"), "at least $5 bn"),
    (Figure(min=D("1000000000.0"), max=D("2500000000.0"), currency="USD"), "$1 bn to $2.5 bn"),
    (Figure(min=D("1000000000.0"), currency="USD", qualifier="OrderOfMagnitude"), "$ billions (magnitude only)"),
    (Figure(min=D("10000000000.0"), currency="USD", qualifier="MagnitudeOnly"), "$ tens of billions (magnitude only)"),
    (Figure(currency="USD", qualifier="MagnitudeOnly", magnitude=AI + "Billions"), "$ billions (magnitude only)"),
    (Figure(value=D("1250000000"), currency="EUR"), "€1.25 bn"),
    (Figure(value=D("350000000"), currency="USD"), "$350 m"),
    (Figure(value=D("25000"), currency="CHF"), "CHF 25,000"),
    (Figure(value=D("27.0"), unit=UNIT + "PERCENT", qualifier="Exact"), "27 %"),
    (Figure(value=D("-3.0"), unit=UNIT + "PERCENT", qualifier="Roughly"), "-3 % (roughly)"),
    (Figure(max=D("1.0"), unit=UNIT + "GigaW", qualifier="UpTo"), "up to 1 GW"),
    (Figure(value=D("1.0"), unit=UNIT + "YR"), "1 year"),
    (Figure(value=D("1000000.0"), unit="TPU"), "1 million TPU"),
])
def test_describe(figure, words):
    assert describe(figure) == words


def test_sources_follow_the_figure():
    figure = Figure(value=D("5000000000.0"), currency="USD", sources=("002_028c8e945d95a55f",))
    assert describe(figure, sources=True) == "$5 bn [002_028c8e945d95a55f]"


def test_from_row_reads_a_query_row():
    row = {"value": None, "maxValue": Literal("10000000000.0", datatype=XSD.decimal), "minValue": None,
           "currency": Literal("USD"), "qualifier": URIRef(AI + "UpTo"), "qualifierLabel": Literal("up to", lang="en")}
    assert describe(from_row(row)) == "up to $10 bn"
    assert from_row({"value": Literal("Microsoft"), "currency": None}) is None


def test_text_columns_of_the_queries():
    text = ("exact 30000000000.0 USD [002_028c8e945d95a55f]; roughly 30000000000.0 USD [004_9fb578446bd148d3]; "
            "order of magnitude 1000000000.0 USD [000_344770c96ebca10a]")
    assert humanize_text(text) == ("$30 bn [002_028c8e945d95a55f]; $30 bn (roughly) [004_9fb578446bd148d3]; "
                                   "$ billions (magnitude only) [000_344770c96ebca10a]")
    assert humanize_text("exact 1.0 GigaW — capacity [004]") == "1 GW — capacity [004]"
    assert humanize_text("up to 5000000000 USD") == "up to $5 bn"  # an engine may drop the ".0"
    for untouched in ("founded in 2021 Anthropic", "350 billion dollars", "Claude 3.5 Sonnet"):
        assert humanize_text(untouched) == untouched


@given(st.decimals(min_value=-10 ** 15, max_value=10 ** 15, places=3, allow_nan=False))
def test_money_keeps_every_digit(number):
    """Scaling changes where the decimal point is, never the digits (a person can read back the exact figure)."""
    text = money(number, "USD")
    digits = text.replace("$", "").replace(",", "").replace("-", "").split()[0]
    scale = {"bn": 9, "m": 6, "tn": 12}.get(text.split()[-1], 0) if " " in text else 0
    assert Decimal(digits) * Decimal(10) ** scale == abs(number)


def test_a_bare_number_or_a_label_is_not_a_figure():
    assert from_row({"value": Literal("2021", datatype=XSD.integer), "currency": None, "qualifier": None}) is None
    row = {"value": Literal("additional capacity"), "maxValue": Literal("1.0", datatype=XSD.decimal),
           "unit": URIRef(UNIT + "GigaW"), "qualifier": URIRef(AI + "UpTo")}
    assert describe(from_row(row)) == "up to 1 GW — additional capacity"


def test_a_percentage_column_reads_as_a_percentage():
    row = {"percentage": Literal("27.0", datatype=XSD.decimal), "qualifierLabel": Literal("exact", lang="en")}
    assert describe(from_row(row)) == "27 %"
