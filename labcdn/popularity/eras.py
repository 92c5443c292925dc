"""Two catalogues: Netflix's in 2016, when it switched to file-level ranking, and today's.

An :class:`Era` is an encoding ladder (a CSV with a source per row), the
catalogue parameters that expand it (languages per title) and the demand
parameters that choose among its files (which codec family each device plays).
:data:`ERAS` holds ``"2016"`` and ``"today"``; :func:`era` looks one up.

What is sourced for 2016 (each row of ``data/encoding_ladder_2016.csv`` says):
the profiles Netflix encoded (CE1/CE2 VC1, CE3 H.264 Main, CE4 10-bit HEVC and
VP9, the mobile AVC High and VP9 encodes, HDR10 and Dolby Vision; Streaming
Media, 2016), the fixed AVC ladder (Per-Title Encode Optimization, Dec 2015),
the mobile encodes' bit savings (Dec 2016), one 192 kbps 5.1 rung (Netflix's 2019
audio post), and the 21 languages Netflix supported after January 2016 (the
subtitle count of a global title). Everything else is marked "assumption".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from labcdn._validation import check_choice
from labcdn.popularity.catalogue import CatalogueParams
from labcdn.popularity.demand import DemandParams
from labcdn.popularity.figures import LANGUAGES_2016
from labcdn.popularity.ladder import LADDER_PATH, Ladder, _ladder_arrays, load_ladder

LADDER_2016_PATH = LADDER_PATH.with_name("encoding_ladder_2016.csv")

#: 2016 (device, family, weight) preferences. Sourced direction: "for streaming, Netflix has been using
#: H.264/AVC almost exclusively", VP9 and AVC High for downloads on Android / iOS (Variety, Dec 2016, on the
#: mobile-encodes post), so AVC Main dominates every device class; the weights themselves are assumptions
#: (chapter 1's sensitivity chart scales AVC Main's weight by 0.5-2).
FAMILY_PREFERENCE_2016 = (
    ("tv", "AVC-main", 0.60), ("tv", "VC1", 0.05), ("tv", "HEVC-SDR", 0.20), ("tv", "VP9-UHD", 0.02),
    ("tv", "HEVC-HDR10", 0.05), ("tv", "DolbyVision", 0.08),
    ("mobile", "AVC-main", 0.85), ("mobile", "AVC-high", 0.05), ("mobile", "VP9", 0.10),
    ("computer", "AVC-main", 0.85), ("computer", "VC1", 0.15),
    ("tv", "DD+5.1", 0.40), ("tv", "DD+2.0", 0.15), ("tv", "AAC-2.0", 0.45),
    ("mobile", "AAC-2.0", 0.90), ("mobile", "DD+2.0", 0.10),
    ("computer", "AAC-2.0", 0.70), ("computer", "DD+5.1", 0.20), ("computer", "DD+2.0", 0.10),
    ("tv", "AD-AAC-2.0", 1.0), ("mobile", "AD-AAC-2.0", 1.0), ("computer", "AD-AAC-2.0", 1.0),
    ("tv", "TTML-DFXP", 0.50), ("tv", "image-subtitles", 0.30), ("tv", "TTML-SimpleSDH", 0.20),
    ("mobile", "WebVTT", 1.0), ("computer", "TTML-DFXP", 0.70), ("computer", "WebVTT", 0.30),
)

#: Global titles' languages in 2016: 21 subtitle languages, the languages Netflix supported after its
#: January 2016 launch in 130 more countries (17 plus Arabic, Korean, Simplified and Traditional Chinese;
#: CES 2016). Audio: 10 on a global title is an assumption (swept 5-15 in the sensitivity chart);
#: regional and local titles keep today's (assumed) counts, capped at 21 subtitle languages.
AUDIO_LANGUAGES_2016 = (10, 8, 2)
TEXT_LANGUAGES_2016 = (LANGUAGES_2016, 15, 4)
AUDIO_LANGUAGES_2016_RANGE = (5, 15)


@dataclass(frozen=True)
class Era:
    """A catalogue era: its ladder, catalogue and demand parameters.

    Attributes
    ----------
    name : str
    ladder_path : Path
        The encoding-ladder CSV (one source per row).
    catalogue : CatalogueParams
    demand : DemandParams
    without : tuple of str
        Codec families left out of the ladder and of the demand's preferences (for the
        sensitivity of the headline to the ladder's assumed families); empty by default.
    """

    name: str
    ladder_path: Path
    catalogue: CatalogueParams = field(default_factory=CatalogueParams)
    demand: DemandParams = field(default_factory=DemandParams)
    without: tuple[str, ...] = ()

    def ladder(self) -> Ladder:
        """The era's ladder (parsed once per file, see :func:`labcdn.popularity.load_ladder`), less ``without``."""
        ladder = load_ladder(self.ladder_path)
        if not self.without:
            return ladder
        unknown = set(self.without) - set(ladder.families)
        if unknown:
            raise ValueError(f"without={self.without!r} names families not in the ladder: {sorted(unknown)}")
        return _ladder_arrays(ladder.frame.filter(~pl.col("family").is_in(list(self.without))))

    def leaving_out(self, families) -> Era:
        """This era without the codec ``families`` (in the ladder and in the preferences)."""
        families = tuple(families)
        demand = replace(self.demand, family_preference=tuple(
            entry for entry in self.demand.family_preference if entry[1] not in families))
        return replace(self, demand=demand, without=self.without + families)


ERAS = {
    "2016": Era("2016", LADDER_2016_PATH,
                replace(CatalogueParams(), audio_languages=AUDIO_LANGUAGES_2016, text_languages=TEXT_LANGUAGES_2016),
                replace(DemandParams(), family_preference=FAMILY_PREFERENCE_2016)),
    "today": Era("today", LADDER_PATH),
}


def era(name: str) -> Era:
    """The era called ``name`` (``"2016"`` or ``"today"``).

    Parameters
    ----------
    name : str

    Returns
    -------
    Era
    """
    return ERAS[check_choice("era", name, tuple(ERAS))]
