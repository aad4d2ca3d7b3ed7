"""Build small PDFs with a real text layer for tests (no PDF library needed to write them)."""

from __future__ import annotations


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A valid PDF: one Helvetica text line per list item, one list per page."""
    objects: list[bytes] = []
    font_id = 3
    page_ids = []
    content_ids = []
    next_id = 4
    for _ in pages:
        page_ids.append(next_id)
        content_ids.append(next_id + 1)
        next_id += 2
    info_id = next_id
    objects_by_id: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: (
            "<< /Type /Pages /Kids ["
            + " ".join(f"{pid} 0 R" for pid in page_ids)
            + f"] /Count {len(pages)} >>"
        ).encode(),
        font_id: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for lines, pid, cid in zip(pages, page_ids, content_ids, strict=True):
        stream_lines = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
        for line in lines:
            stream_lines.append(f"({_escape(line)}) Tj T*")
        stream_lines.append("ET")
        stream = "\n".join(stream_lines).encode("latin-1")
        objects_by_id[pid] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {cid} 0 R >>"
        ).encode()
        objects_by_id[cid] = (
            f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream"
        )
    objects_by_id[info_id] = (
        f"<< /Title ({_escape(title)}) >>".encode("latin-1") if title else b"<< >>"
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for oid in sorted(objects_by_id):
        offsets[oid] = len(out)
        out += f"{oid} 0 obj\n".encode() + objects_by_id[oid] + b"\nendobj\n"
    xref = len(out)
    count = max(objects_by_id) + 1
    out += f"xref\n0 {count}\n0000000000 65535 f \n".encode()
    for oid in range(1, count):
        out += f"{offsets[oid]:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {count} /Root 1 0 R /Info {info_id} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    del objects
    return bytes(out)
