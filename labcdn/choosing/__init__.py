"""Choosing an orchestrator: Kubernetes, Mesos + Marathon (DC/OS), Amazon ECS, Docker Swarm, Nomad.

============ =========================================================================
``tools``    :func:`load_tools` (the sourced table ``data/orchestrator_tools.csv``),
             :class:`Requirements`, :func:`fit` (which tools fit, and why),
             :func:`checks`, :func:`option_table` (what the kernel-free selector filters)
``activity`` commits and distinct authors per year from a local git clone
             (``python -m labcdn.choosing.activity CLONE ...``); :func:`load_activity`
             reads ``data/orchestrator_activity.csv``
``figures``  :data:`PUBLISHED`, :data:`TIMELINE`, :func:`published_vs_data`, :func:`timeline`
============ =========================================================================
"""

from labcdn.choosing import activity, figures, tools
from labcdn.choosing.activity import load as load_activity
from labcdn.choosing.figures import PUBLISHED, TIMELINE, published_figures, published_vs_data, timeline
from labcdn.choosing.tools import (
    NODE_OPTIONS,
    REQUIREMENTS,
    STATUSES,
    TOOLS,
    Requirements,
    checks,
    fit,
    load_tools,
    option_table,
)

__all__ = [
    "NODE_OPTIONS",
    "PUBLISHED",
    "REQUIREMENTS",
    "STATUSES",
    "TIMELINE",
    "TOOLS",
    "Requirements",
    "activity",
    "checks",
    "figures",
    "fit",
    "load_activity",
    "load_tools",
    "option_table",
    "published_figures",
    "published_vs_data",
    "timeline",
    "tools",
]
