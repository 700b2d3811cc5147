"""One catalogue of problem codes (``problems.CATALOGUE``): every code the sources raise is in it, and
every code in it is raised somewhere.

The sources are parsed with :mod:`ast`; a code is a string literal given as the first argument of
``Issue`` / ``value_issues`` / ``_problems``, as a ``code=`` keyword, or as the value of a ``"code"``
key of a dict literal (including both branches of ``np.where``). An f-string code such as
``f"{kind}_invalide"`` must match at least one catalogue code.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pandas as pd

from segmenter_pme import Settings, segment
from segmenter_pme.audit.report import CATEGORY_OF_CODE, SEVERITY_OF_CODE, UNREADABLE_ACTIONS
from segmenter_pme.problems import CATALOGUE, CATEGORIES, INFO, WARNING

SRC = Path(__file__).resolve().parents[1] / "src" / "segmenter_pme"
RAISERS = {"Issue", "value_issues", "problem_rows"}


def _literals(node: ast.AST) -> list[ast.AST]:
    """The expression(s) a code argument stands for (both branches of ``np.where``)."""
    if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "where":
        return list(node.args[1:3])
    return [node]


def raised_codes() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(literal code → files, f-string pattern → files) over every module of the package."""
    codes: dict[str, set[str]] = {}
    patterns: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        found: list[ast.AST] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in RAISERS and node.args:
                    found += _literals(node.args[0])
                found += [v for k in node.keywords if k.arg == "code" for v in _literals(k.value)]
            elif isinstance(node, ast.Dict):
                found += [v for k, val in zip(node.keys, node.values)
                          if isinstance(k, ast.Constant) and k.value == "code" for v in _literals(val)]
        where = str(path.relative_to(SRC))
        for expr in found:
            if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                codes.setdefault(expr.value, set()).add(where)
            elif isinstance(expr, ast.JoinedStr):
                pattern = "".join(re.escape(p.value) if isinstance(p, ast.Constant) else "[a-z_]+"
                                  for p in expr.values)
                patterns.setdefault(pattern, set()).add(where)
    return codes, patterns


def test_the_scan_finds_codes_of_every_kind_of_raise():
    codes, patterns = raised_codes()
    assert "date_illisible" in codes  # value_issues("date_illisible", …) in parsing/dates.py
    assert "ligne_sans_client" in codes  # Issue(code="ligne_sans_client", …) in canonical.py
    assert "champ_manquant" in codes  # problem_rows("champ_manquant", …) in audit/checks.py
    assert {"doublon", "doublon_possible"} <= set(codes)  # np.where(merged, "doublon", "doublon_possible")
    assert "[a-z_]+_invalide" in patterns  # f"{kind}_invalide"


def test_every_code_raised_is_in_the_catalogue():
    codes, patterns = raised_codes()
    missing = {c: sorted(w) for c, w in codes.items() if c not in CATALOGUE}
    assert not missing, f"codes raised but not in problems.CATALOGUE: {missing}"
    for pattern, where in patterns.items():
        assert any(re.fullmatch(pattern, c) for c in CATALOGUE), (pattern, sorted(where))


def test_every_catalogue_code_is_raised_somewhere():
    codes, patterns = raised_codes()
    unused = [c for c in CATALOGUE if c not in codes and not any(re.fullmatch(p, c) for p in patterns)]
    assert not unused, f"in problems.CATALOGUE but raised nowhere: {unused}"


def test_the_tables_of_the_audit_and_the_run_come_from_the_catalogue():
    assert set(CATEGORY_OF_CODE.values()) == set(CATEGORIES)
    assert CATEGORY_OF_CODE["siret_nombre"] == "Dégâts Excel" and SEVERITY_OF_CODE["siret_nombre"] == INFO
    assert SEVERITY_OF_CODE["doublon"] == WARNING and SEVERITY_OF_CODE["doublon_possible"] == INFO
    assert set(UNREADABLE_ACTIONS) == {"date_illisible", "date_impossible", "montant_illisible",
                                       "nombre_illisible", "nombre_negatif", "nombre_decimal",
                                       "date_annee_deux_chiffres", "code_zeros_perdus", "date_avant_1900"}
    assert SEVERITY_OF_CODE["date_annee_deux_chiffres"] == WARNING  # read, but perhaps not the year meant
    assert {c for c, kind in CATALOGUE.items() if kind.notable} == {
        "ligne_sans_client", "document_hors_vente", "commandes_manquantes", "ca_manquant", "montant_ttc_utilise"}
    assert "ligne_total" not in CATEGORY_OF_CODE  # a remark of the reading, not an audit problem
    # « Valeurs invalides » counts its codes by their labels: a code without one showed as « date_avant_1900 : 2 »
    assert {c for c, kind in CATALOGUE.items() if kind.label} == {c for c, cat in CATEGORY_OF_CODE.items()
                                                                   if cat == "Valeurs invalides"}
    assert CATALOGUE["date_illisible"].label == "dates illisibles"


def test_a_run_repeats_its_notable_whole_file_remarks_among_its_warnings():
    settings = Settings(date_analyse=dt.date(2025, 12, 31))
    # a TTC column only, a line without client, a quote
    lines = pd.DataFrame({"Code client": ["A", "A", None, "C"], "Date": ["01/02/2025", "01/03/2025", "01/03/2025",
                                                                          "01/03/2025"],
                          "Montant TTC": ["1 200,00 €", "(240,00)", "10", "7"],
                          "Type": ["Facture", "Avoir", "Facture", "Devis"]})
    # B: orders but no date (a remark on its row); C: no number of orders; D: no CA
    clients = pd.DataFrame({"Code client": ["A", "B", "C", "D"],
                            "Date dernier achat": ["01/02/2025", None, "01/03/2025", "01/03/2025"],
                            "Nombre commandes": [2, 3, None, 1], "CA total": [100, 200, 300, None]})
    raised = set()
    for run in (segment(invoices=lines, settings=settings), segment(clients, settings=settings)):
        raised |= {i.code for i in run.issues}
        notable = [i.message for i in run.issues if CATALOGUE[i.code].notable and i.row is None]
        assert [m for m in run.warnings if any(m == i.message for i in run.issues)] == notable
    assert raised == {c for c, kind in CATALOGUE.items() if kind.notable} | {"date_dernier_achat_manquante"}
