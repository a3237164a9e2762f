"""Reading an untrusted submission into a graph without letting it reach the network or the disk.

The parse itself is Oxigraph's strict W3C parser (:mod:`kg.submissions.strict`). Before it, every
format is checked for what no parser should be asked to do: size and nesting depth (rdflib's Turtle and JSON-LD parsers
recurse, and a deep file ends in a RecursionError), encoding, a byte-order mark, Windows line
endings, ``@context``/``@import`` in JSON-LD, ``<!DOCTYPE``/``<!ENTITY`` in RDF/XML. Parse errors
become findings with file, line, column and the text as written (escaped).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import re
import warnings
import xml.parsers.expat
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from kg.validation.findings import ERROR, WARNING, Finding
from kg.submissions.strict import jsonld_bad_iris, parse_strict

__all__ = ["Limits", "Submission", "FORMATS", "detect_format", "read_submission", "quiet_rdflib", "RELATIVE_BASE"]

#: Suffix -> rdflib parser name.
FORMATS = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld",
           ".rdf": "xml", ".xml": "xml", ".owl": "xml"}
_NAMES = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
          "json-ld": "json-ld", "jsonld": "json-ld", "xml": "xml", "rdfxml": "xml", "rdf/xml": "xml"}
#: Relative IRIs resolve against this base, so that they can be found and refused afterwards.
RELATIVE_BASE = "https://w3id.org/ai-industry/.well-known/relative/"


@dataclass(frozen=True)
class Limits:
    """Bounds on one submission file; past them the file is refused with a clear message."""

    max_bytes: int = 2_000_000
    max_depth: int = 32
    max_triples: int = 20_000


@dataclass
class Submission:
    """One parsed submission file: its graph, its text (for line lookups) and its format."""

    path: Path
    name: str
    format: str
    text: str
    graph: Graph


@contextlib.contextmanager
def quiet_rdflib():
    """Keep literals as written (rdflib turns "2025-01-01T10:00"^^xsd:date into "2025-01-01" by default) and
    silence rdflib's tracebacks-through-logging and warnings about ill-typed literals."""
    import rdflib

    logger = logging.getLogger("rdflib.term")
    previous, propagate = logger.level, logger.propagate
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False  # keep literals as written
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
        logger.setLevel(previous)
        logger.propagate = propagate


def detect_format(path: Path, override: str | None = None) -> str | None:
    if override:
        return _NAMES.get(override.lower())
    return FORMATS.get(path.suffix.lower())


def _err(kind: str, name: str, message: str, fix: str = "", line: int | None = None, column: int | None = None) -> Finding:
    return Finding(ERROR, kind, message, fix, file=name, line=line, column=column)


