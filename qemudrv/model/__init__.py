"""The typed domain model shared by parsing, formatting and command lines."""
