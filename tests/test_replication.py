"""Tests for labcdn.replication: kernels against slow references, hashing as oracle, theory, properties."""

from __future__ import annotations

import dataclasses
import json
import math

import naive_replication as naive
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labcdn.hashing as H
import labcdn.replication as R

SMALL = settings(max_examples=30, deadline=None)
SMALL_DEFAULTS = R.ReplicationParams(servers=20, titles=40, flash_servers=3, storage_servers=2, requests=20_000)


def holder_lists(p):
    return [[int(h) for h in p.holders[p.offsets[i]:p.offsets[i + 1]]] for i in range(p.offsets.size - 1)]


def explicit_placement(lists, servers):
    """A Placement from holder lists (for properties that need arbitrary placements)."""
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(h) for h in lists], out=offsets[1:])
    holders = np.array([h for hs in lists for h in hs], dtype=np.int64)
    return R.Placement(servers, offsets, holders, H.hash_keys(np.arange(len(lists))))


@st.composite
def instances(draw, max_servers=6, max_files=8):
    """A random small cluster: holder lists (distinct servers per file), demand, capacity, alive mask."""
    servers = draw(st.integers(1, max_servers))
    files = draw(st.integers(1, max_files))
    lists = [draw(st.lists(st.integers(0, servers - 1), min_size=1, max_size=servers, unique=True))
             for _ in range(files)]
    demand = draw(st.lists(st.floats(0.0, 10.0, allow_subnormal=False), min_size=files, max_size=files))
    capacity = draw(st.lists(st.floats(0.1, 5.0), min_size=servers, max_size=servers))
    alive = draw(st.lists(st.booleans(), min_size=servers, max_size=servers))
    return lists, np.array(demand), np.array(capacity), np.array(alive)


# --- placement -----------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", R.PLACEMENTS)
@pytest.mark.parametrize("weighted", [False, True])
def test_one_copy_placement_equals_the_hashing_module(algorithm, weighted):
    keys = H.key_catalog(5_000, seed=3)
    weights = np.linspace(0.5, 2.0, 23) if weighted else None
    p = R.place(keys, np.ones(keys.size, dtype=np.int64), 23, algorithm=algorithm, weights=weights)
    assert np.array_equal(p.holders, H.build(algorithm, 23, weights).lookup(keys))
    assert np.array_equal(p.offsets, np.arange(keys.size + 1))


@pytest.mark.parametrize("algorithm", R.PLACEMENTS)
def test_first_copy_is_the_hashing_placement_and_copies_are_distinct(algorithm):
    keys = H.key_catalog(2_000, seed=4)
    copies = np.random.default_rng(4).integers(1, 12, keys.size)
    p = R.place(keys, copies, 11, algorithm=algorithm)
    assert np.array_equal(p.copies(), copies)
    assert np.array_equal(p.holders[p.offsets[:-1]], H.build(algorithm, 11).lookup(keys))
    assert all(len(set(hs)) == len(hs) for hs in holder_lists(p))


@pytest.mark.parametrize("weighted", [False, True])
def test_ring_copies_match_the_naive_successor_walk(weighted):
    rng = np.random.default_rng(5)
    weights = rng.uniform(0.3, 3.0, 9) if weighted else None
    keys = H.key_catalog(300, seed=5)
    copies = rng.integers(1, 10, keys.size)
    p = R.place(keys, copies, 9, vnodes=7, weights=weights)
    ring = H.Ring.build(9, vnodes=7, weights=weights)
    assert holder_lists(p) == [naive.ring_copies(ring.points, ring.owners, k, c) for k, c in zip(keys, copies,
                                                                                                  strict=True)]


@pytest.mark.parametrize("weighted", [False, True])
def test_rendezvous_copies_are_the_top_scores(weighted):
    rng = np.random.default_rng(6)
    weights = rng.uniform(0.3, 3.0, 9) if weighted else None
    keys = H.key_catalog(300, seed=6)
    copies = rng.integers(1, 10, keys.size)
    p = R.place(keys, copies, 9, algorithm="rendezvous", weights=weights)
    table = H.Rendezvous.build(9, weights=weights)
    w = None if weights is None else list(table.weights)
    assert holder_lists(p) == [naive.rendezvous_copies(table.seeds, w, k, c) for k, c in zip(keys, copies,
                                                                                              strict=True)]


