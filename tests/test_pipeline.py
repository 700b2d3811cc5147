"""segment() end to end (SPEC §1–§7) on literal frames: every output column, prospects, errors."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from segmenter_pme import InputDataError, MissingColumnError, SegmenterError, Settings, segment
from segmenter_pme.fields import SEGMENT_COLUMNS
from support.settings_rows import settings_of

D0 = dt.date(2025, 12, 31)
S0 = Settings(date_analyse=D0)


def _base():
    return pd.DataFrame(
        {
            "Code client": ["C1", "C2", "C3", "C4", "C5", "C6"],
            "Entreprise": ["Alpha", "Bêta", "Gamma", "Delta", "Epsilon", "Zêta"],
            "Secteur": ["Commerce", "Commerce", "Industrie", "Industrie", "BTP", "Commerce"],
            "Date dernier achat": ["31/12/2025", "01/12/2025", "01/10/2025", "01/06/2025", "01/01/2024", None],
            "Nombre commandes": [12, 6, 3, 2, 1, 0],
            "CA total": ["12 000,00 €", "6\u00a0000", "2 500", "800", "100", ""],
            "Code postal": ["75001", 1000, "20100", "97133", "13001", "33000"],
            "Effectif": [5, 50, 300, 6000, None, 2],
        },
        index=range(2, 8),
    )


def test_spec_output_columns_in_order():
    assert SEGMENT_COLUMNS == ("Récence (jours)", "Score R", "Score F", "Score M", "Code RFM", "Segment RFM",
                              "Segment PMG", "Segment Secteur", "Taille", "Région", "Potentiel")


def test_every_output_column_exact_values():
    df = _base()
    r = segment(df, settings=S0)
    out = r.output
    assert list(out.columns) == list(SEGMENT_COLUMNS)
    assert list(out.index) == [2, 3, 4, 5, 6, 7]
    scored = out.loc[2:6]
    assert scored["Récence (jours)"].tolist() == [0, 30, 91, 213, 730]
    assert scored["Score R"].tolist() == [5, 4, 3, 2, 1]
    assert scored["Score F"].tolist() == [5, 4, 3, 2, 1]
    assert scored["Score M"].tolist() == [5, 4, 3, 2, 1]
    assert scored["Code RFM"].astype(str).tolist() == ["555", "444", "333", "222", "111"]
    assert out["Segment RFM"].astype(str).tolist() == ["Champions", "Champions", "Fidèles", "À risque", "Perdus",
                                                       "Prospect"]
    assert out["Segment PMG"].astype(str).tolist() == ["Gros", "Moyens", "Moyens", "Petits", "Petits", "Prospect"]
    assert out["Segment Secteur"].astype(str).tolist() == ["Commerce", "Commerce", "Industrie", "Industrie", "BTP",
                                                           "Commerce"]
    assert out["Taille"].astype(str).tolist() == ["TPE", "PME", "ETI", "GE", "Non renseignée", "TPE"]
    assert out["Région"].astype(str).tolist() == ["Île-de-France", "Auvergne-Rhône-Alpes", "Corse", "Hors France",
                                                  "Provence-Alpes-Côte d'Azur", "Nouvelle-Aquitaine"]
    assert out["Potentiel"].astype(str).tolist() == ["", "", "", "Grande entreprise (GE) pour un petit compte",
                                                     "", ""]


def test_prospect_is_unscored():
    out = segment(_base(), settings=S0).output
    p = out.loc[7]
    for col in ("Récence (jours)", "Score R", "Score F", "Score M", "Code RFM"):
        assert pd.isna(p[col]), col
    assert p["Segment RFM"] == "Prospect" and p["Segment PMG"] == "Prospect"


def test_clients_frame_keeps_user_columns_and_appends_outputs():
    df = _base()
    before = df.copy(deep=True)
    r = segment(df, settings=S0)
    pd.testing.assert_frame_equal(df, before)  # the user's data is not changed
    assert list(r.clients.columns) == list(df.columns) + list(SEGMENT_COLUMNS)
    pd.testing.assert_frame_equal(r.clients[list(df.columns)], before)
    pd.testing.assert_frame_equal(r.clients[list(SEGMENT_COLUMNS)], r.output)


def test_result_metadata():
    r = segment(_base(), settings=S0)
    assert r.analysis_date == D0
    assert r.settings is S0
    assert r.client_columns["ca_total"] == "CA total"
    assert r.client_columns["date_dernier_achat"] == "Date dernier achat"
    assert r.invoice_columns == {}
    assert r.rf_grid.values.sum() == 5  # scored clients only
    assert r.rf_grid.loc[5, 5] == 1 and r.rf_grid.loc[1, 1] == 1


def test_summary_per_segment():
    s = segment(_base(), settings=S0).summary
    rfm = s[s["Dimension"] == "Segment RFM"].set_index("Segment")
    assert rfm.loc["Champions", "Clients"] == 2
    assert rfm.loc["Champions", "CA"] == 18000
    assert rfm.loc["Champions", "% base"] == pytest.approx(2 / 6)
    assert rfm.loc["Champions", "% CA"] == pytest.approx(18000 / 21400)
    assert rfm.loc["Champions", "Panier moyen"] == pytest.approx(18000 / 18)
    assert rfm.loc["Champions", "CA moyen"] == pytest.approx(9000)
    assert rfm.loc["Prospect", "Clients"] == 1
    # display order follows the rules, Prospect after them
    assert list(rfm.index) == ["Champions", "Fidèles", "À risque", "Perdus", "Prospect"]


def test_small_segment_warning():
    """SPEC §4: a segment under 5 % of the base is flagged in Synthèse."""
    n = 25
    df = pd.DataFrame({
        "Code client": [f"C{i}" for i in range(n)],
        "Date dernier achat": ["31/12/2025"] + ["01/01/2023"] * (n - 1),
        "Nombre commandes": [50] + [1] * (n - 1),
        "CA total": [99999] + [10] * (n - 1),
    })
    r = segment(df, settings=S0.replace(mode_rfm="seuils"))
    assert r.output["Segment RFM"].astype(str).tolist() == ["Champions"] + ["Perdus"] * (n - 1)
    small = [w for w in r.warnings if "Champions" in w]
    assert len(small) == 1 and "4,0\u00a0%" in small[0] and "5\u00a0%" in small[0]
    assert not any("Perdus" in w for w in r.warnings)


def test_analysis_date_defaults_to_today():
    df = pd.DataFrame({"Code client": ["A"], "Date dernier achat": [dt.date.today().strftime("%d/%m/%Y")],
                       "Nombre commandes": [1], "CA total": [10]})
    r = segment(df)
    assert r.analysis_date == dt.date.today()
    assert r.output["Récence (jours)"].iloc[0] == 0


def test_today_parameter_used_when_settings_have_no_date():
    df = pd.DataFrame({"Code client": ["A"], "Date dernier achat": ["01/12/2025"],
                       "Nombre commandes": [1], "CA total": [10]})
    r = segment(df, today=D0)
    assert r.output["Récence (jours)"].iloc[0] == 30


def test_last_purchase_after_analysis_date_warns():
    df = pd.DataFrame({"Code client": ["A", "B"], "Date premier achat": ["01/01/2025", "01/01/2026"],
                       "Date dernier achat": ["01/02/2026", "01/03/2026"],
                       "Nombre commandes": [3, 1], "CA total": [10, 20]})
    r = segment(df, settings=S0)
    assert any("postérieure à la date d'analyse" in w and w.startswith("2 client") for w in r.warnings)
    out = r.output
    assert out["Récence (jours)"].iloc[0] == 0
    assert out["Segment RFM"].astype(str).iloc[1] == "Prospect"  # bought nothing before the analysis date


def test_client_with_orders_but_no_date_is_not_classified():
    df = pd.DataFrame({"Code client": ["A", "B"], "Date dernier achat": ["01/12/2025", None],
                       "Nombre commandes": [1, 4], "CA total": [10, 20]}, index=[2, 3])
    r = segment(df, settings=S0)
    assert r.output["Segment RFM"].astype(str).tolist()[1] == "Non classé"
    assert any(i.code == "date_dernier_achat_manquante" and i.row == 3 for i in r.issues)


def test_missing_orders_count_with_date_counts_as_one():
    df = pd.DataFrame({"Code client": ["A"], "Date dernier achat": ["01/12/2025"],
                       "Nombre commandes": [None], "CA total": [10]})
    r = segment(df, settings=S0)
    assert r.output["Score F"].iloc[0] == 1
    assert any(i.code == "commandes_manquantes" for i in r.issues)


def test_client_key_can_be_company_name_or_contact():
    df = pd.DataFrame({"Nom": ["Dupont"], "Date dernier achat": ["01/12/2025"], "Nombre commandes": [1],
                       "CA total": [5]})
    assert segment(df, settings=S0).output["Segment RFM"].astype(str).iloc[0] != "Prospect"


def test_column_override_from_settings():
    df = pd.DataFrame({"Réf": ["A", "B"], "Raison sociale": ["X", "Y"], "Dernier passage": ["01/12/2025", "01/01/2025"],
                       "Visites": [3, 1], "Dépense": [300, 10]})
    s = S0.replace(colonnes=(("date_dernier_achat", "Dernier passage"), ("nb_commandes", "Visites"),
                             ("ca_total", "Dépense")))
    r = segment(df, settings=s)
    assert r.output["Score M"].tolist() == [3, 1]
    assert r.client_columns["ca_total"] == "Dépense"


# ------------------------------------------------------------------ errors

def test_no_input_at_all():
    with pytest.raises(InputDataError) as exc:
        segment()
    assert "Aucune donnée" in str(exc.value)


def test_missing_required_column_names_sheet_and_column():
    df = pd.DataFrame({"Code client": ["A"], "Date dernier achat": ["01/01/2025"], "CA total": [1]})
    with pytest.raises(MissingColumnError) as exc:
        segment(df, settings=S0, clients_sheet="Base clients")
    msg = str(exc.value)
    assert "« Base clients »" in msg
    assert "« Nombre commandes »" in msg
    assert "« Code client »" in msg  # the headers that were found
    assert "Paramètres" in msg
    assert isinstance(exc.value, InputDataError) and isinstance(exc.value, SegmenterError)


def test_missing_client_key_column():
    df = pd.DataFrame({"Foo": ["A"], "Date dernier achat": ["01/01/2025"], "Nombre commandes": [1], "CA total": [1]})
    with pytest.raises(MissingColumnError, match="Entreprise"):
        segment(df, settings=S0)


def test_missing_invoice_date_column():
    inv = pd.DataFrame({"Code client": ["A"], "Montant HT": [1]})
    with pytest.raises(MissingColumnError) as exc:
        segment(invoices=inv, settings=S0, invoices_sheet="Ventes")
    assert "« Ventes »" in str(exc.value) and "« Date »" in str(exc.value)


def test_missing_invoice_amount_column():
    inv = pd.DataFrame({"Code client": ["A"], "Date": ["01/01/2025"]})
    with pytest.raises(MissingColumnError, match="Montant HT"):
        segment(invoices=inv, settings=S0)


@pytest.mark.parametrize(
    "column,value,code",
    [
        ("Date dernier achat", "31/02/2025", "date_impossible"),
        ("Date dernier achat", "bientôt", "date_illisible"),
        ("Date dernier achat", "15/03/3024", "date_illisible"),  # not Récence 62421 and « Perdus »
        ("CA total", "douze", "montant_illisible"),
        ("Nombre commandes", "x", "nombre_illisible"),
        ("Nombre commandes", "-2", "nombre_negatif"),
    ],
)
def test_unreadable_value_names_sheet_column_row_value(column, value, code):
    df = pd.DataFrame({"Code client": ["A", "B"], "Date dernier achat": ["01/01/2025", "01/02/2025"],
                       "Nombre commandes": ["1", "2"], "CA total": ["1", "2"]}, index=[5, 6], dtype=object)
    df.loc[6, column] = value
    with pytest.raises(InputDataError) as exc:
        segment(df, settings=S0, clients_sheet="Base")
    msg = str(exc.value)
    assert "feuille « Base »" in msg
    assert f"colonne « {column} »" in msg
    assert "ligne 6" in msg
    assert f"« {value} »" in msg
    assert [(i.code, i.row, i.value) for i in exc.value.issues] == [(code, 6, value)]


def test_unreadable_invoice_date_is_one_error_for_one_cell():
    inv = pd.DataFrame({"Code client": ["A", "B"], "Date": ["01/01/2025", "le 3 mars"], "Montant HT": [1, 2]},
                       index=[2, 3])
    with pytest.raises(InputDataError) as exc:
        segment(invoices=inv, settings=S0)
    assert [(i.code, i.row) for i in exc.value.issues] == [("date_illisible", 3)]
    assert "Ligne sans date" not in str(exc.value)


def test_invoice_line_without_date_is_an_error():
    inv = pd.DataFrame({"Code client": ["A", "B"], "Date": ["01/01/2025", None], "Montant HT": [1, 2]}, index=[2, 3])
    with pytest.raises(InputDataError) as exc:
        segment(invoices=inv, settings=S0, invoices_sheet="Factures")
    assert [(i.code, i.row) for i in exc.value.issues] == [("date_manquante", 3)]
    assert "feuille « Factures »" in str(exc.value) and "ligne 3" in str(exc.value)


def test_many_errors_are_summarised():
    n = 8
    df = pd.DataFrame({"Code client": [f"C{i}" for i in range(n)], "Date dernier achat": ["xx"] * n,
                       "Nombre commandes": [1] * n, "CA total": [1] * n})
    with pytest.raises(InputDataError) as exc:
        segment(df, settings=S0)
    assert "… et 3 autre(s) problème(s)" in str(exc.value)
    assert len(exc.value.issues) == n


def test_bad_values_in_client_table_are_warnings_when_invoices_supply_them():
    clients = pd.DataFrame({"Code client": ["A"], "CA total": ["beaucoup"]})
    inv = pd.DataFrame({"Code client": ["A"], "Date": ["01/06/2025"], "Montant HT": [10]})
    r = segment(clients, inv, settings=S0)
    assert r.features["ca_total"].iloc[0] == 10
    assert any(i.code == "montant_illisible" and i.severity == "avertissement" for i in r.issues)


# ------------------------------------------------------------------ edge bases

def test_zero_clients():
    """Behaviour chosen: an empty client table gives an empty result, no error."""
    df = pd.DataFrame(columns=["Code client", "Date dernier achat", "Nombre commandes", "CA total"])
    r = segment(df, settings=S0)
    assert len(r.output) == 0 and list(r.output.columns) == list(SEGMENT_COLUMNS)
    assert r.rf_grid.values.sum() == 0
    assert "Aucun client" in r.pareto.sentence


def test_only_prospects():
    df = pd.DataFrame({"Code client": ["A", "B"], "Date dernier achat": [None, None],
                       "Nombre commandes": [0, 0], "CA total": [0, 0]})
    r = segment(df, settings=S0)
    assert r.output["Segment RFM"].astype(str).tolist() == ["Prospect", "Prospect"]
    assert r.output["Segment PMG"].astype(str).tolist() == ["Prospect", "Prospect"]
    assert r.boundaries["Clients"].sum() == 0


def test_rerun_on_own_output_does_not_duplicate_columns():
    """SPEC §7: our columns are updated in place, never duplicated.

    Assumption: the same holds for segment() itself when the frame it gets
    already carries our output columns (a CSV saved after a first run), and
    our « Région » output is not read back as the user's region column.
    """
    r1 = segment(_base(), settings=S0)
    r2 = segment(r1.clients, settings=S0)
    cols = r2.clients.columns
    assert list(cols[cols.duplicated()]) == []
    assert "region" not in r2.client_columns
    pd.testing.assert_frame_equal(r2.output, r1.output)


def test_too_many_segments_warning_uses_setting():
    r = segment(_base(), settings=S0.replace(max_segments=3))
    hits = [w for w in r.warnings if "segments RFM sont utilisés" in w]
    assert len(hits) == 1 and hits[0].startswith("4 segments") and "au-delà de 3" in hits[0]
    assert not any("segments RFM sont utilisés" in w for w in segment(_base(), settings=S0).warnings)


def test_small_segment_threshold_is_a_setting():
    # Champions: 2 of 6 clients = 33 %; with a 40 % minimum it is flagged, with 5 % it is not
    flagged = segment(_base(), settings=S0.replace(seuil_petit_segment=40.0)).warnings
    assert any("« Champions »" in w for w in flagged)
    assert not any("« Champions »" in w for w in segment(_base(), settings=S0).warnings)


def test_override_naming_absent_column_is_a_french_error():
    from segmenter_pme import SettingsError

    s = S0.replace(colonnes=(("ca_total", "Montant cumulé"),))
    with pytest.raises(SettingsError) as exc:
        segment(_base(), settings=s, clients_sheet="Base")
    assert "« Montant cumulé »" in str(exc.value) and "« Base »" in str(exc.value)


def test_priority_sectors_from_settings_table():
    table = Settings().to_table()
    table.loc[table["Paramètre"] == "secteurs_prioritaires", "Valeur"] = "btp"
    table.loc[table["Paramètre"] == "date_analyse", "Valeur"] = "31/12/2025"
    s = settings_of(table.itertuples(index=False))
    out = segment(_base(), settings=s).output
    assert out.loc[6, "Potentiel"] == "Secteur prioritaire (BTP)"


def test_zero_invoice_lines():
    """Behaviour chosen: an empty invoice sheet gives no client (alone) or prospects (with a table)."""
    inv = pd.DataFrame(columns=["Code client", "Date", "Montant HT"])
    assert len(segment(invoices=inv, settings=S0).clients) == 0
    r = segment(pd.DataFrame({"Code client": ["A"], "Entreprise": ["X"]}), inv, settings=S0)
    assert r.output["Segment RFM"].astype(str).tolist() == ["Prospect"]


def test_invoice_lines_without_client_are_ignored_with_a_warning():
    inv = pd.DataFrame({"Code client": ["A", None, "  "], "Date": ["01/02/2025"] * 3, "Montant HT": [10, 20, 30]})
    r = segment(invoices=inv, settings=S0)
    assert r.clients["Code client"].tolist() == ["A"]
    hits = [i for i in r.issues if i.code == "ligne_sans_client"]
    assert len(hits) == 1 and hits[0].count == 2


def test_non_classe_is_not_flagged_as_a_small_segment():
    """SPEC §4 flags small *named* segments; « Non classé » (no purchase date) is a data problem,
    reported in Qualité, not a segment to merge with a neighbour."""
    n = 30
    df = pd.DataFrame({"Code client": [f"C{i}" for i in range(n)],
                       "Date dernier achat": ["01/06/2025"] * (n - 1) + [None],
                       "Nombre commandes": [2] * n, "CA total": [100] * n})
    r = segment(df, settings=S0)
    assert r.output["Segment RFM"].astype(str).iloc[-1] == "Non classé"
    assert not any("Non classé" in w for w in r.warnings)
