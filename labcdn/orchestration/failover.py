"""How long a control plane is without a leader after the leader dies, and what that costs a year.

Three mechanisms, each with its published defaults, simulated trial by trial:

``etcd``
    Raft as etcd runs it: a tick every ``heartbeat`` (100 ms); a follower campaigns
    when its election counter reaches a timeout drawn uniformly from
    ``[election, 2 x election)`` ticks (election 1,000 ms = 10 ticks), counted on its
    own ticker from the last heartbeat; pre-vote on (etcd's default); check-quorum on,
    so a follower that heard the leader less than ``election`` ticks ago ignores
    (pre-)vote requests. A candidate needs a majority of all members.
``zookeeper``
    A Mesos master (or Marathon) holds leadership through an ephemeral znode. When it
    dies, ZooKeeper expires its session ``session_timeout`` after the last ping it
    heard (the client pings every third of the timeout), at the next ``tickTime``
    boundary of the server's expiry queue; the next contender is notified and takes
    over. The timeout is negotiated into ``[2, 20] x tickTime`` (tickTime 2,000 ms;
    Mesos asks for 10 s).
``lease``
    A Kubernetes control-plane component (kube-scheduler, kube-controller-manager)
    holds a Lease renewed every ``retry_period`` (2 s); a standby, trying every 2 s
    stretched by client-go's jitter factor 1.2, takes over once ``lease_duration``
    (15 s) has passed since it last saw the lease renewed.

References
----------
.. [1] etcd documentation, "Tuning" (heartbeat 100 ms, election timeout 1,000 ms);
   ``etcd --help`` (``--pre-vote`` default true); etcd-io/raft (randomized election
   timeout in ``[electiontimeout, 2 x electiontimeout)``, check-quorum lease).
.. [2] D. Ongaro, J. Ousterhout, "In Search of an Understandable Consensus Algorithm",
   USENIX ATC 2014.
.. [3] ZooKeeper Administrator's Guide (tickTime; minSessionTimeout 2 x tickTime,
   maxSessionTimeout 20 x tickTime); Mesos configuration (``--zk_session_timeout``
   default 10 s).
.. [4] Kubernetes ``kube-scheduler``/``kube-controller-manager`` flags:
   ``--leader-elect-lease-duration`` 15 s, ``--leader-elect-renew-deadline`` 10 s,
   ``--leader-elect-retry-period`` 2 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from labcdn._jit import kernel
from labcdn._validation import check_choice, check_range, rng_from

MECHANISMS = ("etcd", "zookeeper", "lease")
YEAR_SECONDS = 365.25 * 86_400.0
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True)
class FailoverDefaults:
    """Published defaults of each mechanism, and the study's own choices.

    Attributes
    ----------
    members : int
        etcd members: 3, the smallest cluster that survives a failure (etcd FAQ
        recommends 3 or 5).
    heartbeat, election : float
        etcd ``--heartbeat-interval`` 100 ms and ``--election-timeout`` 1,000 ms.
    one_way_delay : float
        Network delay between members, seconds; 0.25 ms (an assumption: a LAN round
        trip of about 0.5 ms; etcd recommends a heartbeat near the round-trip time).
    pre_vote : bool
        etcd ``--pre-vote`` (default true since v3.5).
    tick_time : float
        ZooKeeper ``tickTime`` 2,000 ms.
    session_timeout : float
        Mesos ``--zk_session_timeout`` 10 s (negotiated into 2-20 ticks).
    lease_duration, retry_period : float
        Kubernetes leader election: 15 s and 2 s.
    standbys : int
        Standby contenders for the ZooKeeper and lease mechanisms: 2 (three masters).
    failures_per_year : float
        Leader failures a year for the availability slider (illustrative, not published).
    trials : int
        Monte Carlo trials per mechanism.
    seed : int
    """

    members: int = 3
    heartbeat: float = 0.1
    election: float = 1.0
    one_way_delay: float = 0.00025
    pre_vote: bool = True
    tick_time: float = 2.0
    session_timeout: float = 10.0
    lease_duration: float = 15.0
    retry_period: float = 2.0
    standbys: int = 2
    failures_per_year: float = 12.0
    trials: int = 20_000
    seed: int = 2014


DEFAULTS = FailoverDefaults()


@kernel
def _next_uniform(state):
    """SplitMix64 step: returns (uniform in [0, 1), new state)."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    z = z ^ (z >> np.uint64(31))
    return np.float64(z >> np.uint64(11)) * (1.0 / 9007199254740992.0), state


