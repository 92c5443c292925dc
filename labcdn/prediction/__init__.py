"""Chapter 2, "Predicting tomorrow, filling tonight": the nightly proactive fill of one appliance.

    from labcdn import prediction
    params = prediction.NightlyParams()              # 500 titles, 28 days, 6.5% fill budget per night
    result = prediction.run(params)                  # every predictor against the oracle
    prediction.versus_reactive(params)               # the fill beside LRU, FIFO, LFU and Belady's MIN

=================================  ==========================================================
:func:`run`                        the nightly fill for each predictor (``labcdn prediction``)
:func:`scenario`                   catalogue, shares and daily views of one appliance (:class:`NightlyParams`)
:func:`versus_reactive`            the fill beside reactive policies on requests drawn from the model
:func:`daily_title_views`          release spikes, decay and the weekly cycle (:class:`LifecycleParams`)
:func:`file_views_daily`           a title's daily views spread over its files
:func:`sample_requests`            a request stream drawn from the demand model
:func:`predict`                    tomorrow's views from the past days (``yesterday``, ``ewma``, ``window``, ``oracle``)
:func:`simulate_fill`              the fill replayed day by day under a churn budget
:func:`fill_summary`               per-method means of :func:`simulate_fill`'s days
:func:`synthetic_daily_views`      a quick synthetic views matrix (no catalogue)
:func:`title_runs`                 Netflix Top-10: debut, weeks listed, peak per title run
:func:`decay_profile`              Top-10: weekly hours after debut
:func:`weekly_turnover`            Top-10: new titles and carried-over hours per week
:func:`serving_day`                requests per local hour of a real trace, the fill window on its quietest hours
:func:`weekly_lists`               top-N lists of a model's title × week matrix
:func:`turnover_from_lists`        :func:`weekly_turnover` of such lists
:data:`PUBLISHED`                  the chapter's published figures with their sources (:mod:`~labcdn.prediction.figures`)
=================================  ==========================================================

Modules: :mod:`~labcdn.prediction.lifecycles`, :mod:`~labcdn.prediction.top10`
(the data), :mod:`~labcdn.prediction.predictors` (predictors and the fill
kernel), :mod:`~labcdn.prediction.sessions`, :mod:`~labcdn.prediction.nightly`
(the chapter's wiring of catalogue, demand, lifecycles and fill). The catalogue
and demand come from :mod:`labcdn.popularity`; the reactive policies from
:mod:`labcdn.caching`.
"""

from labcdn.prediction.figures import (
    APPLIANCE_BYTES,
    FILL_BUDGET_BYTES,
    FILL_RATE_GBPS,
    FILL_WINDOW_HOURS,
    PUBLISHED,
)
from labcdn.prediction.lifecycles import LifecycleParams, daily_title_views, file_views_daily
from labcdn.prediction.nightly import (
    METHODS,
    NightlyParams,
    NightlyResult,
    Scenario,
    run,
    scenario,
    versus_reactive,
)
from labcdn.prediction.predictors import (
    PREDICTOR,
    STORAGE_OCA,
    VIEWS_MODEL,
    ApplianceParams,
    PredictorParams,
    SyntheticViews,
    ViewsParams,
    fill_summary,
    predict,
    simulate_fill,
    synthetic_daily_views,
)
from labcdn.prediction.serving_day import ServingDay, fill_window, hourly_requests, serving_day
from labcdn.prediction.sessions import Requests, sample_requests
from labcdn.prediction.top10 import (
    decay_profile,
    title_runs,
    turnover_from_lists,
    weekly_lists,
    weekly_turnover,
)

__all__ = [
    "APPLIANCE_BYTES",
    "FILL_BUDGET_BYTES",
    "FILL_RATE_GBPS",
    "FILL_WINDOW_HOURS",
    "PUBLISHED",
    "METHODS",
    "PREDICTOR",
    "STORAGE_OCA",
    "VIEWS_MODEL",
    "ApplianceParams",
    "LifecycleParams",
    "NightlyParams",
    "NightlyResult",
    "PredictorParams",
    "Requests",
    "Scenario",
    "ServingDay",
    "SyntheticViews",
    "ViewsParams",
    "daily_title_views",
    "decay_profile",
    "file_views_daily",
    "fill_summary",
    "fill_window",
    "hourly_requests",
    "predict",
    "run",
    "sample_requests",
    "scenario",
    "serving_day",
    "simulate_fill",
    "synthetic_daily_views",
    "title_runs",
    "turnover_from_lists",
    "versus_reactive",
    "weekly_lists",
    "weekly_turnover",
]
