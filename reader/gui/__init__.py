"""The desktop app: PySide6 widgets and models over ``reader.core``.

Nothing in ``reader.core`` imports from here; this package only reads the library on the UI
thread for small, indexed look-ups and sends everything slower (queries that sort the whole
library, imports, related coverage) to ``reader.gui.operations``.
"""
