"""Batch jobs: durable on Redis with arq workers, or in the API process without Redis."""