FOLLOWER, PRE_CANDIDATE, CANDIDATE = 0, 1, 2
PRE_VOTE, PRE_VOTE_RESP, VOTE, VOTE_RESP = 0, 1, 2, 3


@kernel
def _raft_trial(seed, members, tick, election_ticks, delay, pre_vote, max_time):
    """One trial of etcd's election after the leader (member 0) dies at time 0; returns the time
    a new leader is elected (``max_time`` if none by then)."""
    # Kept whole: one discrete-event loop whose every step draws from one counter-based random stream
    # (``state``, threaded through in order) and changes several members' role, term, vote and timers at
    # once; split into helpers it would pass and return that state at each step, and the draw order that
    # makes trials reproducible would be spread over several functions.
    state = np.uint64(seed)
    n = members
    quorum = n // 2 + 1
    role = np.zeros(n, dtype=np.int64)
    term = np.ones(n, dtype=np.int64)
    vote = np.zeros(n, dtype=np.int64)  # everyone voted for member 0 in term 1
    has_lead = np.ones(n, dtype=np.bool_)
    elapsed = np.zeros(n, dtype=np.int64)
    timeout = np.zeros(n, dtype=np.int64)
    next_tick = np.zeros(n)
    granted = np.zeros(n, dtype=np.int64)
    rejected = np.zeros(n, dtype=np.int64)
    u, state = _next_uniform(state)
    last_heartbeat = -u * tick + delay  # the leader's last heartbeat reaches everyone then
    for i in range(1, n):
        u, state = _next_uniform(state)
        timeout[i] = election_ticks + np.int64(u * election_ticks)
        u, state = _next_uniform(state)
        next_tick[i] = last_heartbeat + u * tick  # each member's own ticker phase
    cap = 64 * n * n
    m_time = np.empty(cap)
    m_to = np.empty(cap, dtype=np.int64)
    m_from = np.empty(cap, dtype=np.int64)
    m_kind = np.empty(cap, dtype=np.int64)
    m_term = np.empty(cap, dtype=np.int64)
    m_ok = np.empty(cap, dtype=np.bool_)
    m_seq = np.empty(cap, dtype=np.int64)  # send order breaks ties between equal arrival times
    nm = 0
    sent = 0
    while True:
        t = max_time
        who = -1
        for k in range(nm):
            if m_time[k] < t or (who >= 0 and m_time[k] == t and m_seq[k] < m_seq[who]):
                t = m_time[k]
                who = k
        tick_node = -1
        for i in range(1, n):
            if next_tick[i] < t:
                t = next_tick[i]
                tick_node = i
                who = -1
        if t >= max_time:
            return max_time
        if tick_node >= 0:
            i = tick_node
            next_tick[i] += tick
            elapsed[i] += 1
            if elapsed[i] < timeout[i]:
                continue
            elapsed[i] = 0
            granted[i] = 1
            rejected[i] = 0
            has_lead[i] = False
            if pre_vote:
                role[i] = PRE_CANDIDATE
                kind = PRE_VOTE
                ask = term[i] + 1
            else:
                role[i] = CANDIDATE
                term[i] += 1
                vote[i] = i
                u, state = _next_uniform(state)
                timeout[i] = election_ticks + np.int64(u * election_ticks)
                kind = VOTE
                ask = term[i]
            for j in range(1, n):
                if j != i and nm < cap:
                    m_time[nm] = t + delay
                    m_to[nm] = j
                    m_from[nm] = i
                    m_kind[nm] = kind
                    m_term[nm] = ask
                    m_seq[nm] = sent
                    sent += 1
                    nm += 1
            continue
        # deliver message ``who``
        j = m_to[who]
        src = m_from[who]
        kind = m_kind[who]
        mterm = m_term[who]
        ok = m_ok[who]
        nm -= 1
        m_time[who] = m_time[nm]
        m_to[who] = m_to[nm]
        m_from[who] = m_from[nm]
        m_kind[who] = m_kind[nm]
        m_term[who] = m_term[nm]
        m_ok[who] = m_ok[nm]
        m_seq[who] = m_seq[nm]
        if kind == PRE_VOTE or kind == VOTE:
            if mterm > term[j] and has_lead[j] and elapsed[j] < election_ticks:
                continue  # check-quorum lease: ignore
            if kind == VOTE and mterm > term[j]:
                role[j] = FOLLOWER
                term[j] = mterm
                vote[j] = -1
                has_lead[j] = False
                elapsed[j] = 0
                u, state = _next_uniform(state)
                timeout[j] = election_ticks + np.int64(u * election_ticks)
            if mterm < term[j]:
                yes = False
            elif kind == PRE_VOTE:
                yes = mterm > term[j] or vote[j] == src or (vote[j] < 0 and not has_lead[j])
            else:
                yes = vote[j] == src or (vote[j] < 0 and not has_lead[j])
                if yes:
                    vote[j] = src
                    elapsed[j] = 0
            if nm < cap:
                m_time[nm] = t + delay
                m_to[nm] = src
                m_from[nm] = j
                m_kind[nm] = PRE_VOTE_RESP if kind == PRE_VOTE else VOTE_RESP
                m_term[nm] = mterm
                m_ok[nm] = yes
                m_seq[nm] = sent
                sent += 1
                nm += 1
            continue
        # a response
        want_role = PRE_CANDIDATE if kind == PRE_VOTE_RESP else CANDIDATE
        expected_term = term[j] + 1 if kind == PRE_VOTE_RESP else term[j]
        if role[j] != want_role or mterm != expected_term:
            continue  # stale
        if ok:
            granted[j] += 1
        else:
            rejected[j] += 1
        if granted[j] >= quorum:
            if kind == VOTE_RESP:
                return t
            role[j] = CANDIDATE  # pre-vote won: campaign for real
            term[j] += 1
            vote[j] = j
            elapsed[j] = 0
            u, state = _next_uniform(state)
            timeout[j] = election_ticks + np.int64(u * election_ticks)
            granted[j] = 1
            rejected[j] = 0
            for k in range(1, n):
                if k != j and nm < cap:
                    m_time[nm] = t + delay
                    m_to[nm] = k
                    m_from[nm] = j
                    m_kind[nm] = VOTE
                    m_term[nm] = term[j]
                    m_seq[nm] = sent
                    sent += 1
                    nm += 1
        elif rejected[j] >= quorum:  # becomeFollower(term, None): same term, so the vote stands
            role[j] = FOLLOWER
            has_lead[j] = False
            elapsed[j] = 0
            u, state = _next_uniform(state)
            timeout[j] = election_ticks + np.int64(u * election_ticks)


