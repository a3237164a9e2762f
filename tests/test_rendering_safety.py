"""Issue 10 ("What comes out") and issue 12 (entity pages, /query): what is rendered is escaped.

Each case is one the issue found: a ``javascript:`` ``schema:sameAs`` or IRI became a clickable
link, a label with ``<!--<script>`` blanked its page, report.md carried raw HTML, a 300-character
entity name made ``kg publish`` fail after writing 67 files; and pages read "invests in of".
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg import KnowledgeGraph
from kg.errors import InputError
from kg.namespaces import AI, SCHEMA
from kg.publishing import jsonld
from kg.publishing.pages import EntityIndex

EVIL = URIRef("https://w3id.org/ai-industry/agent/evil-lab")
LABEL = 'Evil </script><!--<script>alert(1)</script> & "Co"'


@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    return KnowledgeGraph(cache_folder=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def hostile():
    g = Graph()
    g.add((EVIL, RDF.type, AI.AILab))
    g.add((EVIL, RDFS.label, Literal(LABEL)))
    g.add((EVIL, SCHEMA.sameAs, Literal("javascript:alert(document.cookie)", datatype=XSD.anyURI)))
    g.add((EVIL, AI.competesWith, URIRef("javascript:alert(2)")))
    g.add((EVIL, AI.competesWith, URIRef("https://w3id.org/ai-industry/agent/anthropic")))
    return g


@pytest.fixture(scope="module")
def index(kg, hostile):
    return EntityIndex(kg.asserted_graphs() + [hostile], kg.inferred(), kg.ontology, jsonld.build_context(kg.ontology))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.scripts, self.data, self._in = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag == "script":
            self._in = attrs.get("type", "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        (self.scripts if self._in is not None else self.data).append(data)


def test_javascript_urls_are_text_not_links(index):
    page = index.page(EVIL)
    parser = _Links()
    parser.feed(page)
    assert not [h for h in parser.hrefs if "javascript" in h.lower()], "a javascript: URL became a link"
    assert "javascript:alert(document.cookie)" in page, "still shown, as text"


def test_a_label_cannot_end_or_comment_out_the_json_ld(index):
    page = index.page(EVIL)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block and not re.search(r"[<>&]", block[1]), "raw <, > or & inside the script element"
    document = json.loads(block[1])
    assert any(node.get("label") == LABEL for node in document["@graph"]), "the label survives, escaped"
    assert "<h1>Evil &lt;/script&gt;&lt;!--&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</h1>" in page
    assert page.rstrip().endswith("</html>") and page.count("<h2>") >= 1, "the body is still there"


def test_pages_carry_a_csp_that_allows_only_their_own_script(index, kg):
    from kg.publishing.querypage import query_page

    page = query_page(dict(kg.queries), labels={str(EVIL): LABEL}, local=True)
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1])
    assert "script-src 'sha256-" in policy and "unsafe" not in policy
    for block in re.findall(r'<script type="application/json" id="\w+">(.*?)</script>', page, re.S):
        assert not re.search(r"[<>&]", block)
        json.loads(block)
    assert re.search(r"https\?:", page), "the page's script links only http(s) IRIs"


def test_query_page_has_parameter_fields_and_local_links(kg):
    from kg.publishing.querypage import query_page

    page = query_page(dict(kg.queries), labels={}, local=True)
    catalogue = json.loads(re.search(r'<script type="application/json" id="catalogue">(.*?)</script>', page, re.S)[1])
    assert [p["name"] for p in catalogue["entity"]["params"]] == ["entity"]
    assert catalogue["entity"]["params"][0]["required"] is True
    assert '"queries/" + encodeURIComponent(chosen.name)' in page, "stored queries go through the server's binder"
    assert "prefixes + text" not in page, "no lines prepended: error positions are the user's"
    assert "overflow-wrap:anywhere" in page and "table-layout:fixed" in page


def test_entity_page_reads_like_an_entry(index):
    anthropic = URIRef("https://w3id.org/ai-industry/agent/anthropic")
    page = index.page(anthropic)
    main, _, details = page.partition("<details>")
    assert " of of" not in page and "invests in of" not in page and "result of of" not in page
    assert main.count("<tr>") < 45, main.count("<tr>")
    assert "up to $10 bn" in main, "the NVIDIA amount shown as a figure"
    assert re.search(r"up to \$10 bn <span class=\"src\">\[<a [^>]*>002</a>, <a [^>]*>004</a>\]", main), \
        "with the sources of that figure"
    assert "Inferred shortcuts" in page and "has investor" in details, "the inverse property's own label"
    assert "_:" not in re.sub(r"<script.*?</script>", "", page, flags=re.S), "no blank-node ids"


def test_report_markdown_escapes_labels():
    from kg.analysis.report_format import _md as _md_escape

    text = _md_escape('<img src=x onerror=alert(1)> [click](javascript:alert(1)) | *x*\x1b[2J')
    assert "<" not in text and ">" not in text and "\x1b" not in text
    assert "[click]\\(javascript" in text and "\\|" in text and "\\*x\\*" in text


class _WithExtra:
    """A KnowledgeGraph with one more asserted graph (and optionally an export that fails)."""

    def __init__(self, kg, extra: Graph | None = None, fail_after: int | None = None):
        self._kg, self._extra, self._fail_after, self._exports = kg, extra, fail_after, 0

    def asserted_graphs(self):
        return self._kg.asserted_graphs() + ([self._extra] if self._extra is not None else [])

    def export(self, *args, **kwargs):
        self._exports += 1
        if self._fail_after is not None and self._exports > self._fail_after:
            raise OSError(28, "No space left on device")
        return self._kg.export(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._kg, name)


def test_publish_refuses_a_long_name_before_writing(kg, tmp_path):
    from kg.publishing.site import publish

    g = Graph()
    long = URIRef("https://w3id.org/ai-industry/agent/" + "x" * 300)
    g.add((long, RDF.type, AI.AILab))
    g.add((long, RDFS.label, Literal("Long")))
    target = tmp_path / "site"
    with pytest.raises(InputError, match="not a safe file name.*300 characters"):
        publish(_WithExtra(kg, g), target)
    assert not target.exists() and list(tmp_path.iterdir()) == [], "nothing written, not even a temporary folder"


def test_publish_is_atomic(kg, tmp_path):
    from kg.publishing.site import publish

    target = tmp_path / "site"
    publish(kg, target)
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    with pytest.raises(OSError):
        publish(_WithExtra(kg, fail_after=3), target)
    after = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert after == before, "a failed publish leaves the previous site as it was"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "no temporary folder left"


def test_publish_refuses_a_folder_that_is_not_a_site(kg, tmp_path):
    from kg.publishing.site import publish

    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not a site kg published"):
        publish(kg, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_cli_publish_exit_code_for_a_bad_name(tmp_path, capsys):
    from kg.cli import main

    data = tmp_path / "data"
    data.mkdir()
    for path in Path(__file__).resolve().parents[1].joinpath("data").glob("*.ttl"):
        (data / path.name).write_bytes(path.read_bytes())
    (data / "zz-long.ttl").write_text("@prefix ai: <https://w3id.org/ai-industry/ontology#> .\n"
                                      "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                                      f"<https://w3id.org/ai-industry/agent/{'y' * 300}> a ai:AILab ; rdfs:label \"Y\" .\n")
    code = main(["--data", str(data), "--cache-dir", str(tmp_path / "cache"), "publish", str(tmp_path / "out")])
    assert code == 2 and "not a safe file name" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
