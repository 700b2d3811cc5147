"""Matching keys of each client (step 1 of the duplicate search, :mod:`.duplicates`): normalised name,
département, SIREN, SIRET, e-mail, phone, and the fields that can only speak against a pair (any phone,
street, e-mail domain)."""

from __future__ import annotations

import re
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..parsing import ID_SEPARATORS, OTHER_SPACES, PY_SPACES
from ..phones import normalize_phones
from .names import normalize_names

#: an e-mail, phone or SIREN on more rows than this is a placeholder
#: (``00 00 00 00 00``, ``contact@gmail.com``) or a switchboard, not a client
MAX_SHARED = 10

#: personal mailboxes: their domain says nothing about the company
WEBMAIL = frozenset({
    "gmail.com", "googlemail.com", "hotmail.fr", "hotmail.com", "outlook.fr", "outlook.com", "live.fr",
    "live.com", "msn.com", "yahoo.fr", "yahoo.com", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr",
    "neuf.fr", "laposte.net", "bbox.fr", "numericable.fr", "icloud.com", "me.com", "aol.com", "aol.fr",
    "gmx.fr", "gmx.com", "protonmail.com", "proton.me", "club-internet.fr", "aliceadsl.fr", "voila.fr",
    "ymail.com", "noos.fr", "tiscali.fr", "nordnet.fr", "hotmail.be", "skynet.be", "live.be", "gmx.net",
    "outlook.be", "yahoo.be", "mailo.com", "laposte.fr",
})
_STREET_WORDS = {"bd": "boulevard", "bld": "boulevard", "boul": "boulevard", "av": "avenue", "ave": "avenue",
                 "r": "rue", "pl": "place", "ch": "chemin", "chem": "chemin", "rte": "route", "imp": "impasse",
                 "all": "allee", "sq": "square", "fg": "faubourg", "fbg": "faubourg", "st": "saint",
                 "ste": "sainte", "gal": "general", "gen": "general", "qu": "quai", "crs": "cours"}



def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    s = frame[column]
    return s.astype("object").where(s.notna(), "").astype(str).str.strip()


# The patterns of match_keys that pandas ran in Python (``\s``, ``\u``, a look-ahead, a back-reference), spelt
# for Arrow (the separators of digits: parsing.ID_SEPARATORS), and an absent SIREN column not parsed:
# 100 000 clients, 0,27 s → 0,08 s of CPU (medians of 5, same run)
def digits(frame: pd.DataFrame, column: str) -> pd.Series:
    s = _text(frame, column)
    if column not in frame.columns:
        return s  # blank
    s = s.str.replace(r"\.0$", "", regex=True)
    return s.str.replace(ID_SEPARATORS, "", regex=True)


def _same_digit(values: pd.Series, width: int) -> pd.Series:
    """``(\\d)\\1{width-1}`` (one digit repeated: a placeholder) of values that are ``""`` or ``width`` digits — the
    first repeated, compared in Arrow: the back-reference ran in Python's ``re``, value by value."""
    text = values.astype("str")
    return ((text.str[:1].str.repeat(width) == text) & (text != "")).set_axis(values.index)