@SMALL
@given(st.integers(2, 30), st.integers(1, 29), st.sampled_from(R.PLACEMENTS), st.integers(0, 2**32))
def test_more_copies_extend_the_holder_list(servers, extra, algorithm, seed):
    """Adding copies keeps the existing holders (a prefix): the property least-loaded monotonicity needs."""
    keys = H.key_catalog(50, seed=seed)
    base = np.random.default_rng(seed).integers(1, servers + 1, keys.size)
    more = np.minimum(base + extra, servers)
    a = holder_lists(R.place(keys, base, servers, algorithm=algorithm, vnodes=5))
    b = holder_lists(R.place(keys, more, servers, algorithm=algorithm, vnodes=5))
    assert all(y[:len(x)] == x for x, y in zip(a, b, strict=True))


# --- copies --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", R.COPY_RULES)
def test_copy_counts_match_naive(rule):
    demand = H.zipf_demand(2_000, 1.1) * 37.0
    got = R.copy_counts(demand, rule, 50, max_copies=7, copy_share=0.3, uniform_copies=3)
    assert got.tolist() == naive.copy_counts(list(demand), rule, 50, 7, 0.3, 3)
    got = R.copy_counts(demand, rule, 50, max_copies=7, copy_share=0.3, uniform_copies=3, mean_load=0.2)
    assert got.tolist() == naive.copy_counts(list(demand), rule, 50, 7, 0.3, 3, 0.2)


@SMALL
@given(st.lists(st.floats(0.0, 1e3, allow_subnormal=False), min_size=1, max_size=200), st.integers(1, 64),
       st.integers(1, 64), st.floats(0.01, 10.0))
def test_popularity_copies_grow_with_demand_and_respect_the_cap(demand, servers, cap, share):
    cap = min(cap, servers)
    demand = np.array(demand)
    c = R.copy_counts(demand, "popularity", servers, max_copies=cap, copy_share=share)
    assert c.min() >= 1 and c.max() <= cap
    order = np.argsort(demand, kind="stable")
    assert np.all(np.diff(c[order]) >= 0)
    if demand.sum() > 0:  # uncapped copies carry at most copy_share of a server's mean load
        per_copy = demand / c
        uncapped = c < cap
        assert np.all(per_copy[uncapped] <= share * demand.sum() / servers * (1 + 1e-12))


def test_storage_overhead_of_uniform_copies_is_k_minus_one():
    size = np.random.default_rng(7).uniform(1, 100, 1_000)
    assert R.storage_overhead(np.full(1_000, 3), size) == pytest.approx(2.0, rel=1e-12)
    assert R.storage_overhead(np.ones(1_000, dtype=np.int64), size) == 0.0
    copies = np.r_[np.full(10, 4), np.ones(990, dtype=np.int64)]
    assert R.storage_overhead(copies, size) == pytest.approx(3 * size[:10].sum() / size.sum(), rel=1e-12)


# --- expected loads ------------------------------------------------------------------------------


@SMALL
@given(instances(max_servers=8, max_files=20), st.sampled_from(("hash", "random")))
def test_equal_split_matches_naive(inst, routing):
    lists, demand, capacity, alive = inst
    p = explicit_placement(lists, capacity.size)
    failed = np.flatnonzero(~alive)
    got = R.server_loads(p, demand, routing=routing, failed=failed)
    load, lost = naive.split_loads(lists, demand, alive, capacity.size)
    np.testing.assert_allclose(got.load, load, rtol=1e-12, atol=1e-12)
    assert got.lost == pytest.approx(lost, rel=1e-12, abs=1e-12)


def test_balanced_loads_match_brute_force_on_fixed_cases():
    # one hot file on {0, 1}, a cold one only on 1, a third on {1, 2}: 0 and 1 share 4 + 1 = 5 -> 2.5 each,
    # server 2 then takes the third file alone
    lists = [[0, 1], [1], [1, 2]]
    got = R.server_loads(explicit_placement(lists, 3), [4.0, 1.0, 0.5], routing="least_loaded").load
    np.testing.assert_allclose(got, [2.5, 2.5, 0.5])
    np.testing.assert_allclose(got, naive.balanced_loads(lists, [4.0, 1.0, 0.5], [1.0] * 3, [True] * 3)[0])
    # capacities: loads proportional to capacity when everything can move
    got = R.server_loads(explicit_placement([[0, 1, 2]], 3), [6.0], routing="least_loaded",
                         capacity=[1.0, 2.0, 3.0]).load
    np.testing.assert_allclose(got, [1.0, 2.0, 3.0])


