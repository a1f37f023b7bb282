"""The web chat channel: an embeddable widget (/widget.js) talking over /ws/chat/."""
