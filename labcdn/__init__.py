"""labcdn: interactive studies of how a video CDN places and serves content."""

__version__ = "0.1.0"