@kernel
def _raft_kernel(seeds, members, tick, election_ticks, delay, pre_vote, max_time, out):
    for k in range(seeds.size):
        out[k] = _raft_trial(seeds[k], members, tick, election_ticks, delay, pre_vote, max_time)


def negotiated_session_timeout(requested, tick_time):
    """ZooKeeper's negotiation: the requested timeout clamped to ``[2, 20] x tickTime``.

    Parameters
    ----------
    requested, tick_time : float
        Seconds.

    Returns
    -------
    float
    """
    requested = check_range("requested", requested, 0.0, None, low_open=True)
    tick_time = check_range("tick_time", tick_time, 0.0, None, low_open=True)
    return min(max(requested, 2 * tick_time), 20 * tick_time)


def _zookeeper(trials, session_timeout, tick_time, delay, rng):
    timeout = negotiated_session_timeout(session_timeout, tick_time)
    last_ping = -rng.random(trials) * timeout / 3.0 + delay  # client pings every timeout / 3 when idle
    phase = rng.random(trials) * tick_time  # the expiry queue's tick grid
    due = last_ping + timeout
    expire = phase + (np.floor((due - phase) / tick_time) + 1.0) * tick_time  # next boundary after due
    return expire + delay  # the watch reaches the next contender


def _lease(trials, lease_duration, retry_period, standbys, rng):
    """client-go leader election: the leader renews every ``retry_period``; a standby tries every
    ``retry_period x (1 + 1.2 U)`` (``wait.JitterUntil``, JitterFactor 1.2), notes when it first sees
    a renewal, and takes the lease at its first try once ``lease_duration`` has passed since."""
    renewed = -rng.random(trials) * retry_period
    best = np.full(trials, np.inf)
    for _ in range(standbys):
        t = -(lease_duration + 4 * retry_period) - rng.random(trials) * 2.2 * retry_period
        while (late := t < renewed).any():  # polls until the renewal is seen
            t = np.where(late, t + retry_period * (1.0 + 1.2 * rng.random(trials)), t)
        ready = t + lease_duration
        while (early := t < ready).any():
            t = np.where(early, t + retry_period * (1.0 + 1.2 * rng.random(trials)), t)
        best = np.minimum(best, t)
    return best


