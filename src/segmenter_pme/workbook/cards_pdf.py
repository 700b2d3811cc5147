"""The segment cards as a PDF, one A4 page per segment (reportlab: no LibreOffice on the user's machine).

The same cards as the « Fiches segments » sheet (:mod:`segmenter_pme.layout.cards`),
the same lines (:func:`segmenter_pme.layout.fiches.facts`). reportlab's
standard fonts use the Windows-1252 encoding: French text (é, œ, €, « »)
prints as is; the narrow no-break space of French numbers becomes a plain
no-break space, which that encoding has.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.sax.saxutils import escape

from ..errors import WorkbookError
from ..fr import fr_number
from ..layout.cards import SegmentCard
from ..layout.fiches import facts
from . import files

NAVY = "#1F3864"
BLUE = "#2F5597"
BLUE_LIGHT = "#DDEBF7"


def _t(value) -> str:
    """Text for a reportlab Paragraph: XML-escaped, in characters Windows-1252 has."""
    text = escape(str(value if value is not None else ""))
    for a, b in (("\u202f", "\u00a0"), ("\u2011", "-"), ("≥", ">="), ("≤", "<=")):
        text = text.replace(a, b)
    return text.encode("cp1252", "replace").decode("cp1252")


def _value(label: str, value) -> str:
    if isinstance(value, str):
        return value
    if label in ("% de la base", "% du CA"):
        return fr_number(100 * value, 1) + " %"
    if label in ("CA du segment", "Panier moyen"):
        return fr_number(value) + " €"
    return fr_number(value)


def cards_pdf_bytes(cards: list[SegmentCard], analysis_date: dt.date, source_name: str = "") -> bytes:
    """The PDF document of ``cards`` (one page each) as bytes."""
    import io

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11.5)
    label = ParagraphStyle("label", parent=body, fontName="Helvetica-Bold", textColor=colors.HexColor(NAVY))
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=18, leading=22,
                           textColor=colors.HexColor(NAVY), spaceAfter=4)
    portrait = ParagraphStyle("portrait", parent=body, fontName="Helvetica-Oblique", fontSize=11, leading=14,
                              spaceAfter=8)
    caption = ParagraphStyle("caption", parent=body, fontName="Helvetica-Bold", fontSize=11, leading=14,
                             textColor=colors.HexColor(NAVY), spaceBefore=10, spaceAfter=4)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=small, fontName="Helvetica-Bold", textColor=colors.white)
    right = ParagraphStyle("right", parent=small, alignment=TA_RIGHT)
    width = A4[0] - 3 * cm

    story = []
    for i, card in enumerate(cards):
        if i:
            story.append(PageBreak())
        family = "Segment RFM" if card.family == "Segment RFM" else "Petits / Moyens / Gros"
        story.append(Paragraph(f"{_t(card.name)} <font size=10 color='{BLUE}'>· {family}</font>", title))
        story.append(Paragraph(_t(card.portrait), portrait))
        rows = [[Paragraph(_t(lab), label), Paragraph(_t(_value(lab, val)), body)] for lab, val in facts(card)]
        facts_table = Table(rows, colWidths=[4.2 * cm, width - 4.2 * cm])
        facts_table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor(BLUE_LIGHT)),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BFBFBF")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        story.append(facts_table)
        top = card.top_clients
        story.append(Paragraph(f"Les {len(top)} plus gros clients du segment", caption))
        clients = [[Paragraph(h, head) for h in ("Code client", "Entreprise", "CA", "Dernier achat", "Commercial")]]
        for r in top.itertuples(index=False):
            last = "" if r[3] is None or r[3] != r[3] else f"{r[3]:%d/%m/%Y}"
            clients.append([Paragraph(_t(r[0]), small), Paragraph(_t(r[1]), small),
                            Paragraph(_t(fr_number(r[2]) + " €"), right), Paragraph(last, small),
                            Paragraph(_t(r[4]), small)])
        table = Table(clients, colWidths=[2.4 * cm, 7.1 * cm, 2.8 * cm, 2.4 * cm, width - 14.7 * cm],
                      repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(BLUE)),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BFBFBF")),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F2F2F2")]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(table)
        story.append(Spacer(1, 4))

    heading = f"Fiches segments — analyse au {analysis_date:%d/%m/%Y}"
    if source_name:
        heading += f" — {source_name}"

    def on_page(canvas, doc) -> None:
        # the title repeated on every page, and where the page sits in the set
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#595959"))
        canvas.drawString(1.5 * cm, A4[1] - 1.1 * cm, _t(heading).replace("&amp;", "&"))
        canvas.drawRightString(A4[0] - 1.5 * cm, 1.0 * cm, f"Page {doc.page} / {len(cards)}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.6 * cm,
                            bottomMargin=1.5 * cm, title="Fiches segments", author="segmenter-pme",
                            subject=heading)
    doc.build(story or [Paragraph("Aucun segment.", body)], onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def write_cards_pdf(cards: list[SegmentCard], target: Path, analysis_date: dt.date, source_name: str = "") -> Path:
    data = cards_pdf_bytes(cards, analysis_date, source_name)
    try:
        files.atomic_write(Path(target), lambda tmp: Path(tmp).write_bytes(data), backup=False)
    except OSError as err:
        raise WorkbookError(f"Impossible d'écrire « {target} » : {files.os_reason(err)}. Fermez ce fichier s'il "
                            "est ouvert dans votre lecteur PDF, ou choisissez un autre nom avec -o.") from None
    return Path(target)


def default_pdf(path: Path) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem} - fiches segments.pdf")


def export_cards(path: Path | str, output: Path | str | None = None, *, sheet: str | None = None,
                 analysis_date: dt.date | None = None, columns: dict[str, str] | None = None):
    """Segment ``path`` and write its segment cards to ``output`` (``NOM - fiches segments.pdf``)."""
    from ..layout.cards import segment_cards
    from .analysis import analyse_file

    path = Path(path)
    target = Path(output) if output is not None else default_pdf(path)
    if target.suffix.lower() != ".pdf":
        raise WorkbookError(f"« {target.name} » : le fichier des fiches doit avoir l'extension .pdf.")
    if target.exists() and target.is_dir():
        raise WorkbookError(f"« {target} » est un dossier : l'option -o attend le nom du fichier PDF à écrire.")
    analysis = analyse_file(path, sheet=sheet, analysis_date=analysis_date, columns=columns)
    cards = segment_cards(analysis.result, analysis.plan_rows)
    write_cards_pdf(cards, target, analysis.result.analysis_date, path.name)
    return target, cards
