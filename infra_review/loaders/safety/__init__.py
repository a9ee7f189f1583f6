"""How an untrusted repository is read.

The confined walk, decoding, isolated parser workers, the parse cache, safe YAML.
"""
