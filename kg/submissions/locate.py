"""Where in a submission's text an entity, a field or a value is written: a best-effort line number.

rdflib keeps no source positions, so the text is scanned. For Turtle and N-Triples a subject's
line is the first line that *starts* with one of its spellings (the full ``<IRI>`` or a prefixed
name under the file's own prefixes); a field's line is the first line at or after it that
mentions the property. JSON-LD and RDF/XML are searched for the IRI (full or compact) anywhere,
which usually finds the node's ``@id`` or ``rdf:about``; when nothing matches, no line is given.
Blank nodes have no spelling: they are reported under the nearest entity with an IRI above them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.namespaces import PREFIXES
from kg.submissions.parse import RELATIVE_BASE, Submission, prefix_declarations

__all__ = ["Locator", "short"]

_NM = Graph()
for _prefix, _namespace in PREFIXES.items():
    _NM.bind(_prefix, _namespace, override=True, replace=True)


@lru_cache(maxsize=4096)
def short(term) -> str:
    """A prefixed name with the project's prefixes where possible, else ``<IRI>`` or the literal."""
    if isinstance(term, URIRef):
        for prefix, namespace in PREFIXES.items():
            namespace = str(namespace)
            local = str(term)[len(namespace):]
            if str(term).startswith(namespace) and local and re.fullmatch(r"[\w.-]*[\w-]", local):
                return f"{prefix}:{local}"
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3(_NM.namespace_manager)
    return "[ ]" if isinstance(term, BNode) else str(term)


class Locator:
    """Line lookups over the submitted files (the union graph keeps which file said what)."""

    def __init__(self, files: list[Submission]):
        self.files = files
        self._lines = {f.name: f.text.split("\n") for f in files}
        self._prefixes = {f.name: prefix_declarations(f.text) for f in files}

    def spellings(self, file: Submission, term: URIRef) -> list[str]:
        iri = str(term)
        names = [f"<{iri}>"]
        if iri.startswith(RELATIVE_BASE):
            names.append(f"<{iri[len(RELATIVE_BASE):]}>")
        for prefix, namespace, _ in self._prefixes[file.name]:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                names.append(f"{prefix}:{iri[len(namespace):]}")
        if file.format in ("json-ld", "xml"):
            names.append(iri)
            tail = re.split(r"[/#]", iri)[-1]
            if tail:
                names.append(":" + tail)
        return names

    def file_of(self, term) -> Submission | None:
        for file in self.files:
            if (term, None, None) in file.graph or (None, None, term) in file.graph:
                return file
        return self.files[0] if self.files else None

    def anchor(self, node, graph: Graph) -> tuple[object, list]:
        """The nearest IRI above a blank node and the properties leading down to it."""
        path: list = []
        seen = set()
        while isinstance(node, BNode) and node not in seen:
            seen.add(node)
            parent = next(iter(graph.subject_predicates(node)), None)
            if parent is None:
                break
            node, predicate = parent
            path.insert(0, predicate)
        return node, path

    def line(self, file: Submission, term) -> int | None:
        """The line where ``term`` is defined (starts a statement), else first mentioned."""
        if not isinstance(term, URIRef):
            return None
        lines = self._lines[file.name]
        names = self.spellings(file, term)
        if file.format in ("turtle", "nt"):
            for number, text in enumerate(lines, start=1):
                stripped = text.lstrip()
                if any(stripped.startswith(n) and stripped[len(n):len(n) + 1] in ("", " ", "\t", ";", ",", ".") for n in names):
                    return number
        return self._first(lines, names, 0)

    def field_line(self, file: Submission, entity, path: list, value=None) -> int | None:
        """The line of the last property of ``path`` (and then ``value``) at or after the entity's line."""
        lines = self._lines[file.name]
        start = (self.line(file, entity) or 1) - 1
        for predicate in path:
            names = [" a ", "\ta "] if predicate == RDF.type and file.format == "turtle" else []
            names += self.spellings(file, predicate) if isinstance(predicate, URIRef) else []
            found = self._first(lines, names, start)
            if found:
                start = found - 1
        if isinstance(value, Literal):
            found = self._first(lines, [f'"{value}"', str(value)], start)
            if found:
                return found
        elif isinstance(value, URIRef):
            found = self._first(lines, self.spellings(file, value), start)
            if found:
                return found
        return start + 1 if path else self.line(file, entity)

    @staticmethod
    def _first(lines: list[str], names: list[str], start: int) -> int | None:
        for number in range(start, len(lines)):
            text = lines[number]
            if any(n and n in text for n in names):
                return number + 1
        return None
