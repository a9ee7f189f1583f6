"""Rules of the monitoring area (being written)."""
