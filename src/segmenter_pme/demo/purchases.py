"""When and how much each demo client buys: behaviour profiles, invoices per client, credit notes."""

from __future__ import annotations

import numpy as np

DAYS_HISTORY = 4 * 365  # invoices span about four years before the reference date

# client behaviour profiles: share of the client table (prospects have no order)
PROFILES = ("prospect", "champion", "regulier", "nouveau", "perdu", "unique", "occasionnel")
PROFILE_SHARE = (0.08, 0.12, 0.20, 0.09, 0.19, 0.20, 0.12)


def assign_profiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """Each client's profile (index in PROFILES), with exact counts: the prospect share is the same for every seed."""
    counts = np.floor(np.array(PROFILE_SHARE) * n + 0.5).astype(int)
    counts[1] += n - counts.sum()
    if counts[1] < 0:
        counts[0] += counts[1]
        counts[1] = 0
    return rng.permutation(np.repeat(np.arange(len(PROFILES)), counts))


def purchase_pattern(rng: np.random.Generator, profile: np.ndarray, headcount: np.ndarray, showcase: bool
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(invoices per client, days from the first invoice, days from the last one, amount scale), by profile."""
    n = len(profile)
    history = DAYS_HISTORY
    n_invoices = np.zeros(n, dtype=np.int64)
    first_ago = np.zeros(n)
    last_ago = np.zeros(n)
    scale = rng.lognormal(5.6, 0.9, n) * (1 + 0.3 * np.log10(1 + headcount))
    for index, name in enumerate(PROFILES):
        members = profile == index
        count = int(members.sum())
        if name == "champion":
            n_invoices[members] = 8 + np.ceil(rng.lognormal(2.3, 0.6, count)).astype(int)
            first_ago[members] = rng.uniform(700, history, count)
            last_ago[members] = rng.uniform(0, 30, count)
            scale[members] *= 2.5
        elif name == "regulier":
            n_invoices[members] = 3 + rng.poisson(4, count)
            first_ago[members] = rng.uniform(365, history, count)
            last_ago[members] = rng.uniform(0, 120, count)
        elif name == "nouveau":
            n_invoices[members] = 1 + rng.binomial(2, 0.3, count)
            first_ago[members] = rng.uniform(10, 170, count)
            last_ago[members] = first_ago[members] * rng.uniform(0, 0.9, count)
        elif name == "perdu":
            n_invoices[members] = 2 + rng.poisson(3, count)
            last_ago[members] = rng.uniform(400, 1000, count)
            first_ago[members] = last_ago[members] + rng.uniform(60, history - last_ago[members], count)
        elif name == "unique":
            n_invoices[members] = 1
            last_ago[members] = first_ago[members] = rng.uniform(0, history, count)
            scale[members] *= 0.6
        elif name == "occasionnel":
            n_invoices[members] = 2 + rng.poisson(1, count)
            first_ago[members] = rng.uniform(300, history, count)
            last_ago[members] = rng.uniform(30, 290, count)
            scale[members] *= 0.8
    first_ago[n_invoices == 1] = last_ago[n_invoices == 1]
    if showcase:
        # frequent, recent, small baskets: the « Montée en gamme » a real base has (no RNG draw:
        # the other frames stay as they are)
        small = np.flatnonzero((profile == PROFILES.index("regulier")) & (n_invoices >= 6))
        small = small[: int(round(0.09 * n))]
        scale[small] *= 0.08
        last_ago[small] = np.minimum(last_ago[small], 45)
        n_invoices[small] += 4
        # and a few more first orders of the last weeks: « Nouveaux » clearly above 5 %
        recent = np.flatnonzero(profile == PROFILES.index("unique"))[: int(round(0.05 * n))]
        last_ago[recent] = first_ago[recent] = last_ago[recent] % 25
    return n_invoices, first_ago, last_ago, scale


def invoices_of(rng: np.random.Generator, n_invoices: np.ndarray, first_ago: np.ndarray, last_ago: np.ndarray,
                scale: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, days before the reference date, amount in cents) of every invoice: the first and the
    last at the client's dates, the others in between."""
    owner = np.repeat(np.arange(len(n_invoices)), n_invoices)
    rank = np.arange(owner.size) - np.repeat(np.cumsum(n_invoices) - n_invoices, n_invoices)
    count = n_invoices[owner]
    draw = rng.random(owner.size)
    ago = np.where(rank == 0, first_ago[owner],
                   np.where(rank == count - 1, last_ago[owner],
                            last_ago[owner] + draw * (first_ago[owner] - last_ago[owner])))
    days_ago = np.floor(ago).astype(np.int64)
    cents = np.round(scale[owner] * rng.lognormal(0, 0.5, owner.size) * 100)
    cents = np.maximum(500, cents).astype(np.int64)
    return owner, days_ago, cents


def credit_notes(rng: np.random.Generator, owner: np.ndarray, days_ago: np.ndarray, cents: np.ndarray,
                 profile: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(invoice each credit note cancels, its cents (negative), its days ago, clients whose credit notes
    exceed their invoices): ~3 % of the final lines, and a couple of clients with a CA below 0."""
    n_invoices = owner.size
    n_credit = int(round(0.03 / 0.97 * n_invoices * 1.12))
    parent = np.sort(rng.choice(n_invoices, size=min(n_credit, n_invoices), replace=False))
    whole = rng.random(parent.size) < 0.3
    partial = np.maximum(100, np.round(cents[parent] * rng.uniform(0.05, 0.5, parent.size)))
    credit_cents = -np.where(whole, cents[parent], partial).astype(np.int64)
    credit_ago = days_ago[parent] - rng.integers(0, 45, parent.size)
    one_timers = np.flatnonzero(profile == PROFILES.index("unique"))
    negative = one_timers[~np.isin(one_timers, owner[parent])][: 2 if n >= 100 else 1]
    if negative.size:
        only_invoice = np.searchsorted(owner, negative)  # their only invoice
        parent = np.concatenate([parent, only_invoice])
        credit_cents = np.concatenate([credit_cents, -np.round(cents[only_invoice] * 1.25).astype(np.int64)])
        credit_ago = np.concatenate([credit_ago, days_ago[only_invoice]])
    return parent, credit_cents, credit_ago, negative
