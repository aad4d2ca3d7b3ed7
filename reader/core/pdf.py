"""PDFs with a text layer: their text, page by page, and their document metadata."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from reader.core.dates import parse_date

log = logging.getLogger("reader.ingest.pdf")

MAX_PAGES = 500
# C0 control characters (NUL included) that PDF strings and broken text layers can carry; they
# are not text, and NULs would cut C strings short downstream. Tabs and line breaks stay.
_NO_CONTROLS = {c: None for c in range(32) if c not in (9, 10, 11, 12, 13)} | {0x7F: None}


@dataclass
class PdfText:
    text: str
    title: str | None
    author: str | None
    published: str | None


def read_pdf(raw: bytes) -> PdfText:
    """Extract the text layer. Raises ValueError for encrypted, damaged or image-only PDFs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs every recoverable oddity of a damaged file as a warning; they are not ours.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise ValueError("encrypted PDF (needs a password)")
            except ValueError:
                raise
            except Exception as exc:
                raise ValueError("encrypted PDF (cannot be opened without a password)") from exc
        pages = []
        for number, page in enumerate(reader.pages):
            if number >= MAX_PAGES:
                break
            pages.append((page.extract_text() or "").translate(_NO_CONTROLS))
        info = reader.metadata
    except ValueError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on broken files
        if b"/Encrypt" in raw[-4096:] or b"/Encrypt" in raw[:4096]:
            raise ValueError("encrypted PDF (cannot be opened without a password)") from exc
        raise ValueError(f"damaged PDF ({exc.__class__.__name__}: {str(exc)[:120]})") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if len(text.split()) < 20:
        raise ValueError("no text layer (image-only or scanned PDF)")
    title = author = published = None
    if info:
        title = _clean_meta(info.get("/Title"))
        author = _clean_meta(info.get("/Author"))
        raw_date = _clean_meta(info.get("/CreationDate"))
        if raw_date and raw_date.startswith("D:") and len(raw_date) >= 10:
            digits = raw_date[2:]
            published = parse_date(f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}")
    return PdfText(text=text, title=title, author=author, published=published)


def _clean_meta(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).translate(_NO_CONTROLS).split())
    if not text or text.lower() in {"untitled", "unknown", "microsoft word"}:
        return None
    return text
