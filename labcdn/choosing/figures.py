"""Published figures and dated events of the orchestrator market, beside what the committed data say.

Every published number the chapter uses is here once, with its source; numbers
already published in :mod:`labcdn.orchestration.figures` are taken from there.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import polars as pl

from labcdn.choosing import activity, tools
from labcdn.orchestration.figures import PUBLISHED as ORCHESTRATION

SOURCE_POSTS = "the Kubernetes vs Mesos posts, as their facts are listed in issue 12"


class Figure(NamedTuple):
    """One published number and where it comes from."""

    figure: str
    value: float
    unit: str
    source: str


PUBLISHED = {
    "k8s_max_nodes": Figure(ORCHESTRATION["k8s_max_nodes"].figure + " (release 1.6 on)",
                            ORCHESTRATION["k8s_max_nodes"].value, "nodes",
                            ORCHESTRATION["k8s_max_nodes"].source + "; kubernetes.io blog, Kubernetes 1.6 (2017-03-28)"),
    "mesos_nodes_digitalocean": Figure("Mesos + Marathon: nodes per cluster (per DigitalOcean)", 10_000, "nodes",
                                       SOURCE_POSTS),
    "mesos_nodes_mesosphere": Figure("Mesos: nodes in parts of Apple, Bloomberg, Netflix (per Mesosphere), at least",
                                     10_000, "nodes", SOURCE_POSTS),
    "k8s_interest_share": Figure("Kubernetes' share of interest (news, web search, publications, GitHub), above",
                                 0.70, "", SOURCE_POSTS),
    "ecs_max_instances": Figure("Amazon ECS: EC2 instances registered per cluster", 5_000, "instances",
                                "docs.aws.amazon.com, Handle Amazon ECS service quotas and API throttling limits"),
    "logzio_shortlist": Figure("Logz.io: tools left on the shortlist, of five", 2, "tools",
                               "the business post's worked case, as summarised in issue 12"),
}


class Event(NamedTuple):
    """A dated event; ``precision`` says how much of ``date`` the source gives (day, month or year)."""

    date: dt.date
    precision: str
    tool: str
    event: str
    source: str


INCUBATOR = "Apache Incubator, Mesos incubation status page"
CNCF_JOURNEY = "CNCF, Kubernetes Project Journey Report (2023-06-08)"
ATTIC = "Apache Attic, projects/mesos (github.com/apache/attic _data/projects/mesos.yaml)"
TIMELINE = (
    Event(dt.date(2010, 12, 23), "day", "Mesos + Marathon", "Mesos, from UC Berkeley, enters the Apache Incubator",
          INCUBATOR + "; ASF press release, 2013-07-24 ('initially created at the University of California at "
          "Berkeley's AMPLab')"),
    Event(dt.date(2011, 3, 30), "month", "Mesos + Marathon", "Mesos paper at NSDI (Hindman et al., UC Berkeley)",
          "Hindman et al., Mesos: A Platform for Fine-Grained Resource Sharing in the Data Center, NSDI 2011"),
    Event(dt.date(2013, 6, 19), "day", "Mesos + Marathon",
          "Mesos graduates to an Apache top-level project (announced 2013-07-24)",
          INCUBATOR + "; ASF press release, 2013-07-24"),
    Event(dt.date(2014, 6, 6), "day", "Kubernetes", "Kubernetes' first commit (Joe Beda, Google)", CNCF_JOURNEY),
    Event(dt.date(2014, 1, 1), "year", "Amazon ECS", "Amazon EC2 Container Service announced (preview)",
          "AWS blog, Amazon EC2 Container Service (ECS) - Container Management for the AWS Cloud (J. Barr)"),
    Event(dt.date(2015, 1, 1), "year", "Nomad", "HashiCorp announces Nomad", "hashicorp.com blog, Nomad announcement"),
    Event(dt.date(2016, 3, 10), "day", "Kubernetes", "Kubernetes joins the CNCF, its first hosted project",
          CNCF_JOURNEY),
    Event(dt.date(2016, 4, 1), "month", "Mesos + Marathon", "Mesosphere open-sources DC/OS",
          "linux.com, All About the DC/OS Open Source Project (2016-05-23); The Register (2016-10-20)"),
    Event(dt.date(2016, 1, 1), "year", "Docker Swarm", "Docker 1.12 builds swarm mode into Docker Engine",
          "docker.com blog, Docker 1.12: Now with Built-in Orchestration!"),
    Event(dt.date(2017, 3, 28), "day", "Kubernetes", "Kubernetes 1.6 supports 5,000-node clusters",
          "kubernetes.io blog, Kubernetes 1.6: Multi-user, Multi-workloads at Scale"),
    Event(dt.date(2018, 3, 6), "day", "Kubernetes", "Kubernetes is the first CNCF project to graduate", CNCF_JOURNEY),
    Event(dt.date(2021, 4, 13), "day", "Mesos + Marathon",
          "Mesos narrowly avoids a move to the Attic, for now; few step forward to keep it active",
          "The New Stack, Apache Mesos Narrowly Avoids a Move to the Attic (for Now), 2021-04-13"),
    Event(dt.date(2021, 10, 31), "day", "Mesos + Marathon", "DC/OS reaches end of life",
          "d2iq.com blog (DC/OS 'end-of-life date of October 31, 2021')"),
    Event(dt.date(2025, 8, 20), "day", "Mesos + Marathon", "The ASF board retires Apache Mesos", ATTIC),
    Event(dt.date(2025, 10, 10), "day", "Mesos + Marathon", "Mesos moves to the Apache Attic (ATTIC-245)", ATTIC),
)


def published_figures() -> pl.DataFrame:
    """Every published figure the study uses: ``key``, ``figure``, ``value``, ``unit``, ``source``."""
    return pl.DataFrame([{"key": k, **f._asdict()} for k, f in PUBLISHED.items()],
                        schema={"key": pl.String, "figure": pl.String, "value": pl.Float64, "unit": pl.String,
                                "source": pl.String})


def timeline(activity_table: pl.DataFrame | None = None) -> pl.DataFrame:
    """The dated events, and each repository's first year and last commit from the activity data.

    Returns
    -------
    polars.DataFrame
        ``date, precision, tool, event, source, kind`` sorted by date; ``kind`` is
        ``published`` (:data:`TIMELINE`) or ``data`` (from ``data/orchestrator_activity.csv``).
    """
    act = activity.load() if activity_table is None else activity_table
    rows = [{**e._asdict(), "kind": "published"} for e in TIMELINE]
    computed = act.filter(pl.col("computed_at_commit").is_not_null())
    for repo in computed["repository"].unique(maintain_order=True):
        part = computed.filter(pl.col("repository") == repo)
        tool = _tool(part["project"][0])
        rows.append({"date": dt.date(part["year"].min(), 1, 1), "precision": "year", "tool": tool,
                     "event": f"first commits in {repo}", "source": part["source"][0], "kind": "data"})
        last = dt.date.fromisoformat(part["snapshot_date"][0])
        if last.year < dt.date.fromisoformat(part["computed_on"][0]).year - 1:  # a repository that went quiet
            rows.append({"date": last, "precision": "day", "tool": tool, "event": f"last commit in {repo}",
                         "source": part["source"][0], "kind": "data"})
    return pl.DataFrame(rows).sort("date")


def _tool(project: str) -> str:
    return "Mesos + Marathon" if project in ("Mesos", "Marathon") else project


def _shortlist() -> list[str]:
    """Tools the model keeps for the worked case's stated criterion (cloud-agnostic), at the time (maintenance not asked)."""
    out = tools.fit(tools.Requirements(cloud_agnostic=True, maintained=False))
    return out.filter(pl.col("verdict") == "fits")["tool"].to_list()


