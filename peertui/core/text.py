"""Handling of user-typed text: kept exactly as typed, shown without side effects."""

from __future__ import annotations

import unicodedata

# C0 controls, DEL and C1 controls: shown as visible symbols so an ANSI escape in a
# name can never drive the terminal.
_CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_CONTROL_PICTURES[0x7F] = "\u2421"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """Return `text` with every control character replaced by a visible stand-in."""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if keep_newlines and char in "\n\t":
            out.append(char)
        elif code in _CONTROL_PICTURES:
            out.append(_CONTROL_PICTURES[code])
        elif 0x80 <= code <= 0x9F:
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


def normalise_name(raw: str) -> str:
    """Names are compared and stored NFC-normalised with outer whitespace removed."""
    return unicodedata.normalize("NFC", raw).strip()
