"""modele_formules.xlsx: native formulas give segment()'s answer, cell for cell (SPEC §10)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from segmenter_pme import Settings, segment
from segmenter_pme.fields import SEGMENT_COLUMNS
from segmenter_pme.parsing import parse_amounts, parse_dates
from segmenter_pme.workbook import formula_template as ft
from segmenter_pme.workbook.templates import DEMO_DATE, demo_frames

COMMITTED = Path(__file__).resolve().parents[1] / "workbook_templates" / ft.TEMPLATE_NAME
DATE = dt.date(2025, 12, 31)
FORBIDDEN = ("LET", "LAMBDA", "FILTER", "UNIQUE", "XLOOKUP", "SORT", "SORTBY", "SEQUENCE", "XMATCH", "TEXTJOIN")
ALLOWED = {"IF", "AND", "OR", "NOT", "ISNUMBER", "INT", "SUMPRODUCT", "SEARCH", "TRIM", "N", "MAX", "MIN", "ROW",
           "ISNA", "MATCH", "INDEX", "IFERROR", "COUNTIF", "COUNTIFS", "SUMIF", "SUMIFS", "TEXT", "LEN", "UPPER",
           "LOWER", "LEFT", "MID", "VALUE", "SUBSTITUTE", "VLOOKUP", "ROUND", "COUNTA", "COUNT", "SUM", "TODAY",
           "EDATE", "SMALL"}


def formulas(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [c.value for ws in wb for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=")]


def test_template_sheets_tables_and_names():
    wb = openpyxl.load_workbook(COMMITTED)
    assert wb.sheetnames == ["Clients", "Factures", "Synthèse", "Paramètres", "Mode d'emploi", "Listes",
                             "Codes RFM", "Calculs"]
    assert [wb[s].sheet_state for s in ("Listes", "Codes RFM", "Calculs")] == ["hidden"] * 3
    headers = [c.value for c in wb["Clients"][1]]
    assert headers[:11] == ["Code client", "Entreprise", "Secteur", "Code NAF", "Code postal", "Effectif",
                            "Tranche effectif", "Date premier achat", "Date dernier achat", "Nombre commandes",
                            "CA total"]
    assert headers[12:23] == list(SEGMENT_COLUMNS)
    assert "TableClients" in wb["Clients"].tables and "TableFactures" in wb["Factures"].tables
    assert ft.is_formula_template(wb) and ft.is_formula_template_file(COMMITTED)
    # every output column of the one empty Table row is a formula
    row2 = {h: wb["Clients"].cell(2, j).value for j, h in enumerate(headers, start=1)}
    assert all(str(row2[h]).startswith("=") for h in SEGMENT_COLUMNS)
    assert wb["Synthèse"]._charts


def test_formulas_are_stored_in_english_with_old_functions_only():
    found = set()
    for f in formulas(COMMITTED):
        names = set(re.findall(r"([A-Z][A-Z0-9._]*)\(", re.sub(r'"[^"]*"', '""', f)))
        found |= names
        assert not names & set(FORBIDDEN), f
        assert ";" not in re.sub(r'"[^"]*"', '""', f), f  # English argument separator
    assert found <= ALLOWED, found - ALLOWED
    # French names would be SI(, NB.SI(, RECHERCHEV(…: none
    assert not found & {"SI", "NB.SI", "SOMME.SI", "RECHERCHEV", "ENT", "ESTNUM"}


def test_region_lookup_agrees_with_python():
    from segmenter_pme.profile import region_of

    table = dict(ft.postal_lookup())

    def lookup(cp: str) -> str:
        for k in (cp, cp[:3], cp[:2]):
            if k in table:
                return table[k]
        return "Inconnue"

    for cp in ("20000", "20167", "20200", "97133", "97150", "97500", "97110", "97400", "97600", "98000",
               "98800", "00100", "75001", "01000", "59000", "97700", "97980"):
        assert lookup(cp) == region_of(cp), cp
    assert table["20"] == "Corse" and table["971"] == "Guadeloupe" and table["97133"] == "Hors France"


def test_ribbon_says_the_workbook_segments_itself():
    from segmenter_pme.excel import macros
    from support.fake_xlwings import FakeBook

    book = FakeBook("modele_formules.xlsx")
    book.names.add(ft.MARKER, '="1"')
    message = macros.segmenter.__wrapped__(book) if hasattr(macros.segmenter, "__wrapped__") else \
        macros.segmenter(book)
    assert "se segmente lui-même par formules" in str(message)


# ------------------------------------------------------------------ LibreOffice recalculation

def recalc(soffice: str, paths: list[Path], outdir: Path) -> list[Path]:
    """One LibreOffice start for several files: they come back with every formula's cached value."""
    outdir.mkdir(exist_ok=True)
    cmd = [soffice, f"-env:UserInstallation=file://{outdir / '.lo-profile'}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(outdir)] + [str(p) for p in paths]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    out = [outdir / p.name for p in paths]
    assert proc.returncode == 0 and all(p.exists() for p in out), (proc.stdout, proc.stderr)
    return out


def typed(frame: pd.DataFrame, dates: tuple[str, ...], amounts: tuple[str, ...]) -> pd.DataFrame:
    """What a user's paste holds once Excel has read it: real dates and numbers."""
    frame = frame.copy()
    for c in dates:
        frame[c] = parse_dates(frame[c])[0]
    for c in amounts:
        frame[c] = parse_amounts(frame[c])[0]
    return frame


def assert_agrees(path: Path, clients: pd.DataFrame, invoices: pd.DataFrame | None, settings: Settings) -> None:
    rb = ft.read_back(path)
    assert rb.analysis_date == settings.date_analyse
    res = segment(clients=clients.set_axis(range(2, 2 + len(clients))), invoices=invoices, settings=settings)
    assert len(res.output) == len(rb.outputs)
    assert ft.compare(rb.outputs, res.output) == []
    for _, row in res.summary.iterrows():
        assert rb.synthese.get((row["Dimension"], row["Segment"])) == row["Clients"], (row["Dimension"],
                                                                                      row["Segment"])
    shown = {k: v for k, v in rb.synthese.items() if v}
    assert sum(v for (dim, _), v in shown.items() if dim == "Segment RFM") == len(res.output)


def client_codes(clients: pd.DataFrame, invoices: pd.DataFrame) -> pd.DataFrame:
    """The codes a user pastes into « Clients »: those of the client file, then those seen only in invoices."""
    codes = list(pd.unique(clients["Code client"]))
    seen = {str(c).strip().upper() for c in codes}
    for c in pd.unique(invoices["Code client"].dropna()):
        if str(c).strip().upper() not in seen:
            seen.add(str(c).strip().upper())
            codes.append(c)
    return pd.DataFrame({"Code client": codes})


@pytest.mark.libreoffice
@pytest.mark.slow
def test_demo_base_client_table_and_invoices(tmp_path, soffice):
    demo = demo_frames()
    settings = Settings(date_analyse=DEMO_DATE)
    inputs = [h for h, _, _ in ft.CLIENT_INPUTS]
    clients = typed(demo.clients, ("Date premier achat", "Date dernier achat"), ("CA total",))
    clients = clients[[c for c in inputs if c in clients.columns]]
    invoices = typed(demo.invoices, ("Date",), ("Montant HT",))[[h for h, _, _ in ft.INVOICE_INPUTS]]
    codes = client_codes(demo.clients, invoices)
    a = ft.fill(COMMITTED, tmp_path / "table.xlsx", clients, settings=settings)
    b = ft.fill(COMMITTED, tmp_path / "factures.xlsx", codes, invoices, settings=settings)
    ra, rb = recalc(soffice, [a, b], tmp_path / "lo")
    assert_agrees(ra, clients, None, settings)
    assert_agrees(rb, codes, invoices, settings)
    # segmenter run recognises it, checks it and writes nothing
    from segmenter_pme.workbook.engine import run

    before = rb.read_bytes()
    report = run(rb)
    assert rb.read_bytes() == before
    assert "les 3" in report.result.warnings[0] and "mêmes 11 colonnes" in report.result.warnings[0]
    assert report.warnings == []


def edge_bases() -> list[tuple[pd.DataFrame, pd.DataFrame | None, Settings]]:
    d = pd.Timestamp(DATE)
    one = pd.DataFrame({"Code client": ["A"], "Date dernier achat": [d - pd.Timedelta(days=3)],
                        "Nombre commandes": [1], "CA total": [10.0]})
    once = pd.DataFrame({"Code client": [f"C{i}" for i in range(7)],
                         "Date dernier achat": [d - pd.Timedelta(days=10 * i) for i in range(7)],
                         "Nombre commandes": [1] * 7, "CA total": [100.0, 100.0, 50.0, 50.0, 50.0, 3000.0, 0.0]})
    ties = pd.DataFrame({"Code client": [f"T{i}" for i in range(9)],
                         "Secteur": ["Commerce", "commerce", " Industrie", "Industrie", None, "Conseil", "Commerce",
                                     "Industrie", "Commerce"],
                         "Code NAF": [None, None, None, None, "47.11F", None, None, None, None],
                         "Code postal": ["20000", "97133", 1000, "75001", "20200", "97411", None, "98000", "00100"],
                         "Effectif": [5, 60, 300, 6000, None, 12, 0, 2, 9],
                         "Tranche effectif": [None, None, None, None, "32", None, None, "NN", "3"],
                         "Date premier achat": [d - pd.Timedelta(days=400)] * 4 + [None] * 3 +
                                               [d + pd.Timedelta(days=2), d - pd.Timedelta(days=9)],
                         "Date dernier achat": [d - pd.Timedelta(days=30)] * 4 + [None, d, None,
                                                                                   d + pd.Timedelta(days=5),
                                                                                   d + pd.Timedelta(days=1)],
                         "Nombre commandes": [3, 3, 3, 1, 2, None, 0, 2, 4],
                         "CA total": [500.0, 500.0, 500.0, 20.0, 900.0, None, 40.0, 100.0, 800.0]})
    inv = pd.DataFrame({
        "Code client": ["X1", "X1", "X1", "X1", "X2", "X2", "X3", "x3", "X4", None, "X5"],
        "Date": [d - pd.Timedelta(days=k) for k in (5, 5, 5, 400, 30, 30, 100, 800, 3, 3, 1)],
        "N° facture": ["F1", "F1", "F2", "F9", "A1", None, None, "F7", "F8", "F10", "F11"],
        "Type": ["Facture", "Facture", "Facture", "Facture", "Avoir", "Facture", "Facture", "Facture", "Devis",
                 "Facture", "Facture"],
        "Montant HT": [100.0, 50.0, 20.0, 10.0, 30.0, 300.0, -25.0, 70.0, 999.0, 5.0, 15.0]})
    codes = pd.DataFrame({"Code client": ["X1", "X2", "X3", "X4", "X5", "X6"],
                          "Nombre commandes": [None, None, None, None, None, 2],
                          "Date dernier achat": [None] * 5 + [d - pd.Timedelta(days=50)],
                          "CA total": [None] * 5 + [75.0]})
    return [(one, None, Settings(date_analyse=DATE)), (once, None, Settings(date_analyse=DATE)),
            (ties, None, Settings(date_analyse=DATE, secteurs_prioritaires=("Commerce",))),
            (ties, None, Settings(date_analyse=DATE, mode_rfm="seuils", methode_pmg="part_ca")),
            (codes, inv, Settings(date_analyse=DATE))]


def check_batch(tmp_path: Path, soffice: str, bases) -> None:
    paths = [ft.fill(COMMITTED, tmp_path / f"base{i}.xlsx", c, inv, settings=s) for i, (c, inv, s) in
             enumerate(bases)]
    for path, (clients, inv, s) in zip(recalc(soffice, paths, tmp_path / "lo"), bases):
        assert_agrees(path, clients, inv, s)


@pytest.mark.libreoffice
def test_edge_bases_agree(tmp_path, soffice):
    check_batch(tmp_path, soffice, edge_bases())


day = st.integers(min_value=-3, max_value=900)
table_row = st.fixed_dictionaries({
    "last": st.one_of(st.none(), day), "orders": st.sampled_from([None, 0, 1, 1, 2, 3, 6, 12]),
    "ca": st.sampled_from([None, 0.0, 100.0, 100.0, 250.5, 2500.0, 12000.0, -30.0]),
    "secteur": st.sampled_from([None, "Commerce", "commerce", "Industrie", "Conseil", "Construction"]),
    "cp": st.sampled_from([None, "75001", 1000, "20090", "97133", "97300", "69003", "abc"]),
    "eff": st.sampled_from([None, 3, 15, 400, 7000])})
invoice_line = st.fixed_dictionaries({
    "client": st.integers(0, 5), "day": day, "num": st.sampled_from([None, "F1", "F2", "F3", "F4"]),
    "type": st.sampled_from([None, "Facture", "Facture", "Avoir"]),
    "amount": st.sampled_from([0.0, 100.0, 250.25, 1000.0, -40.0])})
base = st.one_of(st.tuples(st.just("table"), st.lists(table_row, min_size=1, max_size=12), st.booleans()),
                 st.tuples(st.just("factures"), st.lists(invoice_line, min_size=1, max_size=25), st.booleans()))


def make_base(kind: str, rows: list[dict], flag: bool):
    d = pd.Timestamp(DATE)
    s = Settings(date_analyse=DATE, mode_rfm="seuils" if flag and kind == "table" else "quintiles",
                 secteurs_prioritaires=("Commerce",) if flag else ())
    if kind == "table":
        return pd.DataFrame({
            "Code client": [f"K{i}" for i in range(len(rows))],
            "Secteur": [r["secteur"] for r in rows], "Code postal": [r["cp"] for r in rows],
            "Effectif": [r["eff"] for r in rows],
            "Date dernier achat": [None if r["last"] is None else d - pd.Timedelta(days=r["last"]) for r in rows],
            "Nombre commandes": [r["orders"] for r in rows], "CA total": [r["ca"] for r in rows]}), None, s
    inv = pd.DataFrame({"Code client": [f"Q{r['client']}" for r in rows],
                        "Date": [d - pd.Timedelta(days=r["day"]) for r in rows],
                        "N° facture": [r["num"] for r in rows], "Type": [r["type"] for r in rows],
                        "Montant HT": [r["amount"] for r in rows]})
    codes = pd.DataFrame({"Code client": sorted(set(inv["Code client"])) + (["Q9"] if flag else [])})
    return codes, inv, s


@pytest.mark.libreoffice
@pytest.mark.slow
@hsettings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(base, min_size=4, max_size=4))
def test_generated_bases_agree(tmp_path_factory, soffice, bases):
    tmp = tmp_path_factory.mktemp("gen")
    check_batch(tmp, soffice, [make_base(*b) for b in bases])
