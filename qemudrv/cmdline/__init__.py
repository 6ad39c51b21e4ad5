"""Model → QEMU command line. ``builder`` sets the order; one module per family."""
