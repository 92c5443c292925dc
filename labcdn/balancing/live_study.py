"""Measured against predicted: each live run beside :func:`labcdn.balancing.simulate` on the same requests.

Every comparison draws one :func:`labcdn.balancing.workload` (Poisson
arrivals, exponential work), replays it through a real product with
:func:`labcdn.balancing.live.run_live`, and simulates the same arrays with the
labcdn rule that models the product's algorithm:

- **counts** for round robin and weighted round robin (NGINX's smooth WRR in
  the model; HAProxy's ``roundrobin`` walks its weighted tree differently, so
  its counts may differ by the position reached in the cycle);
- **share, mean and p99 response** for least connections and two random choices;
- **request-for-request mappings** for NGINX ``hash $request_uri consistent``
  and HAProxy ``balance uri`` + ``hash-type consistent``
  (:mod:`labcdn.balancing.live_hashing`), before and after a server is removed;
- **failover**: a backend killed mid-run; HAProxy's active checks (``inter``,
  ``fall``, ``rise``, detection read from its stats socket) against the
  simulator's health counter over many check phases, and NGINX's passive
  check (``max_fails=1``: the first request sent there after the kill fails
  over to the next server) against the first request the model sends there.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import platform
from pathlib import Path

import numpy as np
import polars as pl

from labcdn.balancing.cluster import cluster
from labcdn.balancing.health import Failure, HealthCheck
from labcdn.balancing.live import PACKAGES, Backends, Config, executable, run_live, version
from labcdn.balancing.live_hashing import haproxy_chash, nginx_chash
from labcdn.balancing.simulation import simulate
from labcdn.balancing.workload import workload

SPEEDS_EQUAL = (1.0, 1.0, 1.0, 1.0)
SPEEDS_MIXED = (0.5, 1.0, 1.0, 1.5)
WEIGHTS = (1, 2, 3, 4)
MEAN_SERVICE = 0.02  # seconds: long against loopback and Python overheads (~1 ms), short enough to run fast
# Response times: 50 ms of work, so that the few milliseconds of load-generator, loopback and proxy time per
# request (which the simulator leaves out; measured as overhead_mean_s) weigh little against the queueing.
RESPONSE_MEAN_SERVICE = 0.05
LOAD = 0.7
FAILOVER_CHECK = HealthCheck(inter=0.5, fall=3, rise=2)
KILL_AT = 1.5
REMOVED = 2


def _workload(speeds, weights, requests, seed, load=LOAD, mean_service=MEAN_SERVICE):
    c = cluster(speeds=speeds, weights=weights)
    return workload(c, load=load, requests=requests, mean_service=mean_service, clients=1, seed=seed)


def _counts(backend, n):
    b = np.asarray(backend)
    return np.bincount(b[b >= 0], minlength=n)


def counts(cfg: Config, *, requests=400, seed=1) -> dict:
    """Per-backend counts, live and simulated, for a round-robin configuration.

    Backend speeds are proportional to the weights, so no backend is overloaded.
    """
    weights = np.asarray(cfg.weights, dtype=float)
    speeds = weights / weights.mean()
    w = _workload(speeds, cfg.weights, requests, seed)
    live = run_live(cfg, w)
    n = len(speeds)
    measured = _counts(live["backend"], n)
    if cfg.model == "client_tracking":
        # Pen's client table sends a known client back to its last server: in the simulator, one client
        # whose connection is never closed. Pen's first pick is its round-robin pointer's, not backend 0,
        # so the counts are compared up to which backend that is (sorted).
        first_only = np.zeros(requests, dtype=bool)
        first_only[0] = True
        sim = simulate(dataclasses.replace(w, new_connection=first_only), "round_robin")
        predicted = _counts(sim.backend, n)
        measured, predicted = np.sort(measured)[::-1], np.sort(predicted)[::-1]
    else:
        sim = simulate(w, cfg.model)
        predicted = _counts(sim.backend, n)
    return {"product": cfg.product, "algorithm": cfg.algorithm, "model": cfg.model,
            "measured": measured.tolist(), "predicted": predicted.tolist(),
            "max_count_error": int(np.abs(measured - predicted).max()),
            "failed": int((live["status"] != "ok").sum())}


def _stats(response, backend, n):
    r = np.asarray(response)
    share = _counts(backend, n) / max(1, r.size)
    return float(r.mean()), float(np.quantile(r, 0.99)), share


def responses(cfg: Config, *, requests=1200, seed=2, speeds=SPEEDS_MIXED, mean_service=RESPONSE_MEAN_SERVICE) -> dict:
    """Share, mean and p99 response time, live and simulated, for a load-aware configuration.

    The simulator replays the requests at the times they really reached the
    backends (:func:`as_seen`; ``mean_predicted_planned_s`` is the prediction
    for the planned Poisson times). Two measured response times: end to end at the client (``mean_measured_s``),
    and at the backends, from a request's arrival there to the finish its FCFS
    queue gave it (``mean_at_backends_s``): the queueing the product's
    decisions produced, without the time spent in the client, the network stack
    and the proxy (``overhead_mean_s``, their difference), which the simulator
    does not model.
    """
    w = _workload(speeds, cfg.weights, requests, seed, mean_service=mean_service)
    live = run_live(cfg, w)
    sim = simulate(as_seen(w, live), cfg.model)
    planned = simulate(w, cfg.model)
    n = len(speeds)
    ok = live.filter(pl.col("status") == "ok")
    m_mean, m_p99, m_share = _stats(ok["response"], ok["backend"], n)
    at_backend = (ok["finish_at_backend"] - ok["at_backend"]).to_numpy()
    b_mean, b_p99 = float(np.nanmean(at_backend)), float(np.nanquantile(at_backend, 0.99))
    p_mean, p_p99, p_share = _stats(sim.response[sim.ok], sim.backend[sim.ok], n)
    late = (live["sent"] - live["arrival"]).to_numpy()
    return {"product": cfg.product, "algorithm": cfg.algorithm, "model": cfg.model,
            "mean_measured_s": m_mean, "mean_predicted_s": p_mean, "mean_rel_error": m_mean / p_mean - 1.0,
            "mean_predicted_planned_s": float(planned.response[planned.ok].mean()),
            "send_late_mean_s": float(late.mean()), "send_late_max_s": float(late.max()),
            "mean_at_backends_s": b_mean, "mean_at_backends_rel_error": b_mean / p_mean - 1.0,
            "overhead_mean_s": m_mean - b_mean,
            "p99_measured_s": m_p99, "p99_predicted_s": p_p99, "p99_rel_error": m_p99 / p_p99 - 1.0,
            "p99_at_backends_s": b_p99, "p99_at_backends_rel_error": b_p99 / p_p99 - 1.0,
            "share_measured": m_share.tolist(), "share_predicted": p_share.tolist(),
            "max_share_error": float(np.abs(m_share - p_share).max()),
            "failed": int((live["status"] != "ok").sum())}


def as_seen(w, live):
    """The workload with the arrival times at which each request really reached the balancer's backends.

    An open loop in Python on a busy machine sends some requests late, and a
    descheduled proxy forwards some late: the queueing at the backends
    follows the times requests got there, not the planned Poisson times. The
    simulator is given that sequence (each request keeps its work; requests
    no backend answered keep their send time), so both decide on the same
    arrivals.
    """
    seen = np.asarray(w.arrival, dtype=np.float64).copy()
    idx = live["request"].to_numpy()
    at = live["at_backend"].to_numpy()
    seen[idx] = np.where(np.isnan(at), live["sent"].to_numpy(), at)
    order = np.argsort(seen, kind="stable")
    arrays = {"arrival": seen[order] - seen[order][0], "work": np.asarray(w.work)[order],
              "client": np.asarray(w.client)[order], "new_connection": np.asarray(w.new_connection)[order],
              "node": np.asarray(w.node)[order]}
    for a in arrays.values():
        a.flags.writeable = False
    return dataclasses.replace(w, **arrays)


def video_uris(count, seed):
    """Distinct video segment paths, as a CDN sees them."""
    rng = np.random.default_rng(seed)
    titles = rng.integers(0, 10**7, count)
    return [f"/video/{t}/seg-{i % 97}.mp4" for i, t in enumerate(titles)]


def hashing(product: str, *, requests=600, seed=3) -> dict:
    """Mappings of every request by consistent hashing, live and modelled, before and after a removal.

    Both runs use the same backends on the same ports, so the server names
    (NGINX) and ids (HAProxy) that place the points stay the same.
    """
    weights = (1, 1, 1, 1)
    w = _workload(SPEEDS_EQUAL, weights, requests, seed, load=1.5)  # no work: the load only sets the rate
    w = dataclasses.replace(w, work=np.zeros(requests))
    uris = video_uris(requests, seed)
    algorithm = "hash $request_uri consistent" if product == "nginx" else "uri consistent"
    ids = (1, 2, 3, 4) if product == "haproxy" else None
    keep = tuple(b for b in range(len(weights)) if b != REMOVED)
    frames = {}
    mismatches = 0
    with Backends(SPEEDS_EQUAL) as backends:
        runs = [(label, kept, run_live(Config(product, algorithm, weights, ids=ids, keep=kept), w, uris=uris,
                                       backends=backends))
                for label, kept in (("all", None), ("removed", keep))]
    for label, kept, live in runs:
        idx = list(range(len(weights))) if kept is None else list(kept)
        if product == "nginx":
            addrs = _addresses_from(live, idx)
            model = np.array(idx)[nginx_chash(live["path"].to_list(), addrs)]
        else:
            model = np.array(idx)[haproxy_chash(live["path"].to_list(), [weights[b] for b in idx],
                                                [ids[b] for b in idx])]
        measured = live["backend"].to_numpy()
        mismatches += int((measured != model).sum())
        frames[label] = (measured, model)
    moved_measured = float(np.mean(frames["all"][0] != frames["removed"][0]))
    moved_predicted = float(np.mean(frames["all"][1] != frames["removed"][1]))
    share = _counts(frames["all"][0], len(weights)) / requests
    return {"product": product, "algorithm": algorithm, "requests": 2 * requests, "mismatches": mismatches,
            "keys_moved_measured": moved_measured, "keys_moved_predicted": moved_predicted,
            "removed_share": float(share[REMOVED]), "share_measured": share.tolist()}


def _addresses_from(live, backends):
    """``127.0.0.1:port`` of each of ``backends``, as the run's responses name them."""
    addrs = dict(live.filter(pl.col("backend") >= 0).select("backend", "address").unique().iter_rows())
    missing = [b for b in backends if b not in addrs]
    if missing:
        raise RuntimeError(f"no response came from backends {missing}; cannot name them")
    return [addrs[b] for b in backends]


