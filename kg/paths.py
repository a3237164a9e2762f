"""Where the ontology, shapes, data and stored queries are, and where the cache goes.

Resolution order for each folder: an explicit argument (the ``--data`` style flags) > an
environment variable (``KG_DATA``, ``KG_ONTOLOGY``, ``KG_SHAPES``, ``KG_QUERIES``) > the
checkout this package lives in (an editable install or running from the repository, so that
``kg add`` later writes into the repository's ``data/``) > the copy bundled in the wheel.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Paths", "FOLDERS", "resolve_paths", "cache_dir"]

#: The four folders, by the name used for flags, environment variables and the bundle.
FOLDERS = ("ontology", "shapes", "data", "queries")

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE_DIR.parent
_BUNDLE = _PACKAGE_DIR / "_bundled"


@dataclass(frozen=True)
class Paths:
    """The folders one knowledge graph is read from."""

    ontology: Path
    shapes: Path
    data: Path
    queries: Path


def _default(folder: str) -> Path:
    checkout = _CHECKOUT / folder
    if (_CHECKOUT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    bundled = _BUNDLE / folder
    if bundled.is_dir():
        return bundled
    return checkout


def resolve_paths(
    *,
    ontology: str | os.PathLike[str] | None = None,
    shapes: str | os.PathLike[str] | None = None,
    data: str | os.PathLike[str] | None = None,
    queries: str | os.PathLike[str] | None = None,
    environ: dict[str, str] | None = None,
) -> Paths:
    """Resolve the four folders (explicit > ``KG_*`` environment variable > checkout > bundle)."""
    env = os.environ if environ is None else environ
    given = {"ontology": ontology, "shapes": shapes, "data": data, "queries": queries}
    resolved: dict[str, Path] = {}
    for folder in FOLDERS:
        value = given[folder] or env.get("KG_" + folder.upper()) or None
        resolved[folder] = Path(value).expanduser() if value else _default(folder)
    return Paths(**resolved)


def cache_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The inference cache folder: explicit > ``$KG_CACHE_DIR`` > ``$XDG_CACHE_HOME/kg`` > ``~/.cache/kg``."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "kg"
