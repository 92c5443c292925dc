"""Tests for labcdn.replication's tiers: the allocation against a slow reference, cutoffs, RAM, tables and errors."""

from __future__ import annotations

import json

import naive_replication as naive
import numpy as np
import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import labcdn.replication as R
import labcdn.replication as T

SMALL = settings(max_examples=30, deadline=None)
SMALL_DEFAULTS = R.ReplicationParams(servers=20, titles=40, flash_servers=3, storage_servers=2)
TINY_FLASH = T.ServerType("flash", nic_gbps=100.0, disk_gbps=200.0, storage_tb=0.004, ram_gb=0.5)
TINY_STORAGE = T.ServerType("storage", nic_gbps=40.0, disk_gbps=36.0, storage_tb=0.03, ram_gb=0.1)


def views_rank(demand, size):
    return np.argsort(-(demand / size), kind="stable")


@SMALL
@given(st.integers(1, 300), st.integers(0, 5), st.integers(0, 4), st.sampled_from(R.COPY_RULES),
       st.one_of(st.none(), st.floats(0.0, 1.0)), st.integers(0, 2**32))
@example(files=1, n_flash=1, n_storage=0, rule="none", target=5e-324, seed=2)  # target x total underflows to 0
def test_allocation_matches_naive(files, n_flash, n_storage, rule, target, seed):
    if n_flash + n_storage == 0:
        return
    rng = np.random.default_rng(seed)
    demand = rng.pareto(1.0, files) * (rng.random(files) < 0.9)
    if demand.sum() == 0:
        demand[0] = 1.0
    size = rng.uniform(1e7, 3e8, files)
    got = T.allocate(demand, size, flash_servers=n_flash, storage_servers=n_storage, flash=TINY_FLASH,
                     storage=TINY_STORAGE, flash_target=target, copy_rule=rule, max_copies=4, copy_share=0.3,
                     uniform_copies=2)
    tier, copies, ram = naive.allocate(list(demand), list(size), n_flash, n_storage, TINY_FLASH, TINY_STORAGE,
                                       target, rule, 4, 0.3, 2)
    assert got.tier.tolist() == tier
    assert got.copies.tolist() == copies
    np.testing.assert_allclose(got.ram_fraction, ram, rtol=1e-9, atol=1e-9)


@SMALL
@given(st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.5]), min_size=1, max_size=40),
       st.lists(st.sampled_from([1.0, 2.0, 4.0]), min_size=40, max_size=40))
def test_popularity_ranking_matches_a_sorted_list(demand, sizes):
    demand, size = np.array(demand), np.array(sizes[:len(demand)])  # few values: many ties
    want = sorted(range(len(demand)), key=lambda i: (-demand[i] / size[i], i))
    assert R.popularity_ranking(demand, size).tolist() == want


