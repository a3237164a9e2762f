"""What a query may not say, checked on its text before any engine sees it.

Oxigraph evaluates ``SERVICE <http://…>`` by calling that URL over HTTP (verified with
pyoxigraph 0.5.13 against a watched loopback listener, see tests/test_sparql_worker.py), and an
endpoint must not be made to fetch what a stranger names. pyoxigraph exposes no algebra to
inspect, so the check is lexical: the text is scanned as the SPARQL grammar tokenizes it
(strings, IRIs and comments skipped, since ``"SERVICE"`` or ``<urn:from>`` are harmless), and any
remaining keyword that makes a query reach outside the loaded data or change it is refused:
``SERVICE``, ``FROM`` / ``FROM NAMED``, ``LOAD`` and the other update operations. A keyword is a
whole word not glued to a prefixed name, a variable or a language tag (``ai:from``, ``?service``,
``service:x`` pass; ``ex:a.from`` is refused, a false alarm accepted). ``\\u`` escapes are
decoded first, as SPARQL 1.1 §19.2 allows a parser to do, so that ``\\u0053ERVICE`` cannot slip
past (pyoxigraph 0.5 does not decode them, but another engine might). A false positive costs an
error message; a false negative would cost a request to anywhere, so the scan errs on the side of
refusing.
"""

from __future__ import annotations

import re

__all__ = ["refusal", "strip_lexical", "where_brace"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_STRINGS = (re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.S), re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.S),
            re.compile(r"'(?:[^'\\\n\r]|\\.)*'"), re.compile(r'"(?:[^"\\\n\r]|\\.)*"'))
_KEYWORD = r"(?<![\w:?$@\-]){}(?![\w:\-])"
_REFUSED = {
    "SERVICE": "SERVICE is refused: this endpoint never calls another one",
    "FROM": "FROM / FROM NAMED are refused: queries run on the loaded graphs only (the default graph is their union; "
            "use GRAPH <name> { … })",
    "LOAD": "LOAD is refused: nothing is fetched, and the graph is read-only",
}
_UPDATES = ("INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


def _unescape(text: str) -> str:
    def decode(match: re.Match) -> str:
        try:
            return chr(int(match[1] or match[2], 16))
        except (ValueError, OverflowError):
            return match[0]

    return _ESCAPE.sub(decode, text)


def strip_lexical(text: str, *, keep_positions: bool = False) -> str:
    """The query with strings, IRIs and comments blanked out, scanned left to right.

    Each is replaced by one space, or with ``keep_positions`` by as many spaces as it had characters
    (newlines kept), so that an offset in the result is the same offset in ``text``.
    """
    out, i, n = [], 0, len(text)

    def blank(start: int, end: int) -> None:
        out.append("".join(c if c == "\n" else " " for c in text[start:end]) if keep_positions else " ")

    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            blank(i, end)
            i = end
            continue
        if char in "'\"":
            for pattern in _STRINGS:
                match = pattern.match(text, i)
                if match:
                    blank(i, match.end())
                    i = match.end()
                    break
            else:  # an unterminated string: the engine will reject it; keep scanning the rest
                out.append(char)
                i += 1
            continue
        if char == "<":
            match = _IRIREF.match(text, i)
            if match:
                blank(i, match.end())
                i = match.end()
                continue
        out.append(char)
        i += 1
    return "".join(out)


def where_brace(text: str) -> int | None:
    """The offset just after the ``{`` that opens the query's WHERE pattern (for an inline VALUES), or None."""
    code = strip_lexical(text, keep_positions=True)
    match = re.search(r"(?<![\w:?$@\-])WHERE\s*\{", code, re.I)
    if match is None and re.match(r"\s*(?:(?:PREFIX|BASE)\b[^{]*?)*\s*(?:SELECT|ASK)\b", code, re.I):
        match = re.search(r"\{", code)  # SELECT … { } and ASK { } may leave WHERE out
    return match.end() if match else None


def refusal(text: str) -> tuple[str, str] | None:
    """``(keyword, reason)`` if the query must not run here, else None."""
    code = strip_lexical(_unescape(text))
    for keyword, reason in _REFUSED.items():
        if re.search(_KEYWORD.format(keyword), code, re.I):
            return keyword, reason
    for keyword in _UPDATES:
        if re.search(_KEYWORD.format(keyword), code, re.I):
            return keyword, "updates are refused: the graph is read-only"
    return None
