"""Published figures of the load-balancer study (chapter 6), each typed once, with its source.

The model's defaults read these (:class:`~labcdn.balancing.health.HealthCheck`,
:data:`~labcdn.balancing.algorithms.DEFAULT_BALANCE_FACTOR`), and the chapter's
"published against model" table formats its published column from them, so a
published number appears once in the code base.

References
----------
.. [1] HAProxy Configuration Manual, section 5.2: ``inter`` (default 2000 ms),
   ``fall`` (default 3), ``rise`` (default 2); section 4: ``hash-balance-factor``.
.. [2] V. Mirrokni, M. Thorup, M. Zadimoghaddam, "Consistent Hashing with Bounded
   Loads", SODA 2018; A. Rodland, "Improving load balancing with a new consistent-hashing
   algorithm", Vimeo Engineering Blog, 2016 (c = 1.25, HAProxy's factor 125).
"""

from __future__ import annotations

from labcdn._figures import Figure

HAPROXY_MANUAL = "HAProxy Configuration Manual, section 5.2 (server options)"
PUBLISHED = {
    "check_inter_s": Figure("seconds between two health checks of one server", HAPROXY_MANUAL, 2.0,
                            "'inter <delay>': default 2000 ms"),
    "check_fall": Figure("consecutive failed checks before a server is marked down", HAPROXY_MANUAL, 3,
                         "'fall <count>': default 3"),
    "check_rise": Figure("consecutive passed checks before a server is marked up again", HAPROXY_MANUAL, 2,
                         "'rise <count>': default 2"),
    "hash_balance_factor": Figure(
        "bounded-load factor, percent of the mean load a server may take",
        "Mirrokni, Thorup & Zadimoghaddam, SODA 2018; Rodland, Vimeo 2016; HAProxy 'hash-balance-factor'",
        125, "c = 1.25, Vimeo's production setting, written as HAProxy's hash-balance-factor 125"),
}

CHECK_INTER_S: float = PUBLISHED["check_inter_s"].published
CHECK_FALL: int = PUBLISHED["check_fall"].published
CHECK_RISE: int = PUBLISHED["check_rise"].published
HASH_BALANCE_FACTOR: int = PUBLISHED["hash_balance_factor"].published


def detection_window(inter: float = CHECK_INTER_S, checks: int = CHECK_FALL) -> tuple[float, float]:
    """Seconds from a server's failure until ``checks`` consecutive checks have seen it.

    The first failed check comes anywhere within one ``inter`` of the failure, the
    last ``checks - 1`` intervals after it: ``((checks - 1) * inter, checks * inter)``.
    With ``checks = rise`` the same window bounds the return to rotation.
    """
    return ((checks - 1) * inter, checks * inter)
