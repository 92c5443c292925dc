"""Chapter 5, "Serving 100 Gbps from one server": lock contention, fake NUMA and the path to 90 Gbps TLS.

The sendfile serving path of a Netflix Open Connect Appliance as a closed
queueing network (each CPU a customer looping through CPU work, memory, its
NUMA domain's inactive page-queue lock and the global pbuf mutex), solved two
independent ways that must agree:

=============================== ==================================================
:func:`solve`                   exact solution (convolution / MVA) of a :class:`ClosedNetwork`
:func:`simulate`                numba discrete-event simulation of the same network
:func:`evaluate`                a :class:`ServerConfig` (the post's knobs) to Gbps and bottleneck
:func:`calibrate`               the six quantities fitted, one per published step
:func:`sensitivity`             every step again with each assumption at the ends of its range
:func:`published_vs_model`      the post's steps beside the model's (tidy polars frame)
:func:`lockstat`                per lock per step: acquisitions, utilisation, hold, spin
:func:`usl_fit`, :func:`usl_table`, :func:`scaling`  Universal Scalability Law
:func:`sweep`, :func:`two_methods`  one knob swept (grid sliders); exact vs simulated
:func:`mbuf_chain`, :func:`pcie_slot`  the post's 1 MB = 256 pages arithmetic; the x8 slot's bandwidth
:func:`mbuf_page_arrays_gain`   the model's gain from 1 to 24 pages per mbuf (the post: +7 Gbps)
:func:`summary`                 headline numbers at :data:`DEFAULTS` (``labcdn serving --json``)
:data:`STEPS`, :data:`POST`     the published steps and their source (:mod:`~labcdn.serving.figures`)
=============================== ==================================================

Every input, with its source, is in ``data/serving_calibration.csv``
(:func:`read_calibration`).

References
----------
.. [1] D. Gallatin, "Serving 100 Gbps from an Open Connect Appliance", Netflix
   Technology Blog, 2017.
"""

from labcdn.serving.appliance import ServerConfig, ServerResult, step_configs
from labcdn.serving.calibration import (
    PLATFORMS,
    Calibration,
    Fit,
    Platform,
    default_calibration,
    read_calibration,
)
from labcdn.serving.figures import FACTS, MBUF_PAGE_ARRAYS_GAIN_GBPS, POST, STEPS, Step
from labcdn.serving.fitting import SENSITIVITY, calibrate, default_fit, evaluate, ram_sensitivity, sensitivity
from labcdn.serving.network import ClosedNetwork, NetworkSolution, asymptotic_bounds, solve
from labcdn.serving.request import MbufChain, PcieSlot, mbuf_chain, mbuf_page_arrays_gain, pcie_slot
from labcdn.serving.simulation import SimulationResult, simulate
from labcdn.serving.steps import (
    DEFAULTS,
    TOLERANCE,
    ServingParams,
    lockstat,
    mbuf_and_slot,
    published_vs_model,
    step_results,
    summary,
)
from labcdn.serving.sweeps import KNOBS, sweep, two_methods
from labcdn.serving.usl import LAYOUTS, UslFit, scaling, usl_fit, usl_table

__all__ = [
    "DEFAULTS",
    "FACTS",
    "MBUF_PAGE_ARRAYS_GAIN_GBPS",
    "MbufChain",
    "PcieSlot",
    "mbuf_and_slot",
    "mbuf_chain",
    "mbuf_page_arrays_gain",
    "pcie_slot",
    "ram_sensitivity",
    "KNOBS",
    "LAYOUTS",
    "PLATFORMS",
    "POST",
    "SENSITIVITY",
    "STEPS",
    "TOLERANCE",
    "Calibration",
    "ClosedNetwork",
    "ServingParams",
    "Fit",
    "NetworkSolution",
    "Platform",
    "ServerConfig",
    "ServerResult",
    "SimulationResult",
    "Step",
    "UslFit",
    "asymptotic_bounds",
    "calibrate",
    "default_calibration",
    "default_fit",
    "evaluate",
    "lockstat",
    "published_vs_model",
    "read_calibration",
    "scaling",
    "sensitivity",
    "simulate",
    "solve",
    "step_configs",
    "step_results",
    "summary",
    "sweep",
    "two_methods",
    "usl_fit",
    "usl_table",
]
