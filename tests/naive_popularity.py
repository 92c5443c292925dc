"""Slow, obvious references for the catalogue, popularity, ranking and lifecycles kernels.

Plain Python loops over lists and dicts, written from the definitions in the
docstrings of ``labcdn.popularity.catalogue``, ``labcdn.popularity.demand``, ``labcdn.popularity.ranking`` and
``labcdn.prediction.lifecycles``, not from their code.
"""

from __future__ import annotations

import math

import numpy as np

SCOPES = ("global", "regional", "local")
DEVICES = ("tv", "mobile", "computer")


def expand_titles(ladder_rows, scope, n_audio, n_text, max_variants=0):
    """(row, language, variant, size_kbps) for every file of each title, title by title."""
    out = []
    for t in range(len(scope)):
        files = []
        for r, rec in enumerate(ladder_rows):
            if SCOPES[scope[t]] not in rec["scopes"].split("|"):
                continue
            n_lang = {"none": 1, "audio_language": n_audio[t], "text_language": n_text[t]}[rec["per"]]
            if rec["max_languages"] > 0:
                n_lang = min(n_lang, rec["max_languages"])
            n_var = rec["variants"] if max_variants == 0 else min(rec["variants"], max_variants)
            for lang in range(n_lang):
                for v in range(n_var):
                    files.append((r, -1 if rec["per"] == "none" else lang, v))
        out.append(files)
    return out


def _cdf(x, median, sigma):
    return 0.5 * math.erfc(-(math.log(x) - math.log(median)) / (sigma * math.sqrt(2.0)))


def _rung_choice(rows_of_family, rec_of, cap, median_kbps, sigma):
    """{row: probability} for one device/cap: highest affordable rung at or under the cap."""
    eligible = [r for r in rows_of_family if rec_of[r]["height"] <= cap] or rows_of_family[:1]
    if rec_of[eligible[0]]["kind"] == "text":
        return {eligible[-1]: 1.0}
    probs = {}
    for j, r in enumerate(eligible):
        low = 0.0 if j == 0 else _cdf(rec_of[r]["bitrate_kbps"], median_kbps, sigma)
        high = 1.0 if j == len(eligible) - 1 else _cdf(rec_of[eligible[j + 1]]["bitrate_kbps"], median_kbps, sigma)
        probs[r] = high - low
    return probs


def file_shares(catalogue, demand):
    """Per-file views per title session, straight from the model's definition."""
    rows = list(catalogue.ladder.frame.iter_rows(named=True))
    pref = {}
    for dev, fam, w in demand.family_preference:
        pref[(dev, fam)] = pref.get((dev, fam), 0.0) + w
    rec_of = dict(enumerate(rows))
    fam_info = {}
    for rec in rows:
        fam_info.setdefault(rec["family"], rec)

    def weight(dev, fam):
        return pref.get((dev, fam), 0.0) if dev in fam_info[fam]["devices"].split("|") else 0.0

    out = np.zeros(catalogue.n_files)
    for t in range(catalogue.n_titles):
        scope = SCOPES[catalogue.scope[t]]
        na, nt = int(catalogue.audio_languages[t]), int(catalogue.text_languages[t])
        present = [r for r, rec in enumerate(rows) if scope in rec["scopes"].split("|")]
        fam_rows = {}
        for r in present:
            fam_rows.setdefault(rows[r]["family"], []).append(r)
        if na == 1:
            pa = [1.0]
        else:
            h = sum(k ** -demand.dub_zipf_exponent for k in range(1, na))
            pa = [demand.original_audio_share] + [
                (1 - demand.original_audio_share) * k ** -demand.dub_zipf_exponent / h for k in range(1, na)]
        ht = sum((k + 1.0) ** -demand.subtitle_zipf_exponent for k in range(nt))
        pt = [(k + 1.0) ** -demand.subtitle_zipf_exponent / ht for k in range(nt)]

        def families_for(kind, role, lang, n_lang, fam_rows=fam_rows):
            fams = []
            for fam in fam_rows:
                info = fam_info[fam]
                if info["kind"] != kind or (kind == "audio" and info["role"] != role):
                    continue
                cap = n_lang if info["max_languages"] == 0 else min(n_lang, info["max_languages"])
                if kind == "video" or lang < cap:
                    fams.append(fam)
            return fams

        lo, hi = catalogue.title_offsets[t], catalogue.title_offsets[t + 1]
        for i in range(lo, hi):
            r, lang, v = int(catalogue.row[i]), int(catalogue.language[i]), int(catalogue.variant[i])
            rec = rows[r]
            fam, kind = rec["family"], rec["kind"]
            n_var = int(catalogue.row_variants[r])
            total = 0.0
            for d, dev in enumerate(DEVICES):
                role = rec["role"]
                if kind == "video":
                    others = families_for("video", "main", lang, 1)
                    p_role = 1.0
                elif kind == "audio":
                    others = families_for("audio", role, lang, na)
                    ad = families_for("audio", "description", lang, na)
                    has_ad = sum(weight(dev, f) for f in ad) > 0
                    p_ad = demand.audio_description_share if has_ad else 0.0
                    p_role = p_ad if role == "description" else 1.0 - p_ad
                else:
                    others = families_for("text", "main", lang, nt)
                    p_role = 1.0
                z = sum(weight(dev, f) for f in others)
                if z == 0:
                    continue
                p_family = weight(dev, fam) / z
                scale = demand.abr_safety * (demand.audio_bandwidth_share if kind == "audio" else 1.0)
                median = demand.bandwidth_median_mbps[d] * 1000.0 * scale
                p_rung = 0.0
                for cap, w in zip(demand.resolution_caps, demand.resolution_cap_share[d], strict=True):
                    if w > 0:
                        p_rung += w * _rung_choice(fam_rows[fam], rec_of, cap, median, demand.bandwidth_sigma).get(r, 0.0)
                if kind == "text" and n_var == 2:
                    weights = [1.0 - demand.sdh_share, demand.sdh_share]
                else:
                    weights = [demand.legacy_packaging_ratio[d] ** u for u in range(n_var)]
                p_variant = weights[v] / sum(weights)
                total += demand.device_share[d] * p_role * p_family * p_rung * p_variant
            if kind == "audio":
                total *= pa[lang]
            elif kind == "text":
                total *= demand.subtitle_share * pt[lang]
            out[i] = total
        kinds = [rows[int(catalogue.row[i])]["kind"] for i in range(lo, hi)]
        if demand.concentration != 1.0:
            for kind in ("video", "audio", "text"):
                idx = [lo + j for j, k in enumerate(kinds) if k == kind]
                structured = sum(out[i] for i in idx)
                powered = sum(out[i] ** demand.concentration for i in idx)
                for i in idx:
                    out[i] = structured * out[i] ** demand.concentration / powered if powered > 0 else 0.0
    return out


