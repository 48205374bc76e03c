"""Demo data: synthetic people and applications for trying Muster out and for tests. Nothing here is real."""
