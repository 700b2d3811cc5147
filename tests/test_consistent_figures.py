"""Figures that agree: the base of each %, the small-segment rule on the figure shown, French thousands, a small base."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmenter_pme import Settings, segment
from segmenter_pme.fr import fr_eur, fr_int, fr_number, fr_share
from segmenter_pme.layout.synthese import build_synthese
from segmenter_pme.summary import is_small_segment, pareto, segment_warnings

NNBSP = "\u202f"
NBSP = "\u00a0"  # French typography: a unit never goes to the next line without its figure
DAY = dt.date(2025, 12, 31)


def test_the_one_french_formatter():
    assert fr_int(1057) == f"1{NNBSP}057"
    assert fr_number(3096.456, 1) == f"3{NNBSP}096,5"
    assert fr_share(0.185) == f"18,5{NBSP}%"
    assert fr_eur(12345.6) == f"12{NNBSP}346{NBSP}€"


def test_pareto_sentence_says_its_base():
    ca = np.array([1000.0, 500.0, 100.0, 50.0, 10.0])
    par = pareto(ca, np.array([True, False, False, False, False]))
    assert par.sentence == (f"Vos clients « Gros » — 20{NBSP}% des 5 clients ayant commandé — réalisent 60{NBSP}% de votre "
                            "chiffre d'affaires.")


@pytest.mark.parametrize("share, small", [(0.0496, False), (0.0494, True), (0.05, False), (0.01, True)])
def test_small_segment_is_judged_on_the_rounded_figure(share, small):
    # 4,96 % is shown « 5,0 % »: calling it « moins de 5 % » would contradict the figure
    assert is_small_segment(share, 5.0) is small


def test_small_segment_warning_uses_the_formatter():
    summary = pd.DataFrame({"Dimension": ["Segment RFM"] * 2, "Segment": ["Champions", "Perdus"],
                            "% base": [0.0494, 0.9506], "Clients": [1234, 23746]})
    (warning,) = segment_warnings(summary, Settings())
    assert warning.startswith(f"Le segment « Champions » ne pèse que 4,9{NBSP}% de la base (1{NNBSP}234 clients) : "
                              f"moins de 5{NBSP}%")


def _clients(n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "Code client": [f"C{i}" for i in range(n)],
        "Date dernier achat": [dt.datetime(2025, 1 + i % 12, 1 + i % 27) for i in range(n)],
        "Nombre commandes": [(i % 7) for i in range(n)],  # every 7th client is a prospect
        "CA total": [0.0 if i % 7 == 0 else 100.0 * (1 + i % 13) ** 2 for i in range(n)],
    }, index=range(2, n + 2))


def test_a_base_of_one_buyer_is_said_first_in_plain_words():
    res = segment(_clients(2), settings=Settings(date_analyse=DAY))  # one prospect, one buyer
    first = res.warnings[0]
    assert first.startswith("Base trop petite pour des segments parlants : seulement 1 client avec des achats "
                            "(il en faut au moins 25).")
    assert "à la fois dans « Perdus » et dans « Gros »" in first
    layout = build_synthese(res)
    texts = [line for b in layout.blocks for line in getattr(b, "lines", ())]
    assert any(t.startswith("• Base trop petite") for t in texts)


def test_synthese_pmg_table_says_its_base_and_counts_have_separators(tmp_path):
    from segmenter_pme.workbook import run

    frame = _clients(1200)
    path = tmp_path / "c.xlsx"
    frame.to_excel(path, sheet_name="Clients", index=False)
    report = run(path, analysis_date=DAY, backup=False)
    buyers = int((frame["Nombre commandes"] > 0).sum())
    assert f"des {fr_int(buyers)} clients ayant commandé" in report.result.pareto.sentence
    ws = openpyxl.load_workbook(path, read_only=True)["Synthèse"]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str))
    prospects = 1200 - buyers
    assert f"« % base » : part de tous les clients, les {fr_int(prospects)} prospects compris" in text
    assert "1200" not in text and "1029" not in text  # no count without its thousands separator


def test_row_limit_note_keeps_its_commas_and_separates_thousands(tmp_path):
    # the note was once made French by replacing every comma of the sentence with a thousands space
    from segmenter_pme.workbook.created_clients import too_many_clients

    frame = pd.DataFrame({"Code client": ["A", "B"], "Segment RFM": ["Champions", "Perdus"]})
    _, note = too_many_clients(frame, tmp_path / "clients.xlsx")
    assert f"(1{NNBSP}048{NNBSP}576 lignes, en-tête compris)" in note
    assert "Synthèse, Qualité et Plan d'actions" in note and ", avec leurs segments," in note