def ranked_items(sizes, nbytes, title, n_titles, ranking):
    """(size, bytes) of the items in rank order; ties keep index order."""
    if ranking == "file":
        items = list(zip(sizes, nbytes, strict=True))
    else:
        t_size, t_bytes = [0.0] * n_titles, [0.0] * n_titles
        for s, b, t in zip(sizes, nbytes, title, strict=True):
            t_size[t] += s
            t_bytes[t] += b
        items = [(s, b) for s, b in zip(t_size, t_bytes, strict=True) if s > 0]
    order = sorted(range(len(items)), key=lambda i: -(items[i][1] / items[i][0]))
    return [items[i] for i in order]


def efficiency(items, capacity, fill):
    """Bytes served / all bytes when filling ``capacity`` in rank order."""
    total = sum(b for _, b in items)
    used = served = 0.0
    for s, b in items:
        if used + s <= capacity:
            used += s
            served += b
        elif fill == "stop":
            break
    return served / total if total > 0 else 0.0


def first_blocked_bytes(items, capacity):
    """Bytes of the first item that does not fit when filling in rank order (0 if all fit)."""
    used = 0.0
    for s, b in items:
        if used + s > capacity:
            return b
        used += s
    return 0.0


def storage_needed(items, target):
    """Interpolated storage at which the cumulative served bytes reach target x total."""
    goal = target * sum(b for _, b in items)
    used = served = 0.0
    for s, b in items:
        if served + b >= goal:
            return used + (s * (goal - served) / b if b > 0 else 0.0)
        used += s
        served += b
    return used


def daily_title_views(n_titles, n_days, p, seed):
    """Day-by-day views, drawing from the Generator in the documented order."""
    rng = np.random.default_rng(seed)
    rank = rng.permutation(n_titles)
    released = rng.random(n_titles) < p.released_share
    past = -rng.integers(1, p.history_days + 1, n_titles)
    future = rng.integers(0, n_days, n_titles)
    z = rng.standard_normal((n_titles, n_days))
    h = sum((k + 1.0) ** -p.zipf_exponent for k in range(n_titles))
    out = np.zeros((n_titles, n_days))
    for t in range(n_titles):
        peak = p.sessions_per_day * (rank[t] + 1.0) ** -p.zipf_exponent / h
        release = past[t] if released[t] else future[t]
        for d in range(n_days):
            age = d - release
            if age >= 0:
                week = 1 + p.weekly_amplitude * math.cos(2 * math.pi * (d - 5) / 7)
                noise = math.exp(p.noise_sigma * z[t, d] - 0.5 * p.noise_sigma**2)
                out[t, d] = peak * (1 + age / p.decay_days) ** -p.decay_exponent * week * noise
    return out


def file_views_daily(title, shares, title_views):
    out = np.zeros((len(shares), title_views.shape[1]))
    for f in range(len(shares)):
        for d in range(title_views.shape[1]):
            out[f, d] = shares[f] * title_views[title[f], d]
    return out


def ranked_on_predictions(sizes, true_bytes, predicted_bytes, title, n_titles, ranking):
    """(size, true bytes) of the items in descending *predicted* density; ties by index (any order of
    equal-density items gives the same interpolated storage)."""
    if ranking == "file":
        items = list(zip(sizes, true_bytes, predicted_bytes, strict=True))
    else:
        agg = {}
        for s, b, p, t in zip(sizes, true_bytes, predicted_bytes, title, strict=True):
            a = agg.setdefault(t, [0.0, 0.0, 0.0])
            a[0] += s
            a[1] += b
            a[2] += p
        items = [tuple(agg[t]) for t in range(n_titles) if t in agg and agg[t][0] > 0]
    order = sorted(range(len(items)), key=lambda i: -(items[i][2] / items[i][0]))
    return [items[i][:2] for i in order]


def sessions_per_day(served_gbps, mean_to_peak, total_bytes, total_sessions):
    """Bytes an appliance serves in a day / bytes one session streams."""
    return served_gbps * 1e9 / 8 * mean_to_peak * 24 * 3600 / (total_bytes / total_sessions)
