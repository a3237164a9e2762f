"""The conformance verdict of a set of files, remembered so that ``kg info`` need not re-run pySHACL.

Full validation by pySHACL takes seconds on the curated graph and minutes at 100k triples, yet
``kg info`` only needs its yes/no. The verdict depends on nothing but the bytes of the ontology,
data and shapes files and on pySHACL's version, so it is kept per digest of those, in the same
cache folder as the inference cache. A verdict file that cannot be read or does not say yes or no
is ignored and recomputed: a stale or damaged cache costs time, never a wrong answer.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path

from kg.paths import cache_key

__all__ = ["verdict_key", "cached_verdict"]


def verdict_key(file_digests: Iterable[tuple[str, str]]) -> str:
    """A key over the (path, sha256) of every file validation reads, and pySHACL's and rdflib's versions."""
    return cache_key(file_digests, f"pyshacl {version('pyshacl')} rdflib {version('rdflib')}")


def cached_verdict(folder: Path | None, key: str, compute: Callable[[], bool]) -> bool:
    """``compute()``'s answer, from ``folder`` when it holds one for ``key``; written there (atomically) when not."""
    path = Path(folder) / f"conforms-{key}.json" if folder is not None else None
    if path is not None:
        with contextlib.suppress(OSError, ValueError):
            found = json.loads(path.read_text(encoding="utf-8")).get("conforms")
            if isinstance(found, bool):
                return found
    conforms = bool(compute())
    if path is not None:
        with contextlib.suppress(OSError):  # an unwritable cache only costs time next run
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".conforms-", dir=path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump({"conforms": conforms}, out)
                os.replace(temporary, path)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)  # gone already when the rename succeeded
    return conforms
