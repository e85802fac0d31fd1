"""Model suite: one row per model of the original project's README table (see registry.py)."""
