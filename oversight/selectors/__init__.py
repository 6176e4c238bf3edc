"""Reads of more than one filter, one module per subject, each a fixed number of queries."""

from . import cadres, flags, overview, ratings, removal

__all__ = ["cadres", "flags", "overview", "ratings", "removal"]
