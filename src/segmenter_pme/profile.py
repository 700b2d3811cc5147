"""Profile segments (SPEC §6): secteur, taille, région, SIREN/SIRET check."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from stdnum.fr import siren as _siren
from stdnum.fr import siret as _siret

from .refdata import (
    cp_exceptions,
    departement_names_folded,
    departements,
    fold,
    naf_divisions,
    region_names_folded,
    tranches_effectif,
)

UNKNOWN_REGION = "Inconnue"
ABROAD = "Hors France"
UNKNOWN_SIZE = "Non renseignée"
UNKNOWN_SECTOR = "Non renseigné"
OTHER_SECTORS = "Autres secteurs"
SIZE_CLASSES = ("TPE", "PME", "ETI", "GE")

SECTION_GROUPS = {
    "A": "Agriculture", "B": "Industrie", "C": "Industrie", "D": "Industrie", "E": "Industrie",
    "F": "Construction", "G": "Commerce", "H": "Transport et logistique", "I": "Hôtellerie-restauration",
    "J": "Information et communication", "K": "Finance et immobilier", "L": "Finance et immobilier",
    "M": "Services professionnels", "N": "Services professionnels", "O": "Public, enseignement et santé",
    "P": "Public, enseignement et santé", "Q": "Public, enseignement et santé", "R": "Autres services",
    "S": "Autres services", "T": "Autres services", "U": "Autres services",
}
_NAF = re.compile(r"^\s*(\d{2})[\s.]?(\d{0,2})\s*([A-Z]?)\s*$")


def sector_of_naf(code, version: str = "rev2") -> str | None:
    """Sector group of an APE/NAF code (``47.11F``, ``4711F``, ``47``); None if unreadable."""
    if code is None or (isinstance(code, float) and code != code):
        return None
    m = _NAF.match(str(code).upper())
    if not m:
        return None
    section = naf_divisions(version).get(m.group(1))
    return SECTION_GROUPS.get(section) if section else None


def size_of_headcount(n: float) -> str:
    if n != n or n < 0:
        return UNKNOWN_SIZE
    return "TPE" if n < 10 else "PME" if n < 250 else "ETI" if n < 5000 else "GE"


_CLASS_TO_SIZE = {"MIC": "TPE", "PME": "PME", "ETI": "ETI", "GE": "GE"}


def size_class(value, *, band_code: bool | None = None) -> str:
    """TPE / PME / ETI / GE from a headcount (``12``, ``"10 à 19 salariés"``) or a SIRENE band code (``"11"``).

    ``band_code``: True when the value comes from a « tranche effectif »
    column; None guesses (two-character text such as ``"03"`` or ``"NN"`` is a code).
    """
    if value is None or (isinstance(value, float) and value != value):
        return UNKNOWN_SIZE
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if band_code:
            value = f"{int(value):02d}"
        else:
            return size_of_headcount(float(value))
    text = str(value).strip().upper()
    if not text:
        return UNKNOWN_SIZE
    bands = tranches_effectif()
    if text in bands and (band_code or (band_code is None and len(text) == 2 and (text[0] == "0" or text == "NN"
                                                                                  or not text.isdigit()))):
        return _CLASS_TO_SIZE.get(bands[text][2], UNKNOWN_SIZE)
    if band_code and text.isdigit() and f"{int(text):02d}" in bands:
        return _CLASS_TO_SIZE.get(bands[f"{int(text):02d}"][2], UNKNOWN_SIZE)
    if band_code is None and text.isdigit() and len(text) == 2 and text in bands:
        return _CLASS_TO_SIZE.get(bands[text][2], UNKNOWN_SIZE)
    m = re.search(r"\d[\d\s\u00a0\u202f]*", text)
    if not m:
        return UNKNOWN_SIZE
    n = float(re.sub(r"\D", "", m.group(0)))
    # « moins de 10 salariés », « < 250 »: the bound itself is excluded
    if re.search(r"MOINS\s+DE|<|INF[EÉ]RIEUR", text[: m.start()]):
        n -= 1
    return size_of_headcount(n)


def sizes(headcount: pd.Series | None, bands: pd.Series | None, index: pd.Index) -> pd.Series:
    """Size class per client: band code first, else headcount. Output: text Series on ``index``."""
    out = pd.Series(UNKNOWN_SIZE, index=index, dtype=object)
    for series, is_band in ((headcount, False), (bands, True)):
        if series is None:
            continue
        distinct = pd.unique(series.dropna())
        table = {u: size_class(u, band_code=is_band) for u in distinct}
        mapped = series.map(table)
        known = mapped.notna() & (mapped != UNKNOWN_SIZE)
        out[known] = mapped[known]
    return out


def departement_of_postal(cp: str, ville: str | None = None) -> str | None:
    """Département code (``01``…``95``, ``2A``, ``2B``, ``971``…) or ``MC``/``COM``/None."""
    if not cp or len(cp) != 5 or not cp.isdigit():
        return None
    exc = cp_exceptions().get(cp)
    if exc and ville:
        hit = exc.get(fold(ville))
        if hit:
            return hit
    if cp.startswith("00"):
        return None
    if cp.startswith("20"):
        return "2A" if cp[2] in "01" else "2B"
    if cp.startswith("97"):
        if cp in ("97133", "97150") or cp[:3] in ("975", "977", "978"):
            return "COM"
        return cp[:3] if cp[:3] in departements() else None
    if cp.startswith("98"):
        return "MC" if cp[:3] == "980" else "COM"
    return cp[:2] if cp[:2] in departements() else None


def region_of(postal_code, ville: str | None = None) -> str:
    """Région of a postal code: one of the 18 official names, ``Hors France`` or ``Inconnue``."""
    if postal_code is None or (isinstance(postal_code, float) and postal_code != postal_code):
        return UNKNOWN_REGION
    if isinstance(postal_code, (int, float, np.integer, np.floating)):
        postal_code = f"{int(postal_code):05d}"
    cp = re.sub(r"[\s\u00a0]", "", str(postal_code))
    if len(cp) == 4 and cp.isdigit():
        cp = "0" + cp
    dep = departement_of_postal(cp, ville)
    if dep in ("MC", "COM"):
        return ABROAD
    if dep is None:
        return UNKNOWN_REGION
    return departements()[dep][1]


_FRANCE = {"", "france", "fr", "fra", "france metropolitaine", "metropole"}


def regions(
    index: pd.Index,
    *,
    postal: pd.Series | None = None,
    ville: pd.Series | None = None,
    departement: pd.Series | None = None,
    region: pd.Series | None = None,
    pays: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series]:
    """(région, département code) per client, from postal code, else département, else région column.

    ``postal`` must be the 5-character codes of :func:`parsing.parse_postal_codes`.
    A country other than France gives ``Hors France``.
    """
    reg = pd.Series(UNKNOWN_REGION, index=index, dtype=object)
    dep = pd.Series(pd.NA, index=index, dtype=object)
    if postal is not None:
        cp = postal.astype(object).where(postal.notna(), None)
        distinct = pd.unique(cp.dropna())
        d = cp.map({u: departement_of_postal(u) for u in distinct})
        exc = cp.isin(list(cp_exceptions())).to_numpy(dtype=bool)
        if exc.any() and ville is not None:
            # the 23 communes whose postal code starts with another département's number
            for row in cp.index[exc]:
                v = ville.get(row)
                d[row] = departement_of_postal(cp[row], v if isinstance(v, str) else None)
        d = d.astype(object).where(d.notna(), None)
        dep = d.where(d.notna(), dep)
        names = departements()
        reg = pd.Series([ABROAD if x in ("MC", "COM") else names[x][1] if x in names else UNKNOWN_REGION
                         for x in d], index=index, dtype=object)
    if departement is not None:
        todo = reg == UNKNOWN_REGION
        if todo.any():
            by_name = departement_names_folded()
            names = departements()

            def dep_code(v):
                if v is None or (isinstance(v, float) and v != v):
                    return None
                if isinstance(v, (int, float, np.integer, np.floating)):
                    v = f"{int(v):02d}"
                t = str(v).strip().upper()
                t = t.zfill(2) if t.isdigit() and len(t) == 1 else t
                return t if t in names else by_name.get(fold(t))

            codes = departement[todo].map(dep_code)
            ok = codes.notna()
            reg[codes[ok].index] = [names[c][1] for c in codes[ok]]
            dep[codes[ok].index] = codes[ok]
    if region is not None:
        todo = reg == UNKNOWN_REGION
        if todo.any():
            table = region_names_folded()
            mapped = region[todo].map(lambda v: table.get(fold(v)) if isinstance(v, str) else None)
            ok = mapped.notna()
            reg[mapped[ok].index] = mapped[ok]
    if pays is not None:
        folded = pays.map(lambda v: fold(v) if isinstance(v, str) else "")
        abroad = ~folded.isin(_FRANCE)
        reg[abroad] = ABROAD
    return reg, dep


def siret_is_valid(value) -> bool:
    """True for a valid SIRET (14 digits) or SIREN (9 digits), Luhn with La Poste's exception."""
    if value is None or (isinstance(value, float) and value != value):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        value = f"{int(value)}"
        if len(value) in (8, 13):
            value = "0" + value
    text = re.sub(r"[\s\u00a0.\-]", "", str(value))
    if len(text) == 14:
        return bool(_siret.is_valid(text))
    if len(text) == 9:
        return bool(_siren.is_valid(text))
    return False


