"""« Fiches segments »: the cards of :mod:`.cards` laid out to print one A4 page per segment."""

from __future__ import annotations

from typing import Any, Sequence

from ..fr import fr_number
from ..result import SegmentationResult
from .cards import SegmentCard, segment_cards
from .model import FMT_DATE, FMT_EUR, FMT_PCT, Cell, Column, PageBreak, SheetLayout, Spacer, Table, Text, Title

SHEET = "Fiches segments"
TITLE = "Fiches segments"


def groups_text(groups: list[tuple[str, float]]) -> str:
    """``[("Commerce", 0.19), …]`` → « Commerce (19 %), … »."""
    return ", ".join(f"{name} ({fr_number(100 * share)} %)" for name, share in groups) or "—"


def frequency_text(card: SegmentCard) -> str:
    if card.frequency is None:
        return "Aucune commande"
    return f"{fr_number(card.frequency, 1)} commande{'s' if card.frequency >= 2 else ''} par client en moyenne"


def facts(card: SegmentCard) -> list[tuple[str, Any]]:
    """(label, value) of a card, in reading order — the PDF shows the same lines."""
    rows: list[tuple[str, Any]] = [
        ("Règle", card.rule),
        ("Clients", card.clients),
        ("% de la base", card.share_base),
        ("% du CA", card.share_ca),
        ("CA du segment", card.ca),
        ("Panier moyen", card.basket if card.basket is not None else "—"),
        ("Fréquence d'achat", frequency_text(card)),
        ("Secteurs principaux", groups_text(card.top_sectors)),
        ("Régions principales", groups_text(card.top_regions)),
        ("Objectif", card.objective),
    ]
    rows += [(f"Action {i}", a) for i, a in enumerate(card.actions, start=1)]
    rows += [("Canal", card.channel), ("Cadence", card.cadence), ("Indicateurs", card.indicators)]
    if card.key_message:
        rows.append(("Message clé", card.key_message))
    if card.owner:
        rows.append(("Responsable", card.owner))
    return rows


_FORMATS = {"Clients": "#,##0", "% de la base": FMT_PCT, "% du CA": FMT_PCT, "CA du segment": FMT_EUR,
            "Panier moyen": FMT_EUR}


def build_fiches(result: SegmentationResult, plan_rows: Sequence[dict[str, Any]] = (),
                 cards: list[SegmentCard] | None = None) -> SheetLayout:
    cards = segment_cards(result, plan_rows) if cards is None else cards
    blocks: list = [Title(TITLE, height=24)]
    blocks.append(Text.of(f"Analyse au {result.analysis_date:%d/%m/%Y} — une page par segment, pour l'équipe "
                          "commerciale.", "Objectifs et actions viennent du « Plan d'actions » : modifiez-les "
                          "là-bas.", style="subtitle"))
    for i, card in enumerate(cards):
        if i:
            blocks.append(PageBreak())
        family = "RFM" if card.family == "Segment RFM" else "Petits / Moyens / Gros"
        blocks.append(Title(f"{card.name}  ·  {family}", style="h2", height=22, space_after=0))
        blocks.append(Text.of(card.portrait or " ", style="strong", space_after=1))
        blocks.append(Table(
            key=f"fiche_{i}",
            columns=(Column("Repère", style="label_wrap"), Column("Valeur", style="cell_left_wrap")),
            rows=tuple((label, Cell(value, number_format=_FORMATS.get(label)) if label in _FORMATS else value)
                       for label, value in facts(card)),
            show_header=False,
        ))
        top = card.top_clients
        blocks.append(Table(
            key=f"clients_{i}",
            caption=f"Les {len(top)} plus gros clients du segment",
            columns=(Column("Code client"), Column("Entreprise", style="cell_wrap"), Column("CA", FMT_EUR),
                     Column("Dernier achat", FMT_DATE, "cell_center"), Column("Commercial")),
            rows=tuple(tuple(r) for r in top[["Code client", "Entreprise", "CA", "Dernier achat",
                                              "Commercial"]].itertuples(index=False)),
            space_after=0,
        ))
        blocks.append(Spacer(1))
    widths = ((1, 2), (2, 22), (3, 46), (4, 15), (5, 14), (6, 18))
    return SheetLayout(
        name=SHEET,
        blocks=tuple(blocks),
        col_widths=widths,
        tab_color="5B9BD5",
        landscape=False,
        print_title_rows=1,
    )

