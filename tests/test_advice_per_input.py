"""Each piece of advice works for the input at hand (issue 11, dead-end advice).

A CSV has no « Paramètres » sheet: the command's option is what works (``--colonne``, ``--date``,
``--seuil``). In Excel (the ribbon) there is no command line: the « Paramètres » cell is what works.
A workbook run by the command that has « Paramètres » can take either, and the message says both.
Each path is run as the user runs it: the command on a CSV, the command on an .xlsx, the ribbon's
macro through the xlwings stand-in.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from segmenter_pme.cli import main
from segmenter_pme.excel import macros
from segmenter_pme.headers import setting_advice
from support import fake_xlwings as fx

DATE = "2025-06-01"
PARAMETRES_CELL = "dans la cellule « Date d'analyse » de la feuille « Paramètres »"


def _clients(ca_header: str = "CA total") -> pd.DataFrame:
    """30 clients; rows 2-3 are the same garage with two phones (a duplicate « à vérifier », 89 %),
    row 4 bought after the analysis date (a future date)."""
    n = 30
    frame = pd.DataFrame({
        "Code client": [f"C{i:03d}" for i in range(n)],
        "Entreprise": [f"Entreprise {chr(65 + i % 26)}{i}" for i in range(n)],
        "Code postal": ["75001"] * n,
        "Téléphone": [f"01 45 00 {i:02d} {i:02d}" for i in range(n)],
        "Date dernier achat": [dt.datetime(2025, 1 + i % 5, 2) for i in range(n)],
        "Nombre commandes": [1 + i % 4 for i in range(n)],
        ca_header: [100.0 * (i + 1) for i in range(n)],
    })
    frame.loc[0:1, "Entreprise"] = "Garage Martin"
    frame.loc[0:1, "Code postal"] = "69003"
    frame.loc[0, "Téléphone"], frame.loc[1, "Téléphone"] = "04 78 11 22 33", "04 78 55 66 77"
    frame.loc[2, "Date dernier achat"] = dt.datetime(2025, 9, 15)
    return frame


def _csv(path, frame):
    frame.to_csv(path, sep=";", index=False, decimal=",", date_format="%d/%m/%Y", encoding="utf-8")
    return path


def _xlsx(path, frame, *, parametres: bool = False):
    frame.to_excel(path, sheet_name="Clients", index=False)
    if parametres:
        from segmenter_pme import layout
        from segmenter_pme.settings import Settings

        wb = openpyxl.load_workbook(path)
        layout.write_settings_sheet(wb, Settings())
        wb.save(path)
    return path


def _sheet_text(path, sheet: str = "Qualité") -> str:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str))


def _err(capsys) -> str:
    return " ".join(capsys.readouterr().err.split())


def test_setting_advice_by_input():
    assert setting_advice("date_analyse", "cli") == "avec l'option --date AAAA-MM-JJ"
    assert setting_advice("date_analyse", "excel") == PARAMETRES_CELL
    assert setting_advice("date_analyse", "both") == f"avec l'option --date AAAA-MM-JJ ou {PARAMETRES_CELL}"
    assert setting_advice("seuil_doublons", "cli") == "avec l'option --seuil de « segmenter nettoie »"


# ------------------------------------------------------------------ a CSV, by the command

@pytest.mark.parametrize("verb", ["audite", "nettoie", "listes", "fiches"])  # segmente: test_column_option.py
def test_csv_missing_column_names_only_the_option(tmp_path, capsys, verb):
    path = _csv(tmp_path / "export.csv", _clients("Chiffre xyz"))
    code = main([verb, str(path), "--date", DATE] + (["-o", str(tmp_path / "out.pdf")] if verb == "fiches" else []))
    if verb in ("audite", "nettoie"):
        assert code == 0  # a missing column is a finding of the audit, not an error
        return
    err = _err(capsys)
    assert code == 1
    assert 'relancez la commande avec l\'option --colonne "CA total=VOTRE EN-TÊTE".' in err
    assert "Paramètres" not in err
    # and the option given works for that command
    extra = ["-o", str(tmp_path / "out2.pdf")] if verb == "fiches" else []
    assert main(["-q", verb, str(path), "--date", DATE, "--colonne", "CA total=Chiffre xyz", *extra]) == 0


def test_csv_audit_actions_name_the_options(tmp_path):
    path = _csv(tmp_path / "export.csv", _clients())
    assert main(["-q", "audite", str(path), "--date", DATE, "-o", str(tmp_path / "audit.xlsx")]) == 0
    text = _sheet_text(tmp_path / "audit.xlsx")
    assert "sinon fixez la date d'analyse avec l'option --date AAAA-MM-JJ." in text
    assert "baissez la confiance minimale de fusion avec l'option --seuil de « segmenter nettoie »." in text
    assert "Paramètres" not in text


# ------------------------------------------------------------------ an .xlsx, by the command

def test_xlsx_without_parametres_names_only_the_option(tmp_path, capsys):
    path = _xlsx(tmp_path / "clients.xlsx", _clients("Chiffre xyz"))
    for verb in ("listes", "fiches"):  # segmente: test_column_option.py
        assert main([verb, str(path), "--date", DATE]) == 1
        err = _err(capsys)
        assert '--colonne "CA total=VOTRE EN-TÊTE".' in err and "Paramètres" not in err, verb
    assert main(["-q", "audite", str(path), "--date", DATE, "-o", str(tmp_path / "audit.xlsx")]) == 0
    text = _sheet_text(tmp_path / "audit.xlsx")
    assert "sinon fixez la date d'analyse avec l'option --date AAAA-MM-JJ." in text


def test_xlsx_with_parametres_names_both_ways(tmp_path, capsys):
    path = _xlsx(tmp_path / "clients.xlsx", _clients("Chiffre xyz"), parametres=True)
    for verb in ("listes", "fiches"):
        assert main([verb, str(path), "--date", DATE]) == 1
        err = _err(capsys)
        assert ('--colonne "CA total=VOTRE EN-TÊTE", ou écrivez votre en-tête dans la feuille « Paramètres », '
                "tableau « Correspondance des colonnes », ligne « CA total ».") in err, verb
    path = _xlsx(tmp_path / "clients2.xlsx", _clients(), parametres=True)
    assert main(["-q", "audite", str(path), "--date", DATE, "-o", str(tmp_path / "audit.xlsx")]) == 0
    text = _sheet_text(tmp_path / "audit.xlsx")
    assert f"sinon fixez la date d'analyse avec l'option --date AAAA-MM-JJ ou {PARAMETRES_CELL}." in text
    assert ("baissez la confiance minimale de fusion avec l'option --seuil de « segmenter nettoie » ou dans la "
            "cellule « Confiance minimale pour fusionner des doublons (%) » de la feuille « Paramètres ».") in text


# ------------------------------------------------------------------ the ribbon (xlwings stand-in)

def _book(frame: pd.DataFrame, date: dt.date | None = None) -> fx.FakeBook:
    book = fx.FakeBook("clients.xlsx")
    rows = [list(frame.columns)] + [[v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in r]
                                    for r in frame.itertuples(index=False)]
    fx.fill(book.sheets.add("Clients"), rows)
    if date is not None:  # as the user does: « Paramètres » from its button, then the date typed in its cell
        macros.parametres(book)
        sheet = book.sheets["Paramètres"]
        (row, col), = [k for k, v in sheet._cells.items() if v == "Date d'analyse"]
        sheet.range((row, col + 1)).value = dt.datetime.combine(date, dt.time())
    return book


def _ribbon_sheet_text(book: fx.FakeBook, name: str) -> str:
    return " ".join(str(v) for v in book.sheets[name]._cells.values() if isinstance(v, str))


def test_ribbon_missing_column_names_only_the_parametres_sheet():
    book = _book(_clients("Chiffre xyz"))
    assert macros.segmenter(book) is None
    (message, _title), = book.app.alerts
    assert "écrivez votre en-tête dans la feuille « Paramètres », tableau « Correspondance des colonnes »" in message
    assert "--colonne" not in message and "relancez la commande" not in message


def test_ribbon_audit_actions_name_the_parametres_cells():
    book = _book(_clients(), date=dt.date(2025, 6, 1))
    macros.auditer(book)
    text = _ribbon_sheet_text(book, "Qualité")
    assert f"sinon fixez la date d'analyse {PARAMETRES_CELL}." in text
    assert ("baissez la confiance minimale de fusion dans la cellule « Confiance minimale pour fusionner des "
            "doublons (%) » de la feuille « Paramètres ».") in text
    assert "--date" not in text and "--seuil" not in text
