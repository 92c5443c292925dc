"""The caching study's published figures (chapter 2 §5, ``labcdn caching``), each typed once with its source.

References
----------
.. [1] M. Zink, K. Suh, Y. Gu, J. Kurose, "Watch Global, Cache Local: YouTube
   Network Traffic at a Campus Network", MMCN 2008; Computer Networks 53 (2009).
   UMass Trace Repository.
"""

from __future__ import annotations

from labcdn._figures import Figure

ZINK = "Zink, Suh, Gu & Kurose 2008/2009, Watch Global, Cache Local (UMass campus YouTube traces)"
PUBLISHED = {
    "one_hit_videos": Figure("share of videos requested once in a campus YouTube trace", ZINK, 0.80,
                             "'~80%'; the chapter measures it on the same traces (labcdn.caching.one_hit_wonders)"),
}

#: Share of a campus trace's videos requested exactly once: ~80%.
ONE_HIT_VIDEOS = PUBLISHED["one_hit_videos"].published