@SMALL
@given(instances())
def test_balanced_loads_match_brute_force(inst):
    lists, demand, capacity, alive = inst
    p = explicit_placement(lists, capacity.size)
    got = R.server_loads(p, demand, routing="least_loaded", capacity=capacity, failed=np.flatnonzero(~alive))
    load, lost = naive.balanced_loads(lists, demand, capacity, alive)
    scale = max(1.0, demand.sum())
    np.testing.assert_allclose(got.load, load, rtol=1e-9, atol=1e-9 * scale)
    assert got.lost == pytest.approx(lost, abs=1e-9 * scale)


def test_balanced_loads_on_random_medium_instances_have_the_brute_force_peak():
    rng = np.random.default_rng(8)
    for _ in range(20):
        servers = int(rng.integers(5, 9))
        lists = [list(rng.choice(servers, size=rng.integers(1, 4), replace=False)) for _ in range(40)]
        demand = rng.pareto(1.2, 40)
        capacity = rng.uniform(0.5, 2.0, servers)
        got = R.server_loads(explicit_placement(lists, servers), demand, routing="least_loaded", capacity=capacity)
        load, _ = naive.balanced_loads(lists, demand, capacity, [True] * servers)
        np.testing.assert_allclose(got.load, load, rtol=1e-9, atol=1e-9 * demand.sum())


@SMALL
@given(instances(max_servers=8, max_files=25), st.sampled_from(R.ROUTINGS))
def test_traffic_is_conserved(inst, routing):
    lists, demand, capacity, alive = inst
    got = R.server_loads(explicit_placement(lists, capacity.size), demand, routing=routing, capacity=capacity,
                         failed=np.flatnonzero(~alive))
    assert got.load.sum() + got.lost == pytest.approx(demand.sum(), rel=1e-9, abs=1e-12)
    assert np.all(got.load[~alive] == 0.0)
    assert np.all(got.load >= 0.0)
    served_lost = sum(d for hs, d in zip(lists, demand, strict=True) if not any(alive[h] for h in hs))
    assert got.lost == pytest.approx(served_lost, rel=1e-9, abs=1e-12)


@SMALL
@given(instances(max_servers=7, max_files=12), st.data())
def test_adding_a_copy_never_raises_the_peak_under_least_loaded(inst, data):
    lists, demand, capacity, _ = inst
    servers = capacity.size
    grow = [i for i, hs in enumerate(lists) if len(hs) < servers]
    if not grow:
        return
    i = data.draw(st.sampled_from(grow))
    new = data.draw(st.sampled_from([s for s in range(servers) if s not in lists[i]]))
    more = [hs + [new] if j == i else hs for j, hs in enumerate(lists)]
    before = R.server_loads(explicit_placement(lists, servers), demand, routing="least_loaded", capacity=capacity)
    after = R.server_loads(explicit_placement(more, servers), demand, routing="least_loaded", capacity=capacity)
    assert (after.load / capacity).max() <= (before.load / capacity).max() * (1 + 1e-9) + 1e-12


@pytest.mark.parametrize("algorithm", R.PLACEMENTS)
def test_raising_the_copy_cap_never_raises_the_peak_under_least_loaded(algorithm):
    keys = H.key_catalog(20_000, seed=9)
    demand = H.zipf_demand(keys.size, 1.0)
    peaks = []
    for cap in (1, 2, 3, 5, 8, 13):
        copies = R.copy_counts(demand, "popularity", 40, max_copies=cap, copy_share=0.2)
        p = R.place(keys, copies, 40, algorithm=algorithm)
        peaks.append(R.server_loads(p, demand, routing="least_loaded").load.max())
    assert all(b <= a * (1 + 1e-9) for a, b in zip(peaks, peaks[1:], strict=False))
    assert peaks[-1] < peaks[0]


def test_least_loaded_never_peaks_above_an_equal_split():
    keys = H.key_catalog(20_000, seed=10)
    demand = H.zipf_demand(keys.size, 0.9)
    p = R.place(keys, R.copy_counts(demand, "uniform", 30, uniform_copies=2), 30)
    split = R.server_loads(p, demand, routing="random").load
    balanced = R.server_loads(p, demand, routing="least_loaded").load
    assert balanced.max() <= split.max()
    assert np.array_equal(R.server_loads(p, demand, routing="hash").load, split)


