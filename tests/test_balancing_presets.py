"""The ten products as presets, the product table's layers, and the hashing models of NGINX and HAProxy.

Fast tests (no product runs): the models in labcdn.balancing.live_hashing against slow references
written from the products' sources (tests/naive_nginx_hash.py, tests/naive_haproxy_hash.py), the
presets against data/load_balancers.csv, and the generated configurations.
"""

from __future__ import annotations

import zlib
from dataclasses import replace

import naive_haproxy_hash
import naive_nginx_hash
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labcdn import cli
from labcdn.balancing import DEFAULTS, HealthCheck, products
from labcdn.balancing import live_products as live_mod
from labcdn.balancing.live import Config, haproxy_config, nginx_config
from labcdn.balancing.live_hashing import haproxy_chash, haproxy_uri_key, nginx_chash, nginx_ring, sdbm
from labcdn.balancing.presets import PRESETS, PRODUCTS, preset, preset_grid, presets_table, run_preset

SMALL = replace(DEFAULTS, requests=1500, backends=8)
uri = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/-._?=&", min_size=0, max_size=40).map(lambda s: "/" + s)


# --------------------------------------------------------------------------- hashing models vs references


def test_naive_crc32_is_crc32():
    for data in (b"", b"a", b"127.0.0.1\x008080\x00\x00\x00\x00", bytes(range(256))):
        assert naive_nginx_hash.crc32(data) == zlib.crc32(data)


@settings(deadline=None, max_examples=20)  # the reference CRC32 runs bit by bit
@given(st.lists(st.integers(1024, 65535), min_size=1, max_size=5, unique=True),
       st.lists(st.integers(1, 3), min_size=5, max_size=5), st.lists(uri, min_size=1, max_size=30))
def test_nginx_chash_matches_the_reference(ports, weights, keys):
    servers = [f"127.0.0.1:{p}" for p in ports]
    w = weights[:len(servers)]
    points = naive_nginx_hash.ring(servers, w)
    expected = [naive_nginx_hash.lookup(k, points) for k in keys]
    assert nginx_chash(keys, servers, w).tolist() == expected


def test_nginx_ring_has_160_points_per_weight_and_parses_host_port():
    points, owner = nginx_ring(["10.0.0.1:80", "unixish"], [2, 1])
    assert np.bincount(owner).tolist() == [320, 160]
    assert np.all(np.diff(points) > 0)
    first = zlib.crc32(b"10.0.0.1\x0080" + b"\0\0\0\0")
    assert first in set(points[owner == 0].tolist())


@settings(deadline=None, max_examples=30)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=5), st.lists(uri, min_size=1, max_size=30))
def test_haproxy_chash_matches_the_reference(weights, uris):
    ids = list(range(3, 3 + len(weights)))
    expected = [naive_haproxy_hash.lookup(u, weights, ids) for u in uris]
    assert haproxy_chash(uris, weights, ids).tolist() == expected


def test_haproxy_uri_key_stops_at_the_query_string():
    assert haproxy_uri_key("/a/b?x=1") == haproxy_uri_key("/a/b")
    assert haproxy_uri_key("/a/b?x=1") == naive_haproxy_hash.uri_key("/a/b")
    assert sdbm(b"ab") == (ord("b") + (ord("a") << 6) + (ord("a") << 16) - ord("a")) & 0xFFFFFFFF


def test_removing_a_server_moves_only_its_keys():
    keys = [f"/v/{i}.mp4" for i in range(3000)]
    servers = [f"127.0.0.1:{8000 + b}" for b in range(4)]
    before = nginx_chash(keys, servers)
    after = np.array([0, 1, 3])[nginx_chash(keys, [servers[b] for b in (0, 1, 3)])]
    moved = before != after
    assert np.all(before[moved] == 2)
    before = haproxy_chash(keys, [1] * 4, [1, 2, 3, 4])
    after = np.array([0, 1, 3])[haproxy_chash(keys, [1] * 3, [1, 2, 4])]
    assert np.all(before[before != after] == 2)


def test_hashing_models_refuse_bad_servers():
    with pytest.raises(ValueError, match="distinct"):
        nginx_ring(["a:1", "a:1"])
    with pytest.raises(ValueError, match="weights"):
        nginx_ring(["a:1", "b:1"], [1, 0])
    with pytest.raises(ValueError, match="ids"):
        haproxy_chash(["/a"], [1, 1], [1, 1])


# --------------------------------------------------------------------------- the product table (issue 12)


