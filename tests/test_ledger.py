"""The per-source ledgers (docs/sources/<stem>.md): every sentence of every article, and where it lives.

Each ledger line is ``N | gist | entries``: the sentence number (as ``sentences`` below splits the
article), a few words of gist, and ``subject predicate object`` entries (``*`` = any object) or
``- not modelled: why``. The tests check that the ledger covers every sentence exactly once, that every
entry is in the graph *with that source* under the statement-level rule (``queries/statement-sources.rq``,
run by rdflib on the data files), that the gists are not copied from the article, and that every claim
citing a source is accounted for in that source's ledger (and no claim is listed under a source it
does not cite).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Namespace, URIRef

from test_data_files import SOURCES, shingles
from test_statement_sources import DATA, GRAPH, QUERY

ROOT = Path(__file__).resolve().parent.parent
LEDGERS = ROOT / "docs" / "sources"
STEMS = ("000_344770c96ebca10a", "001_c1ac4854148f4206", "002_028c8e945d95a55f",
         "003_a34db32fd225aef0", "004_9fb578446bd148d3")
PREFIXES = {
    "ai": "https://w3id.org/ai-industry/ontology#", "ag": "https://w3id.org/ai-industry/agent/",
    "deal": "https://w3id.org/ai-industry/deal/", "prod": "https://w3id.org/ai-industry/product/",
    "claim": "https://w3id.org/ai-industry/claim/", "src": "https://w3id.org/ai-industry/source/",
    "schema": "https://schema.org/", "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "org": "http://www.w3.org/ns/org#", "prov": "http://www.w3.org/ns/prov#",
}
AI = Namespace(PREFIXES["ai"])
SRC = Namespace(PREFIXES["src"])
BOUNDARY = re.compile(r'(?<=[.!?…])["”’]?\s+(?=["“‘(]?[A-Z0-9$])')
LINE = re.compile(r"^(\d+) \| ([^|]+) \| (.+)$")


def sentences(text: str) -> list[str]:
    """One line of the article, cut after . ! ? or … before a capital or digit; bullets stripped."""
    out = []
    for line in text.splitlines():
        line = line.strip().lstrip("•").strip()
        if line:
            out.extend(s.strip() for s in BOUNDARY.split(line) if s.strip())
    return out


def iri(name: str) -> URIRef:
    prefix, _, local = name.partition(":")
    assert prefix in PREFIXES, f"unknown prefix in ledger entry: {name}"
    return URIRef(PREFIXES[prefix] + local)


def ledger(stem: str) -> list[tuple[int, str, list[str]]]:
    text = (LEDGERS / f"{stem}.md").read_text(encoding="utf-8")
    block = re.search(r"```ledger\n(.*?)```", text, re.S)
    assert block, f"{stem}.md has no ```ledger block"
    rows = []
    for raw in block.group(1).strip().splitlines():
        match = LINE.match(raw)
        assert match, f"{stem}.md: malformed ledger line: {raw}"
        rows.append((int(match.group(1)), match.group(2).strip(), [e.strip() for e in match.group(3).split(" ; ")]))
    return rows


@pytest.fixture(scope="module")
def stated():
    """source -> {(s, p, o)} that the source states, by the statement-level rule."""
    ds = Dataset(default_union=True)
    for path in sorted(DATA.glob("*.ttl")):
        ds.graph(URIRef(GRAPH + path.stem)).parse(path, format="turtle")
    table = defaultdict(set)
    for row in ds.query(QUERY):
        if row.source is not None:
            table[row.source].add((row.subject, row.predicate, row.object))
    table["claims"] = {(c, s) for c in ds.subjects(AI.statement, None) for s in ds.objects(c, URIRef(PREFIXES["prov"] + "wasDerivedFrom"))}
    table["types"] = set(ds.subject_objects(RDF.type))
    return table


@pytest.mark.parametrize("stem", STEMS)
def test_every_sentence_is_in_the_ledger_once_in_order(stem):
    count = len(sentences((SOURCES / f"{stem}.txt").read_text(encoding="utf-8")))
    assert [n for n, _, _ in ledger(stem)] == list(range(1, count + 1))


@pytest.mark.parametrize("stem", STEMS)
def test_every_ledger_entry_is_in_the_graph_with_that_source(stem, stated):
    source = SRC[stem]
    missing = []
    for n, _, entries in ledger(stem):
        for entry in entries:
            if entry.startswith("- "):
                assert entry.startswith("- not modelled"), f"{stem} #{n}: {entry}"
                continue
            s, p, o = entry.split()
            s, p = iri(s), iri(p)
            if o == "*":
                ok = any(t[0] == s and t[1] == p for t in stated[source])
            else:
                ok = (s, p, iri(o)) in stated[source]
            if not ok:
                missing.append((n, entry))
    assert missing == []


@pytest.mark.parametrize("stem", STEMS)
def test_gists_are_not_copied_from_the_article(stem):
    article = shingles((SOURCES / f"{stem}.txt").read_text(encoding="utf-8"))
    assert [(n, gist) for n, gist, _ in ledger(stem) if shingles(gist) & article] == []


@pytest.mark.parametrize("stem", STEMS)
def test_every_claim_of_a_source_is_in_its_ledger_and_no_other(stem, stated):
    """Exact per source: the claims the ledger names are the claims that cite the source."""
    source = SRC[stem]
    cited = {c for c, s in stated["claims"] if s == source}
    named = {iri(e.split()[0]) for _, _, entries in ledger(stem) for e in entries
             if e.startswith("claim:") and (iri(e.split()[0]), source) in stated["claims"]}
    listed = {iri(e.split()[0]) for _, _, entries in ledger(stem) for e in entries
              if e.startswith("claim:") and e.split()[1] in ("ai:statement", "ai:claimant", "ai:about")}
    assert cited - named == set(), "claims citing the source but missing from its ledger"
    assert listed - cited == set(), "claims listed under a source they do not cite"


def test_ledgers_cover_every_source_and_most_sentences_give_the_graph_something():
    modelled = sum(1 for stem in STEMS for _, _, entries in ledger(stem)
                   if any(not e.startswith("- ") for e in entries))
    total = sum(len(ledger(stem)) for stem in STEMS)
    assert total == 202 and modelled >= 170
