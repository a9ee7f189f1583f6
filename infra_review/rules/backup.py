"""Rules of the backup area (being written)."""
