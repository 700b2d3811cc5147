"""Hard duplicate cases (issue 17): namesakes, companies of one group, real duplicates with weak evidence.

Generated apart from ``tests/support/labelled.py`` (which has no street
addresses and few hard negatives), from fixed seeds so figures can be compared
from one change to the next. ``python benchmarks/bench_audit.py --hard`` prints
the precision of the pairs « Nettoyer » merges and the recall of every pair the
audit flags.

Classes (column ``cas``):

* ``homonymes`` — two bakeries with one name in one town: different SIREN,
  phone, e-mail, street. Two clients.
* ``groupe`` — « Transports Roux Nord » / « Transports Roux Sud »: same
  switchboard, street and e-mail domain, different SIREN. Two clients.
* ``demenage`` — one client that moved: other town, other phone, same SIREN.
* ``email_perso`` — the manager's personal e-mail, no SIRET, on one record.
* ``nom_ville_rue`` — only name, town and street on one record.
* ``format_tel`` — ``+33 4 …`` on one record, ``04 …`` on the other.
* ``simple`` — ordinary clients, some re-typed (case, legal form, typo) with
  one shared identifier.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

# the labelled set is test-only code (tests/support/), kept out of the wheel
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.labelled import (  # noqa: E402
    ACTIVITIES, FIRST_NAMES, LEGAL, SURNAMES, _ascii, _phone, _postal, _siren, _siret, _typo)

SEEDS = (11, 23, 47)
STREETS = ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta",
           "rue du Général de Gaulle", "place de la Mairie", "rue Pasteur", "avenue de la Gare",
           "rue des Écoles", "chemin du Moulin", "route de Lyon", "rue Nationale", "impasse des Lilas",
           "allée des Tilleuls", "rue du Stade", "quai de la Loire")
TOWNS = {"33": ("33000", "Bordeaux"), "69": ("69003", "Lyon"), "13": ("13008", "Marseille"),
         "31": ("31000", "Toulouse"), "44": ("44000", "Nantes"), "59": ("59000", "Lille"),
         "35": ("35000", "Rennes"), "67": ("67000", "Strasbourg"), "34": ("34000", "Montpellier"),
         "06": ("06000", "Nice"), "38": ("38000", "Grenoble"), "21": ("21000", "Dijon")}
WEBMAIL = ("gmail.com", "orange.fr", "free.fr", "hotmail.fr", "wanadoo.fr", "yahoo.fr", "laposte.net")


def _street(rng) -> str:
    return f"{int(rng.integers(1, 120))} {rng.choice(STREETS)}"


def _company(rng, used: set[str], dept: str | None = None, name: str | None = None) -> dict:
    dept = dept or str(rng.choice(list(TOWNS)))
    cp, town = TOWNS[dept]
    if name is None:
        name = f"{rng.choice(ACTIVITIES)} {rng.choice(SURNAMES)}"
        if rng.random() < 0.4:
            name += " " + str(rng.choice(list(LEGAL)))
    siren = _siren(rng, used)
    domain = _ascii(name.split(" ")[1] if " " in name else name).lower().replace("'", "") \
        + f"-{int(rng.integers(10, 99))}.fr"
    first, last = str(rng.choice(FIRST_NAMES)), str(rng.choice(SURNAMES))
    return {
        "raison_sociale": name, "code_postal": cp, "ville": town, "adresse": _street(rng),
        "siren": siren, "siret": _siret(siren, rng),
        "email": f"{_ascii(first).lower()}.{_ascii(last).lower().replace(' ', '')}@{domain}",
        "telephone": _phone(dept, rng), "_dept": dept, "_first": first, "_last": last,
    }


def _drop(rec: dict, rng, p: float, fields=("siren", "siret", "email", "telephone", "adresse")) -> dict:
    rec = dict(rec)
    for f in fields:
        if rng.random() < p:
            rec[f] = None
    return rec


def _intl(phone: str) -> str:
    digits = phone.replace(" ", "")
    return "+33 " + digits[1] + " " + " ".join(digits[k:k + 2] for k in range(2, 10, 2))


def hard_clients(n_each: int = 40, n_plain: int = 600, *, seed: int = 11) -> pd.DataFrame:
    """Client frame with truth columns ``entite`` and ``cas`` (index: Excel rows from 2, shuffled)."""
    rng = np.random.default_rng(seed)
    used: set[str] = set()
    rows: list[dict] = []
    entity = 0

    def add(rec: dict, case: str, ent: int) -> None:
        rows.append({**{k: v for k, v in rec.items() if not k.startswith("_")}, "entite": ent, "cas": case})

    for _ in range(n_plain):
        base = _drop(_company(rng, used), rng, 0.35)
        add(base, "simple", entity)
        if rng.random() < 0.15:
            other = dict(base)
            other["raison_sociale"] = str(rng.choice([base["raison_sociale"].upper(), _typo(base["raison_sociale"], rng)]))
            other = _drop(other, rng, 0.4, ("siret", "adresse"))
            add(other, "simple", entity)
        entity += 1
    for _ in range(n_each):
        # namesakes: one name, one town, nothing else in common
        name = f"{rng.choice(['Boulangerie', 'Garage', 'Pharmacie', 'Plomberie', 'Coiffure'])} {rng.choice(SURNAMES)}"
        name += " " + str(rng.choice(["SAS", "SARL", ""])).strip()
        name = name.strip()
        dept = str(rng.choice(list(TOWNS)))
        a = _company(rng, used, dept, name)
        b = _company(rng, used, dept, name.upper() if rng.random() < 0.5 else name)
        add(_drop(a, rng, 0.3), "homonymes", entity)
        add(_drop(b, rng, 0.3), "homonymes", entity + 1)
        entity += 2
        # one group: shared switchboard, street and domain; own SIREN each
        sur = str(rng.choice(SURNAMES))
        act = str(rng.choice(["Transports", "Bâtiment", "Distribution", "Électricité", "Nettoyage"]))
        head = _company(rng, used, dept, f"{act} {sur}")
        for suffix in rng.choice(["Nord", "Sud", "Est", "Ouest", "Atlantique", "Services"], 2, replace=False):
            sister = _company(rng, used, dept, f"{act} {sur} {suffix}")
            sister["telephone"], sister["adresse"] = head["telephone"], head["adresse"]
            sister["email"] = sister["email"].split("@")[0] + "@" + head["email"].split("@")[1]
            add(_drop(sister, rng, 0.4, ("siren", "siret", "email")), "groupe", entity)
            entity += 1
        # a client that moved: other town, other phone, same SIREN
        c = _company(rng, used)
        moved_dept = str(rng.choice([d for d in TOWNS if d != c["_dept"]]))
        m = dict(c)
        m["code_postal"], m["ville"] = TOWNS[moved_dept]
        m["adresse"], m["telephone"], m["siret"] = _street(rng), _phone(moved_dept, rng), None
        if rng.random() < 0.5:
            m["raison_sociale"] = m["raison_sociale"].upper()
        add(_drop(c, rng, 0.3, ("email", "adresse")), "demenage", entity)
        add(_drop(m, rng, 0.3, ("email",)), "demenage", entity)
        entity += 1
        # the manager's personal e-mail and no SIRET
        c = _company(rng, used)
        p = dict(c)
        p["email"] = f"{_ascii(c['_first']).lower()}.{_ascii(c['_last']).lower().replace(' ', '')}" \
                     f"{int(rng.integers(1, 99))}@{rng.choice(WEBMAIL)}"
        p["siren"] = p["siret"] = None
        if rng.random() < 0.5:
            p["telephone"] = None
        add(c, "email_perso", entity)
        add(p, "email_perso", entity)
        entity += 1
        # only name, town and street
        c = _company(rng, used)
        o = {"raison_sociale": c["raison_sociale"] if rng.random() < 0.5 else _typo(c["raison_sociale"], rng),
             "code_postal": c["code_postal"], "ville": c["ville"], "adresse": c["adresse"]}
        add(c, "nom_ville_rue", entity)
        add(o, "nom_ville_rue", entity)
        entity += 1
        # +33 4 … against 04 …
        c = _company(rng, used)
        f = {"raison_sociale": c["raison_sociale"].upper(), "code_postal": c["code_postal"], "ville": c["ville"],
             "telephone": _intl(c["telephone"])}
        add(_drop(c, rng, 0.5, ("siren", "siret", "email")), "format_tel", entity)
        add(f, "format_tel", entity)
        entity += 1
    frame = pd.DataFrame(rows)
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    frame.insert(0, "client_id", [f"H{k:05d}" for k in range(1, len(frame) + 1)])
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame
