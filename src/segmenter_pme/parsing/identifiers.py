"""French postal codes (the leading zero Excel drops, put back) and SIREN / SIRET (digits a number
cell or a scientific-notation text kept or lost), read vectorised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..problems import INFO, WARNING, Issue, value_issues
from .text import ID_SEPARATORS, PY_SPACES


def parse_postal_codes(
    s: pd.Series, *, sheet: str | None = None, column: str | None = None
) -> tuple[pd.Series, pd.Series, list[Issue]]:
    """French postal codes as 5-character text.

    Returns ``(codes, repaired, issues)``: ``repaired`` is True where Excel had
    dropped the leading zero (``1000`` → ``01000``). Values that are no French
    postal code become missing with a ``code_postal_invalide`` warning.
    """
    column = column or (str(s.name) if s.name is not None else None)
    obj = s.astype(object)
    is_num = obj.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
    txt = pd.Series(pd.NA, index=s.index, dtype="string")
    if is_num.any():
        nums = pd.to_numeric(obj[is_num], errors="coerce")
        whole = nums.notna() & (nums == np.floor(nums))
        txt[is_num] = nums.where(whole).map(lambda v: str(int(v)) if v == v else pd.NA).astype("string")
    is_txt = obj.map(lambda v: isinstance(v, str))
    if is_txt.any():
        t = obj[is_txt].astype("string").str.strip().str.upper()
        t = t.str.replace(rf"^(F|FR)[{PY_SPACES}\-]+", "", regex=True).str.replace(f"[{PY_SPACES}']", "", regex=True)
        t = t.str.replace(r"\.0$", "", regex=True)
        txt[is_txt] = t.where(t != "")
    four = txt.str.fullmatch(r"\d{4}").fillna(False)
    codes = txt.where(~four, "0" + txt)
    ok = codes.str.fullmatch(r"\d{5}").fillna(False)
    filled = codes.notna()
    bad = filled & ~ok
    issues = value_issues(
        "code_postal_invalide", bad, obj, sheet=sheet, column=column, severity=WARNING,
        message="« {value} » n'est pas un code postal français (5 chiffres). La région de ce client sera « Inconnue ».",
    )
    repaired = four & ok
    if repaired.any():
        issues.append(Issue("code_postal_zero_perdu",
                            f"Codes postaux ayant perdu leur zéro initial : {int(repaired.sum())} (ex. 1000 → 01000). Ils sont lus correctement. Formatez la colonne en Texte pour le garder.",
                            INFO, sheet, column, None, None, int(repaired.sum())))
    return codes.where(ok), repaired, issues


def parse_identifiers(
    s: pd.Series, kind: str = "siret", *, sheet: str | None = None, column: str | None = None
) -> tuple[pd.Series, pd.Series, list[Issue]]:
    """SIREN (9 digits) / SIRET (14 digits) as text from text, integers or floats.

    Returns ``(digits, was_float, issues)``: a SIRET stored as a number (shown
    as ``3,56E+13``) is read back exactly; a text such as ``"3,56E+13"`` has lost
    its digits and is reported (``siret_tronque``).
    """
    column = column or (str(s.name) if s.name is not None else None)
    length = 14 if kind == "siret" else 9
    obj = s.astype(object)
    is_num = obj.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
    out = pd.Series(pd.NA, index=s.index, dtype="string")
    if is_num.any():
        out[is_num] = obj[is_num].map(lambda v: (f"{int(v):0{length}d}" if v == v else pd.NA)).astype("string")
    is_txt = obj.map(lambda v: isinstance(v, str))
    sci = pd.Series(False, index=s.index)
    if is_txt.any():
        t = obj[is_txt].astype("string").str.strip()
        sci[is_txt] = t.str.contains(r"[eE][+]?\d+$", regex=True).fillna(False)
        out[is_txt] = t.str.replace(ID_SEPARATORS, "", regex=True).where(t != "")
    bad_len = out.notna() & ~out.str.fullmatch(r"\d{%d}" % length).fillna(False) & ~sci
    label = "SIRET" if kind == "siret" else "SIREN"
    issues = value_issues(
        f"{kind}_tronque", sci, obj, sheet=sheet, column=column, severity=WARNING,
        message=f"Le {label} « {{value}} » est affiché en notation scientifique dans une cellule texte : "
                "ses chiffres sont perdus. Ressaisissez-le dans une colonne au format Texte.",
    )
    issues += value_issues(
        f"{kind}_format", bad_len, obj, sheet=sheet, column=column, severity=WARNING,
        message=f"« {{value}} » n'est pas un {label} ({length} chiffres).",
    )
    return out.where(~sci & ~bad_len), is_num & obj.notna(), issues
