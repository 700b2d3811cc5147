"""Text that Excel would not keep as text once the user edits its cell — a formula (« =1+1 »), a number
(the client code « 0007 »), a date (« mars 2024 »), a boolean (« VRAI ») — carries Excel's quote mark
(the ``quotePrefix`` style, what typing ``'0007`` makes), in the cells openpyxl writes and in the sheets
we stream alike: one rule, :func:`layout.cells.needs_quote` (and its Arrow form ``needs_quote_mask``)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.layout.cells import needs_quote, needs_quote_mask

from .helpers import run_cli, write_csv

#: pieces a text is made of: the starts the Arrow form tells apart by their bytes, and what follows them
_PIECES = st.sampled_from(["0", "7", "1", "12", "-", "+", "=", "@", "(", "#", "$", "€", "£", "%", ",", ".", "/", ":",
                           " ", "\u00a0", "\u202f", "\t", "\n", "\x1c", "\u3000", "e", "E", "a", "A", "pm", "PM",
                           "mars", "Mars", "MARS", "févr", "FÉVR", "fevr", "août", "AOÛT", "déc", "DÉC", "sept",
                           "ſept", "janv.", "vrai", "VRAI", "Faux", "true", "FALSE", "x", "Société", "C", "FA-",
                           "é", "\U0001F600", "N/A", "mai", "Mai", "'"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=5).map("".join), min_size=1, max_size=12))
def test_the_arrow_form_is_the_rule_itself(texts):
    assert list(needs_quote_mask(pa.array(texts))) == [needs_quote(t) for t in texts]
    # sliced and chunked arrays, nulls among them
    chunked = pa.chunked_array([pa.array([None] + texts, pa.large_string())[1:], pa.array(texts, pa.large_string())])
    assert list(needs_quote_mask(chunked)) == [needs_quote(t) for t in texts] * 2


def test_which_texts_need_the_quote_mark():
    quoted = ["0007", "411000", "1,5", "12 %", "12/2024", "mars 2024", "1 janv.", "VRAI", "faux", "#N/A", "=1+1",
              "+33612345678", "-", "@SOMME(1)", " 7", "10:30 PM", "'abc", "'", "'0007\nx"]
    kept = ["Dupont", "l'Atelier", "C0007", "Société 0007", "FA-2025-0001", "Mars Distribution", "Vraiment", "é", ""]
    assert [t for t in quoted + kept if needs_quote(t)] == quoted
    assert list(needs_quote_mask(pa.array(quoted + kept + [None]))) == [True] * len(quoted) + [False] * (len(kept) + 1)


def _invoices_csv(tmp_path):
    return write_csv(tmp_path / "ventes.csv", [
        ["Code client", "Client", "Date", "N° facture", "Montant HT"],
        ["0007", '=HYPERLINK("http://x";"x")', "01/02/2025", "F1", "100,00"],
        ["C2", "Société B", "01/03/2025", "12/2024", "50,00"],
        ["0007", "VRAI", "01/04/2025", "F3", "70,00"],
        ["C4", "mars 2024", "02/04/2025", "F4", "10,00"]])


def _quoted_cells(ws) -> dict[str, bool]:
    """Every value cell of ``ws`` under the header: coordinate → has Excel's quote mark."""
    return {c.coordinate: bool(c.quotePrefix) for row in ws.iter_rows(min_row=2) for c in row if c.value is not None}


def test_streamed_sheets_of_a_csv_carry_the_quote_mark(tmp_path):
    run_cli("segmente", _invoices_csv(tmp_path), "--date", "2025-06-01")
    wb = openpyxl.load_workbook(tmp_path / "ventes.xlsx")
    lines = wb["Factures"]
    assert [c.value for c in lines["A"][1:]] == ["0007", "C2", "0007", "C4"]
    assert lines["B2"].value == '=HYPERLINK("http://x";"x")' and lines["B2"].data_type == "s"
    quoted = {k for k, v in _quoted_cells(lines).items() if v}
    # codes « 0007 », the formula, « 12/2024 », « VRAI », « mars 2024 »: text, quoted; names, codes « C2 »,
    # dates and amounts (numbers, not text) are not
    assert quoted == {"A2", "A4", "B2", "D3", "B4", "B5"}
    assert lines["E2"].value == 100 and lines["C2"].value == dt.datetime(2025, 2, 1)
    # a cell with the mark keeps its look otherwise: the same font and number format as its column
    look = ("fontId", "fillId", "borderId", "numFmtId", "alignmentId", "protectionId")
    assert [getattr(lines["A2"]._style, k) for k in look] == [getattr(lines["A3"]._style, k) for k in look]
    # « Clients », made from the lines and streamed too
    clients = wb["Clients"]
    codes = {c.value: bool(c.quotePrefix) for c in clients["A"][1:]}
    assert codes == {"0007": True, "C2": False, "C4": False}
    names = {c.value: bool(c.quotePrefix) for c in clients["B"][1:] if c.value is not None}
    assert names.get("Société B") is False


def test_a_client_csv_made_workbook_carries_the_quote_mark(tmp_path):
    src = write_csv(tmp_path / "clients.csv", [
        ["Code client", "Nom", "Date dernier achat", "Nombre commandes", "CA total"],
        ["0042", "Société A", "01/03/2025", "3", "1 200"],
        ["C2", "-Société B", "15/01/2025", "1", "300"],
        ["C3", "'abc", "15/02/2025", "1", "300"]])
    run_cli("segmente", src, "--date", "2025-06-01")
    ws = openpyxl.load_workbook(tmp_path / "clients.xlsx")["Clients"]
    assert (ws["A2"].value, bool(ws["A2"].quotePrefix)) == ("0042", True)
    assert (ws["A3"].value, bool(ws["A3"].quotePrefix)) == ("C2", False)
    assert (ws["B3"].value, bool(ws["B3"].quotePrefix)) == ("-Société B", True)
    # typed again, the text would lose its apostrophe (Excel's own quote mark) without ours
    assert (ws["B4"].value, bool(ws["B4"].quotePrefix)) == ("'abc", True)
    assert not ws["B2"].quotePrefix and not ws["D2"].quotePrefix


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_keeps_them_text_with_the_quote_mark(tmp_path, lo):
    run_cli("segmente", _invoices_csv(tmp_path), "--date", "2025-06-01")
    back = lo.convert(tmp_path / "ventes.xlsx", "xlsx", tmp_path / "lo")
    lines = openpyxl.load_workbook(back)["Factures"]
    # LibreOffice reads them as text (« 0007 », not 7; no formula; « 12/2024 » no date). LibreOffice 7.4 itself
    # neither keeps nor writes the quote mark (its copy has no quotePrefix): ours is checked in the file we write
    assert [(c.value, c.data_type) for c in lines["A"][1:]] == [("0007", "s"), ("C2", "s"), ("0007", "s"), ("C4", "s")]
    assert (lines["B2"].value, lines["B2"].data_type) == ('=HYPERLINK("http://x";"x")', "s")
    assert (lines["D3"].value, lines["D3"].data_type) == ("12/2024", "s")
    assert (lines["B4"].value, lines["B4"].data_type) == ("VRAI", "s")
    computed = lo.sheets_as_csv(tmp_path / "ventes.xlsx", tmp_path / "csv")
    rows = computed["Factures"].splitlines()
    assert rows[1].startswith("0007,") and "VRAI" in rows[3] and "mars 2024" in rows[4]
