"""Chapter 1's published figures, each typed once with its source.

The notebook, ``labcdn ranking --json`` and the charts
(:func:`labcdn.charts.popularity.ratio_by_parameter`) read them from here.

References
----------
.. [1] M. Vora, R. Deek, E. Livengood, "Content Popularity for Open Connect",
   Netflix TechBlog, 2018.
.. [2] Netflix TechBlog, "AV1 - Now Powering 30% of Netflix Streaming", 2025.
"""

from __future__ import annotations

from labcdn._figures import Figure

VORA = "Vora, Deek & Livengood 2018, Content Popularity for Open Connect (Netflix TechBlog)"
AV1 = "Netflix TechBlog 2025, AV1 - Now Powering 30% of Netflix Streaming"
PUBLISHED = {
    "storage_ratio": Figure("storage for the same caching efficiency, file ÷ title ranking", VORA, 0.5,
                            "'the same caching efficiency with about half the storage'; the efficiency it was "
                            "measured at is not stated"),
    "files_per_episode": Figure("files stored for one episode of The Crown", VORA, 1200.0, "'about 1,200 files'"),
    "av1_view_share": Figure("AV1 share of streaming", AV1, 0.30,
                             "'30%'; the demand model's codec preferences are calibrated to it"),
}

#: File ÷ title storage at the same caching efficiency: "about half".
STORAGE_RATIO = PUBLISHED["storage_ratio"].published
#: Files of one episode: "about 1,200".
FILES_PER_EPISODE = PUBLISHED["files_per_episode"].published
#: AV1's share of streamed views: 30%.
AV1_VIEW_SHARE = PUBLISHED["av1_view_share"].published
