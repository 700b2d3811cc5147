"""The xlwings side of the add-in (BSD xlwings only, never ``xlwings.pro``).

* :mod:`.macros` — what the ribbon buttons run (``RunPython``);
* :mod:`.udfs` — the cell functions;
* :mod:`.render` — the layout model written through xlwings, in blocks;
* :mod:`.xlwings_compat` — how xlwings is imported (pinned version, pywin32 stubs);
* :mod:`.fake_xlwings` — the stand-in of the xlwings objects the macros use, for tests.
"""
