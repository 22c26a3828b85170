"""A test-only app: models that exist to exercise shared helpers in tests."""
