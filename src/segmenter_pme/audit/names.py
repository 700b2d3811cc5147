"""Company-name normalisation for duplicate detection.

``"Ets. DUPONT & Fils S.A.R.L."`` and ``"Dupont et fils"`` must compare equal:
accents, case and punctuation go, and so do the legal forms and generic words of
``refdata/formes_juridiques_variantes.csv`` (``SARL``, ``Ets``, ``Sté``, ``& Cie``…).
Everything is vectorised over a Series: 100 000 names take well under a second.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

# Words so short or so common as a name that stripping them anywhere would
# destroy real names ("SA" are initials too, "ME", "AE", "CO"): they are only
# stripped as the first or last word.
_EDGE_ONLY = frozenset({"sa", "me", "ae", "co", "ei", "cie", "soc"})

# French articles and linking words: "Boulangerie de la Gare" = "Boulangerie la Gare".
_STOPWORDS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "fils"})

# The CSV says "Groupe" and "Holding" should be kept but weighted low: they are
# removed from the comparison key and reported as a separate flag.
_WEAK = frozenset({"groupe", "group", "holding"})


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


@lru_cache(maxsize=1)
def legal_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """(single words, multi-word phrases) to strip, read from the package's CSV.

    Dotted acronyms are reduced to their letters (``S.A.R.L.`` → ``sarl``), the
    same transformation :func:`normalize_names` applies to names.
    """
    words: set[str] = set()
    phrases: list[str] = []
    path = resources.files("segmenter_pme") / "refdata" / "formes_juridiques_variantes.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["forme_normalisee"].startswith("(qualifiant"):
                continue  # Groupe / Holding: see _WEAK
            for variant in row["variantes"].split("|"):
                v = _ascii(variant).replace("&", " et ")
                v = re.sub(r"(?<=\b[a-z])\.", "", v)  # S.A.R.L. -> sarl
                v = re.sub(r"[^a-z0-9]+", " ", v).strip()
                if not v:
                    continue
                if re.fullmatch(r"(?:[a-z] )+[a-z]", v):  # "s a r l"
                    v = v.replace(" ", "")
                if " " in v:
                    phrases.append(v)
                else:
                    words.add(v)
    # longest phrases first so "scop sarl" wins over "scop"
    return frozenset(words), tuple(sorted(set(phrases), key=len, reverse=True))


def clean_tokens(text: str, words: frozenset[str]) -> tuple[str, bool]:
    """The comparison key of one normalised name (legal forms, generic ``words`` and stop words out) and whether
    it held « Groupe » / « Holding » (kept out of the key, reported apart): the rule normalize_names vectorises."""
    tokens = text.split()
    weak = any(t in _WEAK for t in tokens)
    kept = [t for t in tokens if t not in _WEAK and t not in _STOPWORDS]
    kept = [t for t in kept if t in _EDGE_ONLY or t not in words]
    # strip edge-only words from both ends while something else remains
    while len(kept) > 1 and kept[0] in words:
        kept.pop(0)
    while len(kept) > 1 and kept[-1] in words:
        kept.pop()
    if not kept and tokens:
        # a name made only of generic words ("Société Générale" is not, but
        # "SARL" alone is): keep the text rather than an empty key
        kept = tokens
    return " ".join(kept), weak


def normalize_names(names: pd.Series) -> pd.DataFrame:
    """Comparison keys of company names.

    Input: a Series of names (any dtype, missing values allowed), any index.
    Output: a frame with the same index and columns

    - ``nom_normalise``: lower-case ASCII words, legal forms, generic words and
      articles removed, ``""`` when the name is missing;
    - ``mot_faible``: True when the name contained « Groupe » / « Holding »
      (kept out of the key, but a difference there lowers the confidence).

    Every step runs on Arrow text (RE2); the steps RE2 cannot do (a look-ahead,
    a computed replacement, a name made only of generic words) run in Python on
    the names that may need them only — 350 000 names: 11 s → 1.2 s (issue 16).
    """
    words, phrases = legal_words()
    s = names.astype("object").where(names.notna(), "").astype("str")
    # accents off: NFKD splits "é" into "e" + a combining mark, which goes (the marks spelt as
    # characters, not \u escapes, so that the pattern runs in Arrow)
    s = s.str.normalize("NFKD").str.replace("[\u0300-\u036f]", "", regex=True).str.lower()
    s = s.str.replace("&", " et ", regex=False).str.replace("'", " ", regex=False).str.replace("’", " ", regex=False)
    # dotted and spaced acronyms: "S.A.R.L." / "S. A. S." -> "sarl" / "sas"
    s = _where(s, s.str.contains(".", regex=False),
               lambda t: t.str.replace(r"\b([a-z])\.\s?(?=[a-z]\b)", r"\1", regex=True))
    s = s.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    s = _where(s, s.str.contains(r"(?:^| )[a-z] [a-z](?: |$)", regex=True),
               lambda t: t.str.replace(r"\b((?:[a-z] ){1,4}[a-z])\b", lambda m: m.group(1).replace(" ", ""),
                                       regex=True))
    if phrases:
        s = s.str.replace(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", " ", regex=True)
        s = s.str.replace(r" +", " ", regex=True).str.strip()  # only spaces are left between words
    return _clean(s, words).set_axis(names.index)


def _where(s: pd.Series, mask: pd.Series, step) -> pd.Series:
    """``step`` applied to the values of ``mask`` only (a Python-regex step on the few names it can change)."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return s
    out = s.copy()
    out[mask] = step(s[mask])
    return out


def _clean(s: pd.Series, words: frozenset[str]) -> pd.DataFrame:
    """:func:`clean_tokens` of every value, by whole-word removals in Arrow.

    Words removed anywhere (generic words, articles, « Groupe ») go by one
    regular expression; the names where :func:`clean_tokens` does more — an
    edge-only word (« SA », « Cie »), or nothing left — take it, one by one.
    """
    anywhere = sorted((words - _EDGE_ONLY) | _STOPWORDS | _WEAK, key=len, reverse=True)
    kept = s.str.replace(r"\b(?:" + "|".join(map(re.escape, anywhere)) + r")\b", " ", regex=True)
    kept = kept.str.replace(r" +", " ", regex=True).str.strip()
    weak = s.str.contains(r"\b(?:" + "|".join(sorted(_WEAK)) + r")\b", regex=True)
    edge = s.str.contains(r"\b(?:" + "|".join(sorted(_EDGE_ONLY)) + r")\b", regex=True)
    slow = (edge | ((kept == "") & (s != ""))).to_numpy(dtype=bool)
    key = kept.to_numpy(dtype=object)
    for i in np.flatnonzero(slow):
        key[i] = clean_tokens(s.iloc[i], words)[0]
    return pd.DataFrame({"nom_normalise": pd.Series(key, dtype=object), "mot_faible": weak.to_numpy(dtype=bool)})
