"""Plumbing every layer uses: paths, settings, logging, i18n, clock, errors."""
