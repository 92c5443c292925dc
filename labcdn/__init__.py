"""labcdn: interactive studies of how a video CDN places and serves content.

One package per chapter's model; each package's docstring lists its public
entry points, and each chapter's notebook imports its package (plus
:mod:`labcdn.charts` and :mod:`labcdn.ui`).

========================================  ===========================  =====================================================================================
chapter                                   package                      entry points (CLI subcommand)
========================================  ===========================  =====================================================================================
1 · Popularity: files, not titles         :mod:`labcdn.popularity`     ``make_catalogue``, ``file_views``, ``study``, ``ratio_sweep`` (``labcdn ranking``)
2 · Predicting tomorrow, filling tonight  :mod:`labcdn.prediction`     ``scenario``, ``run``, ``versus_reactive``, ``decay_profile`` (``labcdn prediction``)
2 §5 · the fill on a real trace           :mod:`labcdn.caching`        ``simulate``, ``ranked_fill``, ``hit_ratio_curves`` (``labcdn caching``)
3 · Consistent hashing                    :mod:`labcdn.hashing`        ``build``, ``balance``, ``disruption``, ``summary`` (``labcdn hashing``)
4 · Replication and tiers                 :mod:`labcdn.replication`    ``compare``, ``failure``, ``allocate``, ``summary`` (``labcdn replication``)
5 · Serving 100 Gbps from one server      :mod:`labcdn.serving`        ``evaluate``, ``step_results``, ``summary`` (``labcdn serving``)
6 · Load balancers                        :mod:`labcdn.balancing`      ``run``, ``compare``, ``sweep``, ``summary`` (``labcdn balancing``)
7 · Scheduling and scale                  :mod:`labcdn.orchestration`  ``omega``, ``size_sweep``, ``trace.replay``, ``drf`` (``labcdn orchestration``)
8 · Operations                            :mod:`labcdn.orchestration`  ``failover_times``, ``autoscaling.compare``, ``rolling.compare``
10 · Choosing an orchestrator            :mod:`labcdn.choosing`       ``fit``, ``load_tools``, ``load_activity`` (``python -m labcdn.choosing.activity``)
9 · Sweeps (appendix)                     :mod:`labcdn.sweep`          ``run``, ``STUDIES``, ``committed`` (``labcdn sweep``)
========================================  ===========================  =====================================================================================

Each study's published numbers, with their sources, are in its package's
``figures`` module (``labcdn.<package>.figures``); each study's sweep point is
``labcdn.<package>.sweep_point``. Shared pieces: :mod:`labcdn.datasets` (the
real data sets), :mod:`labcdn.charts` (polars frame in, Altair chart out),
:mod:`labcdn.ui` (widget layouts), :mod:`labcdn.cli` (``labcdn``),
:mod:`labcdn.notebooks` (executing the committed notebooks), ``labcdn._jit``
(numba options) and ``labcdn._validation`` (argument checks).
"""

__version__ = "0.1.0"
