"""The cell functions as plain Python: same answers as the core, readable ``#…`` text for bad input."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from segmenter_pme import Settings, segment
from segmenter_pme.demo import generate_demo
from segmenter_pme.excel import udfs

D = [dt.datetime(2025, 1, 1) + dt.timedelta(days=10 * i) for i in range(20)]
O = [float(i) for i in range(1, 21)]
C = [100.0 * i for i in range(20)]
DAY = dt.datetime(2025, 12, 31)


def _cell(v):
    """A value as Excel hands it to a UDF: numbers are floats, empty cells None, dates datetimes."""
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return float(v)
    return v


def test_rfm_score_matches_the_core_on_the_demo_base():
    demo = generate_demo(400, dirty=False, duplicates=False)
    clients = demo.clients.set_index(demo.clients.index + 2)
    result = segment(clients=clients, settings=Settings(date_analyse=demo.reference_date))
    dates = [_cell(v) for v in clients["Date dernier achat"]]
    orders = [_cell(v) for v in clients["Nombre commandes"]]
    ca = [_cell(v) for v in clients["CA total"]]
    day = dt.datetime.combine(demo.reference_date, dt.time())
    checked = 0
    for i, label in enumerate(clients.index):
        expected = result.output.loc[label, "Code RFM"]
        got = udfs.RFM_SCORE(dates[i], orders[i], ca[i], dates, orders, ca, day)
        if pd.isna(expected) or expected in ("", None):
            assert got == "" or got.startswith("#"), (label, got)
            continue
        assert got == str(expected), (label, got, expected)
        assert udfs.RFM_SEGMENT(got) == result.output.loc[label, "Segment RFM"]
        checked += 1
    assert checked > 300


def test_single_scores_and_segment():
    assert udfs.RFM_SCORE(D[5], O[5], C[5], D, O, C, DAY) == "222"
    assert udfs.RFM_R(D[19], D, DAY) == 5
    assert udfs.RFM_F(3, O) == 1
    assert udfs.RFM_M(1900, C) == 5
    assert udfs.RFM_M("1 900,00 €", C, O) == 5  # French text is read like the workbook engine reads it
    assert udfs.RFM_SEGMENT("545") == udfs.RFM_SEGMENT(545.0) == "Champions"
    assert udfs.RFM_SEGMENT(None) == udfs.RFM_SEGMENT("") == "Prospect"
    assert udfs.RFM_SCORE(D[5], 0, C[5], D, O, C, DAY) == ""  # a prospect has no code


def test_profile_functions():
    assert udfs.PMG(1900, C) == "Gros"
    assert udfs.PMG(0, C) == "Petits"
    assert udfs.TAILLE_ENTREPRISE(12) == "PME"
    assert udfs.TAILLE_ENTREPRISE("11") == "PME"
    assert udfs.TAILLE_ENTREPRISE(3) == "TPE"
    assert udfs.REGION(75001) == udfs.REGION("75001") == "Île-de-France"
    assert udfs.REGION("1000") == "Auvergne-Rhône-Alpes"  # lost leading zero
    assert udfs.SECTEUR_NAF("47.11F") == udfs.SECTEUR_NAF("4711F") == "Commerce"
    assert udfs.SIRET_VALIDE("73282932000074") is True
    assert udfs.SIRET_VALIDE("12345678901234") is False


@pytest.mark.parametrize("call, expected", [
    (lambda: udfs.RFM_SEGMENT("9"), "#Code RFM « 9 » invalide"),
    (lambda: udfs.RFM_SEGMENT("600"), "#Code RFM « 600 » invalide"),
    (lambda: udfs.PMG("abc", C), "#CA total"),
    (lambda: udfs.PMG(100, []), "#Plage des CA"),
    (lambda: udfs.TAILLE_ENTREPRISE("beaucoup"), "#Effectif non reconnu"),
    (lambda: udfs.REGION(None), "#Code postal manquant"),
    (lambda: udfs.REGION("abc"), "#Code postal non reconnu"),
    (lambda: udfs.SECTEUR_NAF("zz"), "#Code NAF non reconnu"),
    (lambda: udfs.SIRET_VALIDE(""), "#SIRET ou SIREN manquant"),
    (lambda: udfs.RFM_SCORE("32/01/2025", 1, 1, D, O, C, DAY), "#Date du dernier achat"),
    (lambda: udfs.RFM_SCORE(D[5], 1, 1, D, O[:3], C, DAY), "#Les plages n'ont pas le même nombre de lignes"),
    (lambda: udfs.RFM_SCORE(D[5], 1, 1, D + ["bad"], O + [1.0], C + [1.0], DAY), "#Plage des dates (valeur n° 21)"),
    (lambda: udfs.RFM_R(dt.datetime(2026, 3, 1), D, DAY), "#Achat du 01/03/2026 postérieur"),
    # a cell typed 15/03/3024: not a purchase of 1839
    (lambda: udfs.RFM_SCORE(dt.datetime(3024, 3, 15), 1, 1, D, O, C, DAY), "#Date du dernier achat : La date « 15/03/3024 »"),
    (lambda: udfs.RFM_R(D[5], D[:3] + [dt.datetime(3024, 3, 15)], DAY), "#Plage des dates (valeur n° 4) : La date « 15/03/3024 »"),
    (lambda: udfs.RFM_F(None, O), "#Nombre de commandes manquant"),
    (lambda: udfs.RFM_F(2, [0.0, None]), "#Plage des commandes : aucune valeur"),
])
def test_bad_input_gives_readable_hash_text(call, expected):
    value = call()
    assert isinstance(value, str) and value.startswith(expected), value
    assert "Traceback" not in value and "Error" not in value


def test_one_cell_range_is_accepted_as_a_base():
    # xlwings hands a one-cell range over as a scalar even with ndim=1 declared in VBA-less calls
    assert udfs.RFM_F(3, 3.0) == 1


def test_metadata_for_excel_help():
    for f in udfs.FUNCTIONS:
        meta = f.__xlfunc__
        assert meta["category"] == udfs.CATEGORY
        assert meta["ret"]["doc"] == f.__doc__ and len(f.__doc__) <= 255
        assert all(not a["doc"].startswith("Positional argument") for a in meta["args"]), f.__name__
        f.__doc__.encode("cp1252")  # the help text goes into the VBA project, in its code page
        for a in meta["args"]:
            a["doc"].encode("cp1252")
    ranges = {a["name"] for a in udfs.RFM_SCORE.__xlfunc__["args"] if a["options"].get("ndim") == 1}
    assert ranges == {"plage_dates", "plage_commandes", "plage_ca"}


def test_pywin32_stubs_do_not_leak():
    import sys

    from segmenter_pme.excel import xlwings_compat

    xlwings_compat.udf_decorators()
    if sys.platform != "win32":
        assert "pythoncom" not in sys.modules and "pywintypes" not in sys.modules
