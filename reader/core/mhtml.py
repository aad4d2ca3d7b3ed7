"""MHTML ("save as single file") archives: the page's HTML and its original address."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass
class MhtmlPage:
    html: str
    url: str | None


# Bound what one archive may make us decode: a "zip bomb" of many parts stays cheap. Browsers
# write the page first, then its resources, so the page is always among the first parts.
MAX_PARTS = 200
# Multiparts inside multiparts: the email parser recurses (and slows down) on each level, and
# browsers write at most a few. An archive is cut before its MAX_MULTIPARTS-th one.
MAX_MULTIPARTS = 32
_BOUNDARY_RE = re.compile(rb'boundary="?([^";\r\n]+)"?', re.I)
_MULTIPART_RE = re.compile(rb"content-type:[ \t]*multipart/", re.I)


def _bounded(raw: bytes) -> bytes:
    """The archive cut after MAX_PARTS parts (the email parser is slow on thousands) and
    before its MAX_MULTIPARTS-th nested multipart."""
    for count, multipart in enumerate(_MULTIPART_RE.finditer(raw)):
        if count >= MAX_MULTIPARTS:
            raw = raw[: multipart.start()]
            break
    header_end = raw.find(b"\r\n\r\n")
    if header_end < 0:
        header_end = raw.find(b"\n\n")
    match = _BOUNDARY_RE.search(raw[: header_end if header_end > 0 else 4096])
    if not match:
        return raw
    delimiter = b"--" + match.group(1)
    position = 0
    for _ in range(MAX_PARTS + 1):
        position = raw.find(delimiter, position + 1)
        if position < 0:
            return raw
    return raw[:position] + delimiter + b"--\r\n"


def read_mhtml(raw: bytes) -> MhtmlPage:
    """The first text/html part of the archive, decoded, with its Content-Location.

    Raises ValueError with a reader-facing reason when there is no HTML page inside.
    """
    try:
        message = email.message_from_bytes(_bounded(raw), policy=email.policy.default)
    except Exception as exc:  # the email parser is lenient; anything it raises means junk
        raise ValueError(f"not a readable MHTML archive ({exc.__class__.__name__})") from exc
    if not isinstance(message, EmailMessage):
        raise ValueError("not a readable MHTML archive")
    top_location = message.get("Snapshot-Content-Location") or message.get("Content-Location")
    for count, part in enumerate(message.walk()):
        if count > MAX_PARTS:
            break
        if part.get_content_type() != "text/html" or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload.strip():
            continue
        charset = part.get_content_charset()
        html = _decode_part(payload, charset)
        location = part.get("Content-Location") or top_location
        url = str(location).strip() if location and str(location).startswith("http") else None
        return MhtmlPage(html=html, url=url)
    raise ValueError("no HTML page inside the MHTML archive")


def _decode_part(payload: bytes, charset: str | None) -> str:
    from reader.core.decode import decode_html_bytes

    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_html_bytes(payload)
