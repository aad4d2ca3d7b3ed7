"""The Qt-free core of Provenance Reader: ingest, library, attribution, related coverage.

Nothing under ``reader.core`` may import Qt: the CLI, the tests and worker processes use it
directly, and the GUI is a thin layer over it.
"""