# --- usable capacity ----------------------------------------------------------------------------


@SMALL
@given(st.lists(st.floats(0.0, 1e6, allow_subnormal=False), min_size=1, max_size=50), st.data())
def test_usable_fraction_never_exceeds_one(load, data):
    load = np.array(load)
    capacity = np.array(data.draw(st.lists(st.floats(0.01, 100.0), min_size=load.size, max_size=load.size)))
    u = R.usable_fraction(load, capacity)
    if load.max() == 0:
        assert math.isnan(u)
    else:
        assert 0.0 < u <= 1.0 + 1e-12
        assert u == pytest.approx(naive.usable_fraction(list(load), list(capacity)), rel=1e-12)


def test_usable_fraction_is_one_when_balanced_and_shows_the_rock():
    assert R.usable_fraction([2.0, 4.0, 6.0], [1.0, 2.0, 3.0]) == pytest.approx(1.0)
    # one hot file on one of 10 servers carrying half the traffic caps the cluster at 1 / (10 * 0.5)
    load = np.r_[0.5 + 0.5 / 10, np.full(9, 0.5 / 10)]
    assert R.usable_fraction(load) == pytest.approx(1.0 / (10 * 0.55))
    assert R.usable_fraction([1.0, 9.0, 1.0], failed=1) == 1.0


def test_without_copies_the_hottest_file_caps_the_cluster():
    d = SMALL_DEFAULTS
    work = R.workload(d)
    sc = R.scenario(d, work, copy_rule="none")
    u = R.usable_fraction(sc.loads.load, sc.capacity)
    assert u <= 1.0 / (d.servers * work.demand.max()) * (1 + 1e-12)  # the rock alone
    pebbles = R.scenario(d, work, copy_rule="popularity")
    assert R.usable_fraction(pebbles.loads.load, pebbles.capacity) > u


# --- request-level routing -----------------------------------------------------------------------


@pytest.mark.parametrize("routing", R.ROUTINGS)
def test_requests_match_the_naive_router(routing):
    rng = np.random.default_rng(11)
    servers = 7
    lists = [list(rng.choice(servers, size=rng.integers(1, 5), replace=False)) for _ in range(30)]
    p = explicit_placement(lists, servers)
    demand = rng.pareto(1.0, 30)
    capacity = rng.uniform(0.5, 2.0, servers)
    got = R.simulate_requests(p, demand, 3_000, routing=routing, choices=2, capacity=capacity, failed=[3],
                              clients=50, seed=12)
    gen = np.random.default_rng(12)
    cum = np.cumsum(demand)
    files = np.minimum(np.searchsorted(cum, gen.random(3_000) * cum[-1], side="right"), 29)
    if routing == "hash":
        clients, draws = H.hash_keys(gen.integers(0, 50, size=3_000, dtype=np.int64)), None
    else:
        clients, draws = None, gen.random((3_000, 2 if routing == "least_loaded" else 1))
    alive = [s != 3 for s in range(servers)]
    load, lost = naive.route_requests(lists, p.keys, alive, capacity, files, clients, draws, routing, 2, servers)
    assert got.load.tolist() == load
    assert got.lost == lost


@pytest.mark.parametrize("routing", ("hash", "random"))
def test_requests_converge_to_the_expected_split(routing):
    keys = H.key_catalog(2_000, seed=13)
    demand = H.zipf_demand(keys.size, 0.8)
    p = R.place(keys, R.copy_counts(demand, "popularity", 25, copy_share=0.2), 25)
    expected = R.server_loads(p, demand, routing=routing).load
    n = 400_000
    got = R.simulate_requests(p, demand, n, routing=routing, seed=14).load / n
    sigma = np.sqrt(expected * (1 - expected) / n)
    assert np.all(np.abs(got - expected) <= 6 * sigma)


def test_request_level_least_loaded_approaches_the_fluid_balance():
    keys = H.key_catalog(5_000, seed=15)
    demand = H.zipf_demand(keys.size, 0.8)
    p = R.place(keys, np.full(keys.size, 3), 20)
    fluid = R.server_loads(p, demand, routing="least_loaded").load
    n = 200_000
    sim = R.simulate_requests(p, demand, n, routing="least_loaded", choices=3, seed=16).load / n
    rand = R.simulate_requests(p, demand, n, routing="random", seed=16).load / n
    assert sim.max() < rand.max()
    assert sim.max() == pytest.approx(fluid.max(), rel=0.02)


