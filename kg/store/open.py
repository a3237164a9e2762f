"""Choosing and filling the store: the folders in memory, a store built on disk, or a remote endpoint.

A disk store is built once (``kg load --store DIR``) and then opened read-only in well under a
second. Beside Oxigraph's own folder it keeps ``manifest.json``: which files were loaded, with
their digests, so that opening it can say when ``data/`` has changed since.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from kg.errors import InputError
from kg.namespaces import ONTOLOGY_GRAPH, data_graph
from kg.paths import Paths
from kg.store.files import (LoadError, SourceFile, may_hold_blank_nodes, oxigraph_format, oxigraph_position,
                            rdf_files, read_quads, read_raw)
from kg.store.oxigraph import OxigraphStore

__all__ = ["open_store", "load_files", "build_disk_store", "file_targets", "MANIFEST"]

MANIFEST = "manifest.json"
_OXIGRAPH_DIR = "oxigraph"


def file_targets(paths: Paths) -> list[tuple[Path, object, str]]:
    """(file, graph name, label) for every ontology and data file, in load order.

    The label, which tags a file's blank node labels, keeps the suffix: ``a.ttl`` and ``a.nt`` share
    the graph ``graph/data/a`` but must never share a blank node.
    """
    targets = [(path, ONTOLOGY_GRAPH, "ontology/" + path.relative_to(paths.ontology).as_posix())
               for path in rdf_files(paths.ontology)]
    for path in rdf_files(paths.data):
        relative = path.relative_to(paths.data)
        targets.append((path, data_graph(relative.with_suffix("").as_posix()), "data/" + relative.as_posix()))
    return targets


def load_files(store: OxigraphStore, paths: Paths) -> list[SourceFile]:
    """Parse every file strictly and put it into its graph; then refill the asserted union.

    A file with no blank node is parsed by Oxigraph straight into its graph; the others pass
    through :func:`~kg.store.files.read_quads` for stable blank node labels (at 1M triples the
    whole load went from 24 s to about half that).
    """
    files: list[SourceFile] = []
    filled: set = set()
    for path, graph, label in file_targets(paths):
        raw, digest = read_raw(path)
        shared = graph in filled  # a later file of the ontology's graph: read it alone, to count its own triples
        if not shared:
            store.clear_graph(graph)
            filled.add(graph)
        if shared or may_hold_blank_nodes(raw):
            quads = read_quads(path, raw, graph=graph, label=label)
            store.add_quads(quads)
            triples = len(quads)
        else:
            try:
                store.parse_into(raw, format=oxigraph_format(path), base_iri=path.resolve().as_uri(), name=graph)
            except SyntaxError as error:
                raise LoadError(f"{path}: {oxigraph_position(error, raw)}") from None
            triples = store.count(graph)
        files.append(SourceFile(path=path, graph=graph, sha256=digest, triples=triples))
    store.rebuild_asserted()
    return files


def build_disk_store(folder: str | os.PathLike, source: OxigraphStore, files: list[SourceFile]) -> None:
    """Write ``source`` (asserted and inferred graphs) into a new store at ``folder``, then the manifest.

    The store is built in a temporary folder beside the target and renamed into place, so an
    interrupted build never leaves a half-filled store that later opens as if it were whole.
    """
    target = Path(folder)
    if target.exists() and not (target / MANIFEST).is_file():
        if any(target.iterdir()):
            raise InputError(f"{target}: exists and is not a kg store (no {MANIFEST}); choose an empty or new folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".kg-store-", dir=target.parent))
    try:
        import pyoxigraph as ox

        disk = ox.Store(str(work / _OXIGRAPH_DIR))
        disk.bulk_extend(source.oxigraph.quads_for_pattern(None, None, None, None))
        disk.flush()
        disk.optimize()
        del disk
        manifest = {"files": [{"path": str(f.path.resolve()), "graph": str(f.graph), "sha256": f.sha256,
                               "triples": f.triples} for f in files]}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        raise InputError(f"{target}: cannot write the store: {error.strerror or error}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _open_disk(folder: Path, warn) -> tuple[OxigraphStore, list[SourceFile]]:
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise InputError(f"{folder}: not a kg store (no {MANIFEST}); build it first with: kg load --store {folder}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = [SourceFile(path=Path(f["path"]), graph=_iri(f["graph"]), sha256=f["sha256"], triples=int(f["triples"]))
                 for f in manifest["files"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"{manifest_path}: damaged manifest ({error}); rebuild with: kg load --store {folder}") from None
    stale = [f.path for f in files if not f.path.is_file() or hashlib.sha256(f.path.read_bytes()).hexdigest() != f.sha256]
    if stale and warn:
        warn(f"{folder}: built from files that have changed since ({', '.join(p.name for p in stale[:3])}"
             f"{'…' if len(stale) > 3 else ''}); rebuild with: kg load --store {folder}")
    return OxigraphStore(folder / _OXIGRAPH_DIR, read_only=True), files


def _iri(text: str):
    from rdflib import URIRef

    return URIRef(text)


def open_store(paths: Paths, *, store=None, endpoint: str | None = None, timeout: float | None = None, warn=None):
    """The store to answer from, and the files it holds (empty for a remote endpoint)."""
    if store is not None and endpoint is not None:
        raise InputError("--store and --endpoint exclude each other: choose where the graph lives")
    if endpoint is not None:
        from kg.store.endpoint import EndpointStore

        remote = EndpointStore(endpoint, timeout=timeout)
        return remote, remote.files()
    if store is not None:
        return _open_disk(Path(store), warn)
    memory = OxigraphStore()
    return memory, load_files(memory, paths)
