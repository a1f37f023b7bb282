"""The agent inbox: views, templates and the WebSocket consumer."""
