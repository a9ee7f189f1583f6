"""How an untrusted repository is read: the confined walk, decoding, isolated parser workers, the parse cache, safe YAML."""
