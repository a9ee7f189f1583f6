"""Rules of the spof area (being written)."""
