"""bereikbaar: a human-first omnichannel customer-contact platform."""
