"""First letter up or down, the rest untouched, so that "FPPA" stays upper case.

``str.capitalize`` and ``str.lower`` change every letter: "knee angle (FPPA)" would read
"Knee angle (fppa)" at the start of a sentence and "knee valgus (fppa)" inside one.
"""

from __future__ import annotations


def first_upper(text: str) -> str:
    """``"knee angle (FPPA)"`` -> ``"Knee angle (FPPA)"``."""
    return text[:1].upper() + text[1:]


def first_lower(text: str) -> str:
    """``"Knee valgus (FPPA)"`` -> ``"knee valgus (FPPA)"``."""
    return text[:1].lower() + text[1:]
