"""Invisible characters made visible: records are outside input, and a family code, a key
or a note may carry Unicode bidirectional overrides (U+202E makes ``1000-MAF`` read as
``FAM-0001``), zero-width or control characters. Every page that shows record text (the
audit pack, the web view) shows each such character as its code point instead of obeying
it, so the auditor reads what the engine stored."""

from __future__ import annotations

import unicodedata

#: Format (Cf: bidi controls, zero-width), control (Cc) and line/paragraph separators.
_INVISIBLE = frozenset(("Cc", "Cf", "Zl", "Zp"))


def is_invisible(ch: str) -> bool:
    """A character that changes or hides text rather than showing (tab and newline excepted)."""
    return ch not in "\n\t" and unicodedata.category(ch) in _INVISIBLE


def code_point(ch: str) -> str:
    """``U+202E``."""
    return f"U+{ord(ch):04X}"


def make_visible(text: str) -> str:
    """``text`` with each invisible character replaced by ``[U+XXXX]`` (plain text)."""
    if not any(is_invisible(ch) for ch in text):
        return text
    return "".join(f"[{code_point(ch)}]" if is_invisible(ch) else ch for ch in text)
