"""The outbound door: reply() stores and enqueues in one transaction; senders by channel."""
