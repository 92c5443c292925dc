"""The chapter's parameters: :class:`ReplicationParams` (published figures and assumptions) and the choices.

:func:`_checked` validates a :class:`ReplicationParams` for every study in the package.
"""

from __future__ import annotations

from dataclasses import dataclass

from labcdn._validation import check_choice, check_range

COPY_RULES = ("none", "popularity", "uniform")
ROUTINGS = ("hash", "random", "least_loaded")
PLACEMENTS = ("ring", "rendezvous")
WORKLOADS = ("catalogue", "zipf")
MAX_SERVERS = 10_000


@dataclass(frozen=True)
class ReplicationParams:
    """The replication and tiers chapter's slider defaults.

    Attributes
    ----------
    servers : int
        Servers in the cluster: 100 (assumption, as in the hashing chapter).
    workload : str
        ``"catalogue"``: files, sizes and demand from
        :mod:`labcdn.popularity` (the popularity chapter's model);
        ``"zipf"``: ``files`` equal-sized files with Zipf demand.
    titles : int
        Catalogue titles: 500, :class:`labcdn.popularity.CatalogueParams`' default
        (about 245,000 files, 57 TB).
    files : int
        Files of the ``zipf`` workload: 100,000 (the hashing chapter's).
    zipf_exponent : float
        Popularity skew: 0.85, the title exponent of
        :class:`labcdn.popularity.DemandParams` (Netflix weekly Top 10 lists);
        for ``zipf`` it is the file exponent.
    file_gb : float
        Size of each ``zipf`` file: 1 GB (assumption).
    copy_rule : str
        ``"popularity"``, Open Connect's rule (Vora et al. 2018).
    max_copies : int
        Cap on copies per file: 8 (assumption; Netflix publishes no cap).
    copy_share : float
        Largest share of a server's mean load one copy should carry: 0.25 (assumption).
    uniform_copies : int
        Copies per file under the ``uniform`` rule: 2 (assumption).
    placement : str
        ``"ring"``: consistent hashing, as Open Connect places content
        ("Distributing Content to Open Connect", Vora, Berglund et al.).
    vnodes : int
        Ring points per server: 160, libmemcached's ketama figure (as the hashing chapter).
    routing : str
        ``"least_loaded"``.
    choices : int
        ``d`` for request-level least-loaded routing: 2, the power of two choices.
    server_gbps : float
        NIC limit per server: 100 Gbps, Open Connect's high-throughput servers
        ("up to 100Gbps", Vora et al. 2018).
    utilisation : float
        Offered demand as a share of the cluster's aggregate capacity: 0.5 (assumption).
    failed : int or None
        Server that fails; ``None``: the one holding the first copy of the most
        demanded file (the hottest rock).
    requests : int
        Requests in the request-level simulation: 1,000,000.
    seed : int
        Seed of the catalogue and request draws (arbitrary).
    flash_servers, storage_servers : int
        Servers of each type in the tiered cluster: 6 and 4 (assumption).
    ram_gb_flash, ram_gb_storage : float
        Page cache per server used for content: 256 GB (assumption) and 64 GB
        (the 2013 storage appliance's RAM, Ars Technica 2022 teardown).
    """

    servers: int = 100
    workload: str = "catalogue"
    titles: int = 500
    files: int = 100_000
    zipf_exponent: float = 0.85
    file_gb: float = 1.0
    copy_rule: str = "popularity"
    max_copies: int = 8
    copy_share: float = 0.25
    uniform_copies: int = 2
    placement: str = "ring"
    vnodes: int = 160
    routing: str = "least_loaded"
    choices: int = 2
    server_gbps: float = 100.0
    utilisation: float = 0.5
    failed: int | None = None
    requests: int = 1_000_000
    seed: int = 2018
    flash_servers: int = 6
    storage_servers: int = 4
    ram_gb_flash: float = 256.0
    ram_gb_storage: float = 64.0


DEFAULTS = ReplicationParams()


def _checked(defaults):
    if not isinstance(defaults, ReplicationParams):
        raise ValueError(f"defaults must be a labcdn.replication.ReplicationParams; got {type(defaults).__name__}")
    d = defaults
    check_range("servers", d.servers, 1, MAX_SERVERS, integer=True)
    check_choice("workload", d.workload, WORKLOADS)
    check_range("titles", d.titles, 1, 100_000, integer=True)
    check_range("files", d.files, 1, 10_000_000, integer=True)
    check_range("zipf_exponent", d.zipf_exponent, 0.0, 3.0)
    check_range("file_gb", d.file_gb, 0.0, 1000.0, low_open=True)
    check_choice("copy_rule", d.copy_rule, COPY_RULES)
    check_range("max_copies", d.max_copies, 1, None, integer=True)
    check_range("copy_share", d.copy_share, 0.0, 1000.0, low_open=True)
    check_range("uniform_copies", d.uniform_copies, 1, d.servers, integer=True)
    check_choice("placement", d.placement, PLACEMENTS)
    check_range("vnodes", d.vnodes, 1, 100_000, integer=True)
    check_choice("routing", d.routing, ROUTINGS)
    check_range("choices", d.choices, 1, 1000, integer=True)
    check_range("server_gbps", d.server_gbps, 0.0, 10_000.0, low_open=True)
    check_range("utilisation", d.utilisation, 0.0, 1.0, low_open=True)
    if d.failed is not None:
        check_range("failed", d.failed, 0, d.servers - 1, integer=True)
    check_range("requests", d.requests, 1, 50_000_000, integer=True)
    check_range("seed", d.seed, 0, None, integer=True)
    check_range("flash_servers", d.flash_servers, 0, MAX_SERVERS, integer=True)
    check_range("storage_servers", d.storage_servers, 0, MAX_SERVERS, integer=True)
    if d.flash_servers + d.storage_servers < 1:
        raise ValueError("flash_servers + storage_servers must be at least 1")
    check_range("ram_gb_flash", d.ram_gb_flash, 0.0, 1e6)
    check_range("ram_gb_storage", d.ram_gb_storage, 0.0, 1e6)
    return d
