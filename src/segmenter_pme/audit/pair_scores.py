"""Confidence and reason of each candidate pair (step 3 of the duplicate search, :mod:`.duplicates`):
rapidfuzz name scores and the exact evidence, for and against, combined into 0–100 and a French reason."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .match_keys import NameWords, house_number, street_words

#: pairs below this confidence are not reported at all
MIN_CONFIDENCE = 80

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


def residual_scores(words: NameWords, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Similarity of the words the names of rows ``a[k]`` and ``b[k]`` do not share (the distinctive part).

    "boulangerie martin" / "boulangerie morin" share the generic word; what tells them apart is
    "martin" / "morin": ``fuzz.ratio`` of each name's other words (:func:`_residual_words`), sorted and
    joined by a space. 100 when neither has other words, -1 when only one has (an extra word, not a
    misspelling). The words are counted per (pair, word) as integers, their texts joined by Arrow and
    scored by one ``cpdist``, not pair by pair in Python (100 000 clients, 456 000 pairs: 0,96 s →
    0,43 s, same run, the same scores to the last bit).
    """
    m = len(a)
    out = np.full(m, 100.0)
    if m == 0:
        return out
    width = len(words.vocab)
    pair_a, word_a = words.of(a)
    pair_b, word_b = words.of(b)
    key = np.concatenate([pair_a * width + word_a, pair_b * width + word_b])
    sign = np.concatenate([np.ones(len(word_a), dtype=np.int64), -np.ones(len(word_b), dtype=np.int64)])
    order = np.argsort(key, kind="stable")
    key, sign = key[order], sign[order]
    if len(key) == 0:
        return out
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    # how many more times the first name has the word than the second (a repeated word counts)
    net = np.add.reduceat(sign, first)
    pair, word = np.divmod(key[first], width)
    sides = []
    for own in (net > 0, net < 0):  # (pair, word) in order: each pair's words come sorted
        count = np.bincount(pair[own], minlength=m)
        offsets = np.zeros(m + 1, dtype=np.int32)
        np.cumsum(count, out=offsets[1:])
        sides.append((count > 0, pa.ListArray.from_arrays(pa.array(offsets), words.vocab.take(pa.array(word[own])))))
    (has_a, rest_a), (has_b, rest_b) = sides
    out[has_a != has_b] = -1.0
    both = np.flatnonzero(has_a & has_b)
    if len(both):
        take = pa.array(both)
        texts_a = pc.binary_join(rest_a.take(take), " ").to_pylist()
        texts_b = pc.binary_join(rest_b.take(take), " ").to_pylist()
        out[both] = process.cpdist(texts_a, texts_b, scorer=fuzz.ratio, dtype=np.float64)
    return out


#: pairs scored at once: the scores of a pair depend on its two rows only, so the pairs are scored in
#: chunks, and the strings and arrays of one chunk are all that is held (300 000 clients, 5.6 M pairs:
#: about 1.3 GB of peak memory less than all at once)
CHUNK = 250_000

#: the key columns compared as integer codes ("" → -1): much faster than millions of Python strings
_CODED = ("siren", "siret", "email", "telephone", "code_postal", "departement", "tel9", "adresse", "domaine_email")


class _Keys:
    """The columns of :func:`match_keys` that :func:`score_pairs` reads, as arrays made once for every chunk."""

    def __init__(self, keys: pd.DataFrame, words: NameWords | None):
        self.labels = keys.index.to_numpy()
        self.names = keys["nom_normalise"].to_numpy(dtype=object)
        self.sorted_names = keys["nom_trie"].to_numpy(dtype=object)
        self.glued = keys["nom_normalise"].str.replace(" ", "", regex=False).to_numpy(dtype=object)
        self.one_word = ~keys["nom_normalise"].str.contains(" ", regex=False).to_numpy(dtype=bool)
        self.street = keys["adresse"].to_numpy(dtype=object)
        self.codes = {}
        for name in _CODED:
            values = keys[name].to_numpy(dtype=object)
            codes = pd.factorize(values)[0]
            codes[values == ""] = -1
            self.codes[name] = codes
        self.no_dept = keys["departement"].to_numpy(dtype=object) == ""
        self.weak = keys["mot_faible"].to_numpy(dtype=bool)
        self.person = keys["personne"].to_numpy(dtype=bool)
        self.spread = keys["etendue_nom"].to_numpy(dtype=np.int64)
        self.words = words if words is not None else NameWords(self.names)


