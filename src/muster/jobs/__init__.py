"""Background jobs, run by the server's worker (queued on demand or, for the nightly ones, by its schedule) or
in the foreground by the CLI."""
