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
}

#: Bytes of one storage appliance: 100 TB.
APPLIANCE_BYTES = PUBLISHED["appliance_bytes"].published
#: Bytes one appliance may fill per night: 6.5 TB.
FILL_BUDGET_BYTES = PUBLISHED["fill_budget_bytes"].published