def test_requests_are_the_same_bytes_for_the_same_seed():
    keys = H.key_catalog(500, seed=17)
    p = R.place(keys, np.full(500, 2), 9)
    demand = H.zipf_demand(500, 1.0)
    a = R.simulate_requests(p, demand, 10_000, seed=18)
    b = R.simulate_requests(p, demand, 10_000, rng=np.random.default_rng(18))
    assert a.load.tobytes() == b.load.tobytes()


# --- balls into bins -----------------------------------------------------------------------------


def test_balls_into_bins_lands_on_the_theory():
    n = 100_000
    table = R.balls_into_bins(n, (1, 2, 3, 4), seed=19)
    rows = {r["choices"]: r for r in table.iter_rows(named=True)}
    ln = math.log(n)
    one = rows[1]
    assert one["theory"] == pytest.approx(ln / math.log(ln))
    assert one["theory"] <= one["max_load"] <= 2 * one["theory"]  # ln n / ln ln n (1 + o(1))
    for d in (2, 3, 4):
        assert rows[d]["theory"] == pytest.approx(math.log(ln) / math.log(d))
        assert abs(rows[d]["excess"] - rows[d]["theory"]) <= 1.5  # ln ln n / ln d + O(1)
    assert rows[2]["max_load"] < one["max_load"]
    assert rows[4]["max_load"] <= rows[2]["max_load"]
    assert (table["mean_load"] == 1.0).all()


def test_balls_into_bins_gap_does_not_grow_with_heavier_load():
    light = R.balls_into_bins(10_000, 2, seed=20)["excess"][0]
    heavy = R.balls_into_bins(10_000, 2, balls=160_000, seed=20)["excess"][0]
    assert heavy <= light + 1.0  # Berenbrink et al.: the gap is independent of m / n


# --- failure and studies -------------------------------------------------------------------------


def test_failure_of_a_server_moves_traffic_to_other_copies():
    keys = H.key_catalog(3_000, seed=21)
    demand = H.zipf_demand(keys.size, 0.9)
    one = R.place(keys, np.ones(keys.size, dtype=np.int64), 12)
    two = R.place(keys, np.full(keys.size, 2), 12)
    on_5 = one.holders == 5
    lost = R.server_loads(one, demand, routing="random", failed=5)
    assert lost.lost == pytest.approx(demand[on_5].sum())
    moved = R.server_loads(two, demand, routing="least_loaded", failed=5)
    assert moved.lost == 0.0
    assert moved.load[5] == 0.0
    assert moved.load.sum() == pytest.approx(demand.sum())


def test_failure_table_and_compare_at_small_defaults():
    d = SMALL_DEFAULTS
    work = R.workload(d)
    fail = R.failure(d, work)
    assert fail["state"].to_list() == ["intact", "failed"]
    intact, failed = fail.iter_rows(named=True)
    hottest = int(np.argmax(work.demand))
    sc = R.scenario(d, work)
    assert intact["failed_server"] == sc.placement.holders[sc.placement.offsets[hottest]]
    assert intact["leaving_cluster"] == 0.0 and 0.0 <= failed["leaving_cluster"] < 1.0
    table = R.compare(d, work)
    assert table.height == len(R.COPY_RULES) * len(R.ROUTINGS)
    assert (table["usable_fraction"] <= 1.0 + 1e-12).all()
    none = table.filter(pl.col("copy_rule") == "none")
    assert none["leaving_cluster"].min() > 0.0  # every file on the failed server leaves
    uniform = table.filter(pl.col("copy_rule") == "uniform")
    assert (uniform["leaving_cluster"] == 0.0).all()
    assert uniform["storage_overhead"][0] == pytest.approx(d.uniform_copies - 1)


