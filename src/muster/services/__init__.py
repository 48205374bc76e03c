"""Use cases: import the domain and the ports only."""
