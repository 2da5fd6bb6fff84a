"""Resilience: strategies and presets, retries, circuit breakers, fallbacks, disconnect cancellation."""
