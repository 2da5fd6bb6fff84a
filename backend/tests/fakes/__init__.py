"""Fake services for tests: real sockets, scripted answers."""
