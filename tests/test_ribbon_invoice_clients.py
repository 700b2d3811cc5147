"""Clients made from invoice lines by the ribbon's Segmenter are those ``segmenter segmente`` makes:
named as their lines name them (the « Clients » sheet, the rows appended under a client table,
« Priorités de la semaine »), audited in « Qualité », in a sheet whose name no sheet of the user's has,
whatever its case (Excel's sheet names ignore case)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from segmenter_pme.excel import macros
from segmenter_pme.layout import PRIORITES, QUALITE
from segmenter_pme.settings import Settings
from segmenter_pme.workbook.created_clients import free_title
from segmenter_pme.workbook.engine import run
from support import fake_xlwings as fx

DATE = dt.date(2025, 6, 30)


def _invoices() -> pd.DataFrame:
    """Twelve clients; the name of C07 is on its second line only, C11 has no name at all."""
    rows = []
    for k in range(12):
        for n in range(1 + k % 3):
            rows.append({"Code client": f"C{k:02d}", "Client": f"Société {chr(65 + k)}",
                         "Date": dt.datetime(2024, 1 + (k + n) % 12, 3 + n), "N° facture": f"FA-{k:02d}-{n}",
                         "Montant HT": 100.0 * (k + 1) + n})
    frame = pd.DataFrame(rows)
    frame.loc[frame["Code client"] == "C07", "Client"] = [None, "Société H", "Société H"][: (1 + 7 % 3)]
    frame.loc[frame["Code client"] == "C11", "Client"] = None
    return frame


def _plain(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return v


def _trimmed(rows) -> list[list]:
    """The rows without the empty rows and columns around them (a used range's rectangle)."""
    rows = [[_plain(v) for v in r] for r in rows]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    while rows and all(v is None for v in rows[0]):
        rows.pop(0)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    used = [j for j in range(width) if any(r[j] is not None for r in rows)]
    return [r[used[0]:used[-1] + 1] for r in rows] if used else []


def _openpyxl_rows(path, sheet) -> list[list]:
    return _trimmed(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def _fake_rows(book, sheet) -> list[list]:
    return _trimmed(book.sheets[sheet].used_range.options(ndim=2).value)


def _with_settings(frame: pd.DataFrame, path, *, sheet: str = "Factures", extra: dict | None = None):
    with pd.ExcelWriter(path) as xl:
        for name, other in (extra or {}).items():
            other.to_excel(xl, sheet_name=name, index=False)
        frame.to_excel(xl, sheet_name=sheet, index=False)
    wb = openpyxl.load_workbook(path)
    from segmenter_pme import layout

    layout.write_settings_sheet(wb, Settings(date_analyse=DATE))
    wb.save(path)
    return path


def _fake_book(path) -> fx.FakeBook:
    """The same workbook, as the ribbon sees it through xlwings."""
    wb = openpyxl.load_workbook(path)
    book = fx.FakeBook(str(path.name))
    for ws in wb.worksheets:
        fx.fill(book.sheets.add(ws.title, after=book.sheets[-1] if len(book.sheets) else None),
                [list(r) for r in ws.iter_rows(values_only=True)])
    return book


def _cli_and_ribbon(tmp_path, frame, **kw):
    path = _with_settings(frame, tmp_path / "ventes.xlsx", **kw)
    book = _fake_book(path)
    run(path)
    assert macros.segmenter(book) is not None, book.app.alerts
    return path, book


def test_the_clients_sheet_of_the_ribbon_is_the_commands_with_the_names(tmp_path):
    path, book = _cli_and_ribbon(tmp_path, _invoices())
    ribbon, command = _fake_rows(book, "Clients"), _openpyxl_rows(path, "Clients")
    assert ribbon == command
    header = ribbon[0]
    names = {r[header.index("Code client")]: r[header.index("Entreprise")] for r in ribbon[1:]}
    assert names["C00"] == "Société A"
    assert names["C07"] == "Société H"  # the first line that names it
    assert names["C11"] is None


def test_priorites_and_qualite_of_the_ribbon_name_and_audit_the_clients_made(tmp_path):
    path, book = _cli_and_ribbon(tmp_path, _invoices())
    listed = " ".join(str(v) for r in _fake_rows(book, PRIORITES) for v in r if isinstance(v, str))
    assert "Société" in listed
    assert listed == " ".join(str(v) for r in _openpyxl_rows(path, PRIORITES) for v in r if isinstance(v, str))
    # « Qualité » is the audit of the sheet just made, as the command's (not the core's remarks alone);
    # only the advice differs: a cell of « Paramètres » in Excel, the command's option too by the command
    ribbon_q, command_q = _fake_rows(book, QUALITE), _openpyxl_rows(path, QUALITE)
    assert len(ribbon_q) == len(command_q) > 20
    assert [r[1:2] + r[4:] for r in ribbon_q] == [r[1:2] + r[4:] for r in command_q]
    advice = [r[3] for r in ribbon_q if isinstance(r[3], str) and "Paramètres" in r[3]]
    assert advice and not any("--colonne" in a or "segmenter " in a for a in advice)


def test_clients_found_only_in_the_lines_are_named_under_the_client_table(tmp_path):
    lines = _invoices()
    known = pd.DataFrame({"Code client": [f"C{k:02d}" for k in range(6)],
                          "Entreprise": [f"Société {chr(65 + k)}" for k in range(6)],
                          "Code postal": ["75001", "69003"] * 3, "Secteur": ["Commerce", "Industrie"] * 3})
    path = _with_settings(lines, tmp_path / "base.xlsx", extra={"Clients": known})
    book = _fake_book(path)
    run(path)
    assert macros.segmenter(book) is not None, book.app.alerts
    ribbon, command = _fake_rows(book, "Clients"), _openpyxl_rows(path, "Clients")
    assert ribbon == command
    header = ribbon[0]
    appended = {r[0]: r[header.index("Entreprise")] for r in ribbon[7:] if r[0]}
    assert appended["C06"] == "Société G" and appended["C07"] == "Société H"


def test_a_sheet_of_the_users_named_clients_in_any_case_is_left_alone(tmp_path):
    notes = pd.DataFrame({"Notes": ["à rappeler"]})
    path, book = _cli_and_ribbon(tmp_path, _invoices(), extra={"CLIENTS": notes})
    for names in (openpyxl.load_workbook(path).sheetnames, [s.name for s in book.sheets]):
        assert "CLIENTS" in names and "Clients (calculés)" in names
        assert len({n.casefold() for n in names}) == len(names)
    assert _openpyxl_rows(path, "CLIENTS") == [["Notes"], ["à rappeler"]]


def test_free_title():
    assert free_title(["Factures"]) == "Clients"
    assert free_title(["clients"]) == "Clients (calculés)"
    assert free_title(["Clients", "CLIENTS (calculés)"]) == "Clients (calculés 2)"
    assert free_title(["Clients", "Clients (calculés)", "Clients (calculés 2)"]) == "Clients (calculés 3)"


def test_number_codes_keep_their_names_in_both(tmp_path):
    lines = _invoices()
    lines["Code client"] = 411000 + lines["Code client"].str[1:].astype(int)  # accounting codes, number cells
    path, book = _cli_and_ribbon(tmp_path, lines)
    ribbon, command = _fake_rows(book, "Clients"), _openpyxl_rows(path, "Clients")
    header = command[0]
    assert "Entreprise" in header
    names = {r[header.index("Code client")]: r[header.index("Entreprise")] for r in command[1:]}
    assert names["411000"] == "Société A" and names["411007"] == "Société H"
    assert ribbon == command


def test_lower_case_codes_with_spaces_keep_their_names(tmp_path):
    lines = _invoices()
    lines["Code client"] = " " + lines["Code client"].str.lower()  # « c00 » on the lines: the client C00
    csv = tmp_path / "ventes.csv"
    lines.to_csv(csv, sep=";", index=False, decimal=",", date_format="%d/%m/%Y", encoding="utf-8")
    report = run(csv, analysis_date=DATE)
    rows = _openpyxl_rows(report.output, "Clients")
    header = rows[0]
    names = {str(r[header.index("Code client")]).strip().upper(): r[header.index("Entreprise")] for r in rows[1:]}
    assert names["C00"] == "Société A" and names["C07"] == "Société H" and names["C11"] is None


def test_text_codes_that_look_like_numbers_stay_text_and_a_second_run_finds_the_same_clients(tmp_path):
    lines = _invoices()
    lines["Code client"] = "00" + lines["Code client"].str[1:]  # « 0000 », « 0007 »: text codes
    path, book = _cli_and_ribbon(tmp_path, lines)
    ribbon, command = _fake_rows(book, "Clients"), _openpyxl_rows(path, "Clients")
    assert [r[0] for r in ribbon[1:4]] == ["0000", "0001", "0002"]
    assert ribbon == command
    message = macros.segmenter(book)
    assert message.startswith("Segmentation terminée : 12 clients dans « Clients »"), message
    assert len(_fake_rows(book, "Clients")) == 13


def test_text_excel_would_read_as_a_value_is_typed_with_a_quote():
    from segmenter_pme.layout.cells import as_typed_text

    for text in ("0007", "411000", "1,5", "1e5", "12 %", "12 €", "01/02", "3-4", "12:30", "mars 2024",
                 "1 janv.", "#N/A", "VRAI", "=1+1", "+33 6 12 34 56 78", "-5", "10:30 PM", "10 AM",
                 "1 mars 2024 10:30"):
        assert as_typed_text(text) == "'" + text, text
    for text in ("Société A", "3 Suisses", "Garage 2000", "Mars", "C00", "Champions", "Île-de-France",
                 "10 à 49 salariés", ""):
        assert as_typed_text(text) == text, text
    assert as_typed_text(7) == 7 and as_typed_text(None) is None


def test_the_name_column_of_the_sheet_made_is_as_wide_as_the_names(tmp_path):
    lines = _invoices()
    lines.loc[lines["Code client"] == "C03", "Client"] = "Société Anonyme des Transports Dupont"  # 37 characters
    lines.loc[lines["Code client"] == "C04", "Client"] = "x" * 80  # a very long one is cut off by the cap
    path = _with_settings(lines, tmp_path / "ventes.xlsx")
    run(path)
    ws = openpyxl.load_workbook(path)["Clients"]
    header = [c.value for c in ws[1]]
    letter = openpyxl.utils.get_column_letter(header.index("Entreprise") + 1)
    assert ws.column_dimensions[letter].width == 40
    lines.loc[lines["Code client"] == "C04", "Client"] = "Société E"
    path = _with_settings(lines, tmp_path / "ventes2.xlsx")
    run(path)
    ws = openpyxl.load_workbook(path)["Clients"]
    assert ws.column_dimensions[letter].width == 37 + 2
    assert ws.column_dimensions["A"].width == len("Code client") + 3
    book = _fake_book(_with_settings(lines, tmp_path / "ventes3.xlsx"))  # the ribbon sizes the sheet it makes alike
    macros.segmenter(book)
    made = book.sheets["Clients"]
    widths = [made.range((1, j)).style_of("column_width") for j in range(1, len(header) + 1)]
    assert widths == [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
                      for j in range(1, len(header) + 1)]
