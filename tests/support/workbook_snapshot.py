"""Everything of a workbook a user sees or Excel uses, as data: two ways of writing the same workbook
(openpyxl and streamed) must give equal snapshots."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText


def describe(path: Path) -> dict:
    """Everything of every sheet a user sees or Excel uses: cells (value, type, style, link, note) and the rest."""
    wb = openpyxl.load_workbook(path, rich_text=True)
    out = {"sheets": wb.sheetnames, "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style and c.hyperlink is None and c.comment is None:
                    continue
                value = repr(list(c.value)) if isinstance(c.value, CellRichText) else c.value
                cells[c.coordinate] = (value, c.data_type, c.number_format, repr(c.font), repr(c.fill),
                                       repr(c.alignment), repr(c.border), c.quotePrefix,
                                       c.hyperlink.target if c.hyperlink else None,
                                       c.comment.text if c.comment else None)
        out[ws.title] = {
            "cells": cells,
            "dimension": ws.dimensions,
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "tables": {n: (t.ref, [c.name for c in t.tableColumns], t.autoFilter.ref if t.autoFilter else None)
                       for n, t in ((n, ws.tables[n]) for n in ws.tables)},
            "filter": ws.auto_filter.ref,
            "validations": sorted(str(v.sqref) for v in ws.data_validations.dataValidation),
            "cf": sorted(str(r.sqref) for r in ws.conditional_formatting),
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
            "freeze": ws.freeze_panes,
        }
    return out


def assert_same(a: Path, b: Path) -> None:
    da, db = describe(a), describe(b)
    assert da["sheets"] == db["sheets"] and da["names"] == db["names"]
    for sheet in da["sheets"]:
        for key in da[sheet]:
            if key == "cells":
                ca, cb = da[sheet]["cells"], db[sheet]["cells"]
                diff = sorted(k for k in set(ca) | set(cb) if ca.get(k) != cb.get(k))
                assert not diff, (sheet, diff[:5], [(ca.get(k), cb.get(k)) for k in diff[:2]])
            else:
                assert da[sheet][key] == db[sheet][key], (sheet, key)
