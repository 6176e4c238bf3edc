"""Reads of more than one filter, one module per subject, each a fixed number of queries."""

from . import agenda, cadres, flags, guidance, minutes, ratings, resolution, roll, schedule

__all__ = ["agenda", "cadres", "flags", "guidance", "minutes", "ratings", "resolution", "roll", "schedule"]
