"""Connections to services outside Courzly (Google Drive ...)."""
