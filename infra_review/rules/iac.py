"""Rules of the iac area (being written)."""
