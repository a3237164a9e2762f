"""What a careful editor would refuse although every shape is met.

- a date in the future (a fact is announced once it happened; only a plan field may look ahead);
- stakes in one company that add up to more than 100 %;
- a second organization with another's external identifier (``skos:exactMatch`` to the same
  Wikidata item, or the same ``schema:sameAs`` URL);
- a name that *looks* like an existing one but is spelt with other characters (Cyrillic "а" for
  Latin "a", mixed scripts in one word): an error, unless the submission states that the two are
  different entities with ``ag:new owl:differentFrom ag:existing``.

One preferred label per entity and plausible amounts are SHACL shapes (``shapes/plausibility.ttl``).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS, SKOS, XSD

from kg.namespaces import AI, SCHEMA
from kg.submissions.checks import ENTITY_NAMESPACES, Context
from kg.submissions.escape import escaped
from kg.submissions.locate import short
from kg.validation.findings import ERROR, Finding

__all__ = ["dates", "stakes", "identifiers", "lookalikes", "skeleton", "scripts", "PLAN_FIELDS"]

#: Date fields that may lie in the future: names of plans ("planned…", "expected…", "target…").
PLAN_FIELDS = re.compile(r"^(planned|expected|target|scheduled)", re.IGNORECASE)
_DATES = {XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth}
#: Letters of other scripts drawn like Latin ones (after NFKC); the TR39 idea, for the scripts seen in names.
_CONFUSABLE = dict(zip("аеорсухіјѕԁһԛԝвкмнтАВЕЅІЈКМНОРСТХУԌαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
                       "aeopcyxijsdhqwbkmhtabesijkmhopctxyGabeiknoptuxabezhikmnoptyx"))


def skeleton(text: str) -> str:
    """A form in which look-alike spellings meet: NFKC, confusables to Latin, case and marks removed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_CONFUSABLE.get(c, c) for c in text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text.replace("0", "o").replace("1", "l"))


def scripts(word: str) -> set[str]:
    """The scripts of the letters of ``word`` (first word of each letter's Unicode name)."""
    return {unicodedata.name(c, "UNKNOWN").split()[0] for c in word if c.isalpha()}


def _today() -> datetime.date:
    return datetime.date.today()


def dates(ctx: Context) -> list[Finding]:
    out = []
    today = _today()
    for s, p, o in sorted(ctx.submission):
        if not isinstance(o, Literal) or o.datatype not in _DATES or PLAN_FIELDS.match(re.split(r"[/#]", str(p))[-1]):
            continue
        match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(o))
        if not match:
            continue  # ill-formed dates are the literal check's
        year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
        try:
            when = datetime.date(year, month, day)
        except ValueError:
            continue
        if when > today:
            out.append(ctx.finding(ERROR, "plausibility", s, f"{short(p)} {o} is in the future (today is {today})",
                                   "give the date on which it happened; a plan's date goes in a plan field", path=[p], value=o))
    return out


def _percent(graph, node) -> Decimal | None:
    for value_node in graph.objects(node, AI.percentage):
        for v in graph.objects(value_node, SCHEMA.value):
            try:
                return Decimal(str(v))
            except InvalidOperation:
                return None
    return None


def stakes(ctx: Context) -> list[Finding]:
    """The stakes held in one company (existing and submitted) add up to at most 100 %."""
    out = []
    for stake in sorted(set(ctx.submission.subjects(AI.company, None))):
        for company in ctx.submission.objects(stake, AI.company):
            total, parts = Decimal(0), []
            for graph in (ctx.existing, ctx.submission):
                for other in graph.subjects(AI.company, company):
                    share = _percent(graph, other)
                    if share is not None and other not in {p for p, _ in parts}:
                        total += share
                        parts.append((other, share))
            if total > 100 and all(v <= 100 for _, v in parts):  # one stake over 100 % is the shapes' to report
                listed = ", ".join(f"{short(p)} {v} %" for p, v in parts)
                out.append(ctx.finding(ERROR, "plausibility", stake, f"the stakes in {short(company)} would add up to "
                                       f"{total} % ({listed})", "check the percentage; a stake that replaced an "
                                       "earlier one is a correction of that one, not a new stake", path=[AI.company],
                                       value=company))
    return out


def _different(ctx: Context, a, b) -> bool:
    return any((x, OWL.differentFrom, y) in g for g in (ctx.submission, ctx.existing) for x, y in ((a, b), (b, a)))


def identifiers(ctx: Context) -> list[Finding]:
    """One organization per external identifier (Wikidata item, sameAs URL)."""
    out = []
    for p in (SKOS.exactMatch, SCHEMA.sameAs):
        for s, o in sorted(ctx.submission.subject_objects(p)):
            for twin in ctx.existing.subjects(p, o):
                if twin != s and not isinstance(twin, Literal) and str(twin).startswith(ENTITY_NAMESPACES):
                    out.append(ctx.finding(ERROR, "duplicate", s, f"{short(twin)} already has {short(p)} "
                                           f"{escaped(short(o))}; one external identifier names one entity",
                                           f"if this is {short(twin)}, use {short(twin)}; else correct the identifier",
                                           path=[p], value=o))
    return out


def lookalikes(ctx: Context) -> list[Finding]:
    """Names spelt with look-alike characters, or mixing scripts within a word."""
    names: dict[str, list] = {}
    for s, p, o in ctx.existing.triples((None, None, None)):
        if p in (RDFS.label, SKOS.altLabel) and isinstance(s, URIRef) and str(s).startswith(ENTITY_NAMESPACES):
            names.setdefault(skeleton(str(o)), []).append((s, str(o)))
    out = []
    for s, p, o in sorted(ctx.submission):
        if p not in (RDFS.label, SKOS.altLabel) or not isinstance(o, Literal):
            continue
        mixed = [w for w in re.findall(r"\w+", str(o)) if len(scripts(w) - {"DIGIT"}) > 1]
        twins = [(t, text) for t, text in names.get(skeleton(str(o)), []) if t != s and text != str(o)]
        twins = [(t, text) for t, text in twins if not _different(ctx, s, t)]
        if twins:
            twin, text = twins[0]
            out.append(ctx.finding(ERROR, "lookalike", s, f'"{escaped(str(o))}" looks like "{escaped(text)}", the name '
                                   f"of {short(twin)}, but is spelt with other characters",
                                   f"if it is {short(twin)}, use {short(twin)}; if it is a different entity, say so: "
                                   f"{short(s)} owl:differentFrom {short(twin)} .", path=[p], value=o))
        elif mixed:
            out.append(ctx.finding(ERROR, "lookalike", s, f'"{escaped(str(o))}" mixes scripts within a word '
                                   f"({', '.join(sorted(scripts(mixed[0])))} in \"{escaped(mixed[0])}\")",
                                   "write each word in one script", path=[p], value=o))
    return out
