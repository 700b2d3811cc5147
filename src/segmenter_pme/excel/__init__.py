"""The xlwings side of the add-in (BSD xlwings only, never ``xlwings.pro``).

* :mod:`.macros` — what the ribbon buttons run (``RunPython``);
* :mod:`.udfs` — the cell functions;
* :mod:`.render` — the layout model written through xlwings, in blocks;
* :mod:`.xlwings_compat` — how xlwings is imported (pinned version, pywin32 stubs).

The tests drive the macros through ``tests/support/fake_xlwings.py``, kept out of the wheel.
"""
