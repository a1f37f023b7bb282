"""The API channel: messages posted to /api/v1/inbound, replies posted to a callback URL."""
