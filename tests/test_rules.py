"""Named RFM segments (SPEC §4): default rules, rule parsing, validator."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from segmenter_pme import SettingsError
from segmenter_pme.rules import (
    DEFAULT_RULES,
    SegmentRule,
    code_table,
    lookup_array,
    parse_rule,
    segment_of_code,
    validate_rules,
)

# SPEC §4 table, written independently of the code: (name, predicate)
SPEC_TABLE = [
    ("Champions", lambda r, f, m: r >= 4 and f >= 4 and m >= 4),
    ("À réactiver", lambda r, f, m: r <= 2 and m >= 4),
    ("Montée en gamme", lambda r, f, m: r >= 4 and f >= 4 and m <= 2),
    ("Nouveaux", lambda r, f, m: r >= 4 and f == 1),
    ("Fidèles", lambda r, f, m: r >= 3 and f >= 3),
    ("Prometteurs", lambda r, f, m: r >= 3 and f <= 2),
    ("À risque", lambda r, f, m: r <= 2 and f >= 2),
    ("Perdus", lambda r, f, m: r <= 2 and f == 1),
]
SPEC_COUNTS = {"Champions": 8, "À réactiver": 20, "Montée en gamme": 8, "Nouveaux": 10,
               "Fidèles": 29, "Prometteurs": 20, "À risque": 24, "Perdus": 6}


def _spec_segment(r, f, m):
    return next(name for name, pred in SPEC_TABLE if pred(r, f, m))


def test_default_rules_are_the_eight_spec_segments_in_order():
    assert [r.name for r in DEFAULT_RULES] == [n for n, _ in SPEC_TABLE]


def test_default_rules_code_counts():
    counts = Counter(code_table(DEFAULT_RULES).values())
    assert dict(counts) == SPEC_COUNTS
    assert sum(counts.values()) == 125


def test_default_rules_every_code_matches_spec_first_match():
    for r, f, m in itertools.product(range(1, 6), repeat=3):
        assert segment_of_code(f"{r}{f}{m}") == _spec_segment(r, f, m), (r, f, m)


def test_default_rules_validate():
    validate_rules(DEFAULT_RULES)  # must not raise


@pytest.mark.parametrize(
    "code,expected",
    [
        ("545", "Champions"), ("555", "Champions"), ("444", "Champions"),
        ("115", "À réactiver"),  # guide's « 511 » (spent a lot, long ago) in R-F-M order
        ("551", "Montée en gamme"),  # guide's « 155 » (spent little, buy often and recently)
        ("452", "Montée en gamme"),
        ("513", "Nouveaux"), ("413", "Nouveaux"),
        ("333", "Fidèles"), ("353", "Fidèles"), ("543", "Fidèles"),
        ("323", "Prometteurs"), ("315", "Prometteurs"),
        ("253", "À risque"), ("123", "À risque"),
        ("111", "Perdus"), ("213", "Perdus"),
    ],
)
def test_segment_of_known_codes(code, expected):
    assert segment_of_code(code) == expected


def test_segment_of_code_accepts_number_and_excel_float_text():
    assert segment_of_code(545) == "Champions"
    assert segment_of_code("545.0") == "Champions"


@pytest.mark.parametrize("bad", ["", "54", "5455", "605", "5a5", "0"])
def test_segment_of_code_rejects_invalid_codes(bad):
    with pytest.raises(ValueError):
        segment_of_code(bad)


def test_lookup_array_agrees_with_code_table():
    arr = lookup_array(DEFAULT_RULES)
    names = [r.name for r in DEFAULT_RULES]
    for (r, f, m), name in code_table(DEFAULT_RULES).items():
        assert names[arr[r, f, m]] == name


# ------------------------------------------------------------------ parsing

@pytest.mark.parametrize(
    "text,expected",
    [
        ("Champions : R>=4 ; F>=4 ; M>=4", SegmentRule("Champions", (4, 5), (4, 5), (4, 5))),
        ("Nouveaux : R>=4 ; F=1", SegmentRule("Nouveaux", (4, 5), (1, 1), (1, 5))),
        ("À risque : R<=2, F>=2", SegmentRule("À risque", (1, 2), (2, 5), (1, 5))),
        ("X : r ≥ 4 et m ≤ 2", SegmentRule("X", (4, 5), (1, 5), (1, 2))),
        ("Y : R>3 ; F<3", SegmentRule("Y", (4, 5), (1, 2), (1, 5))),
        ("Z : R==3", SegmentRule("Z", (3, 3), (1, 5), (1, 5))),
        ("Milieu : R>=2 ; R<=4", SegmentRule("Milieu", (2, 4), (1, 5), (1, 5))),
        ("Autres :", SegmentRule("Autres")),
        ("Autres : (tous les autres)", SegmentRule("Autres")),
    ],
)
def test_parse_rule(text, expected):
    assert parse_rule(text) == expected


def test_rule_text_round_trip_for_defaults():
    for rule in DEFAULT_RULES:
        assert parse_rule(rule.to_text()) == rule
    assert DEFAULT_RULES[0].to_text() == "Champions : R>=4 ; F>=4 ; M>=4"
    assert DEFAULT_RULES[3].to_text() == "Nouveaux : R>=4 ; F=1"


@pytest.mark.parametrize("text", ["Champions R>=4", "", None])
def test_parse_rule_without_colon_is_a_french_error(text):
    with pytest.raises(SettingsError) as exc:
        parse_rule(text, where=" (ligne 12)")
    assert "Règle de segment illisible" in str(exc.value)
    assert "ligne 12" in str(exc.value)


@pytest.mark.parametrize("text,part", [("Champions : R>=6", "R>=6"), ("Champions : X>=4", "X>=4"),
                                       ("Champions : R>=4 ; F beaucoup", "F beaucoup")])
def test_parse_rule_bad_condition_names_the_condition(text, part):
    with pytest.raises(SettingsError) as exc:
        parse_rule(text)
    msg = str(exc.value)
    assert "Condition illisible" in msg and f"« {part} »" in msg and "« Champions »" in msg


def test_parse_rule_without_name():
    with pytest.raises(SettingsError, match="sans nom"):
        parse_rule(" : R>=4")


# ------------------------------------------------------------------ validator

def test_validator_uncovered_codes():
    rules = (SegmentRule("Champions", (4, 5), (4, 5), (4, 5)), SegmentRule("Perdus", (1, 2)))
    with pytest.raises(SettingsError) as exc:
        validate_rules(rules)
    msg = str(exc.value)
    uncovered = 125 - 8 - 50
    assert f"{uncovered} codes RFM ne sont couverts par aucune règle" in msg
    assert "Autres" in msg  # tells the user how to fix it


def test_validator_unreachable_segment():
    rules = (SegmentRule("Tous"), SegmentRule("Champions", (4, 5), (4, 5), (4, 5)))
    with pytest.raises(SettingsError) as exc:
        validate_rules(rules)
    assert "Champions" in str(exc.value) and "jamais" in str(exc.value)


def test_validator_partly_shadowed_segment_is_fine():
    rules = (SegmentRule("Champions", (4, 5), (4, 5), (4, 5)), SegmentRule("Hauts", (4, 5)), SegmentRule("Autres"))
    validate_rules(rules)


def test_validator_duplicate_name():
    rules = (SegmentRule("A", (4, 5)), SegmentRule("A", (1, 3)))
    with pytest.raises(SettingsError, match="en double.*A"):
        validate_rules(rules)


def test_validator_impossible_bounds():
    rule = parse_rule("Impossible : R>=4 ; R<=2")
    with pytest.raises(SettingsError) as exc:
        validate_rules((rule, SegmentRule("Autres")))
    msg = str(exc.value)
    assert "« Impossible »" in msg and "ne peut jamais s'appliquer" in msg


def test_validator_no_rules():
    with pytest.raises(SettingsError, match="Aucune règle"):
        validate_rules(())


def test_custom_four_segment_rules_validate_and_apply():
    rules = tuple(parse_rule(t) for t in (
        "Top : R>=4 ; F>=4", "Actifs : R>=3", "Endormis : R=2", "Perdus :"))
    validate_rules(rules)
    assert Counter(code_table(rules).values()) == {"Top": 20, "Actifs": 55, "Endormis": 25, "Perdus": 25}
    assert segment_of_code("145", rules) == "Perdus"


def test_lookup_by_code_gives_the_rule_of_every_code_and_prospect_at_zero():
    from segmenter_pme.rules import DEFAULT_RULES, lookup_by_code, segment_of_code

    table = lookup_by_code(DEFAULT_RULES)
    names = [r.name for r in DEFAULT_RULES]
    for r in range(1, 6):
        for f in range(1, 6):
            for m in range(1, 6):
                assert names[table[100 * r + 10 * f + m]] == segment_of_code(f"{r}{f}{m}")
    assert table[0] == len(DEFAULT_RULES)
    assert table[110] == table[999] == table[105] == -1
