"""Reads of more than one filter, each a fixed number of queries whatever the data size."""

from . import cadres, flags, roll

__all__ = ["cadres", "flags", "roll"]
