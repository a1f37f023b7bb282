"""Help centre: articles, Dutch search, deflection, the public help and contact pages."""
