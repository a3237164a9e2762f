"""Text from a submission shown to a person: control, bidi and invisible characters escaped.

A report echoes values as written; a raw ESC clears the terminal and a U+202E turns the rest of
the line around, so the report would lie about what the file says. Every such character is
shown as ``\\u001B``-style text instead, the same spelling Turtle accepts, so that the reader can
find it in the file.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["escaped", "UNSAFE", "BIDI"]

#: Bidirectional formatting characters (Unicode's Bidi_Control set).
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: C0 and C1 controls, DEL, bidi controls, zero-width and other invisible formatting characters,
#: line and paragraph separators, lone surrogates.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + BIDI + "\u200b-\u200d\u2028\u2029\u2060-\u2064\ufeff\ufff9-\ufffb"
                    "\ud800-\udfff]")


def _code(match: re.Match) -> str:
    char = match.group(0)
    return f"\\u{ord(char):04X}"


def escaped(text: str) -> str:
    """``text`` with every unsafe character written as ``\\uXXXX`` (a backslash stays as is)."""
    if not isinstance(text, str):
        text = str(text)
    out = UNSAFE.sub(_code, text)
    if any(unicodedata.category(c) == "Cf" for c in out):  # any other format character (tags, …)
        out = "".join(f"\\u{ord(c):04X}" if unicodedata.category(c) == "Cf" else c for c in out)
    return out
