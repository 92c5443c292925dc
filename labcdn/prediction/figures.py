"""Chapter 2's published figures, each typed once with its source.

The appliance and its fill budget (:class:`labcdn.prediction.ApplianceParams`,
:class:`labcdn.prediction.NightlyParams`), the notebook and
``labcdn prediction`` read them from here.

References
----------
.. [1] Open Connect Partner Help Center, "Fill patterns"
   (https://openconnect.zendesk.com/hc/en-us/articles/360035618071): storage
   appliances fill in a 12-hour window at up to 1.2 Gbps, "up to 6.5 TB".
.. [2] Gizmodo, "This box can hold an entire Netflix", 2014 (the first, "Rev. A",
   Open Connect Appliance: 100 TB).
"""

from __future__ import annotations

from labcdn._figures import Figure

FILL_PATTERNS = "Open Connect Partner Help Center, Fill patterns"
PUBLISHED = {
    "appliance_bytes": Figure("storage appliance capacity, bytes", "Gizmodo 2014, This box can hold an entire Netflix",
                              100e12, "the first ('Rev. A') Open Connect Appliance"),
    "fill_budget_bytes": Figure("fill per 12-hour window of a storage appliance, bytes", FILL_PATTERNS, 6.5e12,
                                "'up to 6.5 TB' (1.2 Gbps x 12 h = 6.48 TB, the same figure)"),
    "fill_window_hours": Figure("length of a storage appliance's nightly fill window, hours", FILL_PATTERNS, 12.0,
                                "'a 12-hour window'"),
    "fill_rate_gbps": Figure("fill rate cap of a storage appliance, Gbps", FILL_PATTERNS, 1.2, "'up to 1.2 Gbps'"),
}

#: Bytes of one storage appliance: 100 TB.
APPLIANCE_BYTES = PUBLISHED["appliance_bytes"].published
#: Bytes one appliance may fill per night: 6.5 TB.
FILL_BUDGET_BYTES = PUBLISHED["fill_budget_bytes"].published
#: Hours of the nightly fill window: 12.
FILL_WINDOW_HOURS = int(PUBLISHED["fill_window_hours"].published)
#: The fill's rate cap: 1.2 Gbps.
FILL_RATE_GBPS = PUBLISHED["fill_rate_gbps"].published
