"""MHTML ("save as single file") archives: the page's HTML and its original address."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass
class MhtmlPage:
    html: str
    url: str | None


# Bound what one archive may make us decode: a "zip bomb" of many huge parts stays cheap.
MAX_PARTS = 2000


def read_mhtml(raw: bytes) -> MhtmlPage:
    """The first text/html part of the archive, decoded, with its Content-Location.

    Raises ValueError with a reader-facing reason when there is no HTML page inside.
    """
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
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