def match_keys(clients: pd.DataFrame) -> pd.DataFrame:
    """Matching keys of each client.

    Input columns used (all optional): ``raison_sociale``, ``nom``, ``prenom``,
    ``code_postal``, ``ville``, ``adresse``, ``siren``, ``siret``, ``email``,
    ``telephone``. Output (same index): ``nom_normalise``, ``nom_trie`` (its words in
    alphabetical order), ``etendue_nom`` (number of postal
    codes where the same words appear), ``mot_faible``, ``personne`` (no
    company name: the contact's name is matched instead), ``departement``,
    ``code_postal``, ``siren``, ``siret``, ``email``, ``telephone`` — ``""`` when
    missing, or when no other row may share the value (phones) or it is on more
    than :data:`MAX_SHARED` rows (a placeholder); and, to weigh evidence against
    a pair, ``tel9`` (last nine digits of any phone), ``adresse`` (street words),
    ``domaine_email`` (the e-mail's domain unless a personal mailbox's).
    """
    # clients made from invoice lines have a code and a name only: what is absent is blank, not computed
    blank = pd.Series("", index=clients.index, dtype=object)
    company = _text(clients, "raison_sociale")
    person = (_text(clients, "prenom") + " " + _text(clients, "nom")).str.strip() \
        if {"prenom", "nom"} & set(clients.columns) else blank
    is_person = (company == "") & (person != "")
    names = normalize_names(company.where(~is_person, person))
    # « Société 0001057 » leaves only a number once generic words go: numbers one digit
    # apart are other clients (a code, an agency number), not typos — no name to compare
    names["nom_normalise"] = names["nom_normalise"].where(~names["nom_normalise"].str.fullmatch(r"[\d ]+"), "")
    if "code_postal" in clients.columns:
        cp = _text(clients, "code_postal").str.replace(r"\.0$", "", regex=True)
        cp = cp.where(~cp.str.fullmatch(r"\d{4}"), "0" + cp)
        cp = cp.where(cp.str.fullmatch(r"\d{5}|2[AB]\d{3}"), "")
        dept = cp.str[:2].where(~cp.str.match(r"9[78]"), cp.str[:3])
    else:
        cp = dept = blank
    if {"siren", "siret"} & set(clients.columns):
        siret = digits(clients, "siret")
        siret = siret.where(siret.str.fullmatch(r"\d{14}"), "")
        siren = digits(clients, "siren")
        if "siren" in clients.columns:
            siren = siren.where(siren.str.fullmatch(r"\d{9}"), "")
        siren = siren.where(siren != "", siret.str[:9])
        # placeholders such as 000000000 or 999999999 are not identifiers
        siren = siren.where(~_same_digit(siren, 9), "")
        siret = siret.where(~_same_digit(siret, 14), "")
    else:
        siren = siret = blank
    if "email" in clients.columns:
        email = _text(clients, "email").str.lower()
        email = email.where(email.str.fullmatch(f"[^@{PY_SPACES}]+@[^@{PY_SPACES}]+\\.[a-z]{{2,}}"), "")
    else:
        email = blank
    # a phone only matters when another row may have it: parse just those
    phones = normalize_phones(clients["telephone"], cp, only_shared=True) if "telephone" in clients.columns else None
    phone = phones.fillna("").astype(str) if phones is not None else blank
    # a value on many rows is a placeholder or a switchboard, not an identity
    siren, email, phone = (v if v is blank else _unshared(v) for v in (siren, email, phone))
    # how many postal codes carry the same name: "Primeur du Parc" is in many towns,
    # so that name alone does not prove two rows are one client
    # what can only speak against a pair: every row's phone (last 9 digits: « +33 4 … » = « 04 … »),
    # the street, the e-mail's company domain
    if "telephone" in clients.columns:
        tel_digits = digits(clients, "telephone").str.replace(r"\D", "", regex=True)
        # (the nine digits taken and given back, not looked ahead at: RE2 has no look-ahead)
        tel_digits = tel_digits.str.replace(r"^(?:0033|33)(\d{9})", r"0\1", regex=True)
        # a French number is its 10 digits from the 0 (« 01 43 55 66 77 poste 12 »), else the last nine
        tel9 = tel_digits.str[1:10].where(tel_digits.str.match(r"0\d{9}"), tel_digits.str[-9:])
        nine = tel_digits.str.len() >= 9
        tel9 = tel9.where(nine & ~_same_digit(tel9.where(nine, ""), 9), "")
        tel9 = _unshared(tel9)
    else:
        tel9 = blank
    street = _street(_text(clients, "adresse")) if "adresse" in clients.columns else blank
    if email is blank:
        domain = blank
    else:
        domain = email.str.replace(r"^[^@]*@", "", regex=True)  # the e-mail has one @
        domain = domain.where(~domain.isin(WEBMAIL), "")
    # a one-word name is sorted (a list, not Series.map: 0,081 s → 0,048 s of CPU at 100 000 clients, same run)
    sorted_name = pd.Series([" ".join(sorted(t.split())) if " " in t else t for t in names["nom_normalise"]],
                            index=clients.index, dtype=object)
    spread = _places_per_name(sorted_name, cp) if cp is not blank else pd.Series(0, index=clients.index)
    return pd.DataFrame(
        {
            "nom_normalise": names["nom_normalise"],
            "nom_trie": sorted_name,
            "etendue_nom": spread,
            "mot_faible": names["mot_faible"],
            "personne": is_person,
            "departement": dept,
            "code_postal": cp,
            "siren": siren,
            "siret": siret,
            "email": email,
            "telephone": phone,
            "tel9": tel9,
            "adresse": street,
            "domaine_email": domain,
        },
        index=clients.index,
    )


