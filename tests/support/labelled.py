"""A labelled client base with realistic French duplicates, to measure duplicate detection.

:func:`labelled_clients` draws companies (activity + surname, surname + activity,
place names, « et Fils », acronyms, people for B2C) spread over the
départements with the density of real files, then writes some of them again
the way a second salesperson, an import or a typo would: another spelling of
the legal form (``S.A.R.L.`` / ``Sarl`` / none), ``Ets`` / ``Sté`` prefixes,
lost accents, capitals, a typo, swapped words, ``&`` for ``et``, the trade
name instead of the registered name (same SIREN), the same e-mail or phone
written differently, a missing postal code. Hard negatives are built in:
« Boulangerie Martin » and « Boulangerie Morin » in the same town, the same
surname in two trades, the same shop name in two départements.

The column ``entite`` is the truth: two rows are duplicates iff they share it.
Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd
from stdnum import luhn

from segmenter_pme.demo.duplicate_rows import typo as _typo
from segmenter_pme.demo.company_names import FIRST_NAMES, FORM_SPELLINGS, FORMS, SURNAMES


ACTIVITIES = (
    "Boulangerie", "Pâtisserie", "Boucherie", "Charcuterie", "Plomberie", "Électricité", "Menuiserie",
    "Maçonnerie", "Couverture", "Peinture", "Carrelage", "Chauffage", "Serrurerie", "Garage", "Carrosserie",
    "Transports", "Taxis", "Ambulances", "Pharmacie", "Optique", "Fleurs", "Coiffure", "Institut de beauté",
    "Restaurant", "Brasserie", "Hôtel", "Traiteur", "Épicerie", "Cave", "Librairie", "Imprimerie",
    "Quincaillerie", "Informatique", "Conseil", "Expertise comptable", "Architecture", "Immobilier",
    "Auto-école", "Nettoyage", "Paysages", "Bâtiment", "Travaux publics", "Menuiserie aluminium",
    "Mécanique", "Usinage", "Chaudronnerie", "Textile", "Mobilier", "Cuisines", "Literie", "Vins",
    "Fromagerie", "Poissonnerie", "Primeur", "Cordonnerie", "Pressing", "Laboratoire", "Clinique vétérinaire",
    "Kinésithérapie", "Formation", "Communication", "Événementiel", "Sécurité", "Logistique", "Emballages",
)
PLACES = (
    "de la Gare", "du Centre", "du Port", "des Alpes", "de la Mairie", "du Marché", "de l'Étoile", "Saint-Michel",
    "Saint-Jacques", "des Halles", "du Lac", "de la Plage", "Atlantique", "Provence", "Bretagne", "Océan",
    "du Parc", "des Vignes", "de la Vallée", "du Moulin", "Sainte-Anne", "du Château", "de la Forêt", "Méditerranée",
    "des Quatre Vents", "du Pont Neuf", "de Bellevue", "Montplaisir", "des Tilleuls", "du Soleil",
)
# the demo's legal forms with their other spellings (one table: segmenter_pme.demo.company_names)
LEGAL = {form: (form,) + FORM_SPELLINGS[form] for form in FORMS}
PREFIXES = ("Ets", "Ets.", "Éts", "Établissements", "Sté", "Société", "ETS")
# population weights: many clients where the economy is (Paris, Lyon, Marseille…)
DEPTS = {
    "75": 12, "69": 7, "13": 7, "92": 5, "33": 5, "31": 5, "59": 6, "44": 4, "67": 3, "06": 4, "34": 4, "35": 3,
    "93": 4, "94": 4, "38": 3, "76": 3, "62": 3, "77": 3, "78": 3, "91": 3, "95": 3, "57": 2, "83": 3, "29": 2,
    "74": 2, "63": 2, "49": 2, "37": 2, "45": 2, "21": 2, "14": 2, "30": 2, "84": 2, "01": 1, "02": 1, "05": 1,
    "2A": 1, "2B": 1, "971": 1, "972": 1, "974": 2, "973": 1, "976": 1, "64": 2, "56": 2, "17": 2, "86": 1,
}
DROM_PHONE = {"971": "0590", "972": "0596", "973": "0594", "974": "0262", "976": "0269"}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _siren(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        body = str(rng.integers(1, 10)) + "".join(str(d) for d in rng.integers(0, 10, 7))
        siren = body + luhn.calc_check_digit(body)
        if siren not in used:
            used.add(siren)
            return siren


def _siret(siren: str, rng: np.random.Generator) -> str:
    body = siren + "".join(str(d) for d in rng.integers(0, 10, 4))
    return body + luhn.calc_check_digit(body)


def _postal(dept: str, rng: np.random.Generator) -> str:
    if dept == "2A":
        return "20" + str(rng.choice(["000", "090", "100", "167"]))
    if dept == "2B":
        return "20" + str(rng.choice(["200", "600", "220", "250"]))
    if len(dept) == 3:
        return dept + f"{int(rng.integers(0, 10)) * 10:02d}"
    return dept + f"{int(rng.integers(0, 100)) * 10:03d}"[:3]


def _phone(dept: str, rng: np.random.Generator) -> str:
    if dept in DROM_PHONE:
        head = DROM_PHONE[dept]
        rest = "".join(str(d) for d in rng.integers(0, 10, 6))
    else:
        head = "0" + str(rng.choice(["1", "2", "3", "4", "5", "6", "7", "9"]))
        rest = "".join(str(d) for d in rng.integers(0, 10, 8))
        head, rest = head + rest[:2], rest[2:]
    digits = head + rest
    return " ".join(digits[k:k + 2] for k in range(0, 10, 2))


def _reformat_phone(phone: str, rng: np.random.Generator) -> str:
    digits = phone.replace(" ", "")
    style = int(rng.integers(0, 4))
    if style == 0:
        return digits
    if style == 1:
        return ".".join(digits[k:k + 2] for k in range(0, 10, 2))
    if style == 2:
        return "+33 " + digits[1] + " " + " ".join(digits[k:k + 2] for k in range(2, 10, 2)) \
            if not digits.startswith(("0590", "0596", "0594", "0262", "0269")) else digits
    return "-".join(digits[k:k + 2] for k in range(0, 10, 2))


def _base_name(rng: np.random.Generator) -> tuple[str, str]:
    """(registered core name, trade name)."""
    surname = str(rng.choice(SURNAMES))
    act = str(rng.choice(ACTIVITIES))
    pattern = int(rng.choice(8, p=[0.24, 0.16, 0.14, 0.1, 0.08, 0.12, 0.08, 0.08]))
    if pattern == 0:
        name = f"{act} {surname}"
    elif pattern == 1:
        name = f"{surname} {act}"
    elif pattern == 2:
        name = f"{act} {rng.choice(PLACES)}"
    elif pattern == 3:
        name = f"{surname} {rng.choice(['et Fils', '& Fils', 'Frères', 'et Associés'])}"
    elif pattern == 4:
        name = f"{surname}-{rng.choice(SURNAMES)}"
    elif pattern == 5:
        letters = "ABCDEFGHIJKLMNOPRSTUV"
        acr = "".join(rng.choice(list(letters), int(rng.integers(3, 6))))
        name = f"{acr} {act}" if rng.random() < 0.6 else acr
    elif pattern == 6:
        name = f"{rng.choice(FIRST_NAMES)} {surname} {act}"
    else:
        name = f"{act} {surname} {rng.choice(PLACES)}"
    trade = f"{rng.choice(['Le', 'La', 'Au', 'Chez'])} {rng.choice(['Petit', 'Bon', 'Vieux', 'Grand'])} " \
            f"{rng.choice(['Comptoir', 'Fournil', 'Atelier', 'Marché', 'Relais', 'Jardin'])}"
    return name, trade


def _with_legal(name: str, form: str | None, rng: np.random.Generator) -> str:
    if form is None:
        return name
    variant = str(rng.choice(LEGAL[form]))
    return f"{variant} {name}" if rng.random() < 0.25 else f"{name} {variant}"


def _variant(record: dict, core: str, form: str | None, trade: str, rng: np.random.Generator) -> tuple[dict, str]:
    """Another record of the same company, with one to three realistic changes; returns (record, what)."""
    rec = dict(record)
    name = core
    changes = list(rng.choice(
        ["legal", "prefix", "accents", "upper", "typo", "swap", "et", "trade_siren", "email", "phone", "cp"],
        size=int(rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15])), replace=False,
    ))
    what = []
    if "trade_siren" in changes:
        # the trade name instead of the registered name: only the SIREN (or SIRET) tells
        name = trade
        rec["siren"] = record["_siren"]
        rec["siret"] = None
        what.append("enseigne, même SIREN")
    new_form = form
    if "legal" in changes:
        new_form = None if (form and rng.random() < 0.5) else str(rng.choice(list(LEGAL)))
        what.append("forme juridique")
    if "swap" in changes and " " in name and "-" not in name:
        words = name.split(" ")
        rng.shuffle(words)
        name = " ".join(words)
        what.append("mots permutés")
    if "et" in changes:
        name = name.replace(" et ", " & ") if " et " in name else name.replace(" & ", " et ")
        what.append("& / et")
    if "typo" in changes:
        name = _typo(name, rng)
        what.append("faute de frappe")
    name = _with_legal(name, new_form, rng)
    if "prefix" in changes:
        name = f"{rng.choice(PREFIXES)} {name}"
        what.append("préfixe Ets/Sté")
    if "accents" in changes:
        name = _ascii(name)
        what.append("accents")
    if "upper" in changes:
        name = name.upper()
        what.append("majuscules")
    if "email" in changes and record["_email"]:
        rec["email"] = record["_email"].upper() if rng.random() < 0.3 else record["_email"]
        what.append("même e-mail")
    if "phone" in changes:
        rec["telephone"] = _reformat_phone(record["_phone"], rng)
        what.append("même téléphone")
    if "cp" in changes:
        rec["code_postal"] = None
        what.append("code postal manquant")
    rec["raison_sociale"] = name
    return rec, ", ".join(what)


def labelled_clients(n_entities: int = 4000, *, duplicate_share: float = 0.2, seed: int = 7) -> pd.DataFrame:
    """A client frame with known duplicates.

    Output columns: ``client_id``, ``raison_sociale``, ``nom``, ``prenom``,
    ``code_postal``, ``siren``, ``siret``, ``email``, ``telephone``,
    ``date_premier_achat``, ``date_dernier_achat``, ``nb_commandes``,
    ``ca_total``, ``entite`` (truth), ``variation`` (how a duplicate differs,
    ``""`` for the first record). Index: Excel rows from 2, rows shuffled.
    """
    rng = np.random.default_rng(seed)
    depts = list(DEPTS)
    weights = np.array([DEPTS[d] for d in depts], dtype=float)
    weights /= weights.sum()
    records = []
    used_sirens: set[str] = set()
    for e in range(n_entities):
        dept = str(rng.choice(depts, p=weights))
        person = rng.random() < 0.08
        siren = _siren(rng, used_sirens)
        core, trade = _base_name(rng)
        form = None if rng.random() < 0.35 else str(rng.choice(list(LEGAL), p=[0.4, 0.3, 0.1, 0.1, 0.05, 0.05]))
        first, last = str(rng.choice(FIRST_NAMES)), str(rng.choice(SURNAMES))
        domain = _ascii(core.split(" ")[-1] if rng.random() < 0.5 else core.split(" ")[0]).lower()
        # personal addresses are unique in real life: a number tells the homonyms apart
        email = f"{_ascii(first).lower()}.{_ascii(last).lower().replace(' ', '')}" + (
            f"{e}@gmail.com" if person or rng.random() < 0.3 else f"@{domain}-{e}.fr")
        phone = _phone(dept, rng)
        start = dt.date(2015, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3000)))
        last_buy = start + dt.timedelta(days=int(rng.integers(0, 1800)))
        base = {
            "raison_sociale": None if person else _with_legal(core, form, rng),
            "nom": last if person or rng.random() < 0.6 else None,
            "prenom": first if person or rng.random() < 0.4 else None,
            "code_postal": _postal(dept, rng),
            "siren": siren if (not person and rng.random() < 0.3) else None,
            "siret": _siret(siren, rng) if (not person and rng.random() < 0.15) else None,
            "email": email if rng.random() < 0.55 else None,
            "telephone": phone if rng.random() < 0.5 else None,
            "date_premier_achat": pd.Timestamp(start),
            "date_dernier_achat": pd.Timestamp(last_buy),
            "nb_commandes": int(rng.integers(1, 30)),
            "ca_total": round(float(rng.lognormal(7.5, 1.2)), 2),
            "entite": e, "variation": "",
            "_siren": siren, "_email": email, "_phone": phone,
        }
        records.append(base)
        if rng.random() < duplicate_share:
            for _ in range(int(rng.choice([1, 2], p=[0.8, 0.2]))):
                if person:
                    rec = dict(base)
                    rec["nom"] = _typo(last, rng) if rng.random() < 0.5 else last.upper()
                    rec["email"] = email if rng.random() < 0.7 else None
                    rec["telephone"] = _reformat_phone(phone, rng) if rng.random() < 0.5 else None
                    what = "particulier ressaisi"
                else:
                    rec, what = _variant(base, core, form, trade, rng)
                    if "SIREN" in what:
                        # "same SIREN, another name": both records carry the SIREN
                        base["siren"] = siren
                    # each record keeps its own chance of having the identifiers
                    if "SIREN" not in what:
                        rec["siren"] = siren if rng.random() < 0.3 else None
                        rec["siret"] = None
                    if "e-mail" not in what:
                        rec["email"] = None if rng.random() < 0.6 else rec["email"]
                    if "téléphone" not in what:
                        rec["telephone"] = None if rng.random() < 0.6 else rec["telephone"]
                rec["variation"] = what
                rec["nb_commandes"] = int(rng.integers(1, 10))
                rec["ca_total"] = round(float(rng.lognormal(6.5, 1.0)), 2)
                records.append(rec)
        # hard negatives: a similar name in the same town, or the same surname in another trade
        if rng.random() < 0.08 and not person:
            near = dict(base)
            near.update(entite=n_entities + e, variation="", siren=None, siret=None, email=None, telephone=None)
            words = core.split(" ")
            # a neighbour of a similar name: some close spellings, mostly another surname
            swap_to = {"Martin": "Morin", "Bernard": "Bertrand", "Robert": "Roussel", "Durand": "Dumas",
                       "Thomas": "Thiebaut", "Moreau": "Morel", "Simon": "Séguin", "Richard": "Renard"}
            sur = next((w for w in words if w in SURNAMES), None)
            if sur is not None:
                other = swap_to.get(sur) or str(rng.choice([s for s in SURNAMES if s != sur]))
                near["raison_sociale"] = _with_legal(core.replace(sur, other), form, rng)
            else:
                other_act = str(rng.choice([a for a in ACTIVITIES if a not in core]))
                near["raison_sociale"] = _with_legal(f"{other_act} {core}", form, rng)
            records.append(near)
    frame = pd.DataFrame(records).drop(columns=["_siren", "_email", "_phone"])
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    frame.insert(0, "client_id", [f"C{k:06d}" for k in range(1, len(frame) + 1)])
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def pair_metrics(truth: pd.Series, predicted_group: pd.Series) -> dict[str, float]:
    """Pairwise precision and recall.

    Input: ``truth`` (entity of each row) and ``predicted_group`` (group id of
    each row, NaN when the row is in no group), same index. A pair is predicted
    when both rows are in the same group, true when they share the entity.
    """
    def pairs(labels: pd.Series) -> set[tuple]:
        out = set()
        for _, rows in labels.dropna().groupby(labels.dropna()).groups.items():
            rows = sorted(rows)
            out.update((a, b) for k, a in enumerate(rows) for b in rows[k + 1:])
        return out

    true_pairs = pairs(truth)
    pred_pairs = pairs(predicted_group)
    tp = len(true_pairs & pred_pairs)
    precision = tp / len(pred_pairs) if pred_pairs else 1.0
    recall = tp / len(true_pairs) if true_pairs else 1.0
    return {"precision": precision, "recall": recall, "true_pairs": len(true_pairs),
            "predicted_pairs": len(pred_pairs), "correct_pairs": tp}
