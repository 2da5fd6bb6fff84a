"""HTTP routes: they translate HTTP to service calls and nothing more."""
