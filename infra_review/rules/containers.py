"""Rules of the containers area (being written)."""