def score_pairs(keys: pd.DataFrame, pairs: np.ndarray, *, min_confidence: float = MIN_CONFIDENCE,
                words: NameWords | None = None) -> pd.DataFrame:
    """Confidence and reason of each candidate pair.

    Input: :func:`match_keys` output and :func:`candidate_pairs` positions (and the names' words, if
    already made: ``NameWords(keys["nom_normalise"])``).
    Output columns: ``ligne_a``, ``ligne_b`` (row labels), ``confiance`` (0–100),
    ``score_nom`` (0–100), ``raison`` (French); only pairs with confidence ≥
    ``min_confidence``, strongest first.
    """
    cols = ["ligne_a", "ligne_b", "confiance", "score_nom", "raison"]
    if len(pairs) == 0:
        return pd.DataFrame(columns=cols)
    arrays = _Keys(keys, words)
    parts = [_score_chunk(arrays, pairs[start:start + CHUNK, 0], pairs[start:start + CHUNK, 1], min_confidence)
             for start in range(0, len(pairs), CHUNK)]
    out = pd.DataFrame({c: np.concatenate([p[c] for p in parts]) for c in cols})
    return out.sort_values(["confiance", "ligne_a", "ligne_b"], ascending=[False, True, True], kind="stable") \
        .reset_index(drop=True)


def _score_chunk(keys: _Keys, i: np.ndarray, j: np.ndarray, min_confidence: float) -> dict[str, np.ndarray]:
    """:func:`score_pairs` of the pairs ``(i, j)``: its columns, unsorted."""
    na, nb = keys.names[i], keys.names[j]
    # token_sort_ratio is the ratio of the names' words sorted, which match_keys has already done:
    # the same scores, half the time (100 000 clients, 1.46 M pairs: 0.79 s → 0.37 s of CPU, same run).
    # One thread (cpdist's default): its time goes into taking in the Python strings, which is serial;
    # two workers scored 1.46 M pairs in 0.294 s against 0.307 s (−4 %, median of 5, same run), and
    # xlwings Lite (Pyodide) could not start them
    full = process.cpdist(list(keys.sorted_names[i]), list(keys.sorted_names[j]), scorer=fuzz.ratio).astype(float)
    # the same letters cut into other words ("Leroy-Martin" / "Leroymartin")
    glued = full.copy()
    redo = np.flatnonzero((full >= 50) & (full < 100))
    if len(redo):
        g = keys.glued
        glued[redo] = process.cpdist(list(g[i[redo]]), list(g[j[redo]]), scorer=fuzz.ratio)
    name_score = np.maximum(full, glued)

    def same(name: str) -> tuple[np.ndarray, np.ndarray]:
        codes = keys.codes[name]
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
    residual = np.full(len(i), 100.0)
    one_word = keys.one_word
    check = (name_score >= 70) & (name_score < 100) & (glued < 100) & ((name_score >= 75) | keyed)
    # two one-word names: the distinctive part is the whole name, already scored
    check &= ~(one_word[i] & one_word[j])
    k = np.flatnonzero(check)
    residual[k] = residual_scores(keys.words, i[k], j[k])
    extra_word = residual < 0
    name_score = np.where(check & ~extra_word, 0.4 * name_score + 0.6 * residual, name_score)
    # an extra word ("Dupont" / "Dupont Frères") is worth a look, not a merge
    name_score = np.where(check & extra_word, np.minimum(name_score, 85.0), name_score)
    empty_name = (na == "") | (nb == "")
    name_score = np.where(empty_name, 0.0, name_score)

    dept_missing = keys.no_dept[i] != keys.no_dept[j]
    weak_diff = keys.weak[i] != keys.weak[j]
    person = keys.person[i] & keys.person[j]

    fuzzy = name_score.copy()
    fuzzy += np.where(same_cp, 2, 0)
    fuzzy -= np.where(cp_conflict & ~dept_conflict, 3, 0)
    fuzzy -= np.where(dept_conflict, 15, 0)
    fuzzy -= np.where(dept_missing, 8, 0)
    fuzzy -= np.where(weak_diff, 5, 0)
    spread = keys.spread
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
        sa, sb = keys.street[i], keys.street[j]
        near = process.cpdist(list(sa[k]), list(sb[k]), scorer=fuzz.ratio) >= 90
        # … but the house number must be the same: « 12 » and « 14 rue Pasteur » are two doors;
        # a number missing on one side says nothing either way
        na_num = np.array([house_number(v) for v in sa[k]], dtype=object)
        nb_num = np.array([house_number(v) for v in sb[k]], dtype=object)
        known = (na_num != "") & (nb_num != "")
        near &= ~known | (na_num == nb_num)
        unknown = ~known & ~near & (np.array([street_words(v) for v in sa[k]], dtype=object)
                                    == np.array([street_words(v) for v in sb[k]], dtype=object))
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
    labels = keys.labels
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
    return {
        "ligne_a": labels[i[idx]],
        "ligne_b": labels[j[idx]],
        "confiance": conf[idx],
        "score_nom": np.round(name_score[idx]).astype(int),
        "raison": np.array([r[0].upper() + r[1:] if r else r for r in reasons], dtype=object),
    }