def failover_haproxy(*, requests=700, seed=4, phases=200) -> dict:
    """HAProxy's active checks: time from a backend's death to DOWN, and requests failed meanwhile."""
    hc = FAILOVER_CHECK
    cfg = Config("haproxy", "static-rr", (1, 1, 1, 1), health=hc)
    w = _workload(SPEEDS_EQUAL, cfg.weights, requests, seed)
    live = run_live(cfg, w, kill=(REMOVED, KILL_AT), poll=0.01)
    measured_detect = float(live["detected"][0])
    failed = int((live["status"] != "ok").sum())
    rng = np.random.default_rng(seed)
    detect, lost = [], []
    for _ in range(phases):
        wp = dataclasses.replace(w, phase=rng.random(w.phase.shape))
        sim = simulate(wp, "round_robin", health=hc, failures=(Failure(REMOVED, KILL_AT),))
        d = sim.detections
        down = d[(d[:, 2] == REMOVED) & (d[:, 3] == 0)]
        detect.append(float(down[0, 0]) - KILL_AT)
        lost.append(int((sim.status != 0).sum()))
    detect, lost = np.array(detect), np.array(lost)
    return {"product": "haproxy", "algorithm": f"static-rr, check inter {hc.inter:g}s fall {hc.fall} rise {hc.rise}",
            "detect_measured_s": measured_detect, "detect_predicted_mean_s": float(detect.mean()),
            "detect_predicted_min_s": float(detect.min()), "detect_predicted_max_s": float(detect.max()),
            "failed_measured": failed, "failed_predicted_mean": float(lost.mean()),
            "failed_predicted_min": int(lost.min()), "failed_predicted_max": int(lost.max())}


