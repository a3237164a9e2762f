"""Issue 6: exports round-trip and are byte-identical; JSON-LD with its context expands to the same
graph; the static site is complete, self-linked and reproducible; VoID/DCAT is computed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF, VOID

from kg import KnowledgeGraph
from kg.publishing import jsonld
from kg.publishing.export import EXPORT_FORMATS
from kg.namespaces import INFERRED_GRAPH

ROOT = Path(__file__).resolve().parents[1]
PARSERS = {"turtle": "turtle", "nt": "nt", "xml": "xml", "jsonld": "json-ld", "jsonld-expanded": "json-ld"}


@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    return KnowledgeGraph(cache_folder=tmp_path_factory.mktemp("cache"))


def _merged(kg, inferred: bool) -> Graph:
    graph = Graph()
    for g in kg.asserted_graphs() + ([kg.inferred()] if inferred else []):
        for triple in g:
            graph.add(triple)
    return graph


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
@pytest.mark.parametrize("format", EXPORT_FORMATS)
def test_export_parses_back_to_the_same_graph(kg, format, inferred):
    text = kg.export(format, inferred=inferred)
    if format in ("nquads", "trig"):
        parsed = Dataset()
        parsed.parse(data=text, format=format)
        expected = {g.identifier: g for g in kg.asserted_graphs() + ([kg.inferred()] if inferred else [])}
        names = {g.identifier for g in parsed.graphs() if len(g)}
        assert names == set(expected), "the named graphs are kept"
        for name, graph in expected.items():
            assert isomorphic(parsed.graph(name), graph), f"graph {name} differs after the round trip"
        assert (INFERRED_GRAPH in names) == inferred
    else:
        parsed = Graph().parse(data=text, format=PARSERS[format])
        assert isomorphic(parsed, _merged(kg, inferred))


def test_exports_are_byte_identical_across_processes(tmp_path):
    script = ("import sys; from pathlib import Path; from kg import KnowledgeGraph; from kg.publishing.export import EXPORT_FORMATS\n"
              "kg = KnowledgeGraph(cache_folder=sys.argv[2])\n"
              "for f in EXPORT_FORMATS:\n"
              "    for i in (False, True):\n"
              "        Path(sys.argv[1], f'{f}-{i}').write_text(kg.export(f, inferred=i), encoding='utf-8')\n")
    outputs = []
    for run in ("a", "b"):
        folder = tmp_path / run
        folder.mkdir()
        cache = tmp_path / f"cache-{run}"  # separate caches: the second run reasons from scratch too
        subprocess.run([sys.executable, "-c", script, str(folder), str(cache)], check=True, cwd=ROOT)
        outputs.append({p.name: p.read_bytes() for p in folder.iterdir()})
    assert len(outputs[0]) == 2 * len(EXPORT_FORMATS)
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], f"{name} differs between two runs"


def test_compact_jsonld_with_its_context_expands_to_the_same_graph(kg):
    document = json.loads(kg.export("jsonld", inferred=True))
    context = jsonld.build_context(kg.ontology)
    assert document["@context"] == context["@context"], "the dump carries the published context"
    # the same body with the context given separately (as a JS developer would): same graph
    body = {"@context": context["@context"], "@graph": document["@graph"]}
    graph = Graph().parse(data=json.dumps(body), format="json-ld")
    assert isomorphic(graph, _merged(kg, True))
    deal = next(n for n in document["@graph"] if n.get("id") == "deal:nvidia-anthropic-investment")
    assert deal["investor"] == "ag:nvidia" and "ai:Investment" in deal["type"]
    amounts = deal["amount"] if isinstance(deal["amount"], list) else [deal["amount"]]
    assert "10000000000.0" in [a.get("maxValue") for a in amounts], "decimals typed by the context, kept exact"
    assert context["@context"]["maxValue"]["@type"].endswith("#decimal")


def test_expanded_jsonld_uses_full_iris_only(kg):
    document = json.loads(kg.export("jsonld-expanded"))
    assert isinstance(document, list) and "@context" not in json.dumps(document)
    assert all(key.startswith(("@", "http")) for node in document for key in node)


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory):
    from kg.publishing.site import publish

    folder = tmp_path_factory.mktemp("site")
    report = publish(kg, folder)
    return folder, report


def test_site_has_pages_data_dumps_and_description(site):
    folder, report = site
    for name in ("index.html", "ontology.html", "ontology.ttl", "void.ttl", "context.jsonld", "query.html"):
        assert (folder / name).is_file(), name
    for stem in ("agent/anthropic", "product/claude", "deal/nvidia-anthropic-investment", "source/002_028c8e945d95a55f"):
        for suffix in (".html", ".ttl", ".jsonld", ".nt"):
            assert (folder / (stem + suffix)).is_file(), stem + suffix
    page = (folder / "agent/anthropic.html").read_text()
    assert '<script type="application/ld+json">' in page and "../deal/" in page and "../source/" in page
    entity = Graph().parse(folder / "agent/anthropic.jsonld", format="json-ld")
    assert (URIRef("https://w3id.org/ai-industry/agent/anthropic"), None, None) in entity
    assert len(report.dumps) == 14 and all((folder / d.path).stat().st_size == d.size for d in report.dumps)


def test_site_links_resolve_on_disk(site):
    import re

    folder, _ = site
    broken = []
    for page in folder.rglob("*.html"):
        for target in re.findall(r'href="([^"#:]+)(?:#[^"]*)?"', page.read_text()):
            if not (page.parent / unquote(target)).exists():
                broken.append(f"{page.relative_to(folder)} -> {target}")
    assert not broken, broken[:10]


def test_void_dcat_description_is_computed(site, kg):
    folder, report = site
    void = Graph().parse(folder / "void.ttl")
    dataset = URIRef("https://w3id.org/ai-industry/dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void and (dataset, RDF.type, DCAT.Dataset) in void
    union = {t for g in kg.asserted_graphs() + [kg.inferred()] for t in g}
    assert int(void.value(dataset, VOID.triples)) == len(union)
    assert str(void.value(dataset, VOID.uriSpace)) == "https://w3id.org/ai-industry/"
    assert void.value(dataset, VOID.sparqlEndpoint) is not None
    assert len(list(void.objects(dataset, VOID.dataDump))) == len(report.dumps)
    media = {str(m) for d in void.objects(dataset, DCAT.distribution) for m in void.objects(d, DCAT.mediaType)}
    assert any(m.endswith("text/turtle") for m in media) and any(m.endswith("application/n-quads") for m in media)
    subsets = {int(void.value(s, VOID.triples)) for s in void.objects(dataset, VOID.subset)}
    assert sum(len(g) for g in kg.asserted_graphs()) + len(kg.inferred()) == sum(
        int(void.value(s, VOID.triples)) for s in void.objects(dataset, VOID.subset)) and subsets


def test_publishing_twice_gives_identical_folders(site, kg, tmp_path):
    from kg.publishing.site import publish

    folder, _ = site
    publish(kg, tmp_path)
    first = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert first == second
