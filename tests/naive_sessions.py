"""Slow reference for the session sampler: same uniforms, a plain loop over each title's files."""

from __future__ import annotations


def draw(titles, uniforms, n_sessions, title_of, kind_of, shares):
    """Files and days drawn by each session, in the order labcdn.prediction.sample_requests emits them."""
    files_of = {}
    for f, (t, k) in enumerate(zip(title_of, kind_of, strict=True)):
        files_of.setdefault((t, k), []).append(f)
    out_file, out_day = [], []
    for i, t in enumerate(titles):
        for k in range(3):
            files = files_of.get((t, k), [])
            total = sum(shares[f] for f in files)
            if not files or total <= 0:
                continue
            u = uniforms[i][k]
            if k < 2:
                target = u * total
            elif u < total:
                target = u
            else:
                continue
            acc, pick = 0.0, files[-1]
            for f in files:
                acc += shares[f]
                if acc > target:
                    pick = f
                    break
            out_file.append(pick)
            out_day.append(i // n_sessions)
    return out_file, out_day