def published_vs_data(activity_table: pl.DataFrame | None = None) -> pl.DataFrame:
    """Each published figure beside what the committed tables or the model give.

    Returns
    -------
    polars.DataFrame
        ``quantity, published, data, source, note`` (text, formatted for reading).
    """
    act = activity.load() if activity_table is None else activity_table
    table = tools.load_tools()
    cells = {(r["tool"], r["dimension"]): r["fit_value"] for r in table.iter_rows(named=True)}
    y2016 = act.filter(pl.col("year") == 2016)
    k8s_2016 = y2016.filter(pl.col("project") == "Kubernetes")["commits"].sum()
    share = k8s_2016 / y2016["commits"].sum()
    shortlist = _shortlist()
    P = PUBLISHED
    return pl.DataFrame([
        ("Kubernetes: nodes per cluster", f"{P['k8s_max_nodes'].value:,.0f}", f"{int(cells['Kubernetes', 'max_nodes']):,}",
         P["k8s_max_nodes"].source, "the table's value, which the fit model reads"),
        ("Mesos + Marathon: nodes per cluster", f"{P['mesos_nodes_digitalocean'].value:,.0f}",
         f"{int(cells['Mesos + Marathon', 'max_nodes']):,}", P["mesos_nodes_digitalocean"].source,
         "Mesosphere: 10,000+ in production at Apple, Bloomberg, Netflix"),
        ("Amazon ECS: instances per cluster", f"{P['ecs_max_instances'].value:,.0f}",
         f"{int(cells['Amazon ECS', 'max_nodes']):,}", P["ecs_max_instances"].source, "a service quota"),
        ("Kubernetes' share", f"> {P['k8s_interest_share'].value:.0%} of interest", f"{share:.0%} of 2016 commits",
         P["k8s_interest_share"].source,
         "not the same measure: Kubernetes' published 2016 commits over those of all six repositories in 2016"),
        ("Logz.io: shortlist of five tools", f"{P['logzio_shortlist'].value:.0f}: Kubernetes, DC/OS",
         f"{len(shortlist)}: {', '.join(shortlist)}", P["logzio_shortlist"].source,
         "model: cloud-agnostic at 1,000 nodes; Swarm and Nomad fall out as unverified at that scale, "
         "not for the post's reasons (not production-ready; not yet mature)"),
    ], schema=["quantity", "published", "data", "source", "note"], orient="row")
