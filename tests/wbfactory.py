"""Builders of realistic user workbooks for the workbook-engine tests, and before/after snapshots."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

OUR_SHEETS = {"Synthèse", "Évolution", "Plan d'actions", "Fiches segments", "Priorités de la semaine", "Qualité",
              "Paramètres", "Mode d'emploi", "Campagnes", "Historique"}

CLIENTS = [
    # Code client, Entreprise, Secteur, Date dernier achat, Nombre commandes, CA total, Code postal
    ("C001", "Boulangerie Martin", "Commerce", dt.date(2025, 11, 20), 12, 15400.5, "75011"),
    ("C002", "Garage Dupont SARL", "Services", dt.date(2025, 6, 2), 4, 3200.0, "69003"),
    ("C003", "Menuiserie Leroy", "Construction", dt.date(2024, 2, 15), 1, 450.0, "01000"),
    ("C004", "Transports Moreau", "Transport", dt.date(2025, 12, 1), 7, 8900.0, "33000"),
    ("C005", "Cabinet Bernard", "Services", dt.date(2023, 5, 10), 2, 1200.0, "13001"),
    ("C006", "Hôtel du Lac", "Hôtellerie", dt.date(2025, 10, 5), 3, 5600.0, "74000"),
    ("C007", "Imprimerie Petit", "Industrie", dt.date(2025, 9, 9), 9, 22000.0, "59000"),
    ("C008", "Fleurs Roux", "Commerce", None, 0, 0.0, "44000"),
]
HEADERS = ["Code client", "Entreprise", "Secteur", "Date dernier achat", "Nombre commandes", "CA total", "Code postal"]


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def rich_workbook(path: Path, *, table: bool = True, total_row: bool = False, header_row: int = 3) -> Path:
    """A workbook a French SME could have: title rows, a client table with styles, a formula column,
    validation, conditional format, a filter or Excel Table, a chart and an image on other sheets,
    a comment and defined names."""
    from openpyxl.drawing.image import Image as XLImage

    wb = openpyxl.Workbook()
    home = wb.active
    home.title = "Accueil"
    home["A1"] = "Suivi clients 2025"
    home["A1"].font = Font(bold=True, size=16)
    home["A3"] = "Mis à jour par Sophie"
    home["A3"].comment = Comment("Ne pas effacer", "Sophie")
    home.add_image(XLImage(io.BytesIO(png_bytes())), "C5")

    ws = wb.create_sheet("Clients")
    ws["A1"] = "Fichier clients"
    ws["A1"].font = Font(bold=True, size=14)
    hr = header_row
    headers = HEADERS + ["CA TTC"]
    for j, h in enumerate(headers, start=1):
        c = ws.cell(hr, j, h)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="305496")
    for i, row in enumerate(CLIENTS):
        r = hr + 1 + i
        for j, v in enumerate(row, start=1):
            c = ws.cell(r, j, v)
            if j == 4:
                c.number_format = "dd/mm/yyyy"
            if j == 6:
                c.number_format = '#,##0.00 "€"'
        ws.cell(r, 8, f"=F{r}*1.2").number_format = '#,##0.00 "€"'
    last = hr + len(CLIENTS)
    if total_row:
        ws.cell(last + 1, 1, "Total")
        ws.cell(last + 1, 6, f"=SUM(F{hr + 1}:F{last})")
        ws.cell(last + 1, 1).font = Font(bold=True)
    ws.column_dimensions["B"].width = 28
    dv = DataValidation(type="list", formula1='"Commerce,Services,Industrie,Construction,Transport,Hôtellerie"',
                        allow_blank=True)
    dv.add(f"C{hr + 1}:C{last}")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add(f"F{hr + 1}:F{last}",
                                  CellIsRule(operator="greaterThan", formula=["10000"],
                                             fill=PatternFill("solid", fgColor="C6EFCE")))
    if table:
        t = Table(displayName="TableClients", ref=f"A{hr}:H{last}")
        t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
        ws.add_table(t)
    else:
        ws.auto_filter.ref = f"A{hr}:H{last}"
    ws.freeze_panes = f"C{hr + 1}"

    g = wb.create_sheet("Graphique")
    g["A1"] = "CA par client"
    chart = BarChart()
    chart.title = "CA par client"
    chart.add_data(Reference(ws, min_col=6, min_row=hr, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=hr + 1, max_row=last))
    g.add_chart(chart, "B3")

    wb.defined_names["TauxTVA"] = DefinedName("TauxTVA", attr_text="Accueil!$B$10")
    home["B10"] = 0.2
    wb.save(path)
    return Path(path)


def invoices_workbook(path: Path, n: int = 60) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ventes"
    ws.append(["Code client", "Client", "Date", "N° facture", "Type", "Montant HT"])
    start = dt.date(2024, 1, 5)
    for i in range(n):
        code = f"C{(i % 12) + 1:03d}"
        kind = "Avoir" if i % 17 == 16 else "Facture"
        amount = -50.0 if kind == "Avoir" else 100.0 + 37 * (i % 12) + i
        ws.append([code, f"Société {code}", start + dt.timedelta(days=11 * i), f"F{i + 1:05d}", kind, amount])
    wb.save(path)
    return Path(path)


FRENCH_CSV = (
    "Code client;Raison sociale;Secteur;Date dernier achat;Nombre commandes;CA total;Code postal\r\n"
    "C001;Boulangerie Martin;Commerce;20/11/2025;12;15 400,50;75011\r\n"
    "C002;Garage Dupont SARL;Services;02/06/2025;4;3 200,00;69003\r\n"
    "C003;Menuiserie Leroy;Construction;15/02/2024;1;450,00;01000\r\n"
    "C004;Transports Moreau;Transport;01/12/2025;7;8 900,00;33000\r\n"
    "C005;Cabinet Bernard;Services;10/05/2023;2;1 200,00;13001\r\n"
    "C006;Hôtel du Lac;Hôtellerie;05/10/2025;3;5 600,00;74000\r\n"
)


def write_french_csv(path: Path, text: str = FRENCH_CSV, encoding: str = "cp1252") -> Path:
    Path(path).write_bytes(text.encode(encoding))
    return Path(path)


# ------------------------------------------------------------------ snapshots


def snapshot(path: Path, skip_cols: dict[str, int] | None = None) -> dict:
    """Everything we promise to keep, per user sheet: cells (value, format, font, fill), validations,
    conditional formats, charts, images, merged cells, panes, widths; plus the defined names."""
    wb = openpyxl.load_workbook(path)
    skip_cols = skip_cols or {}
    out = {"sheets": [n for n in wb.sheetnames if n not in OUR_SHEETS]}
    names = {}
    for n, dn in wb.defined_names.items():
        if not n.startswith("_segmenter"):
            names[n] = dn.attr_text
    out["names"] = names
    for ws in wb.worksheets:
        if ws.title in OUR_SHEETS:
            continue
        limit = skip_cols.get(ws.title)
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if limit is not None and c.column >= limit:
                    continue
                if c.value is None and not c.has_style:
                    continue
                cells[c.coordinate] = (c.value, c.number_format, c.font.b, c.fill.fgColor.rgb,
                                       c.comment.text if c.comment else None)
        out[ws.title] = {
            "cells": cells,
            "validations": sorted((dv.type, str(dv.sqref), dv.formula1) for dv in ws.data_validations.dataValidation),
            "cf": sorted(str(r.sqref) for r in ws.conditional_formatting),
            "charts": len(ws._charts),
            "images": len(ws._images),
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "freeze": ws.freeze_panes,
            "widths": {k: v.width for k, v in ws.column_dimensions.items() if v.customWidth and
                       (limit is None or openpyxl.utils.column_index_from_string(k) < limit)},
            "tables": sorted(ws.tables.keys()),
        }
    return out
