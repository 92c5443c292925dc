"""Hashing and replication under hostile input: whole numbers refused by name when fractional, no overflow."""

from __future__ import annotations

import numpy as np
import pytest

from labcdn import hashing, replication


@pytest.mark.parametrize("servers", [[0, 1.5, 3], np.array([0.0, 2.25]), [1, 2**64], [2**63, 1], ["a", "b"],
                                     [True, False]])
def test_server_id_lists_refuse_what_is_not_a_64_bit_whole_number(servers):
    for algorithm in hashing.ALGORITHMS:
        with pytest.raises(ValueError, match="servers"):
            hashing.build(algorithm, servers)


def test_whole_float_server_ids_are_the_same_ids():
    keys = hashing.key_catalog(500, seed=1)
    a = hashing.build("ring", [3.0, 7.0, 11.0]).lookup(keys)
    b = hashing.build("ring", [3, 7, 11]).lookup(keys)
    assert np.array_equal(a, b)


def test_ring_weights_too_large_for_the_ring_are_refused_by_name():
    with pytest.raises(ValueError, match=r"weights give the ring 1\.6e\+20 points"):
        hashing.Ring.build(3, weights=[1e18, 1, 1])


def test_jump_of_no_keys_is_no_buckets():
    out = hashing.jump([], 5)
    assert out.dtype == np.int64 and out.size == 0


@pytest.mark.parametrize("copies", [[1.5, 2], [1, 2.000001], [np.inf, 1], [2**70, 1]])
def test_place_refuses_fractional_copies_by_name(copies):
    keys = hashing.key_catalog(2, seed=0)
    with pytest.raises(ValueError, match="copies"):
        replication.place(keys, copies, 10)


def test_place_takes_whole_float_copies_as_whole_numbers():
    keys = hashing.key_catalog(3, seed=0)
    a = replication.place(keys, [1.0, 2.0, 3.0], 10)
    b = replication.place(keys, [1, 2, 3], 10)
    assert np.array_equal(a.holders, b.holders)
