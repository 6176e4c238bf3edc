"""Reads of more than one filter, one module per subject, each a fixed number of queries."""

from . import agenda, guidance, minutes, residence, resolution, roll, schedule

__all__ = ["agenda", "guidance", "minutes", "residence", "resolution", "roll", "schedule"]