def failover_nginx(*, requests=500, seed=5) -> dict:
    """NGINX's passive check: the first failed attempt on the dead backend marks it down; none is lost.

    NGINX learns of the death from the first request whose connection to the
    backend fails: one in service there at the kill (its connection is reset
    at once), or else the first one sent there afterwards. That request, and
    any other caught in flight, is retried on the next server
    (``proxy_next_upstream error``), and with ``max_fails=1`` the server is
    left out for ``fail_timeout``.
    """
    cfg = Config("nginx", "round robin", (1, 1, 1, 1), max_fails=1, fail_timeout=10)
    w = _workload(SPEEDS_EQUAL, cfg.weights, requests, seed)
    live = run_live(cfg, w, kill=(REMOVED, KILL_AT))
    dead = _addresses_from(live, range(len(cfg.weights)))[REMOVED]
    tried = live.filter(pl.col("upstream").str.contains(dead + ",", literal=True))
    measured = max(0.0, float(tried["arrival"].min()) - KILL_AT) if tried.height else float("nan")
    sim = simulate(w, cfg.model)
    arrival = np.asarray(w.arrival)
    in_flight = (sim.backend == REMOVED) & (arrival < KILL_AT) & (sim.finish > KILL_AT)
    after = np.flatnonzero((arrival >= KILL_AT) & (sim.backend == REMOVED))
    if in_flight.any():
        predicted, attempts = 0.0, int(in_flight.sum())
    else:
        predicted = float(arrival[after[0]]) - KILL_AT if after.size else float("nan")
        attempts = 1
    return {"product": "nginx", "algorithm": "round robin, max_fails=1 fail_timeout=10s",
            "detect_measured_s": measured, "detect_predicted_s": predicted,
            "failed_attempts_measured": int(tried.height), "failed_attempts_predicted": attempts,
            "failed_measured": int((live["status"] != "ok").sum()), "failed_predicted": 0}


