"""« Évolution »: the per-segment dashboard over the periods (SPEC §8).

Top to bottom: where the history comes from and how far back, what changed,
the Petits-à-potentiel check and the weak signals as sentences; then one table
per dimension (RFM, PMG, Petits à potentiel) — a row per segment, a column group
per period with clients, CA, rétention and évolution du CA (colour scales on the
two rates) —; the segment sizes over the periods and their line chart; the
migration matrices RFM and PMG as heat maps; the campaigns' results; the
clients to watch, each linked to its row of the client sheet.

Every table is an Excel Table with a stable name (``tbl_kpi_rfm``…) so that a
user can build a pivot table or a chart on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

import pandas as pd

from ..history_result import NEW_CLIENTS, OTHER_SMALL, POTENTIAL
from ..rules import PROSPECT
from .campagnes import INPUT_FORMATS, INPUT_HEADERS, RESULT_FORMATS, RESULT_HEADERS
from .model import (FMT_DATE, FMT_EUR, FMT_INT, FMT_PCT0, Cell, Chart, ColorScale, Column, SheetLayout, Table, Text,
                    Title, plain)

SHEET = "Évolution"

_PMG_ORDER = ("Gros", "Moyens", "Petits")
DIMENSIONS = (
    ("RFM", "tbl_kpi_rfm", "Segments RFM", "Segment RFM"),
    ("PMG", "tbl_kpi_pmg", "Petits, Moyens, Gros clients", "Segment PMG"),
    ("Potentiel", "tbl_kpi_potentiel", "Petits à potentiel", "Groupe"),
)
# red (falling) → white → green (growing); rétention: white → green
_RED, _GREEN = "F8696B", "63BE7B"
# nine distinguishable series colours for the segment-size chart (Office palette + darker shades)
_SERIES_COLORS = ("2F5597", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E", "636363")


def _f(v: Any) -> float | None:
    v = plain(v)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _date(v: Any) -> dt.date | None:
    v = plain(v)
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else None


def _ordered_segments(dimension: str, present: Iterable[str], rule_names: list[str]) -> list[str]:
    present = [s for s in dict.fromkeys(present) if s != NEW_CLIENTS]
    if dimension == "RFM":
        order = rule_names + [PROSPECT]
    elif dimension == "PMG":
        order = list(_PMG_ORDER)
    else:
        order = [POTENTIAL, OTHER_SMALL]
    rank = {name: i for i, name in enumerate(order)}
    return sorted(present, key=lambda s: (rank.get(s, len(rank)), str(s)))


def _periods(kpis: pd.DataFrame) -> list[tuple[str, dt.date | None]]:
    """``(label, end)`` of each period, oldest first."""
    if kpis is None or len(kpis) == 0:
        return []
    p = kpis[["period_label", "period_end"]].drop_duplicates("period_label")
    p = p.assign(_e=pd.to_datetime(p["period_end"], errors="coerce")).sort_values("_e", kind="stable")
    return [(str(r.period_label), _date(r.period_end)) for r in p.itertuples(index=False)]


def kpi_table(kpis: pd.DataFrame, dimension: str, key: str, caption: str, first_header: str,
              rule_names: list[str]) -> Table | None:
    """One row per segment (then the new clients), one group of four columns per period."""
    part = kpis[kpis["dimension"] == dimension] if kpis is not None and len(kpis) else None
    if part is None or len(part) == 0:
        return None
    periods = _periods(part)
    by = {(str(r["segment"]), str(r["period_label"])): r for r in part.to_dict("records")}
    segments = _ordered_segments(dimension, part["segment"].astype(str), rule_names)
    if (part["segment"] == NEW_CLIENTS).any():
        segments.append(NEW_CLIENTS)
    columns = [Column(first_header, style="label")]
    scales = []
    for i, (label, _) in enumerate(periods):
        base = 1 + 4 * i
        columns += [
            Column(f"{label} · Clients", FMT_INT),
            Column(f"{label} · CA", FMT_EUR),
            Column(f"{label} · Rétention", FMT_PCT0),
            Column(f"{label} · Évol. CA", FMT_PCT0),
        ]
        # rétention: compare the segments of one period; évolution: red below zero, green above
        scales.append(ColorScale(base + 2, base + 2, start_color="FFFFFF", end_color=_GREEN))
        scales.append(ColorScale(base + 3, base + 3, start_color=_RED, mid_color="FFFFFF", end_color=_GREEN))
    last_label = periods[-1][0] if periods else ""
    columns.append(Column("Évol. CA sur un an", FMT_PCT0))
    scales.append(ColorScale(len(columns) - 1, len(columns) - 1, start_color=_RED, mid_color="FFFFFF",
                             end_color=_GREEN))
    rows = []
    for seg in segments:
        line: list[Any] = [seg]
        for label, _ in periods:
            r = by.get((seg, label), {})
            line += [plain(r.get("clients")), _f(r.get("ca")), _f(r.get("retention")), _f(r.get("evolution_ca"))]
        line.append(_f(by.get((seg, last_label), {}).get("evolution_ca_n1")))
        rows.append(tuple(line))
    return Table(
        key=key, caption=caption, columns=tuple(columns), rows=tuple(rows), excel_name=key,
        color_scales=tuple(scales), excel_style="TableStyleLight9",
    )


def sizes_table(kpis: pd.DataFrame, dimension: str, key: str, rule_names: list[str]) -> Table | None:
    """Rows = periods, columns = segments: the chart's data (clients at the start of each period)."""
    part = kpis[(kpis["dimension"] == dimension) & (kpis["segment"] != NEW_CLIENTS)] if len(kpis) else kpis
    if part is None or len(part) == 0:
        return None
    periods = _periods(part)
    segments = _ordered_segments(dimension, part["segment"].astype(str), rule_names)
    counts = {(str(r["segment"]), str(r["period_label"])): plain(r["clients"]) for r in part.to_dict("records")}
    rows = tuple((label, *(counts.get((s, label)) or 0 for s in segments)) for label, _ in periods)
    return Table(
        key=key, caption="Nombre de clients par segment RFM au début de chaque période",
        columns=(Column("Période", style="label"), *(Column(s, FMT_INT) for s in segments)),
        rows=rows, excel_name="tbl_effectifs_rfm", excel_style="TableStyleLight9",
    )


