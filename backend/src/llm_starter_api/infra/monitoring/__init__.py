"""Request ids, and later metrics, logs and probes."""
