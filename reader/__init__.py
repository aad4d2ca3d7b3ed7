"""Provenance Reader: read saved news articles offline with their sourcing laid bare."""

__version__ = "0.1.0"
