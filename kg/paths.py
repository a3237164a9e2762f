"""Where the ontology, shapes, data and stored queries are, and where the cache goes.

Resolution order for each folder: an explicit argument (the ``--data`` style flags) > an
environment variable (``KG_DATA``, ``KG_ONTOLOGY``, ``KG_SHAPES``, ``KG_QUERIES``) > the
checkout this package lives in (an editable install or running from the repository) > a
checkout of this project in the current directory or one of its parents (after ``pip install .``
the package lives in site-packages, but ``kg add`` run inside the checkout must write into the
checkout's ``data/``, not into the installed copy) > the copy bundled in the wheel (read-only by
intent: ``kg add`` refuses to write there).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Paths", "FOLDERS", "resolve_paths", "cache_dir", "checkout_around", "is_checkout", "PROJECT_NAME"]

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


#: The project's name in pyproject.toml: how a checkout of this project is recognised.
PROJECT_NAME = "ai-industry-kg"


def is_checkout(folder: Path) -> bool:
    """True for the root of a checkout of this project (its pyproject.toml names it; it has the folders)."""
    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return f'name = "{PROJECT_NAME}"' in text and all((folder / f).is_dir() for f in FOLDERS)


def checkout_around(start: Path | None = None) -> Path | None:
    """The checkout containing ``start`` (default: the current directory), if any."""
    try:
        here = Path(start or Path.cwd()).resolve()
    except OSError:
        return None
    for folder in (here, *here.parents):
        if is_checkout(folder):
            return folder
    return None


def _default(folder: str) -> Path:
    checkout = _CHECKOUT / folder
    if (_CHECKOUT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    around = checkout_around()
    if around is not None:
        return around / folder
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


def cache_key(file_digests, tools: str) -> str:
    """A cache key over the (name, sha256) of every input file and the versions of the tools that read them.

    Sorted first, so the order in which files were found never changes the key.
    """
    import hashlib

    h = hashlib.sha256()
    for name, digest in sorted(file_digests):
        h.update(f"{name}\0{digest}\n".encode())
    h.update(tools.encode())
    return h.hexdigest()
