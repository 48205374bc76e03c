"""SQLAlchemy 2 adapter: tables, engine, repositories and the unit of work."""
