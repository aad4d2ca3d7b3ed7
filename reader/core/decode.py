"""Turn the raw bytes of an imported file into text, or refuse them with a reason.

Order of trust: byte-order mark, then the charset the document declares, then strict UTF-8,
then charset-normalizer's best guess. Anything that still looks like binary junk raises
``ValueError`` so the importer can report "not a text file" instead of storing mojibake.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

# Bytes inspected for the binary test and the charset declaration: enough for any real
# <head>, small enough to keep the check O(1) on huge files.
_SNIFF_BYTES = 8192
_DECLARATION_BYTES = 4096
# charset-normalizer is slow on big inputs; a prefix this size is plenty to pick a codec.
_NORMALIZER_BYTES = 64 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# File signatures of formats people might drop on the importer by mistake.
_BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF-",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
    b"\xd0\xcf\x11\xe0",
    b"SQLite format 3",
    b"OggS",
    b"ID3",
    b"RIFF",
    b"\x00\x00\x01\x00",
    b"wOFF",
    b"wOF2",
)

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I
)
_XML_DECL_RE = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""", re.I
)

# Control bytes that never occur in text (tab, LF, VT, FF, CR and ESC do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))

# WHATWG: browsers decode these labels as windows-1252, so must we (e.g. curly quotes in
# pages labelled iso-8859-1 are really cp1252 bytes 0x91-0x94).
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf8": "utf-8",
    "unicode": "utf-8",
}


def _bom_encoding(raw: bytes) -> str | None:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    return None


def looks_binary(raw: bytes) -> bool:
    """True when the bytes are clearly not a text document (images, archives, executables...)."""
    if not raw:
        return False
    if _bom_encoding(raw) is not None:
        return False
    head = raw[:_SNIFF_BYTES]
    if any(head.startswith(magic) for magic in _BINARY_MAGIC):
        return True
    if b"\x00" in head:
        # UTF-16/32 without BOM is the only text with NULs; charset-normalizer decides that later,
        # so only call it binary when NULs are not in a regular every-other-byte pattern.
        evens = head[0::2].count(0)
        odds = head[1::2].count(0)
        half = max(1, len(head) // 2)
        if not (evens > 0.3 * half and odds < 0.05 * half) and not (
            odds > 0.3 * half and evens < 0.05 * half
        ):
            return True
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > 0.05 * len(head)


def _normalise_codec(label: str) -> str | None:
    """Map a declared charset label to a Python codec name, or None when unknown."""
    name = label.strip().lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_html_charset(raw: bytes) -> str | None:
    """The charset an HTML/XML document declares for itself (XML declaration or <meta>)."""
    head = raw[:_DECLARATION_BYTES]
    match = _XML_DECL_RE.search(head) or _META_CHARSET_RE.search(head)
    if match is None:
        return None
    return _normalise_codec(match.group(1).decode("ascii", "ignore"))


def _try(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_single_byte(codec: str) -> bool:
    # Single-byte codecs map every byte to exactly one character.
    try:
        return len(bytes(range(256)).decode(codec, errors="replace")) == 256
    except LookupError:
        return False


def _guess(raw: bytes) -> str:
    """charset-normalizer fallback; raises ValueError when nothing coherent is found."""
    # Imported here: most files declare their charset or are UTF-8, and the import costs a
    # process (the app, each import worker) some 12 ms.
    import charset_normalizer

    sample = raw[:_NORMALIZER_BYTES]
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        raise ValueError("not a text file: no character encoding fits these bytes")
    encoding = best.encoding
    # Short Latin texts often fit cp1250/cp1252/cp1257 equally well; cp1252 is by far the
    # most common in practice, so it wins ties.
    for match in matches:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos
            and match.coherence >= best.coherence
        ):
            encoding = "cp1252"
            break
    text = raw.decode(encoding, errors="replace")
    # Replacement characters everywhere mean the guess is noise, not a real encoding.
    if text.count("\ufffd") > max(8, len(text) // 100):
        raise ValueError("not a text file: bytes do not decode coherently in any encoding")
    return text


def _finish(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def decode_html_bytes(raw: bytes) -> str:
    """Decode an HTML (or XHTML) file: BOM, declared charset, UTF-8, then a best guess.

    Raises ValueError with the reason when the bytes are not decodable text.
    """
    return _decode(raw, declared_html_charset)


def decode_text_bytes(raw: bytes) -> str:
    """Decode a plain-text file: BOM, strict UTF-8, then charset-normalizer's best guess.

    Raises ValueError with the reason when the bytes are not decodable text.
    """
    return _decode(raw, None)


def _decode(raw: bytes, declared_charset: Callable[[bytes], str | None] | None) -> str:
    if looks_binary(raw):
        raise ValueError(
            "not a text file: the bytes look binary (control bytes or a binary file signature)"
        )
    bom = _bom_encoding(raw)
    if bom is not None:
        text = _try(raw, bom)
        if text is not None:
            return _finish(text)
    declared = declared_charset(raw) if declared_charset is not None else None
    if declared is not None:
        # Saved pages are often re-encoded to UTF-8 while keeping the old legacy <meta charset>;
        # non-ASCII bytes that happen to be valid UTF-8 are almost never real cp1252/latin text.
        if _is_single_byte(declared) and not raw.isascii():
            utf8 = _try(raw, "utf-8")
            if utf8 is not None:
                return _finish(utf8)
        text = _try(raw, declared)
        if text is not None:
            return _finish(text)
    if b"\x00" not in raw[:_SNIFF_BYTES]:
        # NULs are valid UTF-8 but mean UTF-16/32 without a BOM: let the guesser handle those.
        text = _try(raw, "utf-8")
        if text is not None:
            return _finish(text)
    return _finish(_guess(raw))
