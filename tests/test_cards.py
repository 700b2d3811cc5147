"""« Fiches segments »: the cards' figures by hand, the sheet laid out for print, the PDF read by pypdf."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from pypdf import PdfReader

from segmenter_pme import Settings, segment
from segmenter_pme.cli import main
from segmenter_pme.layout.cards import rule_in_words, segment_cards, split_actions
from segmenter_pme.rules import SegmentRule
from segmenter_pme.workbook.cards_pdf import cards_pdf_bytes

from test_lists import D0, _base


@pytest.fixture(scope="module")
def result():
    return segment(_base(), settings=Settings(date_analyse=D0))


def _card(cards, name):
    return next(c for c in cards if c.name == name)


def test_card_figures_by_hand(result):
    cards = segment_cards(result)
    assert [c.name for c in cards] == ["Champions", "Fidèles", "À risque", "Perdus", "Prospect", "Gros", "Moyens",
                                       "Petits", "Petits à potentiel"]
    champ = _card(cards, "Champions")
    # C1 12 000 € / 12 orders, C2 6 000 € / 6 orders; base CA 21 400 €, 6 clients
    assert champ.clients == 2 and champ.share_base == pytest.approx(2 / 6)
    assert champ.ca == pytest.approx(18000) and champ.share_ca == pytest.approx(18000 / 21400)
    assert champ.basket == pytest.approx(1000) and champ.frequency == pytest.approx(9)
    assert champ.top_sectors == [("Commerce", 1.0)]
    assert champ.top_regions == [("Île-de-France", 0.5), ("La Réunion", 0.5)]
    assert champ.top_clients["Entreprise"].tolist() == ["Alpha", "Bêta Électricité"]
    assert champ.top_clients["Commercial"].tolist() == ["Anne", "Bruno"]
    assert champ.rule == "A acheté récemment, commande souvent, gros montant d'achats (R≥4, F≥4, M≥4)"
    assert len(champ.actions) == 3 and champ.objective
    assert _card(cards, "Prospect").basket is None


def test_user_plan_edits_show_on_the_cards(result):
    plan = [{"Segment": "Champions", "Objectif": "Garder Alpha", "Actions recommandées": "Appeler ; Visiter",
             "Message clé": "Merci", "Responsable": "Anne", "Statut": "En cours"}]
    champ = _card(segment_cards(result, plan), "Champions")
    assert champ.objective == "Garder Alpha" and champ.actions == ["Appeler", "Visiter"]
    assert champ.key_message == "Merci" and champ.owner == "Anne"


def test_rules_and_actions_in_words():
    assert rule_in_words(SegmentRule("Nouveaux", r=(4, 5), f=(1, 1))) == (
        "A acheté récemment, une seule commande (R≥4, F=1)")
    assert rule_in_words(SegmentRule("Autres")) == "tous les clients que les règles précédentes n'ont pas classés"
    assert split_actions("a ; b ; c ; d") == ["A", "B", "C ; d"]


def test_pdf_has_one_page_per_card_with_its_figures(result):
    cards = segment_cards(result)
    reader = PdfReader(__import__("io").BytesIO(cards_pdf_bytes(cards, D0, "clients.xlsx")))
    assert len(reader.pages) == len(cards)
    for page, card in zip(reader.pages, cards):
        text = page.extract_text()
        assert card.name in text and card.portrait.split()[0] in text
        assert f"Clients\n{card.clients}\n" in text
    champions = reader.pages[0].extract_text().replace("\u00a0", " ")
    assert "% du CA\n84,1 %" in champions  # 18 000 / 21 400
    assert "% de la base\n33,3 %" in champions and "Panier moyen\n1 000 €" in champions
    assert "Bêta Électricité" in champions and "R>=4" in champions
    assert "Fiches segments — analyse au 31/12/2025" in champions


def test_fiches_sheet_prints_one_page_per_segment(tmp_path):
    from wbfactory import rich_workbook
    from segmenter_pme.workbook import run

    book = rich_workbook(tmp_path / "clients.xlsx")
    report = run(book, analysis_date=D0)
    ws = openpyxl.load_workbook(book)["Fiches segments"]
    n = len(segment_cards(report.result))
    assert len(ws.row_breaks.brk) == n - 1
    assert ws.print_title_rows == "$1:$1" and ws["B1"].value == "Fiches segments"
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToWidth == 1
    titles = [c.value for c in ws["B"] if isinstance(c.value, str) and "  ·  " in c.value]
    assert len(titles) == n
    # each card starts on the row after a break
    starts = sorted(c.row for c in ws["B"] if isinstance(c.value, str) and "  ·  " in c.value)
    assert [b.id + 1 for b in ws.row_breaks.brk] == starts[1:]


def test_cli_fiches(tmp_path, capsys):
    src = tmp_path / "clients.csv"
    _base().to_csv(src, sep=";", index=False, encoding="utf-8")
    assert main(["fiches", str(src), "--date", "2025-12-31"]) == 0
    pdf = tmp_path / "clients - fiches segments.pdf"
    assert len(PdfReader(pdf).pages) == 9
    assert "9 fiches segments" in capsys.readouterr().out
    assert main(["fiches", str(src), "-o", str(tmp_path / "fiches.docx")]) == 1
    assert "extension .pdf" in capsys.readouterr().err
