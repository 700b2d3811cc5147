"""Duplicate clients: exact keys, then fuzzy company names within blocks, then groups.

Pipeline (all on a client frame with canonical columns, index = Excel rows):

1. :func:`match_keys` — one row per client: normalised name, département,
   SIREN (also taken from the SIRET), SIRET, e-mail (lower case), phone (E.164,
   parsed only when another row may share the number).
2. :func:`candidate_pairs` — pairs sharing an exact key, plus pairs of the same
   *block*: within one département, the same first letters, the same rarest
   word (swapped words), the same letters after the first word (a typo at the
   start), the same last letters of a one-word name; anywhere, the same words
   in any order. Names are only compared within blocks, so the cost grows
   with the block sizes, not with n².
3. :func:`score_pairs` — rapidfuzz scores (``cpdist`` over all candidate pairs
   at once) and the exact evidence combine into a confidence 0–100 and a French
   reason.
4. :func:`group_duplicates` — union-find over the pairs at or above a
   threshold, strongest pairs first; a group's confidence is its weakest link.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .names import normalize_names
from ..phones import normalize_phones

#: pairs below this confidence are not reported at all
MIN_CONFIDENCE = 80
#: blocks up to this size give all their pairs; a bigger one (« boulangerie » in Paris) gives each
#: row its WINDOW nearest names only, so candidates per client stay bounded as the base grows
SMALL_BLOCK = 12
WINDOW = 6
#: an e-mail, phone or SIREN on more rows than this is a placeholder
#: (``00 00 00 00 00``, ``contact@gmail.com``) or a switchboard, not a client
MAX_SHARED = 10

#: What one field says about a pair, in confidence points added to the name's
#: score: (when both rows agree, when both have a value and they differ). Like
#: Fellegi–Sunter weights, a field that is rarely shared by chance (a street
#: address) weighs more when it agrees, and a field a true duplicate seldom
#: changes (a corporate e-mail domain) weighs more when it differs; a moved
#: client changes phone and street, so those differences weigh less than a
#: SIREN's (which caps the pair below any merge, see :func:`score_pairs`).
#: Agreement on SIREN, SIRET, e-mail or phone sets a floor of its own instead.
EVIDENCE = {
    "telephone": (0, -8),
    "domaine_email": (0, -10),
    "adresse": (3, -8),
}
#: pairs whose name differs in its distinctive words (« Roux Nord » / « Roux
#: Sud ») and share only a phone, a street or a domain are companies of one
#: group: at most this confidence (« à vérifier », never merged by default)
GROUP_CAP = 85

#: personal mailboxes: their domain says nothing about the company
WEBMAIL = frozenset({
    "gmail.com", "googlemail.com", "hotmail.fr", "hotmail.com", "outlook.fr", "outlook.com", "live.fr",
    "live.com", "msn.com", "yahoo.fr", "yahoo.com", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr",
    "neuf.fr", "laposte.net", "bbox.fr", "numericable.fr", "icloud.com", "me.com", "aol.com", "aol.fr",
    "gmx.fr", "gmx.com", "protonmail.com", "proton.me", "club-internet.fr", "aliceadsl.fr", "voila.fr",
    "ymail.com", "noos.fr", "tiscali.fr", "nordnet.fr", "hotmail.be", "skynet.be", "live.be", "gmx.net",
    "outlook.be", "yahoo.be", "mailo.com", "laposte.fr",
})
_STREET_WORDS = {"bd": "boulevard", "bld": "boulevard", "boul": "boulevard", "av": "avenue", "ave": "avenue",
                 "r": "rue", "pl": "place", "ch": "chemin", "chem": "chemin", "rte": "route", "imp": "impasse",
                 "all": "allee", "sq": "square", "fg": "faubourg", "fbg": "faubourg", "st": "saint",
                 "ste": "sainte", "gal": "general", "gen": "general", "qu": "quai", "crs": "cours"}


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    s = frame[column]
    return s.astype("object").where(s.notna(), "").astype(str).str.strip()


def _digits(frame: pd.DataFrame, column: str) -> pd.Series:
    s = _text(frame, column).str.replace(r"\.0$", "", regex=True)
    return s.str.replace(r"[\s\u00a0\u202f.\-]", "", regex=True)


def match_keys(clients: pd.DataFrame) -> pd.DataFrame:
    """Matching keys of each client.

    Input columns used (all optional): ``raison_sociale``, ``nom``, ``prenom``,
    ``code_postal``, ``ville``, ``adresse``, ``siren``, ``siret``, ``email``,
    ``telephone``. Output (same index): ``nom_normalise``, ``nom_trie`` (its words in
    alphabetical order), ``etendue_nom`` (number of postal
    codes where the same words appear), ``mot_faible``, ``personne`` (no
    company name: the contact's name is matched instead), ``departement``,
    ``code_postal``, ``siren``, ``siret``, ``email``, ``telephone`` — ``""`` when
    missing, or when no other row may share the value (phones) or it is on more
    than :data:`MAX_SHARED` rows (a placeholder); and, to weigh evidence against
    a pair, ``tel9`` (last nine digits of any phone), ``adresse`` (street words),
    ``domaine_email`` (the e-mail's domain unless a personal mailbox's).
    """
    # clients made from invoice lines have a code and a name only: what is absent is blank, not computed
    blank = pd.Series("", index=clients.index, dtype=object)
    company = _text(clients, "raison_sociale")
    person = (_text(clients, "prenom") + " " + _text(clients, "nom")).str.strip() \
        if {"prenom", "nom"} & set(clients.columns) else blank
    is_person = (company == "") & (person != "")
    names = normalize_names(company.where(~is_person, person))
    # « Société 0001057 » leaves only a number once generic words go: numbers one digit
    # apart are other clients (a code, an agency number), not typos — no name to compare
    names["nom_normalise"] = names["nom_normalise"].where(~names["nom_normalise"].str.fullmatch(r"[\d ]+"), "")
    if "code_postal" in clients.columns:
        cp = _text(clients, "code_postal").str.replace(r"\.0$", "", regex=True)
        cp = cp.where(~cp.str.fullmatch(r"\d{4}"), "0" + cp)
        cp = cp.where(cp.str.fullmatch(r"\d{5}|2[AB]\d{3}"), "")
        dept = cp.str[:2].where(~cp.str.match(r"9[78]"), cp.str[:3])
    else:
        cp = dept = blank
    if {"siren", "siret"} & set(clients.columns):
        siret = _digits(clients, "siret")
        siret = siret.where(siret.str.fullmatch(r"\d{14}"), "")
        siren = _digits(clients, "siren")
        siren = siren.where(siren.str.fullmatch(r"\d{9}"), "")
        siren = siren.where(siren != "", siret.str[:9])
        # placeholders such as 000000000 or 999999999 are not identifiers
        siren = siren.where(~siren.str.fullmatch(r"(\d)\1{8}"), "")
        siret = siret.where(~siret.str.fullmatch(r"(\d)\1{13}"), "")
    else:
        siren = siret = blank
    if "email" in clients.columns:
        email = _text(clients, "email").str.lower()
        email = email.where(email.str.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}"), "")
    else:
        email = blank
    # a phone only matters when another row may have it: parse just those
    phones = normalize_phones(clients["telephone"], cp, only_shared=True) if "telephone" in clients.columns else None
    phone = phones.fillna("").astype(str) if phones is not None else blank
    # a value on many rows is a placeholder or a switchboard, not an identity
    siren, email, phone = (v if v is blank else _unshared(v) for v in (siren, email, phone))
    # how many postal codes carry the same name: "Primeur du Parc" is in many towns,
    # so that name alone does not prove two rows are one client
    # what can only speak against a pair: every row's phone (last 9 digits: « +33 4 … » = « 04 … »),
    # the street, the e-mail's company domain
    if "telephone" in clients.columns:
        tel_digits = _digits(clients, "telephone").str.replace(r"\D", "", regex=True)
        tel_digits = tel_digits.str.replace(r"^(?:0033|33)(?=\d{9})", "0", regex=True)
        # a French number is its 10 digits from the 0 (« 01 43 55 66 77 poste 12 »), else the last nine
        tel9 = tel_digits.str[1:10].where(tel_digits.str.match(r"0\d{9}"), tel_digits.str[-9:])
        tel9 = tel9.where((tel_digits.str.len() >= 9) & ~tel9.str.fullmatch(r"(\d)\1{8}"), "")
        tel9 = _unshared(tel9)
    else:
        tel9 = blank
    street = _street(_text(clients, "adresse")) if "adresse" in clients.columns else blank
    if email is blank:
        domain = blank
    else:
        domain = email.str.partition("@")[2]
        domain = domain.where(~domain.isin(WEBMAIL), "")
    sorted_name = names["nom_normalise"].copy()
    several = sorted_name.str.contains(" ", regex=False).to_numpy(dtype=bool)  # a one-word name is sorted
    sorted_name[several] = sorted_name[several].map(lambda t: " ".join(sorted(t.split())))
    spread = cp.where(cp != "").groupby(sorted_name).transform("nunique").fillna(0).astype(int) \
        if cp is not blank else pd.Series(0, index=clients.index)
    return pd.DataFrame(
        {
            "nom_normalise": names["nom_normalise"],
            "nom_trie": sorted_name,
            "etendue_nom": spread,
            "mot_faible": names["mot_faible"],
            "personne": is_person,
            "departement": dept,
            "code_postal": cp,
            "siren": siren,
            "siret": siret,
            "email": email,
            "telephone": phone,
            "tel9": tel9,
            "adresse": street,
            "domaine_email": domain,
        },
        index=clients.index,
    )


def _house_number(street: str) -> str:
    """The number a street address starts with (« 12bis »), ``""`` when it has none."""
    m = re.match(r"(\d+[a-z]*)\b", street)
    return m.group(1) if m else ""


def _street_words(street: str) -> str:
    """The street without its house number."""
    return re.sub(r"^\d+[a-z]*\s*", "", street)


def _street(values: pd.Series) -> pd.Series:
    """Street addresses as comparable words: ASCII lower case, abbreviations spelled out (« Bd » → boulevard)."""
    s = values.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True).str.lower()
    s = s.str.replace(r"\b(\d+)\s*(bis|ter)\b", r"\1\2", regex=True)
    s = s.str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()
    words = re.compile(r"\b(" + "|".join(sorted(_STREET_WORDS, key=len, reverse=True)) + r")\b")
    return s.str.replace(words, lambda m: _STREET_WORDS[m.group(1)], regex=True)


def _unshared(values: pd.Series) -> pd.Series:
    """``values`` with those found on more than :data:`MAX_SHARED` rows blanked."""
    counts = values.map(values[values != ""].value_counts()).fillna(0)
    return values.where(counts <= MAX_SHARED, "")


def _block_pairs(key: np.ndarray, usable: np.ndarray, orders: tuple[np.ndarray, ...] = ()) -> np.ndarray:
    """Pairs (i < j, positions) sharing a non-empty ``key``.

    Blocks up to :data:`SMALL_BLOCK` rows give all their pairs: blocks of equal
    size are stacked into one matrix, so pairs come from one ``triu_indices`` per
    block size rather than one join or loop per block. A bigger block (a common
    first word in a big département) gives each row only its :data:`WINDOW`
    neighbours in each of ``orders`` (ranks of the rows' names, e.g. read
    forwards and backwards: sorted-neighbourhood blocking), so the pairs per
    client stay bounded however large the base grows.
    """
    pos = np.flatnonzero(usable)
    if len(pos) < 2:
        return np.empty((0, 2), dtype=np.int64)
    codes, inverse = np.unique(key[pos].astype(str), return_inverse=True)
    order_in = np.argsort(inverse, kind="stable")
    sorted_pos = pos[order_in]
    sizes = np.bincount(inverse, minlength=len(codes))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = []
    for size in np.unique(sizes):
        if size < 2 or size > SMALL_BLOCK:
            continue
        first = starts[sizes == size]
        block = sorted_pos[first[:, None] + np.arange(size)[None, :]]
        iu, ju = np.triu_indices(size, 1)
        out.append(np.column_stack([block[:, iu].ravel(), block[:, ju].ravel()]))
    big = sizes[inverse] > SMALL_BLOCK
    if big.any():
        members, block_of = pos[big], inverse[big]
        for rank in orders:
            # rows of one block next to each other, in that name order
            seq = np.lexsort((rank[members], block_of))
            m, b = members[seq], block_of[seq]
            for step in range(1, WINDOW + 1):
                same = b[step:] == b[:-step]
                out.append(np.column_stack([m[:-step][same], m[step:][same]]))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


def _star_pairs(key: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Pairs (first, other) of each group sharing an exact key: enough to connect them."""
    pos = np.flatnonzero(usable)
    if len(pos) < 2:
        return np.empty((0, 2), dtype=np.int64)
    frame = pd.DataFrame({"k": key[pos], "i": pos})
    first = frame.groupby("k", sort=False)["i"].transform("min")
    frame = frame[frame["i"] != first]
    return np.column_stack([first[frame.index].to_numpy(), frame["i"].to_numpy()]).astype(np.int64)


def candidate_pairs(keys: pd.DataFrame) -> np.ndarray:
    """Candidate pairs of positions ``(i, j)``, ``i < j``, without repeats.

    Input: the output of :func:`match_keys`. Output: int array of shape (m, 2).
    """
    names = keys["nom_normalise"]
    dept = keys["departement"].to_numpy(dtype=object)
    has_name = names.to_numpy(dtype=object) != ""
    chunks = []
    for col in ("siren", "email", "telephone"):
        k = keys[col].to_numpy(dtype=object)
        chunks.append(_star_pairs(k, k != ""))
    if has_name.any():
        chunks += _name_pairs(keys, names, has_name, dept)
    pairs = np.concatenate(chunks) if chunks else np.empty((0, 2), dtype=np.int64)
    if len(pairs) == 0:
        return pairs
    pairs = np.sort(pairs, axis=1)
    # one int per pair, sorted: repeats are then neighbours
    n = len(keys)
    codes = pairs[:, 0] * n + pairs[:, 1]
    codes.sort()
    codes = codes[np.concatenate([[True], codes[1:] != codes[:-1]])]
    return np.column_stack([codes // n, codes % n])


def _name_pairs(keys: pd.DataFrame, names: pd.Series, has_name: np.ndarray, dept: np.ndarray) -> list[np.ndarray]:
    """The pairs of :func:`candidate_pairs` that share a block of names."""
    chunks = []
    person = keys["personne"].to_numpy(dtype=bool)
    # people are only compared within one postal code: "Jean Martin" is everywhere
    place = np.where(person, keys["code_postal"].to_numpy(dtype=object), dept)
    tag = np.where(person, "p|", "c|") + place + "|"
    # Each key below lets a pair through despite one kind of difference; a pair
    # needs to share only one of them.
    glued = names.str.replace(" ", "", regex=False)
    # 1. the first letters (a typo further on, a different ending)
    first = glued.str[:5].to_numpy(dtype=object)
    # 2. the rarest word, wherever it is (swapped words, a typo in another word)
    freq = names.str.split().explode().value_counts().to_dict()
    rarest = names.map(lambda t: min(t.split(), key=lambda w: (freq[w], w), default="")[:4]).to_numpy(dtype=object)
    # 3. everything after the first word (a typo at the start of the first word)
    rest = names.str.partition(" ")[2].str.replace(" ", "", regex=False).str[:5].to_numpy(dtype=object)
    # 4. one-word names: the last letters (a typo at the start)
    single = ~names.str.contains(" ", regex=False).to_numpy(dtype=bool)
    last = glued.str[-5:].to_numpy(dtype=object)
    # name order for the big blocks: glued name, and the same read backwards (a typo at its start)
    by_name = glued.to_numpy(dtype=object)
    forward = np.argsort(np.argsort(by_name.astype(str), kind="stable"), kind="stable")
    backward = np.argsort(np.argsort(np.array([v[::-1] for v in by_name], dtype=str), kind="stable"), kind="stable")
    for block_key, use in ((tag + first, has_name), (tag + rarest, has_name & (rarest != "")),
                           (tag + rest, has_name & (rest != "")), (tag + last, has_name & single)):
        chunks.append(_block_pairs(block_key, use, (forward, backward)))
    # 5. the same words in any order, anywhere (a missing or mistyped postal code)
    sorted_name = keys["nom_trie"].to_numpy(dtype=object)
    chunks.append(_block_pairs("c|" + sorted_name, has_name & ~person, (forward,)))
    return chunks


def _residual_words(a: str, b: str) -> tuple[set[str], set[str]]:
    """The words of each name that the other does not have."""
    wa, wb = a.split(), b.split()
    ta, tb = set(wa), set(wb)
    if len(ta) < len(wa) or len(tb) < len(wb):
        # a repeated word ("Nettoyage Nîmes Nîmes") counts: compare multisets
        ca, cb = Counter(wa), Counter(wb)
        ra, rb = set((ca - cb).elements()), set((cb - ca).elements())
    else:
        ra, rb = ta - tb, tb - ta
    return ra, rb


def _residual_score(a: str, b: str) -> float:
    """Similarity of the words the two names do not share (the distinctive part).

    "boulangerie martin" / "boulangerie morin" share the generic word; what
    tells them apart is "martin" / "morin". -1 when one name's words are all in
    the other (an extra word, not a misspelling).
    """
    ra, rb = _residual_words(a, b)
    if not ra and not rb:
        return 100.0
    if not ra or not rb:
        return -1.0
    return fuzz.ratio(" ".join(sorted(ra)), " ".join(sorted(rb)))


def score_pairs(keys: pd.DataFrame, pairs: np.ndarray, *, min_confidence: float = MIN_CONFIDENCE) -> pd.DataFrame:
    """Confidence and reason of each candidate pair.

    Input: :func:`match_keys` output and :func:`candidate_pairs` positions.
    Output columns: ``ligne_a``, ``ligne_b`` (row labels), ``confiance`` (0–100),
    ``score_nom`` (0–100), ``raison`` (French); only pairs with confidence ≥
    ``min_confidence``, strongest first.
    """
    cols = ["ligne_a", "ligne_b", "confiance", "score_nom", "raison"]
    if len(pairs) == 0:
        return pd.DataFrame(columns=cols)
    i, j = pairs[:, 0], pairs[:, 1]

    def col(name: str) -> tuple[np.ndarray, np.ndarray]:
        v = keys[name].to_numpy(dtype=object)
        return v[i], v[j]

    na, nb = col("nom_normalise")
    full = process.cpdist(list(na), list(nb), scorer=fuzz.token_sort_ratio, workers=-1).astype(float)
    # the same letters cut into other words ("Leroy-Martin" / "Leroymartin")
    glued = full.copy()
    redo = np.flatnonzero((full >= 50) & (full < 100))
    if len(redo):
        g = keys["nom_normalise"].str.replace(" ", "", regex=False).to_numpy(dtype=object)
        glued[redo] = process.cpdist(list(g[i[redo]]), list(g[j[redo]]), scorer=fuzz.ratio, workers=-1)
    name_score = np.maximum(full, glued)

    def same(name: str) -> tuple[np.ndarray, np.ndarray]:
        # integer codes compare much faster than 1.5 M Python strings; "" → -1
        values = keys[name].to_numpy(dtype=object)
        codes = pd.factorize(values)[0]
        codes[values == ""] = -1
        a, b = codes[i], codes[j]
        present = (a >= 0) & (b >= 0)
        return present & (a == b), present & (a != b)

    same_siren, siren_conflict = same("siren")
    same_siret, siret_conflict = same("siret")
    same_email, email_conflict = same("email")
    same_phone, _ = same("telephone")
    same_cp, cp_conflict = same("code_postal")
    _, dept_conflict = same("departement")
    # the distinctive words decide, where it matters: names close enough to
    # reach the report on their own (a same-postal-code bonus is at most +2),
    # or pairs an exact key already links (the name then adds confidence)
    keyed = same_siren | same_email | same_phone
    residual = np.full(len(pairs), 100.0)
    one_word = ~keys["nom_normalise"].str.contains(" ", regex=False).to_numpy(dtype=bool)
    check = (name_score >= 70) & (name_score < 100) & (glued < 100) & ((name_score >= 75) | keyed)
    # two one-word names: the distinctive part is the whole name, already scored
    check &= ~(one_word[i] & one_word[j])
    for k in np.flatnonzero(check):
        residual[k] = _residual_score(na[k], nb[k])
    extra_word = residual < 0
    name_score = np.where(check & ~extra_word, 0.4 * name_score + 0.6 * residual, name_score)
    # an extra word ("Dupont" / "Dupont Frères") is worth a look, not a merge
    name_score = np.where(check & extra_word, np.minimum(name_score, 85.0), name_score)
    empty_name = (na == "") | (nb == "")
    name_score = np.where(empty_name, 0.0, name_score)

    dept = keys["departement"].to_numpy(dtype=object) == ""
    dept_missing = dept[i] != dept[j]
    weak = keys["mot_faible"].to_numpy(dtype=bool)
    weak_diff = weak[i] != weak[j]
    is_person = keys["personne"].to_numpy(dtype=bool)
    person = is_person[i] & is_person[j]

    fuzzy = name_score.copy()
    fuzzy += np.where(same_cp, 2, 0)
    fuzzy -= np.where(cp_conflict & ~dept_conflict, 3, 0)
    fuzzy -= np.where(dept_conflict, 15, 0)
    fuzzy -= np.where(dept_missing, 8, 0)
    fuzzy -= np.where(weak_diff, 5, 0)
    spread = keys["etendue_nom"].to_numpy(dtype=np.int64)
    common = np.maximum(spread[i], spread[j]) >= 2
    fuzzy -= np.where(common & ~same_cp, 8, 0)
    # two people with different personal e-mails are two people
    fuzzy -= np.where(person & email_conflict, 15, 0)
    fuzzy -= np.where(person & ~same_cp, 10, 0)
    # the same full name at the same postal code is likely one person, not a certainty (homonyms, parent/child)
    fuzzy = np.where(person, np.minimum(fuzzy, 92), fuzzy)
    fuzzy = np.where(siren_conflict, np.minimum(fuzzy, 60), fuzzy)
    fuzzy = np.minimum(fuzzy, 97)

    # evidence against (and for) from the fields a name cannot tell apart: two
    # bakeries of one name in one town have other phones, streets, domains
    _, tel_conflict = same("tel9")
    same_street, street_conflict = same("adresse")
    if street_conflict.any():
        # « 12 rue Pasteur » / « 12 r Pasteur bis »: close spellings are one street
        k = np.flatnonzero(street_conflict)
        sa, sb = col("adresse")
        near = process.cpdist(list(sa[k]), list(sb[k]), scorer=fuzz.ratio, workers=-1) >= 90
        # … but the house number must be the same: « 12 » and « 14 rue Pasteur » are two doors;
        # a number missing on one side says nothing either way
        na_num = np.array([_house_number(v) for v in sa[k]], dtype=object)
        nb_num = np.array([_house_number(v) for v in sb[k]], dtype=object)
        known = (na_num != "") & (nb_num != "")
        near &= ~known | (na_num == nb_num)
        unknown = ~known & ~near & (np.array([_street_words(v) for v in sa[k]], dtype=object)
                                    == np.array([_street_words(v) for v in sb[k]], dtype=object))
        street_conflict[k[near | unknown]] = False
        same_street[k[near]] = True
    same_domain, domain_conflict = same("domaine_email")
    place_agrees = same_cp | ~(dept_conflict | dept_missing)
    same_street &= place_agrees
    against = (EVIDENCE["telephone"][1] * tel_conflict + EVIDENCE["domaine_email"][1] * domain_conflict
               + EVIDENCE["adresse"][1] * street_conflict)
    fuzzy += EVIDENCE["adresse"][0] * same_street
    fuzzy = np.minimum(fuzzy, 97)  # above 97 is for exact keys (SIREN, SIRET, e-mail, phone)

    conf = fuzzy
    conf = np.maximum(conf, np.where(same_siret, 100, 0))
    conf = np.maximum(conf, np.where(same_siren & ~siret_conflict, 97, 0))
    # one company, two establishments: one client for the segmentation (the SIREN
    # is the company), but the lowest of the exact-key confidences
    conf = np.maximum(conf, np.where(same_siren & siret_conflict, 92, 0))
    conf = np.maximum(conf, np.where(same_email & ~siren_conflict, np.where(name_score >= 70, 98, 95), 0))
    conf = np.maximum(conf, np.where(same_phone & ~siren_conflict, np.where(name_score >= 70, 95, 85), 0))
    conf = np.maximum(conf, np.where(same_email & same_phone & ~siren_conflict, 98, 0))
    conf = np.where(siren_conflict, np.minimum(conf, 75), conf)
    # the registered company decides: a moved client (other town, phone, street) keeps its SIREN
    registered = same_siret | same_siren
    conf = np.where(registered, conf, conf + against)
    # one switchboard, street or domain, but names apart in their distinctive
    # words: sister companies of one group, to be checked by a person
    group = (same_phone | same_street | same_domain) & ~registered & ~same_email
    for k in np.flatnonzero(group & (name_score >= 75)):
        # a typo leaves the distinctive words one or two edits apart (« Klecn » / « Klein »,
        # « oCllet » / « Collet »); « Nord » / « Sud », « Est » / « Ouest » are other words
        ra, rb = _residual_words(na[k], nb[k])
        group[k] = bool(ra and rb) and OSA.normalized_similarity(" ".join(sorted(ra)), " ".join(sorted(rb))) < 0.75
    conf = np.where(group, np.minimum(conf, GROUP_CAP), conf)
    conf = np.clip(np.round(conf), 0, 100).astype(int)

    keep = conf >= min_confidence
    idx = np.flatnonzero(keep)
    labels = keys.index.to_numpy()
    reasons = []
    for k in idx:
        parts = []
        if same_siret[k]:
            parts.append("même SIRET")
        elif same_siren[k]:
            parts.append("même SIREN" + (" (établissements différents)" if siret_conflict[k] else ""))
        if same_email[k]:
            parts.append("même e-mail")
        if same_phone[k]:
            parts.append("même téléphone")
        what = "nom" if person[k] else "raison sociale"
        if name_score[k] >= 99.5:
            parts.append(f"{what} identique une fois normalisé" + ("" if person[k] else "e"))
        elif name_score[k] >= 70:
            parts.append(f"{what} proche ({name_score[k]:.0f} %)")
        if same_street[k] and not (same_siren[k] or same_email[k]):
            parts.append("même adresse")
        elif same_cp[k] and not (same_siren[k] or same_email[k]):
            parts.append("même code postal")
        against_parts = [text for flag, text in (
            (siren_conflict[k], "SIREN différent"), (tel_conflict[k] and not registered[k], "téléphone différent"),
            (domain_conflict[k] and not registered[k], "e-mail d'un autre domaine"),
            (street_conflict[k] and not registered[k], "adresse différente")) if flag]
        if group[k]:
            against_parts.append("noms distincts (sociétés d'un même groupe ?)")
        if against_parts:
            parts.append("mais " + ", ".join(against_parts))
        reasons.append(", ".join(parts))
    out = pd.DataFrame(
        {
            "ligne_a": labels[i[idx]],
            "ligne_b": labels[j[idx]],
            "confiance": conf[idx],
            "score_nom": np.round(name_score[idx]).astype(int),
            "raison": [r[0].upper() + r[1:] if r else r for r in reasons],
        }
    )
    return out.sort_values(["confiance", "ligne_a", "ligne_b"], ascending=[False, True, True], kind="stable") \
        .reset_index(drop=True)


def find_duplicate_pairs(clients: pd.DataFrame, *, min_confidence: float = MIN_CONFIDENCE) -> pd.DataFrame:
    """Scored duplicate pairs of a client frame (see :func:`score_pairs` for the columns)."""
    if len(clients) < 2:
        return pd.DataFrame(columns=["ligne_a", "ligne_b", "confiance", "score_nom", "raison"])
    keys = match_keys(clients)
    return score_pairs(keys, candidate_pairs(keys), min_confidence=min_confidence)


def _completeness(clients: pd.DataFrame) -> pd.Series:
    filled = clients.notna()
    for c in clients.columns:
        if clients[c].dtype == object or pd.api.types.is_string_dtype(clients[c].dtype):
            filled[c] &= clients[c].astype("string").str.strip().ne("").fillna(False)
    return filled.sum(axis=1)


def match_keys_ids(clients: pd.DataFrame) -> dict:
    """Row label → SIREN (from ``siren``, else the SIRET's first 9 digits), for the rows that have one."""
    siret = _digits(clients, "siret")
    siren = _digits(clients, "siren")
    siren = siren.where(siren.str.fullmatch(r"\d{9}"), "")
    siren = siren.where(siren != "", siret.where(siret.str.fullmatch(r"\d{14}"), "").str[:9])
    siren = siren.where(~siren.str.fullmatch(r"(\d)\1{8}"), "")
    return siren[siren != ""].to_dict()


def group_duplicates(pairs: pd.DataFrame, clients: pd.DataFrame, *, threshold: float = MIN_CONFIDENCE) -> pd.DataFrame:
    """Groups of duplicate rows from the pairs at or above ``threshold``.

    Input: :func:`score_pairs` output and the client frame (to choose, in each
    group, the *principal* row — the most complete one, then the first).
    Output, one row per client in a group, columns ``groupe`` (``D0001``…,
    numbered in row order), ``ligne``, ``principal`` (row label of the group's
    principal row), ``est_principal``, ``confiance`` (the group's weakest link),
    ``raison`` (the distinct reasons of the links, joined by « ; »). A link
    that would put two different SIRENs in one group is skipped.
    """
    cols = ["groupe", "ligne", "principal", "est_principal", "confiance", "raison"]
    # strongest links first: each group is then a maximum spanning tree and its
    # confidence the weakest link of that tree
    strong = pairs[pairs["confiance"] >= threshold].sort_values(
        ["confiance", "ligne_a", "ligne_b"], ascending=[False, True, True], kind="stable")
    if strong.empty:
        return pd.DataFrame(columns=cols)
    # a group never holds two different SIRENs: a weaker link (a name, a shared
    # phone) through a third row cannot merge two registered companies
    linked = pd.unique(np.concatenate([strong["ligne_a"].to_numpy(), strong["ligne_b"].to_numpy()]))
    keys = match_keys_ids(clients.loc[linked])
    sirens: dict = {}
    parent: dict = {}

    def find(x):
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    tree = []
    for a, b, c, r in zip(strong["ligne_a"], strong["ligne_b"], strong["confiance"], strong["raison"]):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        sa = sirens.get(ra) or ({keys.get(a)} - {""} if keys.get(a) else set())
        sb = sirens.get(rb) or ({keys.get(b)} - {""} if keys.get(b) else set())
        if sa and sb and not (sa & sb):
            continue
        parent[rb] = ra
        sirens[ra] = sa | sb
        tree.append((a, c, r))
    members = pd.DataFrame({"ligne": list(parent.keys() | {p for p in parent.values()})})
    members["racine"] = members["ligne"].map(find)
    links = pd.DataFrame(tree, columns=["ligne", "confiance", "raison"])
    links["racine"] = links["ligne"].map(find)
    summary = links.groupby("racine").agg(
        confiance=("confiance", "min"),
        raison=("raison", lambda s: " ; ".join(dict.fromkeys(s))),
    )
    members = members.join(summary, on="racine")
    completeness = _completeness(clients.loc[members["ligne"].tolist()])
    members["_complet"] = completeness.to_numpy()
    members["_pos"] = members["ligne"].map(pd.Series(np.arange(len(clients)), index=clients.index))
    members = members.sort_values(["racine", "_complet", "_pos"], ascending=[True, False, True], kind="stable")
    members["principal"] = members.groupby("racine")["ligne"].transform("first")
    first_pos = members.groupby("racine")["_pos"].transform("min")
    order = first_pos.rank(method="dense").astype(int)
    members["groupe"] = ["D%04d" % k for k in order]
    members["est_principal"] = members["ligne"] == members["principal"]
    members = members.assign(_o=order).sort_values(["_o", "est_principal", "_pos"], ascending=[True, False, True])
    return members[cols].reset_index(drop=True)
