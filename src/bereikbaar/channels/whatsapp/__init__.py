"""The whatsapp channel."""
