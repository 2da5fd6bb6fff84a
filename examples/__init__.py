"""Worked examples of operation plug-ins: each is a package a fork can copy (docs/customization.md)."""
