"""Query results as plain Python rows, and in the formats other tools read.

SELECT and ASK results are written in the W3C SPARQL 1.1 result formats (JSON and CSV through
rdflib's own serializers; TSV and XML here, because rdflib has only a TSV parser and its XML
writer fails on unbound values) or as a table for a
terminal. CONSTRUCT and DESCRIBE results are graphs, written as Turtle, N-Triples or JSON-LD with
the project's prefixes.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager

from kg.errors import QueryError
from kg.namespaces import bind_prefixes

__all__ = ["QueryResult", "TABLE_FORMATS", "GRAPH_FORMATS"]

#: Formats for SELECT/ASK results, and for CONSTRUCT/DESCRIBE results (name -> rdflib serializer).
TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def _tsv_term(term) -> str:
    """A term in the SPARQL TSV form (Turtle syntax, full IRIs, tabs and newlines escaped)."""
    if term is None:
        return ""
    text = term.n3()
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@dataclass
class QueryResult:
    """The answer to one query.

    ``kind`` is SELECT, ASK, CONSTRUCT or DESCRIBE. SELECT fills ``vars`` and ``rows`` (one dict
    per solution, variable name -> rdflib term or None when unbound); ASK fills ``boolean``;
    CONSTRUCT and DESCRIBE fill ``graph``.
    """

    kind: str
    vars: list[str]
    rows: list[dict[str, Any]]
    boolean: bool | None
    graph: Graph | None

    @classmethod
    def from_oxigraph(cls, result) -> "QueryResult":
        """Convert Oxigraph's answer (solutions, boolean or triples) into rdflib terms, at the boundary."""
        import pyoxigraph as ox

        from kg.store.terms import from_oxigraph, triples_from_oxigraph

        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            # one rdflib term per distinct Oxigraph term: rows repeat the same IRIs and labels, and building
            # rdflib terms (Literal most of all) was a third of a 3k-row query's time at 100k triples
            converted: dict = {None: None}

            def convert(term):
                found = converted.get(term, converted)
                if found is converted:
                    found = converted[term] = from_oxigraph(term)
                return found

            rows = [dict(zip(names, map(convert, solution))) for solution in result]
            return cls("SELECT", names, rows, None, None)
        if isinstance(result, ox.QueryBoolean):
            return cls("ASK", [], [], bool(result), None)
        graph = bind_prefixes(Graph())
        for triple in triples_from_oxigraph(result):
            graph.add(triple)
        return cls("CONSTRUCT", [], [], None, graph)

    def records(self) -> list[dict[str, Any]]:
        """The rows with plain Python values: IRIs as str, literals as int/Decimal/date/str…"""
        return [{k: (v.toPython() if isinstance(v, Literal) else None if v is None else str(v))
                 for k, v in row.items()} for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "SELECT" else len(self.graph or ()) if self.graph is not None else 1

    def default_format(self, *, terminal: bool) -> str:
        if self.graph is not None:
            return "turtle"
        return "table" if terminal else "csv"

    def serialize(self, format: str, *, namespace_manager: NamespaceManager | None = None, **table_options) -> str:
        """Write the result in ``format``; a format that does not fit the result kind is a QueryError.

        ``table_options`` (``width``, ``columns``, ``wide``) shape the table only; machine formats keep
        every column and the exact values.
        """
        if self.graph is not None:
            if format not in GRAPH_FORMATS:
                raise QueryError(f"a {self.kind} result is a graph: use --format {' | '.join(GRAPH_FORMATS)}, not {format!r}")
            return self.graph.serialize(format=GRAPH_FORMATS[format])
        if format not in TABLE_FORMATS:
            raise QueryError(f"a {self.kind} result is a table: use --format {' | '.join(TABLE_FORMATS)}, not {format!r}")
        if format == "table":
            return self._table(namespace_manager or bind_prefixes(Graph()).namespace_manager, **table_options)
        if format == "tsv":
            if self.kind != "SELECT":
                raise QueryError("TSV holds SELECT results only; use --format json, xml or table for ASK")
            lines = ["\t".join("?" + v for v in self.vars)]
            lines += ["\t".join(_tsv_term(row[v]) for v in self.vars) for row in self.rows]
            return "\n".join(lines) + "\n"
        if format == "xml":
            return self._xml()
        if format == "csv" and self.kind != "SELECT":
            raise QueryError("CSV holds SELECT results only; use --format json, xml or table for ASK")
        if format == "csv":
            return self._csv()
        return self._json()

    def _json(self) -> str:
        """SPARQL 1.1 Query Results JSON (W3C), with unbound variables left out of their solution."""
        if self.kind == "ASK":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)}) + "\n"
        bindings = [{name: _json_term(term) for name, term in row.items() if term is not None} for row in self.rows]
        return json.dumps({"head": {"vars": self.vars}, "results": {"bindings": bindings}}, ensure_ascii=False) + "\n"

    def _csv(self) -> str:
        """SPARQL 1.1 Query Results CSV (W3C): lexical forms only, CRLF line ends, RFC 4180 quoting."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.vars)
        for row in self.rows:
            writer.writerow(["" if row[v] is None else ("_:" + row[v]) if isinstance(row[v], BNode) else str(row[v])
                             for v in self.vars])
        return out.getvalue()

    def _xml(self) -> str:
        """SPARQL Query Results XML; written here because rdflib's writer fails on unbound values."""
        out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
        out += [f"    <variable name={quoteattr(v)}/>" for v in self.vars]
        out.append("  </head>")
        if self.kind == "ASK":
            out.append(f"  <boolean>{'true' if self.boolean else 'false'}</boolean>")
        else:
            out.append("  <results>")
            for row in self.rows:
                out.append("    <result>")
                for name in self.vars:
                    term = row[name]
                    if term is None:
                        continue
                    if isinstance(term, URIRef):
                        inner = f"<uri>{escape(term)}</uri>"
                    elif isinstance(term, BNode):
                        inner = f"<bnode>{escape(term)}</bnode>"
                    else:
                        attrs = f" xml:lang={quoteattr(term.language)}" if term.language else (
                            f" datatype={quoteattr(term.datatype)}" if term.datatype else "")
                        inner = f"<literal{attrs}>{escape(term)}</literal>"
                    out.append(f"      <binding name={quoteattr(name)}>{inner}</binding>")
                out.append("    </result>")
            out.append("  </results>")
        out.append("</sparql>")
        return "\n".join(out) + "\n"

    def _table(self, nm: NamespaceManager, **options) -> str:
        """For a person: see :mod:`kg.analysis.tables` (fits the terminal, figures as money, escaped)."""
        if self.kind == "ASK":
            return ("yes" if self.boolean else "no") + "\n"
        from kg.analysis.tables import render

        return render(self.vars, self.rows, nm, **options)
