"""hall: the one-window counter program of a government service hall."""

__version__ = "0.1.0"
