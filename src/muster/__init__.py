"""Muster: intake, vetting and placement of volunteers."""

__version__ = "0.1.0"
