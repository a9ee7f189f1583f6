"""Rules of the deployment area (being written)."""
