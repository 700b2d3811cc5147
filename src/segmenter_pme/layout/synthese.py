"""« Synthèse »: the one page a sales manager reads.

Top to bottom: key figures, the Pareto sentence, points to watch, one table per
dimension (RFM, PMG, secteur, taille, région) with its native chart on the
right, the R×F heat map, the score boundaries and the Pareto curve's data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..result import SegmentationResult
from ..fr import fr_int
from ..rules import PROSPECT
from ..summary import is_small_segment
from .model import (
    FMT_DATE,
    FMT_EUR,
    FMT_INT,
    FMT_PCT,
    FMT_PCT0,
    Cell,
    Chart,
    ColorScale,
    Column,
    SheetLayout,
    Table,
    Text,
    Title,
    plain,
)

SHEET = "Synthèse"

DIMENSIONS = (
    ("Segment RFM", "Segments RFM", "Segment RFM"),
    ("Segment PMG", "Petits, Moyens, Gros clients", "Segment PMG"),
    ("Segment Secteur", "Secteurs d'activité", "Secteur"),
    ("Taille", "Taille des entreprises clientes", "Taille"),
    ("Région", "Régions", "Région"),
)
_PMG_ORDER = ("Gros", "Moyens", "Petits", "Petits à potentiel")
# rows of the RFM table that are not segments of the rules: never « too small to act on »
_UNNAMED = (PROSPECT, "Non classé")
_SCORE_COLUMNS = (("R", "Récence (R)"), ("F", "Fréquence (F)"), ("M", "Montant (M)"))


def _f(v: Any) -> float:
    v = plain(v)
    return float(v) if isinstance(v, (int, float)) else 0.0


def _segment_table(key: str, caption: str, first_header: str, part: pd.DataFrame,
                   small_pct: float | None, base_note: str | None = None) -> Table:
    """Clients, % base, CA, % CA, panier moyen, CA moyen, with a total row."""
    rows = []
    for rec in part.to_dict("records"):
        share = _f(rec.get("% base"))
        share_cell: Any = share
        if small_pct is not None and rec.get("Segment") not in _UNNAMED and 0 < share \
                and is_small_segment(share, small_pct):
            share_cell = Cell(share, style="warning")
        rows.append((rec.get("Segment"), plain(rec.get("Clients")), share_cell, plain(rec.get("CA")),
                     _f(rec.get("% CA")), plain(rec.get("Panier moyen")), plain(rec.get("CA moyen"))))
    clients = sum(_f(r[1]) for r in rows)
    ca = sum(_f(r[3]) for r in rows)
    orders = float(pd.to_numeric(part.get("Commandes", pd.Series(dtype=float)), errors="coerce").fillna(0).sum())
    note = None
    if small_pct is not None and any(isinstance(r[2], Cell) for r in rows):
        note = (f"En orange : segment de moins de {small_pct:g} % de la base. Il ne justifie pas d'actions "
                "propres : regroupez-le avec un segment voisin.")
    if base_note:
        note = f"{note} {base_note}" if note else base_note
    return Table(
        key=key,
        caption=caption,
        columns=(
            Column(first_header, style="label_wrap"),  # long sector names are read whole
            Column("Clients", FMT_INT, total=int(clients)),
            Column("% base", FMT_PCT, total=1.0 if clients else 0.0),
            Column("CA", FMT_EUR, total=ca),
            Column("% CA", FMT_PCT, total=1.0 if ca else 0.0),
            Column("Panier moyen", FMT_EUR, total=ca / orders if orders else None),
            Column("CA moyen", FMT_EUR, total=ca / clients if clients else None),
        ),
        rows=tuple(rows),
        total_label="Total",
        note=note,
    )


def _ordered(part: pd.DataFrame, dimension: str, result: SegmentationResult) -> pd.DataFrame:
    if dimension == "Segment RFM":
        order = [r.name for r in result.settings.regles_segments] + [PROSPECT]
    elif dimension == "Segment PMG":
        order = list(_PMG_ORDER)
    else:
        # catch-all rows go last, whatever their size
        tail = ("Autres secteurs", "Autres", "Non renseigné", "Inconnue", "Hors France", "—")
        is_tail = part["Segment"].isin(tail)
        return pd.concat([part[~is_tail], part[is_tail]])
    rank = {name: i for i, name in enumerate(order)}
    return part.assign(_o=part["Segment"].map(lambda s: rank.get(s, len(rank)))).sort_values("_o", kind="stable").drop(columns="_o")


def _pareto_points(curve: pd.DataFrame) -> list[tuple[float, float]]:
    """The curve resampled on a fixed grid of client shares (fractions), so its data table stays short."""
    if curve is None or len(curve) == 0 or not {"% clients", "% CA"} <= set(curve.columns):
        return []
    x = pd.to_numeric(curve["% clients"], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(curve["% CA"], errors="coerce").to_numpy(dtype=float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if len(x) == 0:
        return []
    if np.nanmax(x) > 1.5 or np.nanmax(y) > 1.5:  # given as 0..100
        x, y = x / 100, y / 100
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    if x[0] > 0:
        x, y = np.concatenate(([0.0], x)), np.concatenate(([0.0], y))
    # 1 % steps where the curve bends (the first fifth of clients), 5 % after: 37 rows
    grid = np.concatenate((np.linspace(0, 0.2, 21), np.linspace(0.25, 1, 16)))
    return [(float(g), float(np.clip(np.interp(g, x, y), 0, 1))) for g in grid]


def _boundaries_table(b: pd.DataFrame, mode: str) -> Table | None:
    """One row per dimension, one column per score: the band and its number of clients."""
    if b is None or len(b) == 0 or not {"Dimension", "Score"} <= set(b.columns):
        return None
    scores = pd.to_numeric(b["Score"], errors="coerce")
    rows = []
    for dim, label in _SCORE_COLUMNS:
        line: list[Any] = [label]
        for score in (5, 4, 3, 2, 1):
            hit = b[(b["Dimension"].astype(str) == dim) & (scores == score)]
            if len(hit) == 0:
                line.append("—")
                continue
            rec = hit.iloc[0]
            text = plain(rec["Règle"]) if "Règle" in b.columns else None
            if not text:
                text = f"{plain(rec.get('Min'))} à {plain(rec.get('Max'))}"
            n = plain(rec.get("Clients"))
            if isinstance(n, (int, float)) and n > 0:
                text = f"{text}\n{int(n)} client{'s' if n > 1 else ''}"
            line.append(text)
        rows.append(tuple(line))
    how = ("bornes calculées sur votre base : chaque score regroupe environ un cinquième des clients ayant commandé "
           "(les clients à égalité reçoivent le même score)"
           if mode == "quintiles" else "bornes fixes définies dans « Paramètres »")
    return Table(
        key="bornes",
        caption="Bornes des scores (5 = meilleur)",
        columns=(Column("Dimension", style="label_wrap"),
                 *(Column(f"Score {s}", style="cell_center_wrap") for s in (5, 4, 3, 2, 1))),
        rows=tuple(rows),
        note=f"Mode {mode} : {how}.",
    )


def _grid_table(grid: pd.DataFrame) -> Table | None:
    if grid is None or grid.size == 0:
        return None
    g = grid.copy()
    g.index = [int(i) for i in g.index]
    g.columns = [int(c) for c in g.columns]
    rows = []
    for r in sorted(g.index, reverse=True):
        rows.append((f"R = {r}", *(int(_f(g.at[r, f])) if f in g.columns else 0 for f in range(1, 6))))
    return Table(
        key="grille_rf",
        caption="Clients par score de récence (R) et de fréquence (F)",
        columns=(Column("Récence \\ Fréquence", style="label"),
                 *(Column(f"F = {f}", FMT_INT, style="cell_center") for f in range(1, 6))),
        rows=tuple(rows),
        color_scale=ColorScale(1, 5, start_color="FFFFFF", end_color="5B9BD5"),
        note="Lecture : en haut à droite, les clients récents et fréquents ; en bas à gauche, "
        "ceux qui ont acheté une fois, il y a longtemps.",
    )


def _changes_blocks(changes: tuple[str, list[str]]) -> list:
    """« Ce qui a changé ce trimestre »: the history's sentences and a link to « Évolution »."""
    when, sentences = changes
    lines = tuple(f"• {s}" for s in sentences) or ("Pas encore d'historique à comparer : la prochaine analyse "
                                                   "dira qui a changé de segment.",)
    return [
        Title(f"Ce qui a changé {when}", style="h2", height=None),
        Text(lines, style="text", space_after=0),
        Table(key="lien_evolution", columns=(Column("Lien", style="link"),), show_header=False,
              rows=((Cell("→ Le détail par segment et par période : feuille « Évolution »",
                          link="'Évolution'!A1"),),)),
    ]


