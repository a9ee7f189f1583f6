"""Rules of the cost area (being written)."""
