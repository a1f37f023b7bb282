"""The sms channel."""
