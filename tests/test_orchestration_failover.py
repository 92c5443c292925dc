"""HA failover: the etcd election kernel against its slow reference; bounds each mechanism must respect."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_orchestration import raft_election

from labcdn.orchestration.failover import (
    DEFAULTS,
    _raft_kernel,
    availability,
    failover,
    failover_times,
    negotiated_session_timeout,
    yearly_availability,
)


def kernel_times(seeds, members, tick, ticks, delay, pre_vote, max_time=100.0):
    out = np.empty(len(seeds))
    _raft_kernel(np.asarray(seeds, dtype=np.uint64), members, tick, ticks, delay, pre_vote, max_time, out)
    return out


@pytest.mark.parametrize("pre_vote", [True, False])
@pytest.mark.parametrize("members", [3, 4, 5, 7])
def test_raft_matches_slow_reference_fixed(members, pre_vote):
    seeds = list(range(1, 41))
    fast = kernel_times(seeds, members, 0.1, 10, 0.00025, pre_vote)
    slow = [raft_election(s, members, 0.1, 10, 0.00025, pre_vote, 100.0) for s in seeds]
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**63), members=st.integers(3, 9), ticks=st.integers(2, 12),
       delay=st.sampled_from([0.0, 1e-4, 0.01, 0.05, 0.3]), pre_vote=st.booleans())
def test_raft_matches_slow_reference_random(seed, members, ticks, delay, pre_vote):
    fast = kernel_times([seed], members, 0.1, ticks, delay, pre_vote)
    assert fast[0] == pytest.approx(raft_election(seed, members, 0.1, ticks, delay, pre_vote, 100.0), abs=1e-12)


def test_etcd_leaderless_time_is_bounded_below_by_the_election_timeout():
    x = failover_times("etcd", 5000, seed=1)
    d = DEFAULTS
    # no follower can campaign before election - 2 ticks after the death; a vote needs >= 2 round trips
    assert x.min() >= d.election - 2 * d.heartbeat + 4 * d.one_way_delay
    assert np.median(x) < 2 * d.election  # the first timeout, in [election, 2 x election) ticks, usually wins


def test_zookeeper_expiry_within_one_ping_and_one_tick_of_the_timeout():
    x = failover_times("zookeeper", 5000, seed=2, one_way_delay=0.0)
    timeout = negotiated_session_timeout(DEFAULTS.session_timeout, DEFAULTS.tick_time)
    assert x.min() >= timeout - timeout / 3 and x.max() <= timeout + DEFAULTS.tick_time


@pytest.mark.parametrize(("requested", "expected"), [(1.0, 4.0), (10.0, 10.0), (100.0, 40.0)])
def test_session_timeout_negotiated_into_2_to_20_ticks(requested, expected):
    assert negotiated_session_timeout(requested, 2.0) == expected


def test_lease_takeover_after_the_lease_duration():
    x = failover_times("lease", 5000, seed=3, one_way_delay=0.0)
    d = DEFAULTS
    assert x.min() >= d.lease_duration - d.retry_period
    assert x.max() <= d.lease_duration + 2 * 2.2 * d.retry_period


def test_more_members_do_not_slow_the_median_election_much_and_ordering_of_mechanisms():
    table = failover(trials=4000, seed=4)
    med = dict(zip(table["mechanism"], table["p50"], strict=True))
    assert med["etcd"] < med["zookeeper"] < med["lease"]


def test_same_seed_same_bytes():
    assert failover_times("etcd", 500, seed=7).tobytes() == failover_times("etcd", 500, seed=7).tobytes()


def test_yearly_availability_mean_is_rate_times_mean_outage():
    out = yearly_availability(np.array([2.0, 4.0]), 10.0, years=20_000, seed=1)
    assert out["downtime_mean"] == pytest.approx(30.0)
    assert out["availability"] == pytest.approx(1 - 30.0 / (365.25 * 86400))
    assert yearly_availability(np.array([1.0]), 0.0, seed=1)["nines"] == float("inf")


def test_availability_table_has_a_row_per_mechanism():
    table = availability(12.0, trials=2000)
    assert table["mechanism"].to_list() == ["etcd", "zookeeper", "lease"]
    assert (table["availability"] < 1).all()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"mechanism": "paxos"}, "mechanism='paxos' is not one of"),
    ({"mechanism": "etcd", "members": 2}, "members=2 is out of range"),
    ({"mechanism": "etcd", "election": 1.05}, "whole number of heartbeats"),
    ({"mechanism": "lease", "retry_period": 20.0}, "retry_period=20.0 is out of range"),
])
def test_bad_arguments_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        failover_times(trials=10, **kwargs)
