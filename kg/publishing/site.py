"""``kg publish DIR``: the whole graph as a static linked-data site that any web server can host.

The layout mirrors the IRIs: ``https://w3id.org/ai-industry/agent/anthropic`` is published as
``agent/anthropic.html`` (+ ``.ttl``, ``.jsonld``, ``.nt``), so a server only has to add the
suffix the client asks for (see :mod:`kg.publishing.server`, or a rewrite rule on any web server). Beside
the pages: the dumps in every export format (asserted, and with inferences), ``context.jsonld``,
``void.ttl`` (VoID + DCAT, computed), the ontology documentation and an index page. Everything is
written in a fixed order from sorted data, so publishing twice gives byte-identical folders.
Every entity name is checked before anything is written (a name that cannot be a file name is an
error, exit 2), and the site is built in a temporary folder beside ``DIR`` that is renamed into
place at the end: a failure leaves ``DIR`` as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kg.publishing import jsonld
from kg.publishing.describe import BASE, MEDIA_TYPES, Dump, describe, to_turtle
from kg.errors import InputError, QueryError
from kg.publishing.export import export_graphs
from kg.publishing.ontodoc import ontology_html
from kg.publishing.pages import EntityIndex, entity_path
from kg.publishing.querypage import query_page
from kg.namespaces import ONTOLOGY_GRAPH

__all__ = ["publish", "PublishReport", "DUMP_NAME", "dump_path", "query_page", "check_names"]

DUMP_NAME = "ai-industry"


@dataclass
class PublishReport:
    """What was written: file count, entity pages, dumps."""

    files: int
    entities: int
    dumps: list[Dump]


def dump_path(format: str, inferred: bool) -> str:
    """``dumps/ai-industry.ttl``, ``dumps/ai-industry-inferred.nq`` …"""
    return f"dumps/{DUMP_NAME}{'-inferred' if inferred else ''}{MEDIA_TYPES[format][0]}"


def _write(root: Path, relative: str, text: str, written: list[str]) -> int:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    written.append(relative)
    return len(data)


#: What an entity's name (the last part of its IRI) may be to become a file name on any system.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
MAX_NAME = 120


def check_names(entities) -> None:
    """Refuse, before writing anything, names that cannot be file names (too long, odd characters)."""
    bad = []
    for iri in entities:
        name = entity_path(iri).rsplit("/", 1)[-1]
        if not _NAME.fullmatch(name) or len(name) > MAX_NAME:
            shown = name if len(name) <= 60 else name[:40] + f"… ({len(name)} characters)"
            bad.append(f"{entity_path(iri).split('/')[0]}/{shown!r}".encode("ascii", "backslashreplace").decode())
    if bad:
        raise InputError(f"cannot publish {len(bad)} entit{'y' if len(bad) == 1 else 'ies'} whose name is not a safe "
                         f"file name (letters, digits, '.', '_', '~', '-', at most {MAX_NAME} characters): "
                         + ", ".join(bad[:10]) + (" …" if len(bad) > 10 else "") + "; nothing was written")


def _replace(root: Path, build) -> None:
    """Run ``build(folder)`` on a fresh folder beside ``root``, then put that folder in ``root``'s place."""
    if root.exists() and not root.is_dir():
        raise InputError(f"{root}: exists and is not a folder")
    if root.is_dir() and any(root.iterdir()) and not (root / "void.ttl").is_file():
        raise InputError(f"{root}: is not empty and is not a site kg published (no void.ttl); choose a new or empty "
                         f"folder, nothing was written")
    root.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{root.name}.kg-publish-", dir=root.parent))
    try:
        build(temporary)
        os.chmod(temporary, 0o755)
        old = None
        if root.exists():
            old = root.parent / f"{temporary.name}-old"
            root.rename(old)
        temporary.rename(root)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def publish(kg, out: str | os.PathLike, *, base: str = BASE, endpoint: str | None = None,
            examples: dict | None = None) -> PublishReport:
    """Write the site for the KnowledgeGraph ``kg`` into ``out`` (created, or replaced as a whole)."""
    asserted, inferred, context = kg.asserted_graphs(), kg.inferred(), jsonld.build_context(kg.ontology)
    index = EntityIndex(asserted, inferred, kg.ontology, context)
    check_names(iri for iris in index.entities().values() for iri in iris)  # before anything is written
    reports = []
    _replace(Path(out), lambda folder: reports.append(_publish(kg, folder, index, base=base, endpoint=endpoint,
                                                               examples=examples)))
    return reports[0]


def _publish(kg, root: Path, index: EntityIndex, *, base: str, endpoint: str | None,
             examples: dict | None) -> PublishReport:
    written: list[str] = []
    asserted, inferred, context = kg.asserted_graphs(), kg.inferred(), index.context
    _write(root, jsonld.CONTEXT_FILE, jsonld.dumps(context), written)

    dumps = []
    for format in MEDIA_TYPES:
        for with_inferred in (False, True):
            text = kg.export(format, inferred=with_inferred)
            path = dump_path(format, with_inferred)
            dumps.append(Dump(path, format, with_inferred, _write(root, path, text, written)))

    graphs = list(asserted) + [inferred]
    description = describe(graphs, kg.ontology, base=base, dumps=dumps, endpoint=endpoint or base + "sparql")
    _write(root, "void.ttl", to_turtle(description), written)

    _write(root, "ontology.html", ontology_html(kg.ontology), written)
    onto = [(ONTOLOGY_GRAPH, kg.ontology)]
    _write(root, "ontology.ttl", export_graphs(onto, "turtle"), written)
    _write(root, "ontology.jsonld", jsonld.dumps(jsonld.compact(kg.ontology, context)), written)

    entities = [iri for iris in index.entities().values() for iri in iris]
    for iri in entities:
        path = entity_path(iri)
        triples = index.description(iri)
        _write(root, path + ".html", index.page(iri), written)
        _write(root, path + ".ttl", export_graphs([(None, triples)], "turtle"), written)
        _write(root, path + ".nt", export_graphs([(None, triples)], "nt"), written)
        _write(root, path + ".jsonld", jsonld.dumps(jsonld.compact(triples, context)), written)

    if examples is None:
        try:
            examples = dict(sorted(kg.queries.items()))
        except QueryError:  # no queries folder: the page still works, without examples
            examples = {}
    _write(root, "query.html", query_page(examples, labels=index.labels_json()), written)
    counts = {"triples asserted": sum(len(g) for g in asserted), "triples inferred": len(inferred),
              "entities": len(entities)}
    listing = [(d.path, f"{MEDIA_TYPES[d.format][1]}, {'with inferences' if d.inferred else 'asserted'}, "
                        f"{d.size:,} bytes") for d in dumps]
    listing += [("void.ttl", "VoID + DCAT dataset description"), ("context.jsonld", "JSON-LD context"),
                ("ontology.html", "ontology documentation")]
    note = ('SPARQL: run <code>kg serve</code> and use <code>/sparql</code> '
            '(SPARQL 1.1 Protocol) or the <a href="query.html">query page</a>.')
    _write(root, "index.html", index.index_page(counts=counts, dumps=listing, endpoint_note=note), written)
    return PublishReport(files=len(written), entities=len(entities), dumps=dumps)