def _decode(raw: bytes, name: str) -> tuple[str | None, list[Finding]]:
    """Bytes to text: BOMs honoured and dropped, UTF-8 required otherwise, CRLF and CR made LF."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as error:
                return None, [_err("encoding", name, f"the file starts with a {codec} byte-order mark but is not valid {codec}: {error.reason}",
                                   "save the file as UTF-8")]
            break
    else:
        if b"\x00" in raw[:8192] or _looks_binary(raw[:8192]):
            return None, [_err("binary", name, "the file is binary, not RDF text",
                               "submit a text file in Turtle (.ttl), N-Triples (.nt), JSON-LD (.jsonld) or RDF/XML (.rdf)")]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
            return None, [_err("encoding", name, f"the file is not UTF-8 (byte 0x{raw[error.start]:02x} cannot be decoded)",
                               "save the file as UTF-8 (most editors: 'Save with encoding')", line, column)]
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        return None, [_err("binary", name, "the file contains NUL characters", "submit a plain text file")]
    return text, []


def _looks_binary(chunk: bytes) -> bool:
    if not chunk:
        return False
    control = sum(1 for b in chunk if b < 32 and b not in (9, 10, 13, 12))
    return control / len(chunk) > 0.05


def _scan_depth(text: str, *, json_mode: bool) -> tuple[int, int]:
    """Deepest bracket nesting outside strings, IRIs and comments, and the line where it peaks."""
    depth = deepest = 0
    line = peak_line = 1
    i, n = 0, len(text)
    opening, closing = ("[{", "]}") if json_mode else ("[(", "])")
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#" and not json_mode:
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c == "<" and not json_mode:
            end = text.find(">", i)
            if end >= 0 and "\n" not in text[i:end]:
                i = end + 1
                continue
        elif c == '"' or (c == "'" and not json_mode):
            quote = c * 3 if not json_mode and text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if text[j] == "\\":
                    j += 1
                elif text[j] == "\n" and len(quote) == 1:
                    break
                j += 1
            line += text.count("\n", i, j)
            i = j + len(quote)
            continue
        elif c in opening:
            depth += 1
            if depth > deepest:
                deepest, peak_line = depth, line
        elif c in closing:
            depth -= 1
        i += 1
    return deepest, peak_line


def _check_jsonld(doc, name: str, text: str) -> list[Finding]:
    """Refuse any ``@context`` that is not written inline, and ``@import``: both make rdflib fetch."""
    problems: list[Finding] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                refs = []
                if key == "@context":
                    refs = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
                elif key == "@import" and isinstance(value, str):
                    refs = [value]
                for ref in refs:
                    remote = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", ref) is not None
                    line = _line_of(text, json.dumps(ref))
                    problems.append(_err(
                        "unsafe", name,
                        f"{key} {ref!r} refers to a {'remote' if remote else 'relative'} document; "
                        "submissions are read without any network or file access",
                        "write the context inline (\"@context\": {\"ai\": \"https://w3id.org/ai-industry/ontology#\", …}) "
                        "or use full IRIs", line))
                stack.append(value)
    return problems


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _xml_precheck(text: str, name: str, limits: Limits) -> list[Finding]:
    match = re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        return [_err("unsafe", name, f"RDF/XML with a <!{match.group(1).upper()} declaration is refused: entities can "
                     "fetch files or expand without bound", "remove the DOCTYPE and write the values out in full", line)]
    depth = [0, 0]
    parser = xml.parsers.expat.ParserCreate()

    def start(*_):
        depth[0] += 1
        depth[1] = max(depth[1], depth[0])
        if depth[0] > limits.max_depth:
            raise _TooDeep(parser.CurrentLineNumber)

    def end(*_):
        depth[0] -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(text.encode("utf-8"), True)
    except _TooDeep as deep:
        return [_err("limit", name, f"elements are nested more than {limits.max_depth} deep", "flatten the document", deep.line)]
    except xml.parsers.expat.ExpatError as error:
        return [_err("syntax", name, f"XML syntax error: {xml.parsers.expat.ErrorString(error.code)}",
                     "fix the XML at this position", error.lineno, error.offset + 1)]
    return []


class _TooDeep(Exception):
    def __init__(self, line: int):
        self.line = line


def read_submission(path: Path, *, input_format: str | None = None, limits: Limits = Limits(),
                    name: str | None = None) -> tuple[Submission | None, list[Finding]]:
    """Read and parse one file; on any input problem return (None, findings) and never raise."""
    name = name or str(path)
    fmt = detect_format(path, input_format)
    if fmt is None:
        given = f"--input-format {input_format}" if input_format else f"the extension {path.suffix or '(none)'!r}"
        return None, [_err("format", name, f"cannot tell the RDF format from {given}",
                           "use .ttl, .nt, .jsonld or .rdf, or --input-format turtle|nt|json-ld|xml")]
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return None, [_err("limit", name, f"the file is {size} bytes, over the limit of {limits.max_bytes}",
                               "split the submission into smaller files")]
        raw = path.read_bytes()
    except OSError as error:
        return None, [_err("unreadable", name, f"cannot read the file: {error.strerror or error}", "check the path")]
    if not raw.strip():
        return None, [_err("empty", name, "the file is empty", "write at least one statement in the file")]
    text, problems = _decode(raw, name)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [_err("empty", name, "the file contains only whitespace", "write at least one statement")]

    findings: list[Finding] = []
    doc = None
    if fmt == "json-ld":
        depth, line = _scan_depth(text, json_mode=True)
        if depth > limits.max_depth:
            return None, [_err("limit", name, f"JSON is nested {depth} deep, over the limit of {limits.max_depth}",
                               "flatten the document: give nested nodes an @id and describe them at the top level", line)]
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as error:
            return None, [_err("syntax", name, f"JSON syntax error: {error.msg}", "fix the JSON at this position",
                               error.lineno, error.colno)]
        except RecursionError:
            return None, [_err("limit", name, "JSON is nested too deep", "flatten the document")]
        findings = _check_jsonld(doc, name, text)
    elif fmt == "xml":
        findings = _xml_precheck(text, name, limits)
    else:
        depth, line = _scan_depth(text, json_mode=False)
        if depth > limits.max_depth:
            return None, [_err("limit", name, f"brackets are nested {depth} deep, over the limit of {limits.max_depth}",
                               "give nested nodes IRIs of their own instead of nesting [ … ] so deep", line)]
    if findings:
        return None, findings

    if fmt == "json-ld":
        findings = jsonld_bad_iris(doc, name, text)
        if findings:
            return None, findings
    try:
        graph, findings = parse_strict(text, fmt, name, RELATIVE_BASE)
    except RecursionError:
        return None, [_err("limit", name, "the document is nested too deep to parse", "flatten the document")]
    if graph is None:
        return None, findings
    if len(graph) > limits.max_triples:
        return None, [_err("limit", name, f"the file holds {len(graph)} triples, over the limit of {limits.max_triples}",
                           "split the submission into smaller files")]
    if len(graph) == 0:
        return None, [_err("empty", name, "the file parses but states no triples", "write at least one statement")]
    findings.extend(_prefix_notes(text, name, fmt))
    return Submission(path=path, name=name, format=fmt, text=text, graph=graph), findings


_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)


def prefix_declarations(text: str) -> list[tuple[str, str, int]]:
    """(prefix, namespace, line) of every Turtle prefix declaration, in order."""
    return [(m.group(1) or "", m.group(2), text.count("\n", 0, m.start()) + 1) for m in _PREFIX.finditer(text)]


def _prefix_notes(text: str, name: str, fmt: str) -> list[Finding]:
    """A prefix declared twice with different namespaces is legal Turtle but easy to misread."""
    if fmt != "turtle":
        return []
    seen: dict[str, tuple[str, int]] = {}
    notes = []
    for prefix, namespace, line in prefix_declarations(text):
        if prefix in seen and seen[prefix][0] != namespace:
            notes.append(Finding(WARNING, "prefix", f"prefix '{prefix}:' is redefined from <{seen[prefix][0]}> (line "
                                 f"{seen[prefix][1]}) to <{namespace}>; names after this line use the new namespace",
                                 "declare each prefix once", file=name, line=line))
        seen[prefix] = (namespace, line)
    return notes


def relative_iris(graph: Graph) -> set[URIRef]:
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(RELATIVE_BASE)}