def migration_table(matrix: pd.DataFrame | None, key: str, caption: str, start: str, end: str) -> Table | None:
    if matrix is None or matrix.size == 0:
        return None
    cols = [str(c) for c in matrix.columns]
    rows = tuple((str(idx), *(int(_f(v) or 0) for v in rec)) for idx, rec in zip(matrix.index, matrix.to_numpy()))
    return Table(
        key=key, caption=caption,
        columns=(Column("Avant ↓ · après →", style="label"),
                 *(Column(c, FMT_INT, style="cell_center") for c in cols)),
        rows=rows, excel_name=key, excel_style="TableStyleLight9",
        color_scale=ColorScale(1, len(cols), start_color="FFFFFF", end_color="5B9BD5"),
        note=(f"Lecture : chaque ligne part du segment du client au {start}, chaque colonne dit où il est au "
              f"{end} ; la diagonale compte ceux qui n'ont pas bougé."),
    )


def watch_table(watch: pd.DataFrame | None, clients_sheet: str, key_col: str = "A") -> Table:
    quoted = "'" + clients_sheet.replace("'", "''") + "'"
    rows = []
    for r in (watch.head(50).to_dict("records") if watch is not None else []):
        row = plain(r.get("row"))
        name = plain(r.get("name")) or plain(r.get("key"))
        link = Cell(name, style="link", link=f"{quoted}!{key_col}{int(row)}") if isinstance(row, int) else name
        rows.append((
            link, plain(r.get("key")),
            f"{plain(r.get('previous_rfm')) or '—'} → {plain(r.get('segment_rfm')) or '—'}",
            f"{plain(r.get('previous_pmg')) or '—'} → {plain(r.get('segment_pmg')) or '—'}",
            _f(r.get("ca_12m")), _date(r.get("last_purchase")),
        ))
    return Table(
        key="tbl_surveiller",
        caption="Clients à surveiller (anciens Champions, Fidèles ou Gros qui décrochent)",
        columns=(Column("Client (lien vers sa ligne)", style="cell"), Column("Code", style="key"),
                 Column("Segment RFM (avant → maintenant)"), Column("Segment PMG (avant → maintenant)"),
                 Column("CA 12 mois", FMT_EUR), Column("Dernier achat", FMT_DATE)),
        rows=tuple(rows) or (("Aucun client à surveiller sur la dernière période.", None, None, None, None, None),),
        excel_name="tbl_surveiller", excel_style="TableStyleLight9",
        note="Les 50 plus gros par CA des 12 derniers mois ; cliquez sur un nom pour aller à sa ligne.",
    )


def campaigns_table(campaigns: pd.DataFrame | None) -> Table:
    headers = list(INPUT_HEADERS) + list(RESULT_HEADERS)
    formats = INPUT_FORMATS | RESULT_FORMATS
    rows = []
    for r in (campaigns.to_dict("records") if campaigns is not None else []):
        rows.append(tuple(plain(r.get(h)) if not isinstance(r.get(h), dt.datetime) else r.get(h).date()
                          for h in headers))
    wrap = {"Remarque", "Campagne", "Statut", "Cible"}
    return Table(
        key="tbl_campagnes", caption="Résultats des campagnes (feuille « Campagnes »)",
        columns=tuple(Column(h, formats.get(h), style="cell_wrap" if h in wrap else "cell")
                      for h in headers),
        rows=tuple(rows) or (("Aucune campagne saisie : notez-les dans la feuille « Campagnes ».",
                              *([None] * (len(headers) - 1))),),
        excel_name="tbl_campagnes", excel_style="TableStyleLight9",
        note="Effet (points) = taux de conversion − taux habituel du même public sur une durée égale avant l'envoi.",
    )


