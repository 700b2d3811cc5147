"""Duplicate client rows, labelled: the same company written again by a second salesperson, an
import or a typo."""

from __future__ import annotations

import numpy as np

from .company_names import FIRST_NAMES, FORM_SPELLINGS, FORMS, FREE_MAIL, compose, strip_accents
from .identities import Identities, siret
from .places import COMMUNES

DUPLICATE_TYPES: tuple[str, ...] = (
    "meme_siren", "faute_frappe", "forme_juridique", "accents", "casse", "mots_inverses", "ets", "meme_email",
)

AZERTY_NEIGHBOURS = {"a": "zq", "z": "aes", "e": "zrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
                     "i": "uok", "o": "ipl", "p": "om", "q": "asw", "s": "qdz", "d": "sfe", "f": "dgr",
                     "g": "fht", "h": "gjy", "j": "hku", "k": "jli", "l": "kmo", "m": "lp", "n": "bj",
                     "b": "vn", "v": "cb", "c": "xv", "x": "wc", "w": "xq"}


def typo(text: str, rng: np.random.Generator) -> str:
    words = text.split(" ")
    candidates = [k for k, w in enumerate(words) if len(w) >= 4 and w.isalpha() and w not in FORM_SPELLINGS]
    if not candidates:
        return text + "e"
    k = candidates[int(rng.integers(len(candidates)))]
    w = words[k]
    for _ in range(10):
        j = int(rng.integers(1, len(w) - 1))
        edit = int(rng.integers(4))
        if edit == 0:
            new = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif edit == 1:
            new = w[:j] + w[j + 1:]
        elif edit == 2:
            new = w[:j] + w[j] + w[j:]
        else:
            near = AZERTY_NEIGHBOURS.get(w[j].lower(), "e")
            new = w[:j] + near[int(rng.integers(len(near)))] + w[j + 1:]
        if new != w:
            break
    words[k] = new
    return " ".join(words)


def duplicate_name(kind: str, ids: Identities, i: int, rng: np.random.Generator) -> str:
    form, pos, core = ids.form[i], ids.form_pos[i], ids.core[i]
    name = ids.entreprise(i)
    if kind == "forme_juridique":
        if form and pos:
            r = rng.random()
            if r < 0.5:
                return core  # « SARL Dupont » → « Dupont »
            if r < 0.75:
                return compose(rng.choice(FORM_SPELLINGS[form]), pos, core)
            return compose(form, "suffix" if pos == "prefix" else "prefix", core)
        other = form or "SARL"
        return compose(other, "prefix" if rng.random() < 0.5 else "suffix", core)
    if kind == "accents":
        plain = strip_accents(name)
        return plain.upper() if rng.random() < 0.5 else plain
    if kind == "casse":
        return name.upper() if rng.random() < 0.6 else name.lower()
    if kind == "mots_inverses":
        words = core.split(" ")
        return compose(form, pos, " ".join(words[1:] + words[:1]))
    if kind == "ets":
        for prefix, other in (("Ets ", "Établissements "), ("Établissements ", "Ets ")):
            if core.startswith(prefix):
                new = other + core[len(prefix):] if rng.random() < 0.5 else core[len(prefix):]
                return compose(form, pos, new)
        return compose(form, pos, ("Ets " if rng.random() < 0.6 else "Établissements ") + core)
    if kind == "faute_frappe":
        return compose(form, pos, typo(core, rng))
    if kind == "meme_siren":
        # the legal name of a company known by its trade name, or another establishment
        if ids.surname[i] in core:
            alt = [f for f in FORMS[:4] if f != form]
            suffix = ("Holding", "Groupe", "Frères", "et Cie")[int(rng.integers(4))]
            return f"{alt[int(rng.integers(len(alt)))]} {ids.surname[i]} {suffix}"
        return f"{core} - {ids.ville[i]}"
    if kind == "meme_email":
        return ids.nom[i] if rng.random() < 0.5 else " ".join(ids.nom[i].split(" ")[::-1]).upper()
    raise ValueError(kind)


def eligible(kind: str, ids: Identities, i: int) -> bool:
    if kind == "accents":
        return ids.entreprise(i) != strip_accents(ids.entreprise(i))
    if kind == "mots_inverses":
        return len(ids.core[i].split(" ")) >= 2
    if kind == "ets":
        return ids.tag[i] == "ets"
    if kind == "faute_frappe":
        return any(len(w) >= 4 and w.isalpha() for w in ids.core[i].split(" "))
    return True


# ----------------------------------------------------------------------------- main generator


def pick_duplicates(rng: np.random.Generator, n: int, n_invoices: np.ndarray, prospect: np.ndarray,
                    negative: np.ndarray, ids: Identities) -> tuple[list[int], list[str]]:
    """(client copied, kind of duplicate) for about 3 % of the clients, each copied once, among those
    with two invoices or more (their invoices are split between both rows)."""
    sources: list[int] = []
    kinds_used: list[str] = []
    kinds = [DUPLICATE_TYPES[j % len(DUPLICATE_TYPES)] for j in rng.permutation(int(round(0.03 * n)))]
    excluded = {int(i) for i in negative}
    pool = [int(i) for i in rng.permutation(np.flatnonzero((n_invoices >= 2) & ~prospect)) if int(i) not in excluded]
    used: set[int] = set()
    for kind in kinds:
        source = next((i for i in pool if i not in used and eligible(kind, ids, i)), None)
        if source is None:
            kind = "casse"
            source = next((i for i in pool if i not in used), None)
        if source is None:
            break
        used.add(source)
        sources.append(source)
        kinds_used.append(kind)
    return sources, kinds_used


def duplicate_rows(rng: np.random.Generator, ids: Identities, sources: list[int], kinds: list[str],
                   n_invoices: np.ndarray, owner: np.ndarray, n: int) -> tuple[np.ndarray, list[dict]]:
    """(owner of each invoice once part of the originals' invoices moved to their duplicate, the
    duplicates' fields)."""
    owner = owner.copy()
    starts = np.cumsum(n_invoices) - n_invoices
    rows: list[dict] = []
    for j, (source, kind) in enumerate(zip(sources, kinds)):
        moved = starts[source] + rng.choice(n_invoices[source], size=int(rng.integers(1, n_invoices[source])),
                                            replace=False)
        owner[moved] = n + j
        domain = ids.email[source].split("@")[1]
        free_mail = domain in FREE_MAIL
        row = {
            "core_name": duplicate_name(kind, ids, source, rng),
            "nom": (ids.nom[source] if rng.random() < 0.7  # else a colleague of the same family
                    else f"{FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]} {ids.nom[source].split(' ', 1)[1]}"),
            "email": ids.email[source], "phone": ids.phone[source], "cp": ids.cp[source],
            "ville": ids.ville[source], "dept": ids.dept[source], "secteur": ids.secteur[source],
            "naf": ids.naf[source], "effectif": ids.effectif[source],
            "siret": ids.siret[source] if rng.random() < 0.4 else None,
        }
        if kind == "meme_siren":
            nic = int(ids.siret[source][9:13]) + int(rng.integers(1, 40))
            row["siret"] = siret(ids.siren8[source], nic)
            if rng.random() < 0.5:
                commune = COMMUNES[int(rng.integers(len(COMMUNES)))]
                row["ville"], row["cp"], row["dept"] = commune[0], commune[1], commune[2]
            if not free_mail:
                row["email"] = "compta@" + domain
        elif kind == "meme_email":
            row["siret"] = None
        elif rng.random() < 0.5 and not free_mail:
            row["email"] = "contact@" + domain
        rows.append(row)
    return owner, rows
