"""People and machines: users with roles, password hashing, API tokens and web sessions."""
