"""Telephone numbers to E.164, with the region of DROM numbers taken from the postal code.

A Réunion client writes ``0262 12 34 56``: read as a metropolitan number it is
``+33 262…`` (invalid); read in region ``RE`` it is ``+262 262 12 34 56``. The
postal code says which reading is right. Parsing is phonenumbers' own, called
once per distinct (digits, region) pair.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import phonenumbers
import pandas as pd

# postal-code prefix → phonenumbers region (DROM and COM with their own country code)
_DROM_REGIONS = {
    "971": "GP", "972": "MQ", "973": "GF", "974": "RE", "975": "PM", "976": "YT",
    "97133": "BL", "97150": "MF", "986": "WF", "987": "PF", "988": "NC",
}


def region_of_postal_codes(postal_codes: pd.Series | None, index: pd.Index) -> pd.Series:
    """phonenumbers region per row: the DROM/COM region for 97x/98x codes, else ``FR``."""
    region = pd.Series("FR", index=index, dtype=object)
    if postal_codes is None:
        return region
    cp = postal_codes.astype("object").where(postal_codes.notna(), "").astype(str).str.strip().str.zfill(5)
    for prefix, code in sorted(_DROM_REGIONS.items(), key=lambda kv: len(kv[0])):
        # longer prefixes (97133, 97150) come last so they override 971
        region = region.mask(cp.str.startswith(prefix), code)
    return region


_DROM_FALLBACK = ("RE", "GP", "MQ", "GF", "YT")


def e164(digits: str, region: str) -> str | None:
    """One number (digits and +) in E.164 read in phonenumbers ``region``; None when it is no valid number."""
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) and region == "FR":
        # no DROM postal code (missing, or a head office in métropole): a 0262… number
        # is still Réunion's — the one DROM where it is valid
        for drom in _DROM_FALLBACK:
            other = phonenumbers.parse(digits, drom)
            if phonenumbers.is_valid_number(other):
                return phonenumbers.format_number(other, phonenumbers.PhoneNumberFormat.E164)
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phones(phones: pd.Series, postal_codes: pd.Series | None = None, *,
                     only_shared: bool = False) -> pd.Series:
    """E.164 form of each phone number, ``None`` when missing or unusable.

    Input: ``phones`` (any dtype) and optionally ``postal_codes`` (same index)
    for the DROM region. Output: a Series of str/None with the same index.
    With ``only_shared``, only the numbers that may equal another row's are
    parsed — those whose last 9 digits occur twice or more (``06 12…``,
    ``+33 6 12…`` and ``0033 6 12…`` all end the same) —, the others are
    ``None``: enough for matching, at a fraction of the cost.
    """
    region = region_of_postal_codes(postal_codes, phones.index)
    raw = phones.astype("object").where(phones.notna(), "").astype(str)
    # Excel turns 0612345678 into the number 612345678(.0): the digits survive, the zero not
    raw = raw.str.replace(r"\.0$", "", regex=True)
    digits = raw.str.replace(r"[^\d+]", "", regex=True)
    lost_zero = digits.str.fullmatch(r"[1-9]\d{8}")
    digits = digits.mask(lost_zero, "0" + digits)
    keys = pd.DataFrame({"d": digits, "r": region})
    present = keys["d"].str.len() >= 6
    if only_shared:
        # the present rows of each tail, counted through integer codes: mapping each tail to its count by
        # hashing took ten times as long (100 000 clients: 0,072 s → 0,011 s of CPU, same run)
        codes = pd.factorize(digits.str[-9:].to_numpy(dtype=object))[0]
        shared = np.bincount(codes, weights=present.to_numpy(dtype=bool))[codes] >= 2
        present &= pd.Series(shared, index=phones.index)
    out = np.full(len(phones), None, dtype=object)
    # a metropolitan 0X XX XX XX XX that phonenumbers' own French patterns call valid is +33X…: the same
    # answer as parsing it, without a parse per number (100 000 parses take seconds)
    # (also +33 6…, whatever the region: the country code is written; 0033 6… from France)
    national = (digits.str.fullmatch(r"0[1-9]\d{8}|0033[1-9]\d{8}") & (region == "FR")) | digits.str.fullmatch(
        r"\+33[1-9]\d{8}")
    nsn = digits.str[-9:]
    fast = present & national & nsn.str.fullmatch(_french_valid_pattern())
    if fast.any():
        out[fast.to_numpy()] = ("+33" + nsn[fast]).to_numpy(dtype=object)
    present &= ~fast
    distinct = keys[present].drop_duplicates()
    mapping = {(d, r): e164(d, r) for d, r in zip(distinct["d"], distinct["r"])}
    if mapping:
        values = [mapping[(d, r)] for d, r in zip(keys["d"][present], keys["r"][present])]
        out[present.to_numpy()] = np.array(values + [None], dtype=object)[:-1]  # a list of str stays 1-D
    return pd.Series(out, index=phones.index, dtype=object)


@lru_cache(maxsize=1)
def _french_valid_pattern() -> str:
    """The 9-digit French numbers phonenumbers calls valid (any type), as one regular expression."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region("FR")
    kinds = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail",
             "fixed_line", "mobile")
    patterns = [d.national_number_pattern for d in (getattr(meta, k) for k in kinds)
                if d is not None and d.national_number_pattern and (not d.possible_length or 9 in d.possible_length)]
    return "|".join(f"(?:{p})" for p in patterns)
