"""Charts for the chapter on choosing an orchestrator: polars frames in, Altair charts out.

:func:`fit_matrix` is the chapter's kernel-free control: a dropdown and checkboxes
bound to Vega-Lite parameters pick rows of :func:`labcdn.choosing.option_table`
(every check precomputed by the model for every value), and each tool's verdict is
its worst selected check, as :func:`labcdn.choosing.fit` computes it.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from labcdn.choosing.tools import DEFAULT, NODE_OPTIONS, REQUIREMENTS, STATUSES, TOOLS, VERDICTS, Requirements

WIDTH = 460
TOOL_COLORS = alt.Scale(domain=list(TOOLS), range=["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756"])
STATUS_COLORS = alt.Scale(domain=list(STATUSES), range=["#e45756", "#bab0ac", "#f2cf5b", "#54a24b", "#f3f3f3"])
LABELS = {"nodes": "cluster size", "stateful": "stateful", "non_container": "non-container", "managed": "managed",
          "small_team": "small team", "cloud_agnostic": "cloud-agnostic", "maintained": "maintained"}
_BOXES = {"stateful": "stateful workloads", "non_container": "non-container workloads",
          "managed": "a managed offering", "small_team": "a small team", "cloud_agnostic": "cloud-agnostic",
          "maintained": "still maintained"}


def fit_matrix(options: pl.DataFrame, initial: Requirements = DEFAULT) -> alt.LayerChart:
    """Tools × requirements, coloured by each check's status, with the verdict in the last column.

    ``options``: :func:`labcdn.choosing.option_table`. A dropdown (cluster size) and six
    checkboxes are Vega-Lite parameters, so the chart answers in the static book.
    Hover a cell for the reason and its source.
    """
    params = [alt.param(name="p_nodes", value=initial.nodes,
                        bind=alt.binding_select(options=list(NODE_OPTIONS), name="nodes in one cluster "))]
    params += [alt.param(name=f"p_{k}", value=getattr(initial, k), bind=alt.binding_checkbox(name=label + " "))
               for k, label in _BOXES.items()]
    pick = " : ".join(f"datum.requirement == '{k}' ? datum.option == toString(p_{k})" for k in REQUIREMENTS) + " : false"
    rank = "indexof(" + str(list(STATUSES)).replace('"', "'") + ", datum.status)"
    verdict = " : ".join(f"datum.worst == {i} ? '{VERDICTS[s]}'" for i, s in enumerate(STATUSES)) + " : ''"
    columns = [LABELS[k] for k in REQUIREMENTS] + ["verdict"]
    base = (alt.Chart(options.with_columns(pl.col("requirement").replace_strict(LABELS).alias("column")))
            .transform_filter(pick)
            .transform_calculate(rank=rank)
            .transform_joinaggregate(worst="min(rank)", groupby=["tool"]))
    y = alt.Y("tool:N", title=None, sort=list(TOOLS), scale=alt.Scale(domain=list(TOOLS)))
    x = alt.X("column:N", title=None, sort=columns, scale=alt.Scale(domain=columns),
              axis=alt.Axis(orient="top", labelAngle=-30))
    color = alt.Color("status:N", scale=STATUS_COLORS, title="check", legend=alt.Legend(orient="bottom"))
    cells = base.mark_rect(stroke="white").encode(
        x=x, y=y, color=color, tooltip=["tool", alt.Tooltip("column:N", title="requirement"), "status", "reason",
                                        "source"])
    marks = base.mark_text(fontSize=10).encode(x=x, y=y, text="status:N")
    verdicts = (base.transform_filter("datum.requirement == 'nodes'")
                .transform_calculate(column="'verdict'", status=f"{list(STATUSES)}[datum.worst]".replace('"', "'"),
                                     verdict=verdict))
    v_cells = verdicts.mark_rect(stroke="black").encode(x=x, y=y, color=color,
                                                        tooltip=["tool", alt.Tooltip("verdict:N", title="verdict")])
    v_text = verdicts.mark_text(fontSize=11, fontWeight="bold").encode(x=x, y=y, text="verdict:N")
    return (alt.layer(cells, marks, v_cells, v_text)
            .add_params(*params)
            .properties(width=WIDTH + 40, height=36 * len(TOOLS),
                        title="Which tools fit? Pick the requirements below"))


def activity_lines(frame: pl.DataFrame) -> alt.LayerChart:
    """Commits (or distinct authors) per year per repository, with a dropdown for the measure.

    ``frame``: :func:`labcdn.choosing.load_activity`. Rows computed from a clone are
    lines; published figures (no clone here) are hollow diamonds. The last year of
    each repository runs only to its snapshot date. The dropdown is a Vega-Lite
    parameter: it works in the static book.
    """
    data = (frame.with_columns(pl.when(pl.col("computed_at_commit").is_null()).then(pl.lit("published"))
                               .otherwise(pl.lit("git log here")).alias("kind"),
                               pl.col("project").replace({"Mesos": "Mesos + Marathon", "Marathon": "Mesos + Marathon"})
                               .alias("tool"))
            .unpivot(index=["tool", "project", "repository", "year", "kind", "snapshot_date", "source"],
                     on=["commits", "authors"], variable_name="measure", value_name="count")
            .drop_nulls("count"))
    pick = alt.param(name="p_measure", value="commits",
                     bind=alt.binding_select(options=["commits", "authors"], name="count "))
    base = alt.Chart(data).transform_filter("datum.measure == p_measure").encode(
        x=alt.X("year:O", title="year (author date, UTC)"),
        y=alt.Y("count:Q", title="per year (commits, or distinct authors)"),
        color=alt.Color("tool:N", scale=TOOL_COLORS, title="tool"),
        tooltip=["repository", "year", "measure", "count", alt.Tooltip("snapshot_date:N", title="snapshot"),
                 "source"])
    lines = base.transform_filter("datum.kind == 'git log here'").mark_line(point=True).encode(
        detail="repository:N", strokeDash=alt.StrokeDash("project:N", title="repository", legend=None))
    published = base.transform_filter("datum.kind == 'published'").mark_point(shape="diamond", size=140, filled=False,
                                                                               strokeWidth=2)
    return (alt.layer(lines, published).add_params(pick)
            .properties(width=WIDTH, height=260, title="Activity of each project's repository"))


def activity_year(frame: pl.DataFrame) -> alt.LayerChart:
    """Commits of each repository in one year (bars), distinct authors as labels.

    ``frame``: :func:`labcdn.choosing.load_activity`. Bind a slider over ``year`` with
    :func:`labcdn.charts.grid_slider.bind`; every year is already in the frame, so
    the slider only filters (no kernel). The axis is fixed to the busiest year.
    """
    data = frame.select("project", "repository", pl.col("year").cast(pl.Float64), "commits", "authors", "source",
                        pl.col("project").replace({"Mesos": "Mesos + Marathon", "Marathon": "Mesos + Marathon"})
                        .alias("tool"),
                        pl.when(pl.col("computed_at_commit").is_null()).then(pl.lit("published figure"))
                        .otherwise(pl.col("authors").cast(pl.String) + " authors").alias("label"))
    repos = data.sort("tool", "repository")["repository"].unique(maintain_order=True).to_list()
    base = alt.Chart(data).encode(
        y=alt.Y("repository:N", title=None, sort=repos, scale=alt.Scale(domain=repos)),
        tooltip=["repository", alt.Tooltip("year:Q", format="d"), "commits", "authors", "source"])
    bars = base.mark_bar().encode(
        x=alt.X("commits:Q", title="commits that year",
                scale=alt.Scale(domain=[0, 1.3 * int(data["commits"].max())], nice=False)),
        color=alt.Color("tool:N", scale=TOOL_COLORS, title="tool"))
    labels = base.mark_text(align="left", dx=4, fontSize=10).encode(x="commits:Q", text="label:N")
    return alt.layer(bars, labels).properties(width=WIDTH, height=26 * len(repos),
                                              title="Commits in the chosen year (label: distinct authors)")


def timeline(events: pl.DataFrame) -> alt.Chart:
    """Dated events, one row per tool: circles for published dates, triangles (just below) for dates from the git data.

    ``events``: :func:`labcdn.choosing.timeline`.
    """
    data = events.with_columns(pl.col("date").cast(pl.String), pl.col("event").alias("label"))
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("tool:N", title=None, sort=list(TOOLS), scale=alt.Scale(domain=list(TOOLS))),
        color=alt.Color("tool:N", scale=TOOL_COLORS, legend=None),
        yOffset=alt.YOffset("kind:N", scale=alt.Scale(domain=["published", "data"])),
        tooltip=[alt.Tooltip("date:N", title="date"), "precision", "event", "source"])
    points = base.mark_point(size=90, filled=True).encode(
        shape=alt.Shape("kind:N", title=None, scale=alt.Scale(domain=["published", "data"],
                                                              range=["circle", "triangle-up"])))
    return (points.properties(width=WIDTH + 120, height=200,
                              title="Events, by tool (hover for the event and its source)"))

