"""Real HAProxy, NGINX and Pen on 127.0.0.1 against the simulator: counts, mappings, shares, failover.

Marked ``live``: each test starts a product and FCFS backends on loopback and replays a seeded Poisson
workload (about 2 minutes in all on a 2-core machine). The tests assert agreement with the simulator and
with the hashing models, never speed. A product that is not installed fails the test with the Debian
package to install (``make test`` installs them). The last test checks that no process started here survives.
"""

from __future__ import annotations

import os
import subprocess

import naive_nginx_hash
import numpy as np
import pytest

from labcdn.balancing import HealthCheck, live_study
from labcdn.balancing import live as live_mod
from labcdn.balancing.live import PACKAGES, Config, ProductMissing, executable

pytestmark = pytest.mark.live


@pytest.fixture(scope="module", autouse=True)
def _installed():
    for product in PACKAGES:
        try:
            executable(product)
        except ProductMissing as exc:
            pytest.fail(str(exc))


def test_generated_configurations_are_valid(tmp_path):
    backends = ["127.0.0.1:9001", "127.0.0.1:9002"]
    for algorithm in live_mod.ALGORITHMS["haproxy"]:
        cfg = Config("haproxy", algorithm, (1, 2), health=HealthCheck(0.5, 3, 2))
        path = tmp_path / "h.cfg"
        path.write_text(live_mod.haproxy_config(cfg, 8000, backends, str(tmp_path / "s.sock")))
        out = subprocess.run([executable("haproxy"), "-c", "-f", str(path)], capture_output=True, text=True,
                             timeout=30)
        assert out.returncode == 0, out.stdout + out.stderr
    for algorithm in live_mod.ALGORITHMS["nginx"]:
        path = tmp_path / "n.conf"
        path.write_text(live_mod.nginx_config(Config("nginx", algorithm, (1, 2)), 8000, backends, str(tmp_path)))
        for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp_path / k).mkdir(exist_ok=True)
        out = subprocess.run([executable("nginx"), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "e.log"),
                              "-c", str(path)], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize(("product", "algorithm", "weights"), [
    ("haproxy", "static-rr", (1, 1, 1, 1)),
    ("haproxy", "roundrobin", (1, 2, 3, 4)),
    ("nginx", "round robin", (1, 2, 3, 4)),
    ("pen", "-r", (1, 1, 1, 1)),
    ("pen", "client tracking", (1, 1, 1, 1)),
])
def test_round_robin_counts_match_the_simulator(product, algorithm, weights):
    r = live_study.counts(Config(product, algorithm, weights), requests=200)
    assert r["failed"] == 0
    assert r["measured"] == r["predicted"], r


@pytest.mark.parametrize(("product", "algorithm"), [("haproxy", "leastconn"), ("nginx", "least_conn")])
def test_least_connections_shares_and_queueing_match_the_simulator(product, algorithm):
    r = live_study.responses(Config(product, algorithm, (1, 1, 1, 1)), requests=800)
    assert r["failed"] == 0
    assert r["max_share_error"] < 0.05, r
    # the queueing the product's choices produced, measured at the backends, within 15% of the model;
    # end to end adds the proxy and loopback overhead the model leaves out, which must be positive
    assert abs(r["mean_at_backends_rel_error"]) < 0.15, r
    assert r["overhead_mean_s"] > 0


@pytest.mark.parametrize("product", ["nginx", "haproxy"])
def test_consistent_hashing_agrees_request_for_request(product):
    r = live_study.hashing(product, requests=300)
    assert r["mismatches"] == 0, r
    assert r["keys_moved_measured"] == r["keys_moved_predicted"]
    assert r["keys_moved_measured"] == pytest.approx(r["removed_share"])


def test_nginx_hashing_agrees_with_the_slow_reference():
    keys = live_study.video_uris(50, 0)
    servers = ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]
    points = naive_nginx_hash.ring(servers, [1, 1, 1])
    from labcdn.balancing.live_hashing import nginx_chash

    assert nginx_chash(keys, servers).tolist() == [naive_nginx_hash.lookup(k, points) for k in keys]


def test_haproxy_active_checks_detect_a_dead_backend_when_the_simulator_says():
    r = live_study.failover_haproxy(requests=600, phases=100)
    lo, hi = r["detect_predicted_min_s"], r["detect_predicted_max_s"]
    # the stats socket is polled every 10 ms; HAProxy's check timers may run a few ms late
    assert lo - 0.05 <= r["detect_measured_s"] <= hi + 0.1, r
    assert r["failed_predicted_min"] - 3 <= r["failed_measured"] <= r["failed_predicted_max"] + 3, r


def test_nginx_passive_check_fails_over_without_losing_a_request():
    r = live_study.failover_nginx(requests=400)
    assert r["failed_measured"] == 0
    assert r["failed_attempts_measured"] >= 1
    assert r["detect_measured_s"] == pytest.approx(r["detect_predicted_s"], abs=0.01), r


def test_no_started_process_survives():
    assert live_mod.STARTED, "the live tests started no product"
    for pid in live_mod.STARTED:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert np.unique(live_mod.STARTED).size == len(live_mod.STARTED)
