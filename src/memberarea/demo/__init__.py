"""Demo data for `make run`: a fictional insurer's staff and members, refreshed on every load."""
