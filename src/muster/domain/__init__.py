"""The pure core of Muster: value types, rules and algorithms, with no I/O, clock, web or database."""
