"""Who a customer is: contacts and their identities on every channel."""