@pytest.mark.parametrize("rule", R.COPY_RULES)
@pytest.mark.parametrize("routing", R.ROUTINGS)
def test_explore_is_compares_row_and_server_tables(rule, routing):
    d = dataclasses.replace(SMALL_DEFAULTS, copy_rule=rule, routing=routing)
    work = R.workload(d)
    numbers, servers = R.explore(d, work)
    row = R.compare(d, work, routings=(routing,)).filter(pl.col("copy_rule") == rule).row(0, named=True)
    for key in ("usable_fraction", "storage_overhead", "peak_utilisation", "failed_server", "peak_after",
                "leaving_cluster"):
        assert numbers[key] == pytest.approx(row[key], abs=1e-12), key
    intact = R.server_table(d, work)
    after = R.server_table(d, work, failed=row["failed_server"]).filter(pl.col("alive"))
    assert servers.filter(pl.col("state") == "intact")["utilisation"].to_list() == pytest.approx(
        intact["utilisation"].to_list())
    assert servers.filter(pl.col("state") == "failed")["utilisation"].to_list() == pytest.approx(
        after["utilisation"].to_list())
    alone, only = R.explore(d, work, fail=False)
    assert set(only["state"]) == {"intact"} and "failed_server" not in alone


def test_server_table_and_sweeps_are_tidy():
    d = SMALL_DEFAULTS
    work = R.workload(d)
    servers = R.server_table(d, work, failed=2)
    assert servers.height == d.servers and not servers["alive"][2] and servers["load_gbps"][2] == 0.0
    assert servers["copies"].sum() == R.scenario(d, work).copies.sum()
    sweep = R.copies_sweep(d, work, values=(1, 2, 4, 40))
    assert set(sweep["copies"]) == {1, 2, 4}
    check = R.routing_check(d, work)
    assert check["routing"].to_list() == list(R.ROUTINGS)
    assert ((check["usable_requests"] > 0) & (check["usable_requests"] <= 1.0 + 1e-12)).all()


def test_zipf_workload_and_catalogue_workload():
    d = R.ReplicationParams(workload="zipf", files=1_000, servers=10)
    work = R.workload(d)
    assert np.array_equal(work.keys, H.key_catalog(1_000, seed=d.seed))
    assert work.demand.sum() == pytest.approx(1.0) and (work.size_bytes == 1e9).all()
    w = R.catalogue_workload([1.0, 2.0, 4.0], [3.0, 0.0, 1.0], title=[0, 0, 1])
    np.testing.assert_allclose(w.demand, [0.75, 0.0, 0.25])
    assert w.title.tolist() == [0, 0, 1]
    assert R.workload(SMALL_DEFAULTS).keys.tobytes() == R.workload(SMALL_DEFAULTS).keys.tobytes()


def test_summary_is_json_and_holds_the_headline():
    out = R.summary(SMALL_DEFAULTS)
    json.dumps(out)
    assert set(out["usable_fraction"]) == set(R.COPY_RULES)
    assert out["usable_fraction"]["popularity"] > out["usable_fraction"]["none"]
    assert out["storage_overhead"]["none"] == 0.0
    assert set(out["failure"]) >= {"peak_before", "peak_after", "leaving_cluster", "failed_server"}
    assert sum(out["tiers"].values()) == pytest.approx(1.0)


# --- errors --------------------------------------------------------------------------------------