#: La Poste's establishments: no Luhn key, the sum of the SIRET's digits is a multiple of 5 instead
_LA_POSTE = "356000000"


def identifiers_are_valid(digits: np.ndarray, length: int) -> np.ndarray:
    """Vectorised :func:`siret_is_valid` for text already reduced to digits.

    Input: an array of str (``length`` 9 for SIREN, 14 for SIRET; other
    lengths or non-digits are invalid). Output: bool array. The Luhn key of
    every value in numpy; python-stdnum keeps the rule of its special cases
    (La Poste), which are few. 100 000 values: stdnum one at a time ≈ 3.9 s.
    """
    texts = [v if isinstance(v, str) else "" for v in digits]
    out = np.zeros(len(texts), dtype=bool)
    # plain ASCII digits of the right length go to numpy; anything else (full-width digits,
    # a NUL numpy would drop) to python-stdnum one by one, as before
    plain = np.fromiter((len(v) == length and v.isascii() and v.isdigit() for v in texts), dtype=bool,
                        count=len(texts))
    std = _siret if length == 14 else _siren
    pattern = re.compile(r"\d{%d}" % length)
    for k in np.flatnonzero(~plain):
        v = texts[k]
        out[k] = bool(v) and pattern.fullmatch(v) is not None and bool(std.is_valid(v))
    ok = np.flatnonzero(plain)
    if not len(ok):
        return out
    fixed = np.array([texts[k] for k in ok], dtype=f"<U{length}")
    d = fixed.view("<u4").reshape(-1, length).astype(np.int64) - 48
    # Luhn: from the right, every second digit doubled (minus 9 past 9)
    doubled = d[:, -2::-2] * 2
    total = d[:, -1::-2].sum(axis=1) + (doubled - 9 * (doubled > 9)).sum(axis=1)
    luhn = total % 10 == 0
    if length == 14:
        # a SIRET's SIREN must itself pass
        head = d[:, :9]
        h2 = head[:, -2::-2] * 2
        luhn &= (head[:, -1::-2].sum(axis=1) + (h2 - 9 * (h2 > 9)).sum(axis=1)) % 10 == 0
        special = np.char.startswith(fixed, _LA_POSTE)
        if special.any():
            luhn[special] = [bool(_siret.is_valid(v)) for v in fixed[special]]
    out[ok] = luhn
    return out


