"""Web adapter: the JSON API, the reviewer UI and the public intake pages."""