def build_synthese(result: SegmentationResult, changes: tuple[str, list[str]] | None = None) -> SheetLayout:
    """The Synthèse of ``result``; ``changes`` = (« ce trimestre », sentences) adds « Ce qui a changé »."""
    s = result.summary
    settings = result.settings
    rfm = s[s["Dimension"] == "Segment RFM"]
    n_clients = int(pd.to_numeric(rfm["Clients"], errors="coerce").fillna(0).sum())
    ca_total = float(pd.to_numeric(rfm["CA"], errors="coerce").fillna(0).sum())
    orders = float(pd.to_numeric(rfm.get("Commandes", pd.Series(dtype=float)), errors="coerce").fillna(0).sum())
    prospects = int(pd.to_numeric(rfm.loc[rfm["Segment"] == PROSPECT, "Clients"], errors="coerce").fillna(0).sum())
    named = rfm[~rfm["Segment"].isin(_UNNAMED) & (pd.to_numeric(rfm["Clients"], errors="coerce") > 0)]

    blocks: list = [
        Title("Synthèse de la segmentation clients"),
        Text.of(f"Analyse au {result.analysis_date:%d/%m/%Y} · scores RFM en mode {settings.mode_rfm} · "
                f"Petits / Moyens / Gros par {'rang' if settings.methode_pmg == 'rang' else 'part du CA'}",
                style="subtitle"),
        Table(
            key="chiffres",
            caption="Chiffres clés",
            columns=(Column("Indicateur", style="kpi_label"), Column("Valeur", style="kpi_value")),
            rows=(
                ("Date d'analyse", Cell(result.analysis_date, number_format=FMT_DATE)),
                ("Clients dans la base", Cell(n_clients, number_format=FMT_INT)),
                ("Clients ayant commandé", Cell(n_clients - prospects, number_format=FMT_INT)),
                ("Prospects (aucune commande)", Cell(prospects, number_format=FMT_INT)),
                ("Chiffre d'affaires total", Cell(ca_total, number_format=FMT_EUR)),
                ("Panier moyen", Cell(ca_total / orders if orders else None, number_format=FMT_EUR)),
            ),
            show_header=False,
        ),
    ]
    if result.pareto is not None and result.pareto.sentence:
        blocks.append(Text.of(result.pareto.sentence, style="strong"))

    warnings = list(result.warnings)
    if len(named) > settings.max_segments and not any("segments" in w.lower() for w in warnings):
        warnings.append(
            f"{len(named)} segments RFM sont utilisés : au-delà de {settings.max_segments}, regroupez des "
            "segments voisins pour garder un plan d'actions praticable."
        )
    blocks.append(Title("Points d'attention", style="h2", height=None))
    if warnings:
        # wrapped across the table's width: a long point is read whole, on screen and on paper
        blocks.append(Text(tuple(f"• {w}" for w in warnings), style="warning_wrap", span=7))
    else:
        blocks.append(Text.of("Aucun point d'attention.", style="ok", span=7))

    if changes is not None:
        blocks.extend(_changes_blocks(changes))

    charts: list[Chart] = []
    for dimension, caption, first_header in DIMENSIONS:
        part = s[s["Dimension"] == dimension]
        if len(part) == 0:
            continue
        key = "t_" + first_header.split()[-1].lower()
        part = _ordered(part, dimension, result)
        small = settings.seuil_petit_segment if dimension == "Segment RFM" else None
        base_note = None
        if dimension == "Segment PMG" and prospects:
            # the Pareto sentence counts the buyers only: say which base each percentage uses
            base_note = (f"« % base » : part de tous les clients, les {fr_int(prospects)} prospects compris ; la "
                         "phrase sur les Gros, plus haut, compte les seuls clients ayant commandé.")
        blocks.append(_segment_table(key, caption, first_header, part, small, base_note))
        if dimension == "Segment RFM":
            charts.append(Chart(
                key="g_rfm", kind="column", title="Part des clients et du CA par segment RFM",
                source=key, categories=first_header, series=("% base", "% CA"),
                series_titles=("Part des clients", "Part du CA"),
                y_format=FMT_PCT0, data_labels=True, width_cm=18, height_cm=9,
            ))
        elif dimension == "Segment Secteur":
            charts.append(Chart(
                key="g_secteur", kind="bar", title="Part du CA par secteur",
                source=key, categories=first_header, series=("% CA",), y_format=FMT_PCT0, data_labels=True,
                width_cm=17, height_cm=max(6.0, 1.2 + 0.75 * len(part)),
            ))

    points = _pareto_points(result.pareto.curve) if result.pareto is not None else []
    grid = _grid_table(result.rf_grid)
    if grid is not None:
        blocks.append(grid)
    bounds = _boundaries_table(result.boundaries, settings.mode_rfm)
    if bounds is not None:
        blocks.append(bounds)
    if points:
        blocks.append(Table(
            key="pareto",
            caption="Courbe de Pareto (données du graphique)",
            columns=(Column("% clients", FMT_PCT0, style="cell_center"), Column("% CA", FMT_PCT, style="cell_center")),
            rows=tuple(points),
            note="Clients classés du plus gros au plus petit CA : part cumulée du CA réalisée par les x % premiers.",
            printed=False,  # the curve's data: on screen for who wants it, not on paper
        ))
        charts.append(Chart(
            key="g_pareto", kind="scatter", title="Courbe de Pareto : part cumulée du CA",
            source="pareto", categories="% clients", series=("% CA",),
            x_title="% des clients (du plus gros au plus petit)", y_title="% du CA",
            x_format=FMT_PCT0, y_format=FMT_PCT0, x_max=1, y_max=1,
            next_to="t_pmg" if any(getattr(b, "key", None) == "t_pmg" for b in blocks) else None,
            width_cm=17, height_cm=8,
        ))
    blocks.extend(charts)

    widths = {1: 2, 2: 30, 3: 15, 4: 15, 5: 15, 6: 15, 7: 15, 8: 15, 9: 3}
    return SheetLayout(
        name=SHEET,
        blocks=tuple(blocks),
        col_widths=tuple(widths.items()),
        tab_color="2F5597",
        side_col=10,
        print_title_rows=2,
    )
