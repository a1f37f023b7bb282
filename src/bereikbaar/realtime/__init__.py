"""Realtime events: named in one place, published to browser groups only after commit."""