@pytest.mark.parametrize("kind", ["zipf", "catalogue"])
def test_a_kept_ranking_gives_the_same_plan(kind):
    d = R.ReplicationParams(servers=20, titles=40, files=3_000, workload=kind, flash_servers=3, storage_servers=2)
    work = R.workload(d)
    assert work.ranking.tolist() == views_rank(work.demand, work.size_bytes).tolist()
    kept = T.tier_shares(d, work)
    assert kept.equals(T.tier_shares(d, work._replace(ranking=None)))
    plan = T.allocate(work.demand, work.size_bytes, ranking=work.ranking, flash_servers=3, storage_servers=2)
    again = T.allocate(work.demand, work.size_bytes, flash_servers=3, storage_servers=2)
    for a, b in zip(plan, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_wrong_ranking_is_refused():
    demand, size = np.array([1.0, 3.0, 2.0, 2.0]), np.ones(4)
    assert R.popularity_ranking(demand, size).tolist() == [1, 2, 3, 0]
    for bad, match in (([1, 2, 3], "one entry per file \\(4\\); got 3"), ([1, 2, 2, 0], "permutation"),
                       ([1, 2, 3, 4], "permutation"), ([1, 3, 2, 0], "ties in index order"),
                       ([2, 1, 3, 0], "most popular first"), ([1, 2, 3, -1], "ranking")):
        with pytest.raises(ValueError, match=match):
            T.allocate(demand, size, ranking=bad)


def test_cutoffs_follow_popularity_and_capacity():
    rng = np.random.default_rng(1)
    demand = rng.pareto(0.9, 2_000)
    size = rng.uniform(1e7, 3e8, 2_000)
    plan = T.allocate(demand, size, flash_servers=2, storage_servers=1, flash=TINY_FLASH, storage=TINY_STORAGE)
    ranked = plan.tier[views_rank(demand, size)]
    codes = np.where(ranked < 0, 2, ranked)  # flash (0), then storage (1), then outside (2), in views order
    assert np.all(np.diff(codes) >= 0)
    for code, (n, spec) in enumerate(((2, TINY_FLASH), (1, TINY_STORAGE))):
        on = plan.tier == code
        assert (plan.copies[on] * size[on]).sum() <= spec.storage_tb * n * 1e12
        ram_bytes = (plan.ram_fraction[on] * plan.copies[on] * size[on]).sum()
        assert ram_bytes == pytest.approx(min(spec.ram_gb * n * 1e9, (plan.copies[on] * size[on]).sum()))
        in_order = plan.ram_fraction[views_rank(demand, size)][ranked == code]
        assert np.all(np.diff(in_order) <= 0)  # the most popular files are the ones in RAM
    assert (plan.copies[plan.tier < 0] == 0).all() and (plan.ram_fraction[plan.tier < 0] == 0).all()


def test_flash_takes_its_nic_share_when_it_has_room():
    demand = np.linspace(10.0, 1.0, 1_000)
    size = np.full(1_000, 1e9)
    plan = T.allocate(demand, size, flash_servers=3, storage_servers=2, copy_rule="none")
    share = demand[plan.tier == 0].sum() / demand.sum()
    target = 300.0 / 380.0
    assert share >= target
    assert share - demand[plan.tier == 0].min() / demand.sum() < target  # the fewest files that reach it
    none = T.allocate(demand, size, flash_servers=3, storage_servers=2, flash_target=0.0, copy_rule="none")
    assert (none.tier == 1).all()


def test_tier_tables_at_small_defaults():
    d = SMALL_DEFAULTS
    work = R.workload(d)
    shares = T.tier_shares(d, work)
    assert shares["tier"].to_list() == list(T.TIERS)
    assert shares["traffic_share"].sum() == pytest.approx(1.0)
    assert shares["stored_tb"][0] <= (d.flash_servers * d.ram_gb_flash + d.storage_servers * d.ram_gb_storage) / 1e3
    types = T.server_types(d, work)
    assert types["type"].to_list() == ["flash", "storage"]
    served = 1.0 - shares["traffic_share"][-1]
    assert types["traffic_share"].sum() == pytest.approx(served)
    usable = types["usable_fraction"][0]
    assert 0.0 < usable <= 1.0 + 1e-12
    assert (types["mean_nic_utilisation"] <= types["peak_nic_utilisation"] + 1e-12).all()
    ram_traffic = (types["ram_share"] * types["traffic_share"]).sum()
    assert ram_traffic == pytest.approx(shares["traffic_share"][0])
    figures = T.published_figures(d, work)
    assert figures.columns == ["figure", "source", "published", "model", "note"]
    json.dumps(figures.to_dicts())


def test_ram_by_title_matches_naive_and_the_published_reading():
    d = SMALL_DEFAULTS
    work = R.workload(d)
    got = T.ram_by_title(d, work)
    flash = T.ServerType("flash", T.FLASH.nic_gbps, T.FLASH.disk_gbps, T.FLASH.storage_tb, d.ram_gb_flash)
    storage = T.ServerType("storage", T.STORAGE.nic_gbps, T.STORAGE.disk_gbps, T.STORAGE.storage_tb,
                           d.ram_gb_storage)
    plan = T.allocate(work.demand, work.size_bytes, flash_servers=d.flash_servers, storage_servers=d.storage_servers,
                      flash=flash, storage=storage, copy_rule=d.copy_rule, max_copies=d.max_copies,
                      copy_share=d.copy_share, uniform_copies=d.uniform_copies)
    want = naive.ram_by_title(work.title.tolist(), work.demand.tolist(), plan.ram_fraction.tolist())
    assert got["rank"].to_list() == list(range(1, len(want) + 1))
    assert got["title"].to_list() == [t for t, _, _ in want]
    np.testing.assert_allclose(got["traffic_share"], [s for _, s, _ in want], rtol=1e-9)
    np.testing.assert_allclose(got["ram_share"], [r for _, _, r in want], rtol=1e-9, atol=1e-12)
    assert got["traffic_share"].sum() == pytest.approx(1.0)
    ram_traffic = (got["traffic_share"] * got["ram_share"]).sum()
    assert ram_traffic == pytest.approx(T.tier_shares(d, work)["traffic_share"][0])
    reading = T.published_figures(d, work).filter(pl.col("figure").str.contains("titles"))["model"][0]
    assert (got["ram_share"] >= 0.5).mean() == pytest.approx(reading)


def test_one_server_type_only():
    d = R.ReplicationParams(servers=10, titles=20, flash_servers=0, storage_servers=3)
    types = T.server_types(d)
    assert types["type"].to_list() == ["storage"] and types["traffic_share"][0] == pytest.approx(1.0)
    d = R.ReplicationParams(servers=10, titles=20, flash_servers=2, storage_servers=0)
    assert T.server_types(d)["type"].to_list() == ["flash"]


def test_errors_name_the_parameter():
    with pytest.raises(ValueError, match="flash_servers \\+ storage_servers"):
        T.allocate([1.0], [1.0], flash_servers=0, storage_servers=0)
    with pytest.raises(ValueError, match="size_bytes must be > 0"):
        T.allocate([1.0], [0.0])
    with pytest.raises(ValueError, match="one entry per file"):
        T.allocate([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="all zero"):
        T.allocate([0.0], [1.0])
    with pytest.raises(ValueError, match="flash_target=1.5"):
        T.allocate([1.0], [1.0], flash_target=1.5)
    with pytest.raises(ValueError, match="copy_rule='x'"):
        T.allocate([1.0], [1.0], copy_rule="x")
    with pytest.raises(ValueError, match="flash must be"):
        T.allocate([1.0], [1.0], flash="fast")
    with pytest.raises(ValueError, match="nic_gbps=0"):
        T.ServerType("flash", nic_gbps=0, disk_gbps=1.0, storage_tb=1.0, ram_gb=1.0)
    with pytest.raises(ValueError, match="ram_gb_flash=-1"):
        T.tier_shares(R.ReplicationParams(ram_gb_flash=-1))
