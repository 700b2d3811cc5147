"""Client cells damaged the way Excel and exports damage them, each one listed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..parsing import EXCEL_EPOCH, epoch_days_serial


def fr_amount(value: float, sep: str, euro: bool) -> str:
    """``1234.5`` → ``1 234,50 €`` with *sep* as the thousands separator."""
    text = f"{abs(value):,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", sep)
    return text + (sep + "€" if euro else "")



def damage(clients: pd.DataFrame, rng: np.random.Generator, ref_date: dt.date, negatives: np.ndarray) -> pd.DataFrame:
    """Damage *clients* in place like Excel does; return the list of damaged cells."""
    n = len(clients)
    log: list[tuple[int, str, str]] = []
    taken: dict[str, set[int]] = {}

    def choose(column: str, mask: np.ndarray, share: float, minimum: int = 1) -> np.ndarray:
        free = np.flatnonzero(mask & ~np.isin(np.arange(n), list(taken.get(column, ()))))
        size = min(free.size, max(minimum, int(round(share * n))))
        picked = np.sort(rng.choice(free, size=size, replace=False)) if size else free[:0]
        taken.setdefault(column, set()).update(int(i) for i in picked)
        return picked

    def to_object(column: str) -> np.ndarray:
        values = clients[column].to_numpy(dtype=object, na_value=None).copy()
        return values

    has_orders = clients["Nombre commandes"].to_numpy() > 0

    cp = to_object("Code postal")
    for i in choose("Code postal", np.array([str(v).startswith("0") for v in cp]), 0.02):
        cp[i] = int(cp[i])
        log.append((i, "Code postal", "cp_sans_zero"))
    clients["Code postal"] = pd.Series(cp, dtype=object)

    siret = to_object("SIRET")
    has_siret = np.array([v is not None for v in siret])
    for i in choose("SIRET", has_siret, 0.02):
        siret[i] = float(siret[i])
        log.append((i, "SIRET", "siret_float"))
    for i in choose("SIRET", has_siret, 0.005, 2):
        last = int(siret[i][-1])
        siret[i] = siret[i][:-1] + str((last + int(rng.integers(1, 10))) % 10)
        log.append((i, "SIRET", "siret_invalide"))
    for i in choose("SIRET", has_siret, 0.01):
        siret[i] = None
        log.append((i, "SIRET", "siret_vide"))
    clients["SIRET"] = pd.Series(siret, dtype=object)

    ca = to_object("CA total")
    seps = (" ", "\u00a0", "\u202f")
    neg_mask = np.isin(np.arange(n), negatives)
    for j, i in enumerate(negatives):
        if j % 2 == 0:
            ca[i] = f"({fr_amount(ca[i], seps[j % 3], False)})"
            log.append((int(i), "CA total", "ca_parentheses"))
        else:
            ca[i] = fr_amount(ca[i], " ", False) + "-"
            log.append((int(i), "CA total", "ca_moins_final"))
        taken.setdefault("CA total", set()).add(int(i))
    for j, i in enumerate(choose("CA total", has_orders & ~neg_mask, 0.03, 3)):
        ca[i] = fr_amount(ca[i], seps[j % 3], euro=(j % 4 != 3))
        log.append((i, "CA total", "ca_texte"))
    clients["CA total"] = pd.Series(ca, dtype=object)

    first = to_object("Date premier achat")
    last = to_object("Date dernier achat")
    for i in choose("Date dernier achat", has_orders, 0.02, 2):
        taken.setdefault("Date premier achat", set()).add(int(i))
        first[i], last[i] = first[i].strftime("%d/%m/%Y"), last[i].strftime("%d/%m/%Y")
        log += [(i, "Date premier achat", "date_texte"), (i, "Date dernier achat", "date_texte")]
    for i in choose("Date dernier achat", has_orders, 0.005, 2):
        taken.setdefault("Date premier achat", set()).add(int(i))
        first[i] = int(epoch_days_serial((first[i] - EXCEL_EPOCH).days))
        last[i] = int(epoch_days_serial((last[i] - EXCEL_EPOCH).days))
        log += [(i, "Date premier achat", "date_serie_excel"), (i, "Date dernier achat", "date_serie_excel")]
    for i in choose("Date dernier achat", has_orders, 0.0, 2 if n >= 500 else 1):
        last[i] = pd.Timestamp(ref_date) + pd.Timedelta(days=int(rng.integers(5, 60)))
        log.append((i, "Date dernier achat", "date_future"))
    clients["Date premier achat"] = pd.Series(first, dtype=object)
    clients["Date dernier achat"] = pd.Series(last, dtype=object)

    secteur = to_object("Secteur")
    for i in choose("Secteur", np.ones(n, bool), 0.015):
        secteur[i] = None
        log.append((i, "Secteur", "secteur_vide"))
    for j, i in enumerate(choose("Secteur", np.ones(n, bool), 0.02)):
        secteur[i] = (secteur[i].lower(), secteur[i].upper() + " ", " " + secteur[i], secteur[i].lower() + " ")[j % 4]
        log.append((i, "Secteur", "secteur_casse"))
    clients["Secteur"] = pd.Series(secteur, dtype="str")

    email = to_object("Email")
    for j, i in enumerate(choose("Email", np.ones(n, bool), 0.002, 2)):
        local, domain = email[i].split("@")
        email[i] = (f"{local}@{domain.rsplit('.', 1)[0]}", f"{local}.{domain}", f"{local}@@{domain}",
                    f"{local[:2]} {local[2:]}@{domain}", f"{local}@{domain.replace('.', ',')}")[j % 5]
        log.append((i, "Email", "email_invalide"))
    clients["Email"] = pd.Series(email, dtype="str")

    out = pd.DataFrame(log, columns=["row", "colonne", "type"])
    out["row"] = out["row"].astype(np.int64)
    out["colonne"] = out["colonne"].astype("str")
    out["type"] = out["type"].astype("str")
    return out.sort_values(["row", "colonne"], kind="stable").reset_index(drop=True)

