"""Qt-free helpers shared by the exporters: paragraphs of the clean text, readable dates."""

from __future__ import annotations

from reader.core.formatting import format_date, paragraph_spans

paragraphs = paragraph_spans
__all__ = ["format_date", "paragraphs"]


