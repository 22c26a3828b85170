"""Pairing: coffee and lunch rounds in small groups that prefer weak ties and avoid repeats."""
