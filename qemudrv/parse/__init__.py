"""Domain XML → model. One module per element family."""
