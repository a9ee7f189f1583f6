"""Rules of the red_flags area (being written)."""
