"""Chapter 1's published figures, each typed once with its source.

The notebook, ``labcdn ranking --json``, the charts
(:func:`labcdn.charts.popularity.ratio_by_parameter`) and the tests read them
from here.

The switch from title- to file-level ranking happened in **2016** (not 2018).

References
----------
.. [1] M. Vora, L. Deek, E. Livengood, "Content Popularity for Open Connect",
   Netflix TechBlog.
.. [2] Netflix TechBlog, "AV1 - Now Powering 30% of Netflix Streaming", 2025.
.. [3] D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance", Netflix
   TechBlog, 2017.
.. [4] Netflix at CES, 6 January 2016 (reported by TechCrunch, CelebCafe).
"""

from __future__ import annotations

from labcdn._figures import Figure

VORA = 'M. Vora, L. Deek, E. Livengood, "Content Popularity for Open Connect", Netflix TechBlog'
AV1 = "Netflix TechBlog 2025, AV1 - Now Powering 30% of Netflix Streaming"
GALLATIN = 'D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance", Netflix TechBlog, 2017'
CES_2016 = "Netflix at CES, 6 January 2016 (launch in 130 more countries; reported by TechCrunch, CelebCafe)"

PUBLISHED = {
    "switch_year": Figure("year of the title -> file ranking switch", VORA, 2016,
                          "the issue's reading of the source: 2016, not 2018"),
    "storage_ratio": Figure("storage for the same caching efficiency, file ÷ title ranking", VORA, 0.5,
                            "'the same caching efficiency with about half the storage'; the efficiency it was "
                            "measured at is not stated"),
    "files_per_episode": Figure("files stored for one episode of The Crown", VORA, 1200.0, "'about 1,200 files'"),
    "av1_view_share": Figure("AV1 share of streaming", AV1, 0.30,
                             "'30%'; the demand model's codec preferences are calibrated to it"),
    "appliance_gbps": Figure("served throughput of an Open Connect appliance in 2015-2016 (Gbps)", GALLATIN, 40.0,
                             "'close to being CPU limited serving at 40 Gbps'"),
    "languages_2016": Figure("languages Netflix supported after its January 2016 global launch", CES_2016, 21.0,
                             "17 before, plus Arabic, Korean, Simplified and Traditional Chinese"),
}

#: Year Netflix moved from title- to file-level ranking: 2016.
SWITCH_YEAR = int(PUBLISHED["switch_year"].published)
#: File ÷ title storage at the same caching efficiency: "about half".
STORAGE_RATIO = PUBLISHED["storage_ratio"].published
#: Files of one episode: "about 1,200".
FILES_PER_EPISODE = PUBLISHED["files_per_episode"].published
#: AV1's share of streamed views: 30%.
AV1_VIEW_SHARE = PUBLISHED["av1_view_share"].published
#: Served throughput of a 2015-2016 appliance: 40 Gbps.
APPLIANCE_GBPS_2016 = PUBLISHED["appliance_gbps"].published
#: Languages Netflix supported after January 2016: 21.
LANGUAGES_2016 = int(PUBLISHED["languages_2016"].published)

#: Why content sits at the edge at all, and the one thing title-level ranking has for it (the source's lines).
WHY_EDGE = ("serve as much content as possible over the shortest network path, which lowers latency for members; "
            "clients are steered to a nearby copy, and clusters near members (ISP clusters) cannot hold the whole "
            "catalogue, so only the most popular content is cached there")
TITLE_LEVEL_ADVANTAGE = "with title-level ranking all files of a title, so all files one session needs, sit on one server"
