"""Format loaders: walk a repository safely and parse each IaC file into the model."""
