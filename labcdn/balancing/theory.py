"""Closed-form queueing results the simulation is checked against.

References
----------
.. [1] L. Kleinrock, *Queueing Systems, Volume 1: Theory*, Wiley 1975: M/M/1
   (section 3.2) and M/M/c with the Erlang C formula (section 3.5).
.. [2] M. Mitzenmacher, "The power of two choices in randomized load
   balancing", IEEE TPDS 12(10), 2001: the supermarket model's fixed point.
.. [3] J. D. C. Little, "A proof for the queuing formula L = lambda W",
   Operations Research 9(3), 1961.
"""

from __future__ import annotations

from labcdn._validation import check_range


def mm1_response(arrival_rate, service_rate):
    """Mean time in an M/M/1 system, ``1 / (mu - lambda)``.

    Parameters
    ----------
    arrival_rate, service_rate : float
        ``lambda`` and ``mu``, with ``0 <= lambda < mu``.

    Returns
    -------
    float
    """
    mu = check_range("service_rate", service_rate, 0.0, None, low_open=True)
    lam = check_range("arrival_rate", arrival_rate, 0.0, mu, high_open=True)
    return 1.0 / (mu - lam)


def erlang_c(servers, offered):
    """Probability that an arrival waits in an M/M/c queue (Erlang C).

    Parameters
    ----------
    servers : int
        ``c``, at least 1.
    offered : float
        Offered traffic ``a = lambda / mu`` in erlangs, ``0 <= a < c``.

    Returns
    -------
    float
    """
    c = check_range("servers", servers, 1, 100_000, integer=True)
    a = check_range("offered", offered, 0.0, c, high_open=True)
    # Erlang B by the stable recursion B(k) = a B(k-1) / (k + a B(k-1)), then C from B.
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1.0 - rho + rho * b)


def mmc_wait(arrival_rate, service_rate, servers):
    """Mean wait in queue of an M/M/c system, ``C(c, a) / (c mu - lambda)``."""
    mu = check_range("service_rate", service_rate, 0.0, None, low_open=True)
    c = check_range("servers", servers, 1, 100_000, integer=True)
    lam = check_range("arrival_rate", arrival_rate, 0.0, c * mu, high_open=True)
    return erlang_c(c, lam / mu) / (c * mu - lam)


def supermarket_tail(load, length, choices=2):
    """Fixed point of the supermarket model: share of queues with at least ``length`` requests.

    ``s_i = load ** ((d**i - 1) / (d - 1))`` for ``d >= 2`` choices, and
    ``load ** i`` for one choice (M/M/1).

    Parameters
    ----------
    load : float
        Arrival rate per server over service rate, in [0, 1).
    length : int
        ``i >= 0``.
    choices : int
        ``d >= 1``.

    Returns
    -------
    float
    """
    lam = check_range("load", load, 0.0, 1.0, high_open=True)
    i = check_range("length", length, 0, 10_000, integer=True)
    d = check_range("choices", choices, 1, 64, integer=True)
    if d == 1:
        return lam**i
    return lam ** ((d**i - 1) / (d - 1)) if lam > 0 or i == 0 else 0.0


def littles_l(arrival_rate, mean_time):
    """Little's law: mean number in the system ``L = lambda W``."""
    lam = check_range("arrival_rate", arrival_rate, 0.0, None)
    w = check_range("mean_time", mean_time, 0.0, None)
    return lam * w


