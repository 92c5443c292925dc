"""Active health checks and backend failures.

Every balancer node checks every backend on its own timer, every ``inter``
seconds, starting at a random phase. The check succeeds if the backend is
alive at that instant. The node's verdict follows HAProxy's health counter
(``src/check.c``): it runs from 0 to ``rise + fall - 1``; a backend is up
while the counter is at least ``rise``. A failed check on an up backend
decrements it while it is above ``rise``, else drops it to 0 and marks the
backend down; a passed check increments it and, on reaching ``rise``, marks
the backend up and sets it to the maximum. From fully healthy that is
``fall`` consecutive failures to go down and ``rise`` consecutive successes
to come back.

A backend coming back up can be given a **slow start** (HAProxy
``slowstart``): its effective weight ramps from 1/16 to full over
``slowstart`` seconds, recomputed every ``max(1 s, slowstart / 20)``, as
HAProxy's ``server_recalc_eweight`` and warm-up task do.

References
----------
.. [1] HAProxy Configuration Manual, section 5.2, ``inter`` (default 2000 ms),
   ``fall`` (default 3), ``rise`` (default 2), ``slowstart`` (default none),
   https://docs.haproxy.org/; the defaults are ``DEF_CHKINTR``, ``DEF_FALLTIME``
   and ``DEF_RISETIME`` in the source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from labcdn._jit import kernel
from labcdn._validation import check_range
from labcdn.balancing.figures import CHECK_FALL, CHECK_INTER_S, CHECK_RISE


@kernel
def health_step(health, passed, up, rise, fall):
    """One check's effect on HAProxy's health counter; returns ``(health, verdict changed)``.

    A pass increments the counter up to ``rise + fall - 1``; reaching ``rise``
    marks the backend up and fills the counter. A failure decrements it while
    it is above ``rise``; otherwise it drops to 0 and an up backend goes down.
    """
    if passed:
        if health < rise + fall - 1:
            health += 1
            changed = health == rise and not up
            if health >= rise:
                health = rise + fall - 1
            return health, changed
        return health, False
    if health > rise:
        return health - 1, False
    return 0, up


@dataclass(frozen=True)
class HealthCheck:
    """Active health-check settings of every balancer node.

    Attributes
    ----------
    inter : float
        Seconds between two checks of one backend by one node (HAProxy default 2 s).
    fall : int
        Consecutive failed checks that mark an up backend down (HAProxy default 3).
    rise : int
        Consecutive passed checks that mark a down backend up (HAProxy default 2).
    slowstart : float
        Seconds over which a returning backend's weight ramps up; 0 for none
        (HAProxy default). Rounded up to whole seconds, as HAProxy does.
    """

    inter: float = CHECK_INTER_S
    fall: int = CHECK_FALL
    rise: int = CHECK_RISE
    slowstart: float = 0.0

    def __post_init__(self):
        check_range("inter", self.inter, 0.0, 86_400.0, low_open=True)
        check_range("fall", self.fall, 1, 1000, integer=True)
        check_range("rise", self.rise, 1, 1000, integer=True)
        check_range("slowstart", self.slowstart, 0.0, 86_400.0)

    @property
    def slowstart_seconds(self) -> int:
        """Slow-start period in whole seconds (0: none)."""
        return int(math.ceil(self.slowstart))


@dataclass(frozen=True)
class Failure:
    """One backend failure: dead from ``at`` until ``until`` seconds.

    While dead a backend answers nothing: requests in service or queued there
    are lost at ``at``, and requests sent to it before the balancers notice
    are refused at once (a crashed process resets the connection). At
    ``until`` it comes back empty.
    """

    backend: int
    at: float
    until: float = math.inf

    def __post_init__(self):
        check_range("backend", self.backend, 0, None, integer=True)
        check_range("at", self.at, 0.0, None)
        if not (isinstance(self.until, (int, float)) and self.until > self.at):
            raise ValueError(f"until={self.until!r} must be a number greater than at={self.at!r}")


def failure_arrays(failures, n_backends):
    """Backend, start and end of each failure as arrays; checks ids and overlaps."""
    failures = tuple(failures)
    for f in failures:
        if not isinstance(f, Failure):
            raise ValueError(f"failures must hold labcdn.balancing.Failure objects; got {type(f).__name__}")
        if f.backend >= n_backends:
            raise ValueError(f"Failure.backend={f.backend} is out of range; expected [0, {n_backends - 1}]")
    by_backend = {}
    for f in sorted(failures, key=lambda f: (f.backend, f.at)):
        prev = by_backend.get(f.backend)
        if prev is not None and f.at < prev.until:
            raise ValueError(f"failures of backend {f.backend} overlap: [{prev.at}, {prev.until}) and "
                             f"[{f.at}, {f.until})")
        by_backend[f.backend] = f
    backend = np.array([f.backend for f in failures], dtype=np.int64)
    at = np.array([f.at for f in failures], dtype=np.float64)
    until = np.array([f.until for f in failures], dtype=np.float64)
    return backend, at, until