def failover_times(mechanism, trials=DEFAULTS.trials, *, members=DEFAULTS.members, heartbeat=DEFAULTS.heartbeat,
                   election=DEFAULTS.election, one_way_delay=DEFAULTS.one_way_delay, pre_vote=DEFAULTS.pre_vote,
                   tick_time=DEFAULTS.tick_time, session_timeout=DEFAULTS.session_timeout,
                   lease_duration=DEFAULTS.lease_duration, retry_period=DEFAULTS.retry_period,
                   standbys=DEFAULTS.standbys, seed=None, rng=None) -> np.ndarray:
    """Seconds without a leader after the leader dies, one per trial.

    Parameters
    ----------
    mechanism : {"etcd", "zookeeper", "lease"}
    trials : int
        1 to 10,000,000.
    members : int
        etcd members, 3 to 9.
    heartbeat, election : float
        etcd heartbeat interval and election timeout, seconds; ``election`` must be a
        whole number (>= 2) of heartbeats.
    one_way_delay : float
        Message delay, seconds (0 to 1).
    pre_vote : bool
    tick_time, session_timeout : float
        ZooKeeper, seconds.
    lease_duration, retry_period : float
        Kubernetes Lease, seconds (``retry_period`` <= ``lease_duration``).
    standbys : int
        Contenders waiting to take over (ZooKeeper, lease), 1 to 10.
    seed : int, optional
    rng : numpy.random.Generator, optional

    Returns
    -------
    numpy.ndarray of float64
    """
    check_choice("mechanism", mechanism, MECHANISMS)
    trials = check_range("trials", trials, 1, 10_000_000, integer=True)
    rng = rng_from(seed, rng)
    delay = check_range("one_way_delay", one_way_delay, 0.0, 1.0)
    if mechanism == "etcd":
        members = check_range("members", members, 3, 9, integer=True)
        heartbeat = check_range("heartbeat", heartbeat, 0.001, 10.0)
        election = check_range("election", election, 2 * heartbeat, 1000.0)
        ticks = election / heartbeat
        if abs(ticks - round(ticks)) > 1e-9:
            raise ValueError(f"election={election!r} must be a whole number of heartbeats ({heartbeat!r} s)")
        if not isinstance(pre_vote, bool):
            raise ValueError(f"pre_vote={pre_vote!r} must be True or False")
        seeds = rng.integers(0, 2**63 - 1, size=trials, dtype=np.int64).astype(np.uint64)
        out = np.empty(trials)
        _raft_kernel(seeds, members, heartbeat, int(round(ticks)), delay, pre_vote, 1000.0 * election, out)
        return out
    standbys = check_range("standbys", standbys, 1, 10, integer=True)
    if mechanism == "zookeeper":
        tick_time = check_range("tick_time", tick_time, 0.001, 60.0)
        session_timeout = check_range("session_timeout", session_timeout, 0.001, 3600.0)
        return _zookeeper(trials, session_timeout, tick_time, delay, rng)
    lease_duration = check_range("lease_duration", lease_duration, 0.001, 3600.0)
    retry_period = check_range("retry_period", retry_period, 0.001, lease_duration)
    return _lease(trials, lease_duration, retry_period, standbys, rng) + delay


