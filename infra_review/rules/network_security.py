"""Rules of the network_security area (being written)."""
