"""Rapport: trust and connection at work."""