def failover(mechanisms=MECHANISMS, trials=DEFAULTS.trials, *, seed=DEFAULTS.seed, **options) -> pl.DataFrame:
    """Distribution summaries of the leaderless time, one row per mechanism.

    Parameters
    ----------
    mechanisms : sequence of str
    trials : int
    seed : int
    **options
        Passed to :func:`failover_times`.

    Returns
    -------
    polars.DataFrame
        ``mechanism``, ``mean``, ``p50``, ``p90``, ``p99``, ``min``, ``max`` (seconds).
    """
    rows = [{"mechanism": mech, "mean": x.mean(), "p50": np.quantile(x, 0.5), "p90": np.quantile(x, 0.9),
             "p99": np.quantile(x, 0.99), "min": x.min(), "max": x.max()}
            for mech, x, _ in _samples(mechanisms, trials, seed, options)]
    return pl.DataFrame(rows)


def _samples(mechanisms, trials, seed, options):
    """``(mechanism, leaderless times, rng)`` for each mechanism, all from one seeded Generator."""
    rng = rng_from(seed)
    for mech in mechanisms:
        yield mech, failover_times(mech, trials, rng=rng, **options), rng


def yearly_availability(outages, failures_per_year=DEFAULTS.failures_per_year, *, years=10_000, seed=None,
                        rng=None) -> dict:
    """Leaderless time over a year when leaders fail as a Poisson process.

    Parameters
    ----------
    outages : array_like of float
        Samples of one failover's leaderless time (e.g. :func:`failover_times`).
    failures_per_year : float
        Poisson rate of leader failures, 0 to 10,000.
    years : int
        Simulated years for the distribution.
    seed : int, optional
    rng : numpy.random.Generator, optional

    Returns
    -------
    dict
        ``downtime_mean`` (seconds a year, = rate x mean outage), ``downtime_p99``,
        ``availability`` (1 - mean downtime / year) and ``nines`` (-log10 of unavailability).
    """
    outages = np.asarray(outages, dtype=np.float64)
    if outages.ndim != 1 or outages.size == 0 or not np.isfinite(outages).all() or (outages < 0).any():
        raise ValueError("outages must be a non-empty 1-d array of finite seconds >= 0")
    rate = check_range("failures_per_year", failures_per_year, 0.0, 10_000.0)
    years = check_range("years", years, 1, 10_000_000, integer=True)
    rng = rng_from(seed, rng)
    counts = rng.poisson(rate, size=years)
    picks = rng.integers(0, outages.size, size=int(counts.sum()))
    per_year = np.bincount(np.repeat(np.arange(years), counts), weights=outages[picks], minlength=years)
    mean = rate * outages.mean()
    unavailable = mean / YEAR_SECONDS
    return {"downtime_mean": mean, "downtime_p99": float(np.quantile(per_year, 0.99)),
            "availability": 1.0 - unavailable, "nines": float("inf") if unavailable == 0 else -np.log10(unavailable)}


def availability(failures_per_year=DEFAULTS.failures_per_year, mechanisms=MECHANISMS, trials=DEFAULTS.trials, *,
                 seed=DEFAULTS.seed, **options) -> pl.DataFrame:
    """:func:`yearly_availability` of each mechanism, one row each.

    Parameters
    ----------
    failures_per_year : float
    mechanisms : sequence of str
    trials : int
    seed : int
    **options
        Passed to :func:`failover_times`.

    Returns
    -------
    polars.DataFrame
        ``mechanism``, ``failures_per_year``, ``downtime_mean``, ``downtime_p99``,
        ``availability``, ``nines``.
    """
    failures_per_year = check_range("failures_per_year", failures_per_year, 0.0, 10_000.0)
    return pl.DataFrame([{"mechanism": mech, "failures_per_year": float(failures_per_year),
                          **yearly_availability(x, failures_per_year, rng=rng)}
                         for mech, x, rng in _samples(mechanisms, trials, seed, options)])
