"""Background jobs: run by a scheduler (cron, systemd timer) or the CLI; each takes a built container."""
