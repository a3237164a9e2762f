"""What a SPARQL text says, read lexically: its variables, and whether it asks for what kg refuses.

Oxigraph evaluates ``SERVICE`` by calling out over HTTP and has no switch to stop it, so a query
that names it must be refused before it reaches the engine. The engine offers no parse-only
call either; a small lexer that blanks out comments, strings and IRIs (the only places where a
keyword can hide without being one) answers both questions, and errs on the side of refusing:
a variable or a prefixed name that happens to spell ``service`` is not mistaken for the keyword,
but anything else that does is.
"""

from __future__ import annotations

import re

__all__ = ["skeleton", "variables", "keywords", "refusal"]

# Order matters: long strings before short ones, so that '''…''' is not read as '' + '…'.
_TOKENS = re.compile(
    r"""(?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")"""
    r"""|(?P<short>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")"""
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<comment>\#[^\n\r]*)""",
    re.DOTALL,
)
_WORD = re.compile(r"(?<![\w?$:])([A-Za-z_][A-Za-z0-9_]*)(?![\w:])")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def _unescape(text: str) -> str:
    """Codepoint escapes are decoded before parsing (SPARQL 1.1 §19.2), so ``\u0053ERVICE`` is SERVICE."""
    return _CODEPOINT.sub(lambda m: chr(int(m[1] or m[2], 16)) if int(m[1] or m[2], 16) < 0x110000 else m[0], text)


def skeleton(text: str, *, decode: bool = True) -> str:
    """``text`` with comments, string literals and IRIs replaced by spaces.

    With ``decode=False`` codepoint escapes are left as written, so that every character keeps
    its offset (for finding a place in the original text).
    """
    if decode:
        text = _unescape(text)
    return _TOKENS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def variables(text: str) -> set[str]:
    """The names of every variable the query mentions (``?x`` and ``$x`` alike)."""
    return set(_VARIABLE.findall(skeleton(text)))


def keywords(text: str) -> set[str]:
    """The bare words of the query, upper-cased (keywords and function names, not prefixed names)."""
    return {word.upper() for word in _WORD.findall(skeleton(text))}


def refusal(text: str) -> str | None:
    """Why kg will not run ``text`` (an update, ``SERVICE``, ``FROM``), or None if it may run."""
    words = keywords(text)
    if "SERVICE" in words:
        return "SERVICE is refused: queries run on the loaded graph only"
    if "FROM" in words:
        return "FROM / FROM NAMED are refused: queries run on the loaded graph only"
    if words & _UPDATES and not words & {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
        return "update requests are refused: kg only reads the graph"
    return None
