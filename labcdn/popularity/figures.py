"""Chapter 1's published figures, each with its source: the one place the chapter, the CLI and the tests read them.

The switch from title- to file-level ranking happened in **2016** (not 2018);
the source post is M. Vora, L. Deek, E. Livengood, "Content Popularity for Open
Connect", Netflix TechBlog.
"""

from __future__ import annotations

from typing import NamedTuple


class Figure(NamedTuple):
    """One published number and where it comes from."""

    figure: str
    source: str
    published: float | None
    note: str


CONTENT_POPULARITY = 'M. Vora, L. Deek, E. Livengood, "Content Popularity for Open Connect", Netflix TechBlog'
GALLATIN = 'D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance", Netflix TechBlog, 2017'
CES_2016 = "Netflix at CES, 6 January 2016 (launch in 130 more countries; reported by TechCrunch, CelebCafe)"

#: Year Netflix moved from title- to file-level ranking.
SWITCH_YEAR = 2016

PUBLISHED = {
    "switch_year": Figure("year of the title -> file ranking switch", CONTENT_POPULARITY, SWITCH_YEAR,
                          "the issue's reading of the source: 2016, not 2018"),
    "storage_ratio": Figure("storage for the same caching efficiency, file / title ranking", CONTENT_POPULARITY, 0.5,
                            "'about half the storage'; the efficiency target is not stated"),
    "files_per_episode": Figure("files per episode (an episode of The Crown)", CONTENT_POPULARITY, 1200.0,
                                "'~1,200 files'"),
    "appliance_gbps": Figure("served throughput of an Open Connect appliance in 2015-2016 (Gbps)", GALLATIN, 40.0,
                             "'close to being CPU limited serving at 40 Gbps'"),
    "languages_2016": Figure("languages Netflix supported after its January 2016 global launch", CES_2016, 21.0,
                             "17 before, plus Arabic, Korean, Simplified and Traditional Chinese"),
}

#: Why content sits at the edge at all, and the one thing title-level ranking has for it (the source's lines).
WHY_EDGE = ("serve as much content as possible over the shortest network path, which lowers latency for members; "
            "clients are steered to a nearby copy, and clusters near members (ISP clusters) cannot hold the whole "
            "catalogue, so only the most popular content is cached there")
TITLE_LEVEL_ADVANTAGE = "with title-level ranking all files of a title, so all files one session needs, sit on one server"