def test_product_layers_follow_the_source():
    layers = dict(products().select("product", "layer").iter_rows())
    assert layers["Seesaw"] == ["L4", "L7"]  # L4, with L7 as an option
    assert layers["Zevenet"] == ["L3", "L4", "L7"]
    assert layers["Gobetween"] == ["L4"] and layers["Pen"] == ["L4"] and layers["Balance"] == ["L4"]
    assert layers["HAProxy"] == ["L4", "L7"] and layers["NGINX"] == ["L4", "L7"]
    features = dict(products().select("product", "features").iter_rows())
    zevenet = " ".join(features["Zevenet"])
    for word in ("FTP", "SIP", "SSL", "HTTP"):
        assert word in zevenet
    pen = " ".join(features["Pen"])
    for word in ("GeoIP", "SSL termination", "IPv6"):
        assert word in pen
    assert any("anycast" in f for f in features["Seesaw"]) and any("direct server return" in f
                                                                   for f in features["Seesaw"])
    gobetween = dict(products().select("product", "algorithms").iter_rows())["Gobetween"]
    for algo in ("iphash", "roundrobin", "leastbandwidth", "leastconn", "weight"):
        assert any(a.startswith(algo) for a in gobetween)


# --------------------------------------------------------------------------- presets


def test_every_product_in_the_table_has_a_preset():
    table = products()
    assert list(PRODUCTS) == table["product"].to_list()
    closest = dict(table.select("product", "closest_models").iter_rows())
    layers = dict(table.select("product", "layer").iter_rows())
    for p in PRESETS.values():
        assert list(p.layers) == layers[p.product]
        assert {p.algorithms[a][0] for a in p.modelled} <= set(closest[p.product]), p.product
        assert p.default in p.algorithms
        assert p.link.startswith("http")
    assert {p.product for p in PRESETS.values() if p.measured} == {"HAProxy", "NGINX", "Pen"}


def test_presets_carry_the_documented_defaults():
    assert preset("HAProxy").default == "roundrobin"
    assert preset("HAProxy").health == HealthCheck(inter=2.0, fall=3, rise=2)
    assert preset("NGINX").default == "round robin"
    assert preset("Pen").default == "client tracking"
    assert preset("Traefik").default == "wrr"
    assert preset("Gobetween").default == "weight"
    assert preset("HAProxy").algorithms["first"] is None


def test_run_preset_runs_the_default_and_refuses_what_has_no_model():
    run = run_preset("NGINX", workload=None, defaults=SMALL)
    assert run.algorithm == "weighted_round_robin"
    with pytest.raises(ValueError, match="no labcdn model"):
        run_preset("HAProxy", "first", defaults=SMALL)
    with pytest.raises(ValueError, match="algorithm"):
        run_preset("HAProxy", "magic", defaults=SMALL)
    with pytest.raises(ValueError, match="product"):
        run_preset("F5", defaults=SMALL)


def test_pen_client_tracking_keeps_every_client_on_one_backend():
    run = run_preset("Pen", "client tracking", defaults=SMALL)
    client = np.asarray(run.workload.client)
    for c in np.unique(client)[:50]:
        assert np.unique(run.backend[client == c]).size == 1
    rr = run_preset("Pen", "-r", defaults=SMALL)
    assert np.unique(rr.backend[client == client[0]]).size > 1


def test_preset_grid_has_one_row_per_modelled_pair_and_one_default_per_product():
    grid = preset_grid(SMALL)
    assert grid.height == sum(len(p.modelled) for p in PRESETS.values())
    defaults = grid.filter("default")["product"].to_list()
    assert sorted(defaults) == sorted(PRODUCTS)
    assert grid["p99_ms"].min() > 0
    table = presets_table()
    assert table.height == 10 and set(table["evidence"]) == {"measured here", "from its documentation"}


# --------------------------------------------------------------------------- configurations and the CLI


def test_configurations_say_what_the_simulator_is_told():
    backends = ["127.0.0.1:9001", "127.0.0.1:9002"]
    cfg = Config("haproxy", "uri consistent", (1, 2), health=HealthCheck(0.5, 3, 2), ids=(7, 9))
    text = haproxy_config(cfg, 8000, backends, "/tmp/s.sock")
    assert "balance uri\n    hash-type consistent" in text
    assert "server s1 127.0.0.1:9002 weight 2 id 9 check inter 500 fall 3 rise 2" in text
    assert "nbthread 1" in text and "bind 127.0.0.1:8000" in text
    text = nginx_config(Config("nginx", "hash $request_uri consistent", (1, 1), keep=(1,)), 8000, backends, "/tmp")
    assert "hash $request_uri consistent;" in text and "127.0.0.1:9001" not in text
    assert "listen 127.0.0.1:8000;" in text and "worker_processes 1;" in text
    with pytest.raises(ValueError, match="algorithm"):
        Config("nginx", "leastconn")


def test_a_missing_product_names_its_debian_package_and_the_command_fails(monkeypatch, capsys):
    monkeypatch.setattr(live_mod.shutil, "which", lambda *a, **k: None)
    with pytest.raises(live_mod.ProductMissing, match="nginx-light"):
        live_mod.executable("nginx")
    with pytest.raises(SystemExit) as exc:
        cli.main(["balancers", "--json"])
    assert exc.value.code != 0
    assert "apt-get install haproxy" in capsys.readouterr().err
