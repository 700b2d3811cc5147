"""The demo companies' identities: name, legal form, contact, e-mail, phone, town, NAF, SIRET
(no purchase data)."""

from __future__ import annotations

import numpy as np
from stdnum import luhn

from .company_names import (CLINICS, FARMS, FIRST_NAMES, FORM_WEIGHTS, FORMS, FREE_MAIL, LIBERAL_FORMS, PIZZERIAS, PLACES,
                    RESTAURANTS, SECTOR_NAMES, SECTOR_WEIGHTS, SECTORS, SURNAMES, TECH_NAMES, compose, slug,
                    strip_accents)
from .places import COMMUNES, phone

def siret(siren8: int, nic: int) -> str:
    siren = f"{siren8:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{nic:04d}"
    return body + luhn.calc_check_digit(body)



def headcounts(rng: np.random.Generator, n: int) -> np.ndarray:
    # mostly TPE, some PME, few ETI/GE, log-uniform inside each band
    band = rng.choice(4, size=n, p=[0.74, 0.21, 0.04, 0.01])
    low = np.array([1, 10, 250, 5000])[band]
    high = np.array([10, 250, 5000, 60000])[band]
    headcount = np.floor(np.exp(rng.uniform(np.log(low), np.log(high)))).astype(np.int64)
    headcount[(band == 0) & (rng.random(n) < 0.2)] = 0  # a non-employer sole trader is common
    return headcount


class Identities:
    """Column lists of generated company identities (no purchase data)."""

    def __init__(self, rng: np.random.Generator, n: int, siren_taken: set[int], cores_taken: set[str]):
        communes_p = np.array([c[3] for c in COMMUNES], dtype=float)
        commune = rng.choice(len(COMMUNES), size=n, p=communes_p / communes_p.sum())
        secteur = rng.choice(len(SECTOR_NAMES), size=n, p=SECTOR_WEIGHTS)
        # plain lists: indexing numpy arrays element by element is the slow part of this loop
        commune, secteur = commune.tolist(), secteur.tolist()
        u = rng.random((n, 12)).tolist()
        digits = rng.integers(0, 100, size=(n, 4)).tolist()
        self.effectif = headcounts(rng, n)
        small = (self.effectif < 10).tolist()
        form_std = np.searchsorted(np.cumsum(FORM_WEIGHTS), np.array(u)[:, 4] * 0.9999, side="right").tolist()
        siren_draws = rng.integers(30_000_000, 100_000_000, size=n).tolist()
        nic_draws = np.minimum(rng.geometric(0.4, size=n), 99).tolist()
        self.secteur: list[str] = []
        self.core: list[str] = []
        self.form: list[str] = []
        self.form_pos: list[str] = []
        self.tag: list[str] = []
        self.surname: list[str] = []
        self.nom: list[str] = []
        self.naf: list[str] = []
        self.email: list[str] = []
        self.phone: list[str] = []
        self.cp: list[str] = []
        self.ville: list[str] = []
        self.dept: list[str] = []
        self.siren8: list[int] = []
        self.siret: list[str] = []
        for i in range(n):
            ville, cp, dept, _ = COMMUNES[commune[i]]
            sector = SECTOR_NAMES[secteur[i]]
            patterns = SECTORS[sector][1]
            row = u[i]
            for attempt in range(40):
                if attempt == 0:
                    pattern = patterns[int(row[0] * len(patterns))]
                    surname = SURNAMES[int(row[1] * len(SURNAMES))]
                    first_name = FIRST_NAMES[int(row[2] * len(FIRST_NAMES))]
                    pick = row[3]
                else:  # homonym: draw again so that only injected duplicates look alike
                    a, b, c, pick = rng.random(4)
                    pattern = patterns[int(a * len(patterns))]
                    surname = SURNAMES[int(b * len(SURNAMES))]
                    first_name = FIRST_NAMES[int(c * len(FIRST_NAMES))]
                core = pattern[0].format(
                    S=surname, P=first_name, V=ville, L=PLACES[int(pick * len(PLACES))],
                    T=TECH_NAMES[int(pick * len(TECH_NAMES))],
                    R=RESTAURANTS[int(pick * len(RESTAURANTS))].format(P=first_name),
                    C=CLINICS[int(pick * len(CLINICS))], A=FARMS[int(pick * len(FARMS))],
                    Z=PIZZERIAS[int(pick * len(PIZZERIAS))].format(P=first_name))
                if attempt >= 3:
                    # large bases exhaust the name patterns: real homonyms are told apart by their town
                    core = f"{core} {ville}"
                key = strip_accents(core).lower()
                if key not in cores_taken:
                    break
            else:
                core = f"{core} {len(cores_taken)}"
                key = strip_accents(core).lower()
            cores_taken.add(key)
            template, nafs, form_kind, tag = pattern
            if form_kind == "std":
                form = FORMS[form_std[i]]
            elif form_kind == "lib":
                form = LIBERAL_FORMS[int(row[4] * len(LIBERAL_FORMS))]
            else:
                form = ""
            pos = "" if (not form or row[5] < 0.45) else ("prefix" if row[5] < 0.78 else "suffix")
            self.secteur.append(sector)
            self.core.append(core)
            self.form.append(form)
            self.form_pos.append(pos)
            self.tag.append(tag)
            self.surname.append(surname)
            naf = nafs[int(row[6] * len(nafs))]
            self.naf.append(naf if row[7] < 0.75 else naf.replace(".", ""))  # both APE spellings are common
            # the contact is often the owner in a small company
            owner_is_contact = row[8] < 0.35 and "{S}" in template
            contact_surname = surname if owner_is_contact else SURNAMES[int(row[9] * len(SURNAMES))]
            contact_first_name = FIRST_NAMES[int(row[10] * len(FIRST_NAMES))]
            self.nom.append(f"{contact_first_name} {contact_surname}")
            first, last = slug(contact_first_name), slug(contact_surname)
            local = (f"{first}.{last}".replace("-", ""), "contact", "compta", f"{first[0]}.{last}".replace("-", ""),
                     "info")[int(row[11] * 5)]
            if small[i] and row[11] * 5 % 1 < 0.5:
                domain = FREE_MAIL[int((row[11] * 50) % 1 * len(FREE_MAIL))]
                if local in ("contact", "compta", "info"):
                    local = slug(core).replace("-", ".")
            else:
                domain = slug(core).replace("-", "") + (".fr" if row[3] < 0.7 else ".com")
            self.email.append(f"{local}@{domain}")
            mobile = digits[i][1] < 25
            self.phone.append(phone(digits[i], dept, digits[i][2] % 5, mobile))
            self.cp.append(cp)
            self.ville.append(ville)
            self.dept.append(dept)
            siren8_draw = siren_draws[i]
            while siren8_draw // 10 == 3_560_000 or siren8_draw in siren_taken:  # 356000000: La Poste, other check rule
                siren8_draw = int(rng.integers(30_000_000, 100_000_000))
            siren_taken.add(siren8_draw)
            self.siren8.append(siren8_draw)
            self.siret.append(siret(siren8_draw, nic_draws[i] * (10 if row[2] < 0.3 else 1)))

    def entreprise(self, i: int) -> str:
        return compose(self.form[i], self.form_pos[i], self.core[i])
