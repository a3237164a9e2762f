"""Money and quantities as people read them: "$30 bn (roughly)", "up to 1 GW", "27 %".

One place decides how a figure reads, so that the terminal tables, the briefing and the pages say
the same thing. The graph keeps figures exactly (``schema:value``/``maxValue``/``minValue`` as
``xsd:decimal``, a currency or unit, an ``ai:qualifier``); machine formats (CSV, TSV, JSON, XML)
print those untouched, and only what a person reads goes through here. Nothing is rounded: a
scaled number keeps every digit the source gave ("$1.25 bn").

To teach it a new qualifier, add a line to :data:`QUALIFIERS`; a new unit, to :data:`UNITS`;
a new magnitude term, to :data:`MAGNITUDES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

__all__ = ["Figure", "describe", "money", "from_row", "humanize_text", "number_words", "plain_number", "QUALIFIERS",
           "UNITS", "MAGNITUDES", "local_name"]

#: How a qualifier (local name of the ``ai:`` individual, or its label) turns a figure into words.
QUALIFIERS: dict[str, Callable[[str], str]] = {
    "Exact": lambda f: f,
    "Roughly": lambda f: f"{f} (roughly)",
    "UpTo": lambda f: f"up to {f}",
    "AtLeast": lambda f: f"at least {f}",
    "MoreThan": lambda f: f"more than {f}",
    "LessThan": lambda f: f"less than {f}",
}
#: Qualifiers that say the source gives only a magnitude ("billions"): the number is the lower end of it.
MAGNITUDE_QUALIFIERS = {"OrderOfMagnitude", "MagnitudeOnly"}
_LABELS = {"exact": "Exact", "roughly": "Roughly", "up to": "UpTo", "at least": "AtLeast", "more than": "MoreThan",
           "less than": "LessThan", "order of magnitude": "OrderOfMagnitude", "magnitude only": "MagnitudeOnly"}

#: Magnitude terms (local names a magnitude-only figure may carry) and the powers of ten they stand for.
MAGNITUDES = {"Thousands": 3, "Millions": 6, "Billions": 9, "TensOfBillions": 10, "HundredsOfBillions": 11,
              "Trillions": 12}
_MAGNITUDE_WORDS = {3: "thousands", 6: "millions", 9: "billions", 10: "tens of billions", 11: "hundreds of billions",
                    12: "trillions"}

#: Units (local names of QUDT unit IRIs): (symbol, glued to the number?). Unknown units print as written.
UNITS = {"PERCENT": ("%", False), "GigaW": ("GW", False), "MegaW": ("MW", False), "KiloW": ("kW", False),
         "W": ("W", False), "YR": ("years", False), "MO": ("months", False), "DAY": ("days", False)}
_SINGULAR = {"years": "year", "months": "month", "days": "day"}
CURRENCIES = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_CODES = set(CURRENCIES) | {"CNY", "CHF", "CAD", "AUD", "INR", "KRW"}
_SCALES = ((12, "tn"), (9, "bn"), (6, "m"))
_NUMBER_WORDS = ((12, "trillion"), (9, "billion"), (6, "million"))


def local_name(term: Any) -> str:
    """The part of an IRI after its last ``#`` or ``/`` (a plain string is returned as is)."""
    text = str(term)
    return re.split(r"[#/]", text)[-1] if "://" in text else text


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    value = getattr(value, "toPython", lambda: value)()
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def plain_number(number: Decimal) -> str:
    """Every digit, no exponent, no trailing zeros, thousands separated."""
    text = f"{number.normalize():f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-') or 0):,}"
    return sign + whole + (f".{fraction}" if fraction else "")


def number_words(number: Decimal) -> str:
    """A count as words: 1000000 -> "1 million", 2500 -> "2,500"."""
    for power, word in _NUMBER_WORDS:
        if abs(number) >= Decimal(10) ** power:
            return f"{plain_number(number / Decimal(10) ** power)} {word}"
    return plain_number(number)


def money(number: Any, currency: str | None) -> str:
    """An amount: "$30 bn", "€1.5 m", "CHF 250,000"; the digits are exact."""
    value = _decimal(number)
    if value is None:
        return ""
    scaled, suffix = value, ""
    for power, name in _SCALES:
        if abs(value) >= Decimal(10) ** power:
            scaled, suffix = value / Decimal(10) ** power, f" {name}"
            break
    code = (currency or "").strip()
    text = plain_number(scaled) + suffix
    if code in CURRENCIES:
        sign = "-" if text.startswith("-") else ""
        return f"{sign}{CURRENCIES[code]}{text.lstrip('-')}"
    return f"{code} {text}".strip()


def _quantity(number: Decimal, unit: str | None) -> str:
    if not unit:
        return number_words(number)
    symbol, _ = UNITS.get(local_name(unit), (str(unit), False))
    if symbol in _SINGULAR and number == 1:
        symbol = _SINGULAR[symbol]
    return f"{number_words(number)} {symbol}"


def _magnitude(figure: "Figure") -> str:
    power = MAGNITUDES.get(local_name(figure.magnitude)) if figure.magnitude else None
    if power is None:
        lower = figure.min if figure.min is not None else figure.value
        if lower is not None and lower > 0:
            power = len(str(int(lower))) - 1
    if power is None:
        return "magnitude only"
    words = _MAGNITUDE_WORDS.get(power) or _MAGNITUDE_WORDS.get(power - power % 3, f"10^{power}")
    if figure.currency:
        symbol = CURRENCIES.get(figure.currency)
        words = f"{symbol} {words}" if symbol else f"{words} {figure.currency}"
    elif figure.unit:
        words = f"{words} of {UNITS.get(local_name(figure.unit), (str(figure.unit), 0))[0]}"
    return f"{words} (magnitude only)"


@dataclass(frozen=True)
class Figure:
    """One stated figure: an exact value and/or bounds, a currency or a unit, a qualifier, its sources."""

    value: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    currency: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    magnitude: str | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None  # the source's words about the figure ("additional capacity on top of the purchase")

    @property
    def empty(self) -> bool:
        return self.value is None and self.min is None and self.max is None and self.magnitude is None


def _amount(number: Decimal, figure: Figure) -> str:
    return money(number, figure.currency) if figure.currency else _quantity(number, figure.unit)


def describe(figure: Figure | None, *, sources: bool = False) -> str:
    """The figure in words; with ``sources``, followed by "[source; source]"."""
    if figure is None or (figure.empty and not figure.note):
        return ""
    if figure.empty:
        return figure.note
    qualifier = _LABELS.get(str(figure.qualifier).lower(), local_name(figure.qualifier)) if figure.qualifier else None
    if qualifier in MAGNITUDE_QUALIFIERS or (qualifier is None and figure.magnitude):
        text = _magnitude(figure)
    elif figure.value is not None:
        text = QUALIFIERS.get(qualifier or "Exact", lambda f: f"{f} ({qualifier})")(_amount(figure.value, figure))
        if figure.min is not None or figure.max is not None:
            bounds = [f"at least {_amount(figure.min, figure)}"] if figure.min is not None else []
            bounds += [f"at most {_amount(figure.max, figure)}"] if figure.max is not None else []
            text += f" ({', '.join(bounds)})"
    elif figure.min is not None and figure.max is not None:
        text = f"{_amount(figure.min, figure)} to {_amount(figure.max, figure)}"
        text = f"{text} ({qualifier_words(qualifier)})" if qualifier not in (None, "Exact") else text
    else:
        bound = figure.max if figure.max is not None else figure.min
        default = "UpTo" if figure.max is not None else "AtLeast"
        text = QUALIFIERS.get(qualifier if qualifier in QUALIFIERS and qualifier != "Exact" else default,
                              QUALIFIERS[default])(_amount(bound, figure))
    if figure.note:
        text += f" — {figure.note}"
    if sources and figure.sources:
        text += " [" + "; ".join(figure.sources) + "]"
    return text


def qualifier_words(qualifier: str | None) -> str:
    names = {v: k for k, v in _LABELS.items()}
    return names.get(local_name(qualifier), local_name(qualifier)) if qualifier else ""


#: Column names a query may use for each part of a figure.
PARTS = {"value": ("value", "number", "amount", "percentage"), "max": ("maxValue",), "min": ("minValue",),
         "currency": ("currency",), "unit": ("unit", "unitCode", "unitText"), "qualifier": ("qualifier", "qualifierLabel"),
         "magnitude": ("magnitude",), "sources": ("amountSources", "figureSources")}


def from_row(row: Mapping[str, Any]) -> Figure | None:
    """The figure in a query row (columns value/maxValue/minValue, currency, unit, qualifier …), or None."""
    def get(part: str):
        return next((row[name] for name in PARTS[part] if row.get(name) not in (None, "")), None)

    value = get("value")
    if value is not None and get("unit") is None and row.get("percentage") is value:
        row = {**row, "unit": "PERCENT"}  # a column named percentage holds a percentage
    note = str(value) if value is not None and _decimal(value) is None else None
    figure = Figure(value=_decimal(value), note=note, min=_decimal(get("min")), max=_decimal(get("max")),
                    currency=str(get("currency")) if get("currency") is not None else None,
                    unit=str(get("unit")) if get("unit") is not None else None,
                    qualifier=local_name(get("qualifier")) if get("qualifier") is not None else None,
                    magnitude=str(get("magnitude")) if get("magnitude") is not None else None,
                    sources=tuple(s.strip() for s in str(get("sources") or "").split(";") if s.strip()))
    if figure.empty or not (figure.currency or figure.unit or figure.qualifier or figure.magnitude
                            or figure.min is not None or figure.max is not None):
        return None  # no number, or a bare one: a label or a year in the entity query's value column
    return figure


_QUALIFIER_WORDS = "|".join(sorted((re.escape(k) for k in _LABELS), key=len, reverse=True))
_UNIT_WORDS = "|".join(sorted(set(UNITS) | _CODES, key=len, reverse=True))
#: "qualifier number unit" as the stored queries write it in text columns ("roughly 30000000000.0 USD").
_IN_TEXT = re.compile(rf"(?:\b(?P<q>{_QUALIFIER_WORDS}) )?(?P<n>-?\d+(?:\.\d+)?) (?P<u>{_UNIT_WORDS}|[A-Z][A-Za-z]+)\b")


def humanize_text(text: str) -> str:
    """Rewrite the figures a query spells out in text ("up to 10000000000.0 USD [002_…]") for people."""
    def replace(match: re.Match) -> str:
        qualifier, number, unit = match["q"], match["n"], match["u"]
        known = unit in _CODES or unit in UNITS
        if not (qualifier or "." in number) or not (known or qualifier):
            return match[0]
        is_money = unit in _CODES
        figure = Figure(value=Decimal(number), currency=unit if is_money else None, unit=None if is_money else unit,
                        qualifier=_LABELS.get(qualifier) if qualifier else None)
        if figure.qualifier == "UpTo":
            figure = Figure(max=figure.value, currency=figure.currency, unit=figure.unit, qualifier="UpTo")
        elif figure.qualifier in ("AtLeast", "MoreThan", *MAGNITUDE_QUALIFIERS):
            figure = Figure(min=figure.value, currency=figure.currency, unit=figure.unit, qualifier=figure.qualifier)
        return describe(figure)

    return _IN_TEXT.sub(replace, text)
