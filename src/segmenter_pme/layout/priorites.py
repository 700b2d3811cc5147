"""« Priorités de la semaine »: the call lists of :func:`segmenter_pme.week.week_calls`, day by day."""

from __future__ import annotations

import pandas as pd

from ..fr import fr_int
from ..result import SegmentationResult
from ..settings import WEEK_DAYS
from ..week import THEMES, week_calls
from .model import FMT_DATE, FMT_EUR, Column, SheetLayout, Table, Text, Title

SHEET = "Priorités de la semaine"
TITLE = "Priorités de la semaine"

_COLUMNS = (Column("N°", style="cell_center"), Column("Entreprise", style="cell_wrap"), Column("Contact"),
            Column("Téléphone"), Column("Email"), Column("Pourquoi", style="cell_wrap"), Column("CA", FMT_EUR),
            Column("Dernier achat", FMT_DATE, "cell_center"))


def _quotes_line(result: SegmentationResult) -> tuple[str, ...]:
    n = len(result.open_quotes)
    if not n or "gros" not in [getattr(result.settings, f"semaine_{day}") for day in WEEK_DAYS]:
        return ()
    return (f"{fr_int(n)} devis en cours (de moins de {fr_int(result.settings.devis_jours)} jours, sans facture du "
            f"client depuis) : leurs clients sont appelés en premier, avec le numéro, la date et le montant du devis.",)


def build_priorites(result: SegmentationResult, calls: pd.DataFrame | None = None) -> SheetLayout:
    calls = week_calls(result) if calls is None else calls
    s = result.settings
    blocks: list = [
        Title(TITLE),
        Text.of(f"Analyse au {result.analysis_date:%d/%m/%Y} — la routine du guide, en liste d'appels : "
                f"{s.appels_par_jour} client{'s' if s.appels_par_jour > 1 else ''} par jour"
                + (" et par commercial" if (calls["Commercial"] != "").any() else "")
                + ", chacun une seule fois dans la semaine.",
                "Thèmes et longueur des listes : feuille « Paramètres » (Priorités de la semaine).",
                *_quotes_line(result),
                style="subtitle"),
    ]
    people = [p for p in pd.unique(calls["Commercial"])] or [""]
    for person in people:
        mine = calls[calls["Commercial"] == person]
        if person:
            blocks.append(Title(f"Commercial : {person}", style="h2", height=22, space_after=1))
        for day in WEEK_DAYS:
            theme = THEMES[getattr(s, f"semaine_{day}")].label
            day = day.capitalize()
            rows = mine[mine["Jour"] == day]
            caption = f"{day} — {theme}"
            if rows.empty:
                blocks.append(Text.of(caption, "Aucun client pour ce thème cette semaine.", style="text"))
                continue
            blocks.append(Table(
                key=f"jour_{len(blocks)}",
                caption=caption,
                columns=_COLUMNS,
                rows=tuple(tuple(r) for r in rows[["N°", "Entreprise", "Contact", "Téléphone", "Email", "Pourquoi",
                                                   "CA", "Dernier achat"]].itertuples(index=False)),
            ))
    return SheetLayout(
        name=SHEET,
        blocks=tuple(blocks),
        col_widths=((1, 2), (2, 5), (3, 30), (4, 20), (5, 16), (6, 30), (7, 58), (8, 13), (9, 13)),
        tab_color="ED7D31",
        print_title_rows=1,
    )
