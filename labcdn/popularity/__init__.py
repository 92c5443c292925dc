"""Chapter 1, "Popularity: files, not titles": why Open Connect ranks files rather than titles.

    from labcdn import popularity
    cat = popularity.make_catalogue(popularity.CatalogueParams(), seed=0)
    views = popularity.file_views(cat, popularity.DemandParams())
    popularity.study(target_efficiency=0.9, catalogue=cat).ratio   # file ÷ title storage

=================================  ==========================================================
:func:`make_catalogue`             titles expanded into the files that encode them (:class:`CatalogueParams`)
:func:`load_ladder`                the encoding ladder, one row per kind of file (``data/encoding_ladder.csv``)
:func:`file_views`                 expected views and bytes of every file (:class:`DemandParams`)
:func:`file_shares`                views of each file per session of its title
:func:`title_sessions`             sessions per title by Zipf rank
:func:`family_mix`                 views, bytes and storage per codec family
:func:`efficiency_curve`           caching efficiency of a cache filled by file or by title rank
:func:`storage_needed`             storage each ranking needs for a target efficiency
:func:`storage_ratio`              file ÷ title storage at a target efficiency
:func:`study`                      the chapter's headline: both rankings, curves and ratio (``labcdn ranking``)
:func:`ratio_sweep`                the ratio as each demand or catalogue parameter moves
:func:`within_title`               share of a title's bytes its most-viewed files carry
:func:`era`                        the 2016 or today's catalogue: ladder, languages, codec mix (:data:`ERAS`)
:func:`predicted_study`            both rankings on views counted at one appliance (:class:`ApplianceLoad`)
:func:`predicted_ranking`          the same up to the target, kept for many targets (:class:`PredictedRanking`)
:func:`median_title`               a title with the median number of files of its scope
:func:`title_files`                what one title's files are: families, rungs, copies, languages
:func:`waterfall`                  the headline: today exact -> 2016 catalogue -> predictions, band over seeds
:func:`sensitivity`                the headline as each assumption moves over its range
:func:`ladder_sensitivity`         the headline without each assumed group of 2016 codec families
:data:`PUBLISHED`                  the chapter's published figures with their sources (:data:`STORAGE_RATIO`, ...)
=================================  ==========================================================

Modules: :mod:`~labcdn.popularity.ladder` (the encoding ladder),
:mod:`~labcdn.popularity.catalogue` (titles expanded into files),
:mod:`~labcdn.popularity.demand` (views per file), :mod:`~labcdn.popularity.ranking`
(fill by rank and the study), :mod:`~labcdn.popularity.figures` (published
numbers), :mod:`~labcdn.popularity.sweep_point` (the study for :mod:`labcdn.sweep`).
"""

from labcdn.popularity.catalogue import Catalogue, CatalogueParams, make_catalogue, median_title, title_files
from labcdn.popularity.demand import (
    FAMILY_PREFERENCE,
    DemandParams,
    FileViews,
    family_mix,
    file_shares,
    file_views,
    title_sessions,
)
from labcdn.popularity.eras import ERAS, Era, era
from labcdn.popularity.figures import (
    APPLIANCE_GBPS_2016,
    AV1_VIEW_SHARE,
    FILES_PER_EPISODE,
    LANGUAGES_2016,
    PUBLISHED,
    STORAGE_RATIO,
    SWITCH_YEAR,
)
from labcdn.popularity.headline import Headline, ladder_sensitivity, sensitivity, waterfall
from labcdn.popularity.ladder import DEVICE_CLASSES, KINDS, LADDER_PATH, SCOPES, Ladder, load_ladder
from labcdn.popularity.predicted import (
    ApplianceLoad,
    PredictedRanking,
    PredictedStudy,
    predicted_ranking,
    predicted_study,
    predicted_views,
    sessions_per_day,
)
from labcdn.popularity.ranking import (
    RankingStudy,
    efficiency_curve,
    ratio_sweep,
    storage_needed,
    storage_ratio,
    study,
    within_title,
)

__all__ = [
    "APPLIANCE_GBPS_2016",
    "AV1_VIEW_SHARE",
    "FILES_PER_EPISODE",
    "LANGUAGES_2016",
    "PUBLISHED",
    "STORAGE_RATIO",
    "SWITCH_YEAR",
    "ERAS",
    "ApplianceLoad",
    "Era",
    "Headline",
    "PredictedRanking",
    "PredictedStudy",
    "era",
    "ladder_sensitivity",
    "predicted_ranking",
    "predicted_study",
    "predicted_views",
    "sensitivity",
    "sessions_per_day",
    "waterfall",
    "DEVICE_CLASSES",
    "FAMILY_PREFERENCE",
    "KINDS",
    "LADDER_PATH",
    "SCOPES",
    "Catalogue",
    "CatalogueParams",
    "DemandParams",
    "FileViews",
    "Ladder",
    "RankingStudy",
    "efficiency_curve",
    "family_mix",
    "file_shares",
    "file_views",
    "load_ladder",
    "make_catalogue",
    "median_title",
    "ratio_sweep",
    "storage_needed",
    "storage_ratio",
    "study",
    "title_files",
    "title_sessions",
    "within_title",
]