class NameWords:
    """Each name's words (``str.split``) as integer ids, numbered in the words' sorted order, each row's ids sorted:
    row ``r``'s are ``ids[starts[r]:starts[r + 1]]``, the word of id ``w`` is ``vocab[w]``."""

    def __init__(self, names):
        values = names.to_numpy(dtype=object) if isinstance(names, pd.Series) else np.asarray(names, dtype=object)
        text = pa.array(values, type=pa.string())
        if pc.any(pc.match_substring_regex(text, f"[{OTHER_SPACES}]"), min_count=0).as_py():
            self._python(values)  # a space other than « » (not in a normalised name): str.split's own rule
            return
        # cut at « » by Arrow, empty words dropped (str.split's words where « » is the only space), numbered
        # through Arrow's dictionary, sorted by its sort (UTF-8 bytes: the code points' order, as sorted() gives):
        # 100 000 names, 0,170 s → 0,028 s of CPU (medians of 5, same run), the same ids and words
        lists = pc.split_pattern(text, " ")
        words = pc.list_flatten(lists)
        rows = np.repeat(np.arange(len(values)),
                         pc.list_value_length(lists).to_numpy(zero_copy_only=False).astype(np.int64))
        kept = pc.not_equal(words, "")
        words = words.filter(kept)
        rows = rows[kept.to_numpy(zero_copy_only=False)]
        coded = pc.dictionary_encode(words)
        order = pc.sort_indices(coded.dictionary).to_numpy()
        width = max(len(order), 1)
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        ids = rank[coded.indices.to_numpy(zero_copy_only=False).astype(np.int64)]
        self.ids = np.sort(rows * width + ids) % width  # row after row, each row's ids in order
        self.starts = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(values)), out=self.starts[1:])
        self.vocab = coded.dictionary.take(pa.array(order))

    def _python(self, names) -> None:
        split = [name.split() for name in names]
        counts = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        flat = np.fromiter(chain.from_iterable(split), dtype=object, count=int(counts.sum()))
        codes, uniques = pd.factorize(flat)
        order = np.argsort(uniques, kind="stable")  # Python's order of str, as sorted() gives
        rank = np.empty(len(uniques), dtype=np.int64)
        rank[order] = np.arange(len(uniques))
        ids = rank[codes]
        self.ids = ids[np.lexsort((ids, np.repeat(np.arange(len(split)), counts)))]
        self.starts = np.zeros(len(split) + 1, dtype=np.int64)
        np.cumsum(counts, out=self.starts[1:])
        self.vocab = pa.array(uniques[order], type=pa.string())

    def rarest(self) -> np.ndarray:
        """Each row's word found on the fewest rows' names (counting repeats), the first in alphabetical
        order among equals; ``""`` for a row without words."""
        out = np.full(len(self.starts) - 1, "", dtype=object)
        counts = np.diff(self.starts)
        if not len(self.ids):
            return out
        width = len(self.vocab)
        freq = np.bincount(self.ids, minlength=width)
        key = freq[self.ids] * width + self.ids  # (frequency, word), in the words' order
        has = counts > 0
        best = np.minimum.reduceat(key, self.starts[:-1][has]) % width
        out[has] = np.asarray(self.vocab.to_pylist(), dtype=object)[best]
        return out

    def of(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in ``rows``, word id) of every word of the rows ``rows``, row after row."""
        counts = self.starts[rows + 1] - self.starts[rows]
        ends = np.cumsum(counts)
        where = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - counts - self.starts[rows], counts)
        return np.repeat(np.arange(len(rows)), counts), self.ids[where]


def house_number(street: str) -> str:
    """The number a street address starts with (« 12bis »), ``""`` when it has none."""
    m = re.match(r"(\d+[a-z]*)\b", street)
    return m.group(1) if m else ""


def street_words(street: str) -> str:
    """The street without its house number."""
    return re.sub(r"^\d+[a-z]*\s*", "", street)


def _street(values: pd.Series) -> pd.Series:
    """Street addresses as comparable words: ASCII lower case, abbreviations spelled out (« Bd » → boulevard)."""
    s = values.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True).str.lower()
    s = s.str.replace(r"\b(\d+)\s*(bis|ter)\b", r"\1\2", regex=True)
    s = s.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    words = re.compile(r"\b(" + "|".join(sorted(_STREET_WORDS, key=len, reverse=True)) + r")\b")
    return s.str.replace(words, lambda m: _STREET_WORDS[m.group(1)], regex=True)


def _places_per_name(names: pd.Series, postal_codes: pd.Series) -> pd.Series:
    """How many distinct postal codes (``""`` not one) the rows of each name have, on each row (int64).

    Counted through integer codes: grouping by the names took longer (100 000 clients: 0,095 s → 0,039 s of CPU,
    medians of 5, same run)."""
    name = pd.factorize(names.to_numpy(dtype=object))[0]
    codes = postal_codes.to_numpy(dtype=object)
    place = pd.factorize(codes)[0]
    has = codes != ""
    width = int(place.max()) + 1 if len(place) else 1
    pairs = np.unique(name[has].astype(np.int64) * width + place[has])
    counts = np.bincount(pairs // width, minlength=int(name.max()) + 1 if len(name) else 0)
    return pd.Series(counts[name], index=names.index, dtype=np.int64)


def _unshared(values: pd.Series) -> pd.Series:
    """``values`` with those found on more than :data:`MAX_SHARED` rows blanked."""
    # counted through integer codes: mapping each value to its count by hashing took twice as long
    # (100 000 clients, four columns: 0.19 s → 0.04 s of CPU, same run); "" stays "" whatever its count
    codes = pd.factorize(values.to_numpy(dtype=object))[0]
    return values.where(np.bincount(codes)[codes] <= MAX_SHARED, "")

