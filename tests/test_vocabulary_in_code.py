"""Every ``ai:`` term the package and the stored queries name is defined in the ontology.

``kg.namespaces.AI`` is a plain rdflib ``Namespace`` (any attribute makes an IRI), so a misspelt
term in code or in a query would silently match nothing; this test is the check that a
``DefinedNamespace`` would otherwise give, and it reads the ontology rather than a copied list.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

from rdflib import RDFS, Graph, URIRef

from kg.namespaces import AI

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = URIRef("https://w3id.org/ai-industry/ontology")
PREFIXED = re.compile(r"(?<![\w/#])ai:([A-Za-z][A-Za-z0-9_]*)")


def defined_terms():
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    return {str(s)[len(str(AI)):] for s in graph.subjects(RDFS.isDefinedBy, ONTOLOGY) if str(s).startswith(str(AI))}


def terms_in_python(path: Path):
    """``AI.name``, ``AI["name"]`` and ``ai:name`` inside string literals (comments are not code)."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "AI":
            yield node.attr, node.lineno
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "AI" \
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            yield node.slice.value, node.lineno
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            for match in PREFIXED.finditer(token.string):
                yield match.group(1), token.start[0]


def terms_in_query(path: Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.lstrip().startswith("#"):
            for match in PREFIXED.finditer(line):
                yield match.group(1), number


def test_every_ai_term_named_in_code_and_queries_is_defined():
    defined = defined_terms()
    used = [(f"{path.relative_to(ROOT)}:{line}", name)
            for path in sorted((ROOT / "kg").glob("*.py")) for name, line in terms_in_python(path)]
    used += [(f"{path.relative_to(ROOT)}:{line}", name)
             for path in sorted((ROOT / "queries").glob("*.rq")) for name, line in terms_in_query(path)]
    assert len(used) > 50  # the scan finds the terms (a broken scan would pass vacuously)
    assert [(where, name) for where, name in used if name not in defined] == []