def signals_table(signals: pd.DataFrame | None) -> Table:
    """The weak signals, one sentence each, with their figures beside for a pivot table."""
    rows = []
    for r in (signals.to_dict("records") if signals is not None and len(signals) else []):
        rows.append((plain(r.get("sentence")), plain(r.get("axis")), plain(r.get("secteur")), plain(r.get("group")),
                     plain(r.get("clients")), _f(r.get("ca_12m")), _f(r.get("growth")), _f(r.get("ca_per_client"))))
    if not rows:
        rows = [("Aucun signal faible : aucun groupe secteur × région ou secteur × taille ne se détache de la base.",
                 None, None, None, None, None, None, None)]
    return Table(
        key="tbl_signaux", caption="Signaux faibles (groupes qui se détachent de la base)",
        columns=(Column("Signal", style="cell_wrap"), Column("Axe"), Column("Secteur", style="cell_wrap"),
                 Column("Groupe", style="cell_wrap"), Column("Clients", FMT_INT), Column("CA 12 mois", FMT_EUR),
                 Column("Croissance", FMT_PCT0), Column("CA par client", FMT_EUR)),
        rows=tuple(rows), excel_name="tbl_signaux", excel_style="TableStyleLight9",
    )


def _sentences(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, pd.DataFrame):
        col = next((c for c in ("sentence", "phrase", "text") if c in value.columns), None)
        return [str(v) for v in value[col]] if col else []
    if isinstance(value, dict):
        s = value.get("sentence")
        return [str(s)] if s else []
    s = getattr(value, "sentence", None)
    if s:
        return [str(s)]
    try:
        return [str(v) for v in value if str(v).strip()]
    except TypeError:
        return [str(value)]


def build_evolution(history: Any, result: Any, clients_sheet: str = "Clients", key_col: str = "A") -> SheetLayout:
    """The « Évolution » sheet of ``history`` (a ``HistoryResult``) for the run ``result``."""
    rule_names = [r.name for r in result.settings.regles_segments]
    kpis = history.kpis if history.kpis is not None else pd.DataFrame()
    periods = _periods(kpis)
    blocks: list = [
        Title("Évolution des segments dans le temps"),
        Text.of(history.reach, style="subtitle"),
    ]
    changes = _sentences(getattr(history, "changes", None))
    blocks.append(Title("Ce qui a changé sur la dernière période", style="h2", height=None))
    blocks.append(Text(tuple(f"• {s}" for s in changes) or ("Pas encore d'historique à comparer.",),
                       style="text"))
    check = _sentences(getattr(history, "potentiel_check", None))
    if check:
        blocks.append(Title("Les « Petits à potentiel » tiennent-ils leurs promesses ?", style="h2", height=None))
        # one sentence per line: a long one would run past the printed page
        lines = [part.strip() + ("" if part.strip().endswith(".") else ".")
                 for s in check for part in s.split(". ") if part.strip()]
        blocks.append(Text(tuple(lines), style="text"))
    blocks.append(signals_table(history.signals))

    for dimension, key, caption, first_header in DIMENSIONS:
        t = kpi_table(kpis, dimension, key, caption, first_header, rule_names)
        if t is not None:
            blocks.append(t)
    if periods:
        blocks.append(Text.of(
            "Clients = membres du segment au début de la période ; CA = leur chiffre d'affaires net dans la période ; "
            "Rétention = part d'entre eux qui ont commandé dans la période ; Évol. CA = CA de la période comparé à "
            "celui de la période précédente (dernière colonne : à la même période un an plus tôt).",
            style="note"))
    sizes = sizes_table(kpis, "RFM", "effectifs_rfm", rule_names)
    if sizes is not None and len(sizes.rows) > 1:
        blocks.append(sizes)
        blocks.append(Chart(
            key="g_effectifs", kind="line", title="Nombre de clients par segment RFM, période par période",
            source="effectifs_rfm", categories="Période", series=tuple(c.header for c in sizes.columns[1:]),
            y_format=FMT_INT, place="flow", width_cm=22, height_cm=9, colors=_SERIES_COLORS,
        ))
    migration = getattr(history, "migration", None) or {}
    if periods:
        start = periods[-1][1]
        # the last period starts where the previous one ended
        start_txt = f"{periods[-2][1]:%d/%m/%Y}" if len(periods) > 1 and periods[-2][1] else "début de période"
        end_txt = f"{start:%d/%m/%Y}" if start else "aujourd'hui"
        for dim, key, caption in (("RFM", "tbl_migration_rfm", "Mouvements entre segments RFM"),
                                  ("PMG", "tbl_migration_pmg", "Mouvements entre Petits, Moyens et Gros")):
            t = migration_table(migration.get(dim), key, f"{caption} ({start_txt} → {end_txt})", start_txt, end_txt)
            if t is not None:
                blocks.append(t)
    blocks.append(campaigns_table(getattr(history, "campaigns", None)))
    blocks.append(watch_table(getattr(history, "watch", None), clients_sheet, key_col))

    widths = {1: 2, 2: 30}
    widest = max((len(b.columns) for b in blocks if isinstance(b, Table)), default=2)
    for c in range(3, 2 + widest):
        widths[c] = 10.5
    return SheetLayout(
        name=SHEET, blocks=tuple(blocks), col_widths=tuple(widths.items()), tab_color="548235",
        freeze="C1", zoom=90, fit_width=False,
    )
