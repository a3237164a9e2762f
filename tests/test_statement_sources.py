"""Statement-level provenance (issue 11): every curated triple names the source(s) that state it, and no other.

The rule (docs/model-guide.md): a triple's sources are its subject node's ``prov:wasDerivedFrom``, unless an
``rdf:Statement`` in data/ reifies it and names its own sources; the link to a value node has the value
node's sources. ``queries/statement-sources.rq`` applies the rule. It is run here twice: through the
product (``KnowledgeGraph.query``) and, as a second implementation, by rdflib's own SPARQL engine on a
Dataset built here from the data files, so that blank nodes can be matched with the files' triples.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Dataset, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from kg.namespaces import AG, AI, DEAL, PROD, SCHEMA, SRC

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
QUERY = (ROOT / "queries" / "statement-sources.rq").read_text(encoding="utf-8")
GRAPH = "https://w3id.org/ai-industry/graph/data/"
S000, S001, S002, S003, S004 = (SRC[s] for s in (
    "000_344770c96ebca10a", "001_c1ac4854148f4206", "002_028c8e945d95a55f",
    "003_a34db32fd225aef0", "004_9fb578446bd148d3"))
LINKS = {SKOS.exactMatch, SCHEMA.sameAs, AI.contradicts}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    ds = Dataset(default_union=True)
    for path in sorted(DATA.glob("*.ttl")):
        ds.graph(URIRef(GRAPH + path.stem)).parse(path, format="turtle")
    return ds


@pytest.fixture(scope="module")
def sources(dataset):
    """(s, p, o) -> set of sources, from the stored query run by rdflib on the files' own triples."""
    table = defaultdict(set)
    for row in dataset.query(QUERY):
        table[(row.subject, row.predicate, row.object)]
        if row.source is not None:
            table[(row.subject, row.predicate, row.object)].add(row.source)
    return table


def curated_triples(dataset):
    """Every data triple except source descriptions, reifications and links to other datasets."""
    statements = set(dataset.subjects(RDF.type, RDF.Statement))
    described_sources = set(dataset.subjects(RDF.type, AI.Source))
    for s, p, o in dataset.triples((None, None, None)):
        if s in statements or s in described_sources or p in LINKS:
            continue
        yield s, p, o


def test_every_curated_triple_has_at_least_one_source(dataset, sources):
    triples = list(curated_triples(dataset))
    assert len(triples) > 800
    missing = [t for t in triples if not sources.get(t)]
    assert missing == []


def test_links_to_other_datasets_cite_no_article(dataset, sources):
    links = [(s, p, o) for s, p, o in dataset.triples((None, None, None)) if p in LINKS]
    assert len(links) == 17 + 6
    assert all((s, p, o) in sources and sources[(s, p, o)] == set() for s, p, o in links)


def test_every_reification_names_asserted_triple_and_a_subset_of_the_node_sources(dataset):
    """A reification never invents a triple, and its sources stay inside the node's union."""
    problems = []
    for st in dataset.subjects(RDF.type, RDF.Statement):
        s, p, o = (dataset.value(st, RDF.subject), dataset.value(st, RDF.predicate), dataset.value(st, RDF.object))
        cited = set(dataset.objects(st, PROV.wasDerivedFrom))
        if (s, p, o) not in dataset or not cited:
            problems.append(("not asserted or no source", s, p, o))
        elif not cited <= set(dataset.objects(s, PROV.wasDerivedFrom)):
            problems.append(("cites outside the node's sources", s, p, o, sorted(cited)))
    assert problems == []
    assert len(set(dataset.subjects(RDF.type, RDF.Statement))) >= 20


def test_node_sources_are_the_union_of_its_statement_sources(dataset, sources):
    """Node-level prov:wasDerivedFrom = the sources of the node's own statements (so old queries keep working)."""
    stated = defaultdict(set)
    for (s, p, _o), srcs in sources.items():
        if p != PROV.wasDerivedFrom and not isinstance(s, BNode):
            stated[s] |= srcs
    unused = {s: sorted(set(dataset.objects(s, PROV.wasDerivedFrom)) - stated[s]) for s in stated}
    assert {s: u for s, u in unused.items() if u} == {}


