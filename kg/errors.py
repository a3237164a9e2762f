"""Exceptions the package raises on purpose, each carrying the command-line exit code it maps to.

Keeping the exit code on the exception means the command line needs no table of its own and
an API user can still catch one base class, :class:`KGError`.
"""

from __future__ import annotations

__all__ = ["KGError", "InputError", "QueryError", "NonConformingError"]


class KGError(Exception):
    """Base class of the package's own errors."""

    exit_code = 3


class InputError(KGError):
    """Unreadable or malformed input: a missing folder, a file that does not parse, a bad argument."""

    exit_code = 2


class QueryError(InputError):
    """A query that cannot run: unknown name, missing or bad parameter, syntax error, refused form."""


class NonConformingError(KGError):
    """The data does not conform (SHACL violations, or an OWL RL inconsistency found by the reasoner)."""

    exit_code = 1
