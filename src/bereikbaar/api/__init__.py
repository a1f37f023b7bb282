"""The REST API (django-ninja) at /api/v1, with bearer tokens."""