def test_errors_name_the_parameter():
    keys = H.key_catalog(10, seed=0)
    p = R.place(keys, np.ones(10, dtype=np.int64), 4)
    with pytest.raises(ValueError, match="rule='most'"):
        R.copy_counts(np.ones(3), "most")
    with pytest.raises(ValueError, match="max_copies=0"):
        R.copy_counts(np.ones(3), "popularity", 4, max_copies=0)
    assert R.copy_counts([1.0, 0.0], "popularity", 4, max_copies=9, copy_share=0.01).tolist() == [4, 1]
    with pytest.raises(ValueError, match="copy_share=0"):
        R.copy_counts(np.ones(3), "popularity", 4, copy_share=0)
    with pytest.raises(ValueError, match="demand must be >= 0"):
        R.copy_counts([-1.0], "none")
    with pytest.raises(ValueError, match="copies must be <= 4"):
        R.place(keys, np.full(10, 5), 4)
    with pytest.raises(ValueError, match="one entry per key"):
        R.place(keys, np.ones(9, dtype=np.int64), 4)
    with pytest.raises(ValueError, match="algorithm='maglev'"):
        R.place(keys, np.ones(10, dtype=np.int64), 4, algorithm="maglev")
    with pytest.raises(ValueError, match="routing='nearest'"):
        R.server_loads(p, np.ones(10), routing="nearest")
    with pytest.raises(ValueError, match="one entry per placed file"):
        R.server_loads(p, np.ones(3))
    with pytest.raises(ValueError, match="failed must be <= 3"):
        R.server_loads(p, np.ones(10), failed=4)
    with pytest.raises(ValueError, match="failed=1.5"):
        R.server_loads(p, np.ones(10), failed=1.5)
    with pytest.raises(ValueError, match="capacity must be > 0"):
        R.server_loads(p, np.ones(10), capacity=[1.0, 0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="placement must be"):
        R.server_loads("ring", np.ones(10))
    with pytest.raises(ValueError, match="choices=0"):
        R.simulate_requests(p, np.ones(10), 10, choices=0)
    with pytest.raises(ValueError, match="all zero"):
        R.simulate_requests(p, np.zeros(10), 10)
    with pytest.raises(ValueError, match="either seed or rng"):
        R.simulate_requests(p, np.ones(10), 10, seed=1, rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="bins=4"):
        R.balls_into_bins(4)
    with pytest.raises(ValueError, match="size_bytes must be > 0"):
        R.catalogue_workload([0.0], [1.0])
    with pytest.raises(ValueError, match="load must be >= 0"):
        R.usable_fraction([-1.0])


@pytest.mark.parametrize(("field", "value", "match"), [
    ("servers", 0, "servers=0"), ("workload", "trace", "workload='trace'"), ("copy_rule", "x", "copy_rule='x'"),
    ("max_copies", 0, "max_copies=0"), ("utilisation", 0.0, "utilisation=0.0"),
    ("routing", "x", "routing='x'"), ("failed", 100, "failed=100"), ("flash_servers", -1, "flash_servers=-1"),
])
def test_defaults_are_checked(field, value, match):
    with pytest.raises(ValueError, match=match):
        R.scenario(R.ReplicationParams(**{field: value}))
    with pytest.raises(ValueError, match="defaults must be"):
        R.compare({"servers": 3})


@pytest.mark.parametrize("fail", [True, False])
def test_explorer_spec_draws_the_explorer_chart(fail):
    import vl_convert as vlc

    from labcdn.charts import replication as rep_charts

    d = SMALL_DEFAULTS
    work = R.workload(d)
    numbers, servers = R.explore(d, work, fail=fail)
    tiers = R.tier_shares(d, work)
    states = ["intact", "failed"] if fail else ["intact"]
    labels = pl.DataFrame({"state": states, "text": [f"usable {numbers['usable_fraction']:.2f}", "after"][:len(states)]})
    fast = rep_charts.explorer_spec(servers, tiers, labels).to_dict()
    slow = rep_charts.explorer(servers, tiers, labels).to_dict()
    assert vlc.vegalite_to_svg(fast) == vlc.vegalite_to_svg(slow)
    other = rep_charts.explorer_spec(servers.with_columns(pl.col("utilisation") * 0.5), tiers, labels).to_dict()
    assert vlc.vegalite_to_svg(other) != vlc.vegalite_to_svg(fast)  # the data are filled in, not the template's
    with pytest.raises(ValueError, match="one row per state"):
        rep_charts.explorer_spec(servers, tiers, labels.reverse() if fail else labels.clear())


def test_tier_diagram_shows_the_models_shares():
    from labcdn.charts import replication as rep_charts

    d = SMALL_DEFAULTS
    work = R.workload(d)
    types = R.server_types(d, work)
    specs = {"flash": dataclasses.replace(R.FLASH, ram_gb=d.ram_gb_flash),
             "storage": dataclasses.replace(R.STORAGE, ram_gb=d.ram_gb_storage)}
    diagram = rep_charts.tier_diagram(types, specs, R.what_ram_serves())
    ram = R.tier_shares(d, work)["traffic_share"][0]
    assert f"RAM: {ram:.0%} of the traffic" in diagram.source
    assert f"stated reading of the source: {R.what_ram_serves():.0%}" in diagram.source
    bundle = diagram._repr_mimebundle_()
    assert bundle["text/html"].startswith('<div class="labcdn-diagram graphviz"><svg')
    assert 'role="img"' in bundle["text/html"] and bundle["text/plain"] == diagram.alt
    with pytest.raises(ValueError, match="dot rejected"):
        rep_charts.Diagram("digraph {", "broken").svg()