def measure(progress=None) -> dict:
    """Every comparison of the lab; the object ``labcdn balancers --json`` prints.

    Parameters
    ----------
    progress : callable, optional
        Called with a short label before each step (for a progress bar).

    Raises
    ------
    labcdn.balancing.live.ProductMissing
        When a product is not installed (the message names the Debian package).
    """
    for product in PACKAGES:
        executable(product)
    steps = [
        ("counts", lambda: counts(Config("haproxy", "static-rr", (1, 1, 1, 1)))),
        ("counts", lambda: counts(Config("haproxy", "roundrobin", WEIGHTS))),
        ("counts", lambda: counts(Config("nginx", "round robin", WEIGHTS))),
        ("counts", lambda: counts(Config("pen", "-r", (1, 1, 1, 1)))),
        ("counts", lambda: counts(Config("pen", "client tracking", (1, 1, 1, 1)), requests=200)),
        ("responses", lambda: responses(Config("haproxy", "leastconn", (1, 1, 1, 1)))),
        ("responses", lambda: responses(Config("nginx", "least_conn", (1, 1, 1, 1)))),
        ("responses", lambda: responses(Config("haproxy", "random(2)", (1, 1, 1, 1)))),
        ("responses", lambda: responses(Config("nginx", "random two least_conn", (1, 1, 1, 1)))),
        ("hashing", lambda: hashing("nginx")),
        ("hashing", lambda: hashing("haproxy")),
        ("failover", failover_haproxy),
        ("failover", failover_nginx),
    ]
    results = {"counts": [], "responses": [], "hashing": [], "failover": []}
    for kind, step in steps:
        if progress is not None:
            progress(kind)
        results[kind].append(step())
    lc = [r for r in results["responses"] if r["model"] == "least_connections"]
    rr = [r for r in results["counts"] if r["algorithm"] != "client tracking"]
    ngx = next(r for r in results["hashing"] if r["product"] == "nginx")
    hap_fail = next(r for r in results["failover"] if r["product"] == "haproxy")
    algorithms = {p: sorted({r["algorithm"] for k in results.values() for r in k if r["product"] == p})
                  for p in PACKAGES}
    return {
        "nginx_consistent_hash_mismatches": ngx["mismatches"],
        "haproxy_consistent_hash_mismatches": next(
            r for r in results["hashing"] if r["product"] == "haproxy")["mismatches"],
        "round_robin_max_count_error": max(r["max_count_error"] for r in rr),
        "least_connections_mean_response_rel_error": max(abs(r["mean_rel_error"]) for r in lc),
        "least_connections_mean_at_backends_rel_error": max(abs(r["mean_at_backends_rel_error"]) for r in lc),
        "haproxy_failover_detect_s": {"measured": hap_fail["detect_measured_s"],
                                      "predicted": hap_fail["detect_predicted_mean_s"],
                                      "predicted_range": [hap_fail["detect_predicted_min_s"],
                                                          hap_fail["detect_predicted_max_s"]]},
        "products": {p: {"package": PACKAGES[p], "version": version(p), "algorithms": algorithms[p]}
                     for p in PACKAGES},
        "settings": {"mean_service_s": MEAN_SERVICE, "response_mean_service_s": RESPONSE_MEAN_SERVICE, "load": LOAD, "speeds_equal": list(SPEEDS_EQUAL),
                     "speeds_mixed": list(SPEEDS_MIXED), "weights": list(WEIGHTS), "kill_at_s": KILL_AT},
        **results,
    }


