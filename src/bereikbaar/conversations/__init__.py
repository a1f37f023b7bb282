"""The case: a conversation with its messages across every channel, and their attachments."""
