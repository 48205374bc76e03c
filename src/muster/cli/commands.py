"""Registry of command modules: each adds its commands or sub-app to `muster.cli.app`."""

from __future__ import annotations

import importlib

# One entry per command module; a module missing here is not part of the CLI.
MODULES = ("serve", "users", "demo", "export", "trust", "seeds", "screen", "keys", "audit", "erase", "backup", "watchlist",
           "duplicates")

for _name in MODULES:
    importlib.import_module(f"muster.cli.{_name}")