def provenance(command: str) -> dict:
    """Machine, date and command of a measurement, for the committed file."""
    return {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": f"{platform.system()} {platform.release()} {platform.machine()}, "
                       f"{_cpus()} CPUs, Python {platform.python_version()}",
            "command": command}


def _cpus():
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


MEASUREMENTS_PATH = Path(__file__).resolve().parents[2] / "data" / "measurements" / "balancers.json"


def load_measurements(path=None) -> dict:
    """The committed run of ``labcdn balancers --json --save`` (provenance and results)."""
    path = Path(MEASUREMENTS_PATH if path is None else path)
    record = json.loads(path.read_text())
    for key in ("provenance", "results"):
        if key not in record:
            raise ValueError(f"{path}: missing {key!r}; rerun `labcdn balancers --json --save {path}`")
    return record


def comparison(results: dict) -> pl.DataFrame:
    """Every measured quantity beside its prediction, one row each (tidy).

    Columns: check, product, algorithm, quantity, unit, predicted, measured.
    """
    rows = []

    def add(check, r, quantity, unit, predicted, measured):
        rows.append({"check": check, "product": r["product"], "algorithm": r["algorithm"], "quantity": quantity,
                     "unit": unit, "predicted": float(predicted), "measured": float(measured)})

    for r in results["counts"]:
        for b, (p, m) in enumerate(zip(r["predicted"], r["measured"], strict=True)):
            add("requests per backend", r, f"backend {b}", "requests", p, m)
    for r in results["responses"]:
        add("mean response", r, "at the backends", "s", r["mean_predicted_s"], r["mean_at_backends_s"])
        add("mean response", r, "end to end", "s", r["mean_predicted_s"], r["mean_measured_s"])
        add("p99 response", r, "at the backends", "s", r["p99_predicted_s"], r["p99_at_backends_s"])
        for b, (p, m) in enumerate(zip(r["share_predicted"], r["share_measured"], strict=True)):
            add("share per backend", r, f"backend {b}", "share", p, m)
    for r in results["hashing"]:
        add("keys moved on removal", r, "share of requests", "share", r["keys_moved_predicted"],
            r["keys_moved_measured"])
    for r in results["failover"]:
        if r["product"] == "haproxy":
            add("failover", r, "detection after the kill", "s", r["detect_predicted_mean_s"],
                r["detect_measured_s"])
            add("failover", r, "failed requests", "requests", r["failed_predicted_mean"], r["failed_measured"])
        else:
            add("failover", r, "failed attempts on the dead backend", "requests", r["failed_attempts_predicted"],
                r["failed_attempts_measured"])
    return pl.DataFrame(rows)
