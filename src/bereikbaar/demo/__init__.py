"""The demo organisation and the customer simulator (bereikbaar demo)."""
