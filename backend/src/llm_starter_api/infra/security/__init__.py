"""API keys, and later rate and request limits."""
