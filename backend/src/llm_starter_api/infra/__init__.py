"""Infrastructure services; they know nothing of text processing."""
