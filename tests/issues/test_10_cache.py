"""Issue 10, the inference cache: an empty or truncated cache file was served as the truth
(0 competitors instead of 5; 359 of 719 inferences). Each damaged form is now recomputed with a
warning, and the answer is the same as without a cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import KnowledgeGraph
from kg.reasoning.reference import CacheWarning, InferenceCache


@pytest.fixture(scope="module")
def reference() -> int:
    return len(KnowledgeGraph(cache=False, reasoner="owlrl").inferred())


def _entry(folder: Path) -> Path:
    KnowledgeGraph(cache_folder=folder, reasoner="owlrl").inferred()
    (entry,) = folder.glob("inferred-*.nt")
    return entry


DAMAGE = {
    "empty": lambda raw: b"",
    "truncated": lambda raw: raw[: len(raw) // 2],
    "one byte changed": lambda raw: raw[:-40] + bytes([raw[-40] ^ 1]) + raw[-39:],
    "old format (no checksum)": lambda raw: raw.split(b"\n", 1)[1],
    "checksum of another body": lambda raw: raw.split(b"\n", 1)[0] + b"\n",
}


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_damaged_cache_is_recomputed_with_a_warning(tmp_path: Path, reference: int, how: str):
    entry = _entry(tmp_path)
    entry.write_bytes(DAMAGE[how](entry.read_bytes()))
    with pytest.warns(CacheWarning, match=str(entry.name)):
        inferred = KnowledgeGraph(cache_folder=tmp_path, reasoner="owlrl").inferred()
    assert len(inferred) == reference
    assert KnowledgeGraph(cache_folder=tmp_path, reasoner="owlrl").inferred() is not None  # rewritten whole
    assert len(InferenceCache(tmp_path).load(entry.name[len("inferred-"):-3])) == reference


def test_good_cache_is_used_and_leaves_no_temporary_file(tmp_path: Path, reference: int):
    entry = _entry(tmp_path)
    assert entry.read_bytes().startswith(b"# kg-inference-cache sha256=")
    assert len(InferenceCache(tmp_path).load(entry.name[len("inferred-"):-3])) == reference
    assert [p.name for p in tmp_path.iterdir()] == [entry.name]
