"""Tests of the synthetic French SME base (segmenter_pme.demo)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from importlib.resources import files

import numpy as np
import pandas as pd
import pytest
from rapidfuzz.distance import Levenshtein
from stdnum.fr import siret as siret_mod

from segmenter_pme.demo import (
    CLIENT_COLUMNS,
    COMMUNES,
    DUPLICATE_TYPES,
    INVOICE_COLUMNS,
    generate_demo,
)

REF = dt.date(2025, 12, 31)
SECTEURS = {
    "Industrie", "Construction", "Commerce", "Transport et logistique", "Hôtellerie-restauration",
    "Information et communication", "Finance et immobilier", "Services professionnels",
    "Public, enseignement et santé", "Autres services", "Agriculture",
}
# NAF section → sector group of SPEC §6
SECTION_GROUP = {"A": "Agriculture", **dict.fromkeys("BCDE", "Industrie"), "F": "Construction", "G": "Commerce",
                 "H": "Transport et logistique", "I": "Hôtellerie-restauration",
                 "J": "Information et communication", **dict.fromkeys("KL", "Finance et immobilier"),
                 **dict.fromkeys("MN", "Services professionnels"),
                 **dict.fromkeys("OPQ", "Public, enseignement et santé"), **dict.fromkeys("RSTU", "Autres services")}
EMAIL_RE = re.compile(r"^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")
PHONE_RE = re.compile(r"^(0\d( \d\d){4}|0\d(\.\d\d){4}|0\d{9}|\+33 \d( \d\d){4}"
                      r"|\+33 \d \d{3}( \d\d){3}|0\d{3}( \d\d){3})$")


def refdata(name: str) -> pd.DataFrame:
    return pd.read_csv(files("segmenter_pme") / "refdata" / name, dtype=str, keep_default_na=False)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def dept_of_cp(cp: str) -> str:
    """SPEC §6 rule: two digits, three for 97x, Corsica 200/201 → 2A, 202+ → 2B."""
    if cp.startswith("97"):
        return cp[:3]
    if cp.startswith("20"):
        return "2A" if cp[:3] in ("200", "201") else "2B"
    return cp[:2]


def recompute(invoices: pd.DataFrame, reference_date: dt.date) -> pd.DataFrame:
    """Client aggregates from invoice lines, independently of the generator."""
    lines = invoices[invoices["Date"] <= pd.Timestamp(reference_date)]
    fa = lines[lines["Type"] == "Facture"]
    out = pd.DataFrame({
        "first": fa.groupby("Code client")["Date"].min(),
        "last": fa.groupby("Code client")["Date"].max(),
        "first_all": lines.groupby("Code client")["Date"].min(),
        "last_all": lines.groupby("Code client")["Date"].max(),
        "orders": fa.groupby("Code client")["N° facture"].nunique(),
        "ca": lines.groupby("Code client")["Montant HT"].sum().round(2),
    })
    return out


@pytest.fixture(scope="module")
def clean():
    return generate_demo(1500, seed=11, dirty=False)


@pytest.fixture(scope="module")
def dirty():
    return generate_demo(3000)


# ----------------------------------------------------------------------------- determinism

def test_same_arguments_give_identical_frames():
    a = generate_demo(400, seed=3)
    b = generate_demo(400, seed=3)
    for attr in ("clients", "invoices", "duplicate_groups", "dirty_cells"):
        pd.testing.assert_frame_equal(getattr(a, attr), getattr(b, attr))
    assert a.reference_date == b.reference_date == REF


def test_another_seed_gives_another_base():
    a = generate_demo(400, seed=3)
    b = generate_demo(400, seed=4)
    assert not a.clients["Entreprise"].equals(b.clients["Entreprise"])
    assert not a.invoices["Montant HT"].equals(b.invoices["Montant HT"])


def test_reference_date_moves_every_date():
    ref = dt.date(2023, 6, 30)
    d = generate_demo(300, reference_date=ref, dirty=False)
    dates = d.invoices["Date"]
    assert dates.max() > pd.Timestamp(ref) and (dates <= pd.Timestamp(ref)).mean() > 0.98
    assert dates.min() >= pd.Timestamp(ref) - pd.Timedelta(days=4 * 365 + 1)
    assert d.clients["Date dernier achat"].max() <= pd.Timestamp(ref)
    assert d.reference_date == ref


# ----------------------------------------------------------------------------- shapes and types

def test_columns_and_clean_types(clean):
    c, inv = clean.clients, clean.invoices
    assert tuple(c.columns) == CLIENT_COLUMNS
    assert tuple(inv.columns) == INVOICE_COLUMNS
    assert isinstance(c.index, pd.RangeIndex) and isinstance(inv.index, pd.RangeIndex)
    assert c["Code client"].is_unique
    for col in ("Date premier achat", "Date dernier achat"):
        assert c[col].dtype == "datetime64[ns]"
    assert inv["Date"].dtype == "datetime64[ns]"
    assert c["Nombre commandes"].dtype == np.int64 and c["Effectif"].dtype == np.int64
    assert c["CA total"].dtype == np.float64
    assert inv["Montant HT"].dtype == np.float64 and inv["Montant TTC"].dtype == np.float64
    assert c["Code postal"].map(lambda v: isinstance(v, str) and bool(re.fullmatch(r"\d{5}", v))).all()
    sirets = c["SIRET"].dropna()
    assert sirets.map(lambda v: isinstance(v, str) and len(v) == 14 and v.isdigit()).all()
    assert len(sirets) > 0.97 * len(c)  # only some duplicates have no SIRET
    assert set(c["Secteur"]) <= SECTEURS
    assert c["Email"].map(lambda v: bool(EMAIL_RE.match(v))).all()
    assert c["Téléphone"].map(lambda v: bool(PHONE_RE.match(v))).all()
    assert (c["Date dernier achat"].dropna() <= pd.Timestamp(REF)).all()
    assert clean.dirty_cells.empty


def test_invoice_lines_content(clean):
    inv = clean.invoices
    assert set(inv["Type"]) == {"Facture", "Avoir"}
    fa, av = inv[inv["Type"] == "Facture"], inv[inv["Type"] == "Avoir"]
    assert (fa["Montant HT"] > 0).all() and (av["Montant HT"] < 0).all()
    assert fa["N° facture"].str.fullmatch(r"FA-\d{4}-\d{6}").all()
    assert av["N° facture"].str.fullmatch(r"AV-\d{4}-\d{6}").all()
    assert (fa["N° facture"].str[3:7].astype(int) == fa["Date"].dt.year).all()
    assert 0.02 <= len(av) / len(inv) <= 0.04
    np.testing.assert_allclose(inv["Montant TTC"], (inv["Montant HT"] * 1.2).round(2), atol=0.011)
    future = (inv["Date"] > pd.Timestamp(REF)).mean()
    assert 0.002 <= future <= 0.01
    # multi-line invoices: same number → same client and date, ~10 % of invoices
    per_number = fa.groupby("N° facture").agg(lines=("Date", "size"), dates=("Date", "nunique"),
                                               clients=("Code client", "nunique"))
    assert (per_number["dates"] == 1).all() and (per_number["clients"] == 1).all()
    assert 0.06 <= (per_number["lines"] > 1).mean() <= 0.14
    assert inv["Date"].is_monotonic_increasing
    assert inv["Client"].notna().all()


def test_some_clients_only_in_invoices(clean):
    only = set(clean.invoices["Code client"]) - set(clean.clients["Code client"])
    assert 3 <= len(only) <= 10
    assert not set(clean.invoices.loc[clean.invoices["Code client"].isin(only), "Client"]) & set(
        clean.clients["Entreprise"])


# ----------------------------------------------------------------------------- consistency

def test_client_table_matches_invoices_exactly(clean):
    c = clean.clients.set_index("Code client")
    agg = recompute(clean.invoices, REF)
    buyers = c[c["Nombre commandes"] > 0]
    assert set(buyers.index) == set(agg.index) & set(c.index)
    a = agg.loc[buyers.index]
    assert (buyers["Date premier achat"] == a["first"]).all()
    assert (buyers["Date dernier achat"] == a["last"]).all()
    # credit notes never lie outside a client's invoices: same dates either way
    assert (a["first"] == a["first_all"]).all() and (a["last"] == a["last_all"]).all()
    assert (buyers["Nombre commandes"] == a["orders"]).all()
    assert (buyers["CA total"] == a["ca"]).all()
    prospects = c[c["Nombre commandes"] == 0]
    assert not set(prospects.index) & set(clean.invoices["Code client"])
    assert prospects["Date premier achat"].isna().all() and prospects["Date dernier achat"].isna().all()
    assert (prospects["CA total"].fillna(0) == 0).all()
    assert prospects["CA total"].isna().any() and (prospects["CA total"] == 0).any()


def test_dirty_base_stays_consistent_outside_damaged_cells(dirty):
    c = dirty.clients.set_index("Code client", drop=False)
    agg = recompute(dirty.invoices, REF)
    cells = dirty.dirty_cells
    damaged = set(cells.loc[cells["colonne"].isin(["Date premier achat", "Date dernier achat", "CA total"]), "row"])
    buyers = dirty.clients["Nombre commandes"] > 0
    ok = dirty.clients[~dirty.clients.index.isin(damaged) & buyers]
    assert len(ok) > 0.9 * buyers.sum()
    a = agg.loc[ok["Code client"]]
    assert (pd.to_datetime(ok["Date premier achat"]).to_numpy() == a["first"].to_numpy()).all()
    assert (pd.to_datetime(ok["Date dernier achat"]).to_numpy() == a["last"].to_numpy()).all()
    assert (ok["CA total"].astype(float).to_numpy() == a["ca"].to_numpy()).all()
    assert (c.loc[ok["Code client"], "Nombre commandes"].to_numpy() == a["orders"].to_numpy()).all()


def test_prospect_share():
    for n in (500, 3000):
        d = generate_demo(n, duplicates=False)
        assert (d.clients["Nombre commandes"] == 0).sum() == round(0.08 * n)
    d = generate_demo(3000)
    assert 0.07 <= (d.clients["Nombre commandes"] == 0).mean() <= 0.09


def test_purchase_behaviour_is_skewed_and_mixed(clean):
    c = clean.clients[clean.clients["Nombre commandes"] > 0]
    ca = c["CA total"].sort_values(ascending=False)
    top20 = ca.head(int(0.2 * len(ca))).sum() / ca.sum()
    assert 0.65 <= top20 <= 0.92
    ref = pd.Timestamp(REF)
    recency = (ref - c["Date dernier achat"]).dt.days
    assert (c["Nombre commandes"] == 1).mean() > 0.15  # one-time buyers
    assert ((recency <= 30) & (c["Nombre commandes"] >= 10)).mean() > 0.05  # champions
    assert ((ref - c["Date premier achat"]).dt.days <= 180).mean() > 0.05  # new clients
    assert (recency > 365).mean() > 0.15  # lapsed
    assert (c["CA total"] < 0).sum() >= 1  # credit notes above the invoices


def test_headcounts_are_skewed(dirty):
    eff = dirty.clients["Effectif"]
    tpe = (eff < 10).mean()
    assert 0.65 <= tpe <= 0.85
    assert 0.1 <= ((eff >= 10) & (eff < 250)).mean() <= 0.3
    assert ((eff >= 250) & (eff < 5000)).sum() > 0 and (eff >= 5000).sum() > 0


# ----------------------------------------------------------------------------- geography, identifiers

def test_postal_codes_match_cities_and_departements(dirty):
    known = {(cp, ville): dep for ville, cp, dep, _ in COMMUNES}
    assert len({c[:2] for c in known}) >= 100 and len(COMMUNES) >= 150
    depts = refdata("departements.csv").set_index("code_departement")["nom_region"]
    exceptions = {(r.code_postal, r.nom_commune): r.code_departement_reel
                  for r in refdata("cp_exceptions.csv").itertuples()}
    for (cp, ville), dep in known.items():
        assert dep in depts.index, (cp, ville)
        assert exceptions.get((cp, ville), dept_of_cp(cp)) == dep, (cp, ville, dep)
    assert set(depts[[d for d in known.values()]]) == set(refdata("regions.csv")["nom_region"])
    c = dirty.clients
    cps = c["Code postal"].map(lambda v: f"{v:05d}" if isinstance(v, int) else v)
    assert all((cp, v) in known for cp, v in zip(cps, c["Ville"]))
    assert c["Code postal"].map(lambda v: str(v).startswith(("20", "97"))).any()


def test_sirets_valid_except_injected(dirty):
    c, cells = dirty.clients, dirty.dirty_cells
    injected = set(cells.loc[cells["type"] == "siret_invalide", "row"])
    assert injected
    for row, value in c["SIRET"].items():
        if value is None or (isinstance(value, float) and np.isnan(value) and row not in injected):
            continue
        text = f"{int(value):014d}" if isinstance(value, float) else value
        assert siret_mod.is_valid(text) == (row not in injected), (row, value)
    sirens = c["SIRET"].map(lambda v: f"{int(v):014d}"[:9] if isinstance(v, float) and not np.isnan(v)
                            else (v[:9] if isinstance(v, str) else None))
    dup_rows = set(dirty.duplicate_groups["row"])
    originals = sirens[~c.index.isin(dup_rows)].dropna()
    assert originals.is_unique  # one company per SIREN, apart from the injected duplicates


def test_naf_codes_agree_with_sector(clean):
    divisions = refdata("naf_divisions.csv").set_index("division")["section"]
    naf = clean.clients["Code NAF"]
    assert naf.str.fullmatch(r"\d\d\.?\d\d[A-Z]").all()
    assert naf.str.contains(".", regex=False).any() and (~naf.str.contains(".", regex=False)).any()
    groups = naf.str[:2].map(divisions).map(SECTION_GROUP)
    assert (groups == clean.clients["Secteur"]).all()
    assert {"47.11F", "4711F", "45.20A", "4520A", "62.01Z", "6201Z"} & set(naf)


def test_company_names_look_french(dirty):
    names = dirty.clients["Entreprise"]
    for word in ("SARL", "SAS", "EURL", "Ets", "Boulangerie", "Garage", "Cabinet"):
        assert names.str.contains(rf"\b{word}\b", regex=True).any(), word
    phones = dirty.clients["Téléphone"]
    assert phones.str.startswith("+33").any() and phones.str.startswith("0590").any()


# ----------------------------------------------------------------------------- dirty values

def test_every_kind_of_damage_is_present_and_real(dirty):
    c, cells = dirty.clients, dirty.dirty_cells
    kinds = set(cells["type"])
    assert kinds == {"cp_sans_zero", "siret_float", "siret_invalide", "siret_vide", "ca_texte", "ca_parentheses",
                     "ca_moins_final", "date_texte", "date_serie_excel", "secteur_vide", "secteur_casse",
                     "email_invalide", "date_future"}
    assert cells["row"].nunique() < 0.25 * len(c)
    agg = recompute(dirty.invoices, REF)

    def cells_of(kind):
        sel = cells[cells["type"] == kind]
        return [(int(r), col) for r, col in zip(sel["row"], sel["colonne"])]

    for r, col in cells_of("cp_sans_zero"):
        v = c.at[r, col]
        assert isinstance(v, int) and 1000 <= v < 10000
    for r, col in cells_of("siret_float"):
        assert isinstance(c.at[r, col], float) and c.at[r, col] > 1e13
    for r, col in cells_of("siret_vide"):
        assert c.at[r, col] is None
    texts = []
    for r, col in cells_of("ca_texte"):
        v = c.at[r, col]
        assert isinstance(v, str) and re.fullmatch(r"\d{1,3}([ \u00a0\u202f]\d{3})*,\d\d([ \u00a0\u202f]€)?", v)
        value = float(re.sub(r"[ \u00a0\u202f€]", "", v).replace(",", "."))
        assert value == agg.at[c.at[r, "Code client"], "ca"]  # the text keeps the value
        texts.append(v)
    joined = "".join(texts)
    assert " " in joined and "\u00a0" in joined and "\u202f" in joined and "€" in joined
    for r, col in cells_of("ca_parentheses"):
        v = c.at[r, col]
        assert re.fullmatch(r"\([\d \u00a0\u202f]+,\d\d\)", v)
        assert -float(re.sub(r"[()\s\u202f]", "", v).replace(",", ".")) == agg.at[c.at[r, "Code client"], "ca"] < 0
    for r, col in cells_of("ca_moins_final"):
        assert c.at[r, col].endswith("-") and agg.at[c.at[r, "Code client"], "ca"] < 0
    for r, col in cells_of("date_texte"):
        v = c.at[r, col]
        assert re.fullmatch(r"\d\d/\d\d/\d{4}", v)
        key = "first" if col == "Date premier achat" else "last"
        assert pd.Timestamp(dt.datetime.strptime(v, "%d/%m/%Y")) == agg.at[c.at[r, "Code client"], key]
    for r, col in cells_of("date_serie_excel"):
        v = c.at[r, col]
        assert isinstance(v, int)
        key = "first" if col == "Date premier achat" else "last"
        assert pd.Timestamp("1899-12-30") + pd.Timedelta(days=v) == agg.at[c.at[r, "Code client"], key]
    assert 1 <= len(cells_of("date_future")) <= 2
    for r, col in cells_of("date_future"):
        assert c.at[r, col] > pd.Timestamp(REF)
    for r, col in cells_of("secteur_vide"):
        assert pd.isna(c.at[r, col])
    for r, col in cells_of("secteur_casse"):
        v = c.at[r, col]
        assert v not in SECTEURS and any(v.strip().lower() == s.lower() for s in SECTEURS)
    for r, col in cells_of("email_invalide"):
        assert not EMAIL_RE.match(c.at[r, col])
    # cells not listed keep clean values
    listed = set(zip(cells["row"], cells["colonne"]))
    for col in ("Code postal", "CA total", "Secteur", "Email"):
        for r, v in c[col].items():
            if (r, col) in listed:
                continue
            if col == "Code postal":
                assert isinstance(v, str) and len(v) == 5
            elif col == "CA total":
                assert v is None or isinstance(v, float)
            elif col == "Secteur":
                assert v in SECTEURS
            else:
                assert EMAIL_RE.match(v)


def test_shares_of_damage_are_a_few_percent(dirty):
    counts = dirty.dirty_cells.drop_duplicates(["row", "type"])["type"].value_counts()
    n = len(dirty.clients)
    for kind in ("ca_texte", "date_texte", "siret_float", "secteur_casse"):
        assert 0.01 <= counts[kind] / n <= 0.05, kind
    assert counts["email_invalide"] <= 10 and counts["date_future"] <= 2


# ----------------------------------------------------------------------------- duplicates

def _no_form(name: str) -> str:
    forms = (r"\b(S\.?A\.?R\.?L\.?|Sarl|S\.?A\.?S\.?U?\.?|Sasu?|E\.?U\.?R\.?L\.?|Eurl|S\.?A\.?|S\.?N\.?C\.?"
             r"|SELARL|Selarl|SELAS|Selas|S\.?C\.?P\.?)(?=\s|$)")
    return re.sub(r"\s+", " ", re.sub(forms, "", name)).strip()


def test_duplicates_are_recorded_and_realistic(dirty):
    c, groups = dirty.clients, dirty.duplicate_groups
    damaged = set(zip(dirty.dirty_cells["row"], dirty.dirty_cells["colonne"]))
    assert list(groups.columns) == ["row", "groupe", "type"]
    n_dup = int((groups["type"] != "original").sum())
    assert n_dup == round(0.03 * 3000) and len(c) == 3000 + n_dup
    assert set(groups["type"]) == set(DUPLICATE_TYPES) | {"original"}
    assert groups["row"].is_unique and groups["row"].isin(c.index).all()
    for _, g in groups.groupby("groupe"):
        assert sorted(g["type"] == "original") == [False, True]
        orig = c.loc[g.loc[g["type"] == "original", "row"].item()]
        dup = c.loc[g.loc[g["type"] != "original", "row"].item()]
        kind = g.loc[g["type"] != "original", "type"].item()
        a, b = orig["Entreprise"], dup["Entreprise"]
        assert orig["Code client"] != dup["Code client"]
        assert orig["Nombre commandes"] >= 1 and dup["Nombre commandes"] >= 1  # the orders are split
        if kind != "meme_email":
            assert a != b or kind == "casse" and a == b.upper()
        if kind == "accents":
            assert strip_accents(a).lower() == b.lower() and a != b
        elif kind == "casse":
            assert a.lower() == b.lower()
        elif kind == "forme_juridique":
            assert _no_form(a) == _no_form(b)
        elif kind == "mots_inverses":
            assert sorted(a.split()) == sorted(b.split())
        elif kind == "ets":
            strip = lambda s: re.sub(r"\b(Ets|Établissements) ", "", s)  # noqa: E731
            assert strip(a) == strip(b)
        elif kind == "faute_frappe":
            assert 1 <= Levenshtein.distance(a, b) <= 2
        elif kind == "meme_siren":
            if not {(orig.name, "SIRET"), (dup.name, "SIRET")} & damaged:
                sa, sb = str(orig["SIRET"]), str(dup["SIRET"])
                assert sa[:9] == sb[:9] and sa != sb
            assert a != b
        elif kind == "meme_email":
            if not {(orig.name, "Email"), (dup.name, "Email")} & damaged:
                assert orig["Email"] == dup["Email"]
            assert a != b


def test_without_duplicates():
    d = generate_demo(300, duplicates=False, dirty=False)
    assert len(d.clients) == 300 and d.duplicate_groups.empty
    assert list(d.duplicate_groups.columns) == ["row", "groupe", "type"]


def test_tiny_bases_work():
    for n in (1, 5, 30):
        d = generate_demo(n)
        assert len(d.clients) >= n and len(d.invoices) > 0