def clean_sector_labels(values: pd.Series) -> pd.Series:
    """One spelling per sector: variants equal after folding take the most frequent spelling."""
    t = values.astype("string").str.replace(r"\s+", " ", regex=True).str.strip()
    t = t.where(t != "")
    if t.notna().sum() == 0:
        return t.astype(object)
    # a handful of sectors over a million clients: each spelling is folded once
    folded = {v: fold(v) for v in t.dropna().unique() if isinstance(v, str)}
    keys = t.map(folded, na_action="ignore")
    counts = pd.DataFrame({"k": keys, "t": t}).dropna().value_counts()
    best: dict[str, str] = {}
    for (k, label), _ in counts.items():
        if k not in best:
            # prefer a spelling that is not all capitals when one exists
            best[k] = label
    for (k, label), _ in counts.items():
        if best[k].isupper() and not label.isupper():
            best[k] = label
    best = {k: v[:1].upper() + v[1:] for k, v in best.items()}
    return keys.map(best).astype(object)


def sectors(index: pd.Index, *, secteur: pd.Series | None, naf: pd.Series | None) -> pd.Series:
    """Sector label per client: the file's sector column cleaned, else the NAF group."""
    out = pd.Series(pd.NA, index=index, dtype=object)
    if secteur is not None:
        out = clean_sector_labels(secteur).reindex(index)
    if naf is not None:
        todo = out.isna()
        if todo.any():
            distinct = pd.unique(naf[todo].dropna())
            table = {u: sector_of_naf(u) for u in distinct}
            out[todo] = naf[todo].map(table)
    return out.fillna(UNKNOWN_SECTOR)


def group_small_sectors(labels: pd.Series, threshold_pct: float) -> pd.Series:
    """Sectors under ``threshold_pct`` % of the base become ``Autres secteurs``."""
    if len(labels) == 0:
        return labels
    share = labels.value_counts(normalize=True) * 100
    small = set(share[share < threshold_pct].index) - {UNKNOWN_SECTOR}
    if len(small) < 2:
        # grouping a single sector would only hide its name
        return labels
    return labels.where(~labels.isin(small), OTHER_SECTORS)
