"""Cached loaders of the French reference data shipped in ``refdata/``.

NAF is versioned: rév. 2 today; NAF 2025 replaces it for APE codes from
1 January 2027 and will be added as another version of the same lookup.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from importlib import resources


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files("segmenter_pme").joinpath("refdata").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(text.split())


@lru_cache(maxsize=None)
def regions() -> dict[str, str]:
    """INSEE region code → official name (18 regions)."""
    return {r["code_region"]: r["nom_region"] for r in _rows("regions.csv")}


@lru_cache(maxsize=None)
def departements() -> dict[str, tuple[str, str]]:
    """Département code (``01``…``95``, ``2A``, ``2B``, ``971``…) → (name, region name)."""
    return {r["code_departement"]: (r["nom_departement"], r["nom_region"]) for r in _rows("departements.csv")}


@lru_cache(maxsize=None)
def region_names_folded() -> dict[str, str]:
    """Folded region name (and ISO code, INSEE code) → official name."""
    out = {}
    for r in _rows("regions.csv"):
        out[fold(r["nom_region"])] = r["nom_region"]
        out[fold(r["iso_3166_2"])] = r["nom_region"]
    # former regions (before 2016) still written in many files
    former = {
        "alsace": "Grand Est", "lorraine": "Grand Est", "champagne ardenne": "Grand Est",
        "aquitaine": "Nouvelle-Aquitaine", "limousin": "Nouvelle-Aquitaine",
        "poitou charentes": "Nouvelle-Aquitaine", "auvergne": "Auvergne-Rhône-Alpes",
        "rhone alpes": "Auvergne-Rhône-Alpes", "bourgogne": "Bourgogne-Franche-Comté",
        "franche comte": "Bourgogne-Franche-Comté", "languedoc roussillon": "Occitanie",
        "midi pyrenees": "Occitanie", "nord pas de calais": "Hauts-de-France", "picardie": "Hauts-de-France",
        "basse normandie": "Normandie", "haute normandie": "Normandie", "centre": "Centre-Val de Loire",
        "paca": "Provence-Alpes-Côte d'Azur", "idf": "Île-de-France", "ile de france": "Île-de-France",
    }
    out.update(former)
    return out


@lru_cache(maxsize=None)
def departement_names_folded() -> dict[str, str]:
    """Folded département name → code."""
    return {fold(name): code for code, (name, _) in departements().items()}


@lru_cache(maxsize=None)
def cp_exceptions() -> dict[str, dict[str, str]]:
    """Postal code → {folded commune name: real département} for the 23 exceptions."""
    out: dict[str, dict[str, str]] = {}
    for r in _rows("cp_exceptions.csv"):
        out.setdefault(r["code_postal"], {})[fold(r["nom_commune"])] = r["code_departement_reel"]
    return out


NAF_VERSIONS = ("rev2",)


@lru_cache(maxsize=None)
def naf_divisions(version: str = "rev2") -> dict[str, str]:
    """NAF division (two digits) → section letter."""
    if version != "rev2":
        raise ValueError(f"NAF version {version!r} not shipped")
    return {r["division"]: r["section"] for r in _rows("naf_divisions.csv")}


@lru_cache(maxsize=None)
def tranches_effectif() -> dict[str, tuple[float | None, float | None, str]]:
    """SIRENE band code → (min, max, size class MIC/PME/ETI/GE/inconnu)."""
    out = {}
    for r in _rows("tranches_effectif.csv"):
        lo = float(r["effectif_min"]) if r["effectif_min"] else None
        hi = float(r["effectif_max"]) if r["effectif_max"] else None
        out[r["code"]] = (lo, hi, r["classe_taille_par_effectif"])
    return out


@lru_cache(maxsize=None)
def export_headers() -> list[dict[str, str]]:
    """Rows of export_headers.csv (source, objet, en_tete, champ_canonique, confiance)."""
    return _rows("export_headers.csv")
