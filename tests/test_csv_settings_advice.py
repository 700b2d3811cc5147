"""The advice on a setting says what works for the input: a CSV has no « Paramètres » of its own, but the
workbook its run writes has one, which the next run of the same command reads back."""

from __future__ import annotations

import datetime as dt

import openpyxl

from segmenter_pme import headers as hdr
from segmenter_pme.workbook import run

DATE = dt.date(2025, 12, 31)
SMALL = "Code client;Client;Date;Montant HT\r\nC1;Alpha;01/02/2025;100,00\r\nC2;Beta;03/05/2025;250,00\r\n" \
        "C3;Gamma;04/06/2024;80,00\r\nC1;Alpha;05/09/2025;120,00\r\n"
CELL = "dans la cellule « Mode de calcul des scores RFM » de la feuille « Paramètres »"


def test_setting_advice_without_an_option():
    assert hdr.setting_advice("mode_rfm", "excel") == CELL
    assert hdr.setting_advice("mode_rfm") == CELL  # a workbook run by the command: its own « Paramètres »
    cli = hdr.setting_advice("mode_rfm", "cli")
    assert cli.startswith(CELL + " du classeur écrit") and "relancez la même commande" in cli
    # a setting the command has an option for keeps it
    assert hdr.setting_advice("date_analyse", "cli") == "avec l'option --date AAAA-MM-JJ"


def test_readvise_settings_words_every_setting_for_the_input():
    text = f"Choisissez « seuils » {hdr.setting_advice('mode_rfm')} ; la date {hdr.setting_advice('date_analyse')}."
    cli = hdr.readvise_settings(text, "cli")
    assert cli == (f"Choisissez « seuils » {hdr.setting_advice('mode_rfm', 'cli')} ; la date avec l'option "
                   "--date AAAA-MM-JJ.")
    assert hdr.readvise_settings("Rien à changer.", "cli") == "Rien à changer."


def _small_base(report) -> str:
    return next(w for w in report.result.warnings if w.startswith("Base trop petite"))


def test_small_base_advice_of_a_csv_is_followed_by_a_rerun(tmp_path):
    src = tmp_path / "petit.csv"
    src.write_bytes(SMALL.encode("cp1252"))
    said = _small_base(run(src, analysis_date=DATE))
    assert f"choisissez « seuils » {CELL} du classeur écrit, puis relancez la même commande" in said
    synthese = openpyxl.load_workbook(tmp_path / "petit.xlsx")["Synthèse"]
    assert any(isinstance(v, str) and "du classeur écrit" in v for row in synthese.iter_rows(values_only=True)
               for v in row)
    # doing what it says: « seuils » in the written workbook's « Paramètres », the same command again
    wb = openpyxl.load_workbook(tmp_path / "petit.xlsx")
    ws = wb["Paramètres"]
    key = next(c for row in ws.iter_rows() for c in row if c.value == "mode_rfm")
    ws.cell(key.row, key.column + 2).value = "seuils"
    wb.save(tmp_path / "petit.xlsx")
    again = run(src, analysis_date=DATE)
    assert again.result.settings.mode_rfm == "seuils"
    assert not any(w.startswith("Base trop petite") for w in again.result.warnings)


def test_small_base_advice_of_a_workbook_names_its_own_parametres(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Factures"
    ws.append(["Code client", "Client", "Date", "Montant HT"])
    for line in SMALL.splitlines()[1:]:
        code, name, day, amount = line.split(";")
        ws.append([code, name, dt.datetime.strptime(day, "%d/%m/%Y"), float(amount.replace(",", "."))])
    wb.save(tmp_path / "petit.xlsx")
    said = _small_base(run(tmp_path / "petit.xlsx", analysis_date=DATE))
    assert said.endswith(f"choisissez « seuils » {CELL}.")
