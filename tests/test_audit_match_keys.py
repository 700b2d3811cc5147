"""audit.match_keys: the identifiers, e-mails, phones and names' keys its Arrow patterns give are Python's own."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.audit.match_keys import match_keys


def test_separators_placeholders_and_prefixes():
    clients = pd.DataFrame({
        "raison_sociale": ["Alpha", "Beta", "Gamma", "Delta", "0001057"],
        # a no-break and a thin no-break space, dots, hyphens; one digit repeated is a placeholder
        "siret": ["732\u00a0829\u202f320-00074", "11111111111111", "732.829.320.00074", None, "73282932000074.0"],
        "siren": [None, None, "222222222", "552100554", None],
        "email": ["Jean@Ex.FR", "jean\u00a0@ex.fr", "a@b.c", "x@gmail.com", "y@pro.example.fr"],
        "telephone": ["0033 6 12 34 56 78", "+33 6 12 34 56 78", "33612345678", "00 00 00 00 00", "12 34"],
        "code_postal": ["1000", "01000", "75001", "75002", "75001"],
    }, index=[2, 3, 4, 5, 6])
    keys = match_keys(clients)
    assert keys["siret"].tolist() == ["73282932000074", "", "73282932000074", "", "73282932000074"]
    # a placeholder SIREN blanks the row's: its SIRET does not stand in
    assert keys["siren"].tolist() == ["732829320", "", "", "552100554", "732829320"]
    assert keys["email"].tolist() == ["jean@ex.fr", "", "", "x@gmail.com", "y@pro.example.fr"]
    assert keys["domaine_email"].tolist() == ["ex.fr", "", "", "", "pro.example.fr"]
    # « 0033 6… » and « 33 6… » are « 06… »: the last nine digits from the 0; ten zeros say nothing
    assert keys["tel9"].tolist() == ["612345678", "612345678", "612345678", "", ""]
    # a name of digits only is no name to compare
    assert keys["nom_normalise"].tolist() == ["alpha", "beta", "gamma", "delta", ""]


def test_sorted_names_and_their_postal_codes():
    clients = pd.DataFrame({
        "raison_sociale": ["Primeur du Parc", "Parc Primeur", "Primeur du Parc", "Solo", "Solo", None],
        "code_postal": ["75001", "69001", "75001", None, "13001", "13001"],
    }, index=[10, 11, 12, 13, 14, 15])
    keys = match_keys(clients)
    assert keys["nom_trie"].tolist() == ["parc primeur", "parc primeur", "parc primeur", "solo", "solo", ""]
    # « parc primeur » at 75001 and 69001; « solo » at 13001 only (no postal code is not one); no name at 13001
    assert keys["etendue_nom"].tolist() == [2, 2, 2, 1, 1, 1]
    assert str(keys["etendue_nom"].dtype) == "int64"


def test_no_client():
    clients = pd.DataFrame({c: pd.Series([], dtype=object) for c in
                            ("raison_sociale", "code_postal", "siret", "email", "telephone")})
    keys = match_keys(clients)
    assert keys.empty and {"nom_trie", "etendue_nom", "tel9", "domaine_email"} <= set(keys.columns)


_DIGITS = st.sampled_from("0123456789")
_SEPARATOR = st.sampled_from([" ", "\u00a0", "\u202f", "\u2009", ".", "-", "\t", "", "", ""])
_number = st.lists(st.tuples(_DIGITS, _SEPARATOR), min_size=0, max_size=16).map(
    lambda parts: "".join(d + s for d, s in parts))
_repeated = st.tuples(_DIGITS, st.sampled_from([9, 10, 14])).map(lambda t: t[0] * t[1])
_ident = st.one_of(_number, _repeated, st.just(None), st.sampled_from(["\u0663" * 9, "12345678.0", "x"]))
_phone = st.one_of(_number, _repeated.map(lambda d: "0" + d[1:]), st.sampled_from(
    ["0033612345678", "33612345678", "+33 6 12 34 56 78", "33 612", "0033 1", "\u0663" * 10, None]))
_mail_part = st.text(alphabet="ab.@ \u00a0\u3000\u2028", min_size=0, max_size=6)
_email = st.one_of(st.tuples(_mail_part, _mail_part).map(lambda t: f"{t[0]}x@y{t[1]}.fr"), _mail_part,
                   st.sampled_from(["Contact@Gmail.com", "a@b.fr", None]))
_name = st.one_of(st.sampled_from(["Alpha", "Beta Gamma", "Gamma Beta", "12 34", "Société 0001057", "Ets 45", None]),
                  st.text(alphabet="ab 12", max_size=8))


def _digits(value) -> str:
    text = "" if value is None else str(value).strip()
    return re.sub(r"[\s\u00a0\u202f.\-]", "", re.sub(r"\.0$", "", text))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_name, _ident, _ident, _email, _phone, st.sampled_from(["75001", "69001", None])),
                min_size=1, max_size=12))
def test_same_keys_as_python_patterns_value_by_value(rows):
    clients = pd.DataFrame(rows, columns=["raison_sociale", "siren", "siret", "email", "telephone", "code_postal"],
                           dtype=object)
    keys = match_keys(clients)
    siret = [d if re.fullmatch(r"\d{14}", d) else "" for d in map(_digits, clients["siret"])]
    siren = [d if re.fullmatch(r"\d{9}", d) else "" for d in map(_digits, clients["siren"])]
    siren = [s or t[:9] for s, t in zip(siren, siret)]
    siren = ["" if re.fullmatch(r"(\d)\1{8}", s) else s for s in siren]
    siret = ["" if re.fullmatch(r"(\d)\1{13}", s) else s for s in siret]
    counts = pd.Series(siren).value_counts()
    assert keys["siren"].tolist() == [s if s == "" or counts[s] <= 10 else "" for s in siren]
    assert keys["siret"].tolist() == siret
    mails = [("" if m is None else m.strip()).lower() for m in clients["email"]]
    mails = [m if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", m) else "" for m in mails]
    assert keys["email"].tolist() == mails
    tels = []
    for value in clients["telephone"]:
        d = re.sub(r"^(?:0033|33)(?=\d{9})", "0", re.sub(r"\D", "", _digits(value)))
        nine = d[1:10] if re.match(r"0\d{9}", d) else d[-9:]
        tels.append(nine if len(d) >= 9 and not re.fullmatch(r"(\d)\1{8}", nine) else "")
    assert keys["tel9"].tolist() == tels
    for name, key in zip(keys["nom_normalise"], keys["nom_trie"]):
        assert not re.fullmatch(r"[\d ]+", name)
        assert key == " ".join(sorted(name.split()))
    expected = [len({c for n, c in zip(keys["nom_trie"], keys["code_postal"]) if n == name and c})
                for name in keys["nom_trie"]]
    assert keys["etendue_nom"].tolist() == expected


def test_id_separators_are_the_python_class_for_every_character():
    import pyarrow as pa
    import pyarrow.compute as pc

    from segmenter_pme.parsing import ID_SEPARATORS

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    arrow = pc.match_substring_regex(pa.array(chars), f"^{ID_SEPARATORS}$").to_pylist()
    python = [re.fullmatch(r"[\s\u00a0\u202f.\-]", c) is not None for c in chars]
    assert [c for c, a, p in zip(chars, arrow, python) if a != p] == []
    assert sum(python) == 31  # the 29 spaces, the dot and the hyphen
