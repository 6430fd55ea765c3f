"""Stand-ins for external services that tests reach over real sockets."""