PARTNERSHIP = DEAL["microsoft-nvidia-anthropic-partnership"]
KNOWN = [
    # the announcement's weekday: only 004 says Tuesday
    ((PARTNERSHIP, AI.announcedOnDayOfWeek, SCHEMA.Tuesday), {S004}),
    # the third announcer: only 000 names Jensen Huang; 000 and 004 name the other two CEOs
    ((PARTNERSHIP, AI.announcedBy, AG["jensen-huang"]), {S000}),
    ((PARTNERSHIP, AI.announcedBy, AG["satya-nadella"]), {S000, S004}),
    ((PARTNERSHIP, AI.announcedBy, AG["dario-amodei"]), {S000, S004}),
    # the parties: every source of the partnership
    ((PARTNERSHIP, AI.party, AG.nvidia), {S000, S002, S003, S004}),
    # NVIDIA hardware under the Azure commitment: 003 (NVIDIA-powered) and 004 (Nvidia accelerators)
    ((DEAL["anthropic-azure-compute"], AI.hardware, PROD["nvidia-gpu"]), {S003, S004}),
    ((DEAL["anthropic-azure-compute"], AI.buyer, AG.anthropic), {S000, S002, S003, S004}),
    # go-to-market: only 004 (Nadella, Amodei); distribution (Foundry, Copilot): 000, 002, 003
    ((DEAL["microsoft-anthropic-claude-partnership"], AI.partnershipKind, AI.GoToMarket), {S004}),
    ((DEAL["microsoft-anthropic-claude-partnership"], AI.partnershipKind, AI.Distribution), {S000, S002, S003}),
    # the competing product: only 001 mentions Anthropic's productivity platform; 000 the models
    ((DEAL["microsoft-anthropic-competition"], AI.competingProduct, PROD["anthropic-productivity-platform"]), {S001}),
    ((DEAL["microsoft-anthropic-competition"], AI.field, AI.ProductivityToolsField), {S001}),
    ((DEAL["microsoft-anthropic-competition"], AI.field, AI.AIModelsField), {S000}),
    # equity: only 002 calls the money equity
    ((DEAL["nvidia-anthropic-investment"], AI.includesEquity, Literal(True)), {S002}),
    ((DEAL["openai-aws-compute"], AI.includesEquity, Literal(False)), {S002}),
    # spellings: "Nvidia" in 002 and 004, the typo "Cladue" in 000 only
    ((AG.nvidia, SKOS.altLabel, Literal("Nvidia")), {S002, S004}),
    ((PROD.claude, SKOS.hiddenLabel, Literal("Cladue")), {S000}),
    # a citation is its own source
    ((PARTNERSHIP, PROV.wasDerivedFrom, S003), {S003}),
]


@pytest.mark.parametrize("triple, expected", KNOWN, ids=lambda v: str(v[1]).rsplit("#")[-1] if isinstance(v, tuple) else "")
def test_known_statements_have_exactly_their_sources(sources, triple, expected):
    assert sources[triple] == expected


def test_value_node_links_have_the_value_nodes_sources(dataset, sources):
    """The 38 bn amount of OpenAI's AWS deal: stated by 002 and 004; its 7-year term by 002 only."""
    deal = DEAL["openai-aws-compute"]
    terms = {dataset.value(t, SCHEMA.description).toPython(): sources[(deal, AI['term'], t)]
             for t in dataset.objects(deal, AI['term'])}
    assert terms == {"7-year": {S002}, "multiyear": {S004}}


def test_negatives_no_source_cited_for_what_it_does_not_say(sources):
    """002 and 003 give no weekday; 000 no equity; nothing about the productivity platform is from 000."""
    assert S002 not in sources[(PARTNERSHIP, AI.announcedOnDayOfWeek, SCHEMA.Tuesday)]
    assert S000 not in sources[(DEAL["microsoft-anthropic-competition"], AI.competingProduct,
                                PROD["anthropic-productivity-platform"])]
    per_source = defaultdict(set)
    for (s, p, o), srcs in sources.items():
        for src in srcs:
            per_source[src].add((s, p))
    assert (PARTNERSHIP, AI.announcedOnDayOfWeek) not in per_source[S003]
    assert (DEAL["anthropic-azure-compute"], AI.hardware) not in per_source[S000]
    assert (DEAL["anthropic-azure-compute"], AI.hardware) not in per_source[S002]


def test_product_answers_the_same_as_rdflib(real_graph, sources):
    """Through KnowledgeGraph (its engine, its blank-node labels): the same rows apart from blank nodes."""
    def key(row):
        return tuple("" if isinstance(v, BNode) or v is None else str(v) for v in row)

    product = sorted(key((r["subject"], r["predicate"], r["object"], r["source"]))
                     for r in real_graph.query("statement-sources", reasoning=False).rows)
    second = sorted(key((s, p, o, src)) for (s, p, o), srcs in sources.items() for src in (srcs or {None}))
    assert product == second
    with_reasoning = real_graph.query("statement-sources", {"subject": "deal:microsoft-nvidia-anthropic-partnership",
                                                            "source": "src:004_9fb578446bd148d3"})
    assert {str(r["predicate"]).rsplit("#")[-1] for r in with_reasoning.rows} >= {"announcedOnDayOfWeek", "announcedBy"}
    assert not any(str(r["predicate"]).endswith("announcedAfter") for r in with_reasoning.rows)


def test_oxigraph_gives_the_same_rows(sources):
    """Standard SPARQL 1.1: pyoxigraph, with the data files as named graphs, answers row for row."""
    from decimal import Decimal

    import pyoxigraph as ox

    store = ox.Store()
    for path in sorted(DATA.glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH + path.stem))

    def ox_key(term):
        if term is None or isinstance(term, ox.BlankNode):
            return ""
        if isinstance(term, ox.Literal) and term.datatype.value.endswith("#decimal"):
            return str(Decimal(term.value).normalize())
        return term.value

    def rdflib_key(term):
        if term is None or isinstance(term, BNode):
            return ""
        if isinstance(term, Literal) and term.datatype is not None and str(term.datatype).endswith("#decimal"):
            return str(Decimal(str(term)).normalize())
        return str(term)

    rows = store.query(QUERY, use_default_graph_as_union=True)
    oxigraph = sorted(tuple(ox_key(r[v]) for v in ("subject", "predicate", "object", "source")) for r in rows)
    rdflib_rows = sorted(tuple(rdflib_key(t) for t in (s, p, o, src))
                         for (s, p, o), srcs in sources.items() for src in (srcs or {None}))
    assert oxigraph == rdflib_rows
