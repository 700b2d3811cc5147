"""A small hand-made HistoryResult (the shape of segmenter_pme.history_result) for the sheet tests."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from segmenter_pme.history_result import (
    CAMPAIGN_INPUT_COLUMNS,
    CAMPAIGN_RESULT_COLUMNS,
    NEW_CLIENTS,
    NOT_YET_CLIENT,
    HistoryResult,
    PotentielCheck,
)
from segmenter_pme.settings import Settings

D = dt.date(2025, 12, 31)
PERIODS = (("T3 2025", "2025-06-30", "2025-09-30"), ("T4 2025", "2025-09-30", "2025-12-31"))


def kpis() -> pd.DataFrame:
    rows = []

    def add(dim, seg, label, start, end, clients, ca, ret, evo, evo1=float("nan")):
        rows.append(dict(dimension=dim, segment=seg, period_label=label, period_start=pd.Timestamp(start),
                         period_end=pd.Timestamp(end), clients=clients, ca=ca, retention=ret,
                         evolution_ca=evo, evolution_ca_n1=evo1))

    (l3, s3, e3), (l4, s4, e4) = PERIODS
    add("RFM", "Champions", l3, s3, e3, 4, 8000.0, 1.0, float("nan"))
    add("RFM", "Champions", l4, s4, e4, 5, 12000.0, 0.8, 0.5, 0.25)
    add("RFM", "À risque", l3, s3, e3, 3, 900.0, 1 / 3, float("nan"))
    add("RFM", "À risque", l4, s4, e4, 2, 450.0, 0.5, -0.5)
    add("RFM", NEW_CLIENTS, l3, s3, e3, 1, 300.0, float("nan"), float("nan"))
    add("RFM", NEW_CLIENTS, l4, s4, e4, 2, 700.0, float("nan"), 4 / 3)
    add("PMG", "Gros", l3, s3, e3, 2, 7000.0, 1.0, float("nan"))
    add("PMG", "Gros", l4, s4, e4, 2, 9000.0, 1.0, 2 / 7)
    add("PMG", "Petits", l3, s3, e3, 5, 1900.0, 0.6, float("nan"))
    add("PMG", "Petits", l4, s4, e4, 5, 3450.0, 0.4, 3450 / 1900 - 1)
    add("Potentiel", "Petits à potentiel", l4, s4, e4, 1, 200.0, 1.0, float("nan"))
    add("Potentiel", "Autres Petits", l4, s4, e4, 4, 3250.0, 0.25, float("nan"))
    return pd.DataFrame(rows)


def migration() -> dict[str, pd.DataFrame]:
    rfm = pd.DataFrame([[4, 1], [1, 1], [1, 0]], index=["Champions", "À risque", NOT_YET_CLIENT],
                       columns=["Champions", "À risque"])
    pmg = pd.DataFrame([[2, 0], [0, 5]], index=["Gros", "Petits"], columns=["Gros", "Petits"])
    return {"RFM": rfm, "PMG": pmg}


def campaigns() -> pd.DataFrame:
    inputs = pd.DataFrame([["Relance automne", dt.datetime(2025, 10, 1), "À risque", 30, "E-mail", 120],
                           ["Mauvaise", "pas une date", "Inconnus", -3, None, None]],
                          index=[5, 6], columns=list(CAMPAIGN_INPUT_COLUMNS))
    results = pd.DataFrame([[3, 1, 1 / 3, 450.0, 0.1, 23.3, "terminée", ""],
                            [None, None, None, None, None, None, "", "Date d'envoi illisible « pas une date »."]],
                           index=[5, 6], columns=list(CAMPAIGN_RESULT_COLUMNS))
    return pd.concat([inputs, results], axis=1)


def history_result(**changes) -> HistoryResult:
    watch = pd.DataFrame([dict(key="C7", name="Dupont & Fils", row=9, previous_rfm="Champions",
                               segment_rfm="À risque", previous_pmg="Gros", segment_pmg="Gros", ca_total=25000.0,
                               ca_12m=4000.0, last_purchase=pd.Timestamp("2025-05-02"))])
    signals = pd.DataFrame([dict(axis="Secteur × Région", secteur="BTP", group="Bretagne", clients=6, ca_12m=54000.0,
                                 ca_12m_prev=30000.0, growth=0.8, base_growth=0.1, ca_per_client=9000.0,
                                 base_ca_per_client=3000.0, reason="croissance",
                                 sentence="BTP en Bretagne (6 clients) : CA 12 mois +80 % contre +10 % pour la base.")])
    periods = pd.DataFrame([dict(label=lb, start=pd.Timestamp(s), end=pd.Timestamp(e), partial=False)
                            for lb, s, e in PERIODS])
    values = dict(
        source="factures", analysis_date=D, period_kind="trimestre",
        reach="Historique rejoué à partir des lignes de factures, depuis le 30/06/2025 : 2 trimestres.",
        periods=periods, snapshots=pd.DataFrame(), kpis=kpis(), migration=migration(), migration_ca={},
        previous_segment=pd.Series(dtype=object), watch=watch, campaigns=campaigns(),
        potentiel_check=PotentielCheck(pd.Timestamp("2024-12-31"), 10, 3, 0.3, 40, 2, 0.05,
                                       "Sur 10 Petits à potentiel il y a un an, 3 (30 %) sont devenus Moyens ou "
                                       "Gros, contre 5 % des autres Petits."),
        signals=signals,
        changes=["12 clients ont changé de segment RFM depuis le 30/09/2025.",
                 "Le CA des Champions progresse de 50 % sur le trimestre."],
        settings=Settings(date_analyse=D),
    )
    values.update(changes)
    return HistoryResult(**values)


class FakeHistory:
    """Stands in for ``segmenter_pme.timeline.history`` in workbook tests: records its inputs and
    answers from ``segment()``'s result (previous segment « Champions » for every client, campaigns
    counted by hand, a remark for an unknown target)."""

    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, clients=None, invoices=None, settings=None, snapshots=None, campaigns=None, *,
                 result=None, clients_sheet="Clients", invoices_sheet="Factures", campaigns_sheet="Campagnes",
                 today=None):
        from segmenter_pme.problems import Issue

        self.calls.append(dict(snapshots=snapshots, campaigns=campaigns, invoices=invoices is not None))
        out = result.output
        d = pd.Timestamp(result.analysis_date)
        snaps = pd.DataFrame({
            "period_end": d, "key": [f"K{i}" for i in out.index], "row": list(out.index),
            "segment_rfm": out["Segment RFM"].astype(object).to_numpy(),
            "segment_pmg": out["Segment PMG"].astype(object).to_numpy(), "potentiel": False,
            "score_r": out["Score R"].to_numpy(), "score_f": out["Score F"].to_numpy(),
            "score_m": out["Score M"].to_numpy(), "ca_total": 100.0, "orders": 1, "last_purchase": d})
        rows, issues = [], []
        known = set(out["Segment RFM"].astype(str)) | set(out["Segment PMG"].astype(str))
        for label, rec in (campaigns.iterrows() if campaigns is not None else ()):
            target = rec["Cible"]
            if target in known:
                n = int((out["Segment RFM"].astype(str) == target).sum() + (out["Segment PMG"].astype(str) == target).sum())
                rows.append([n, 1, 1 / n if n else None, 99.0, 0.0, 100 / n if n else None, "terminée", ""])
            else:
                remark = f"Cible inconnue « {target} » : choisissez un segment RFM, Petits, Moyens ou Gros."
                rows.append([None] * 6 + ["", remark])
                issues.append(Issue("campagne_invalide", remark, sheet=campaigns_sheet, column="Cible", row=label,
                                    value=target))
        results = pd.DataFrame(rows, columns=list(CAMPAIGN_RESULT_COLUMNS),
                               index=campaigns.index if campaigns is not None else None)
        camp = pd.concat([campaigns, results], axis=1) if campaigns is not None else pd.DataFrame()
        return history_result(
            source="factures" if invoices is not None else ("historique" if snapshots is not None else "aucun"),
            analysis_date=result.analysis_date, snapshots=snaps, campaigns=camp, issues=issues,
            previous_segment=pd.Series("Champions", index=out.index, dtype=object),
        )
