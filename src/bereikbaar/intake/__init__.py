"""The inbound door: accept() durably, then the worker parses and ingest() files it in a story."""
