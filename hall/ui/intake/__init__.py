"""The intake page and its steps."""
