"""Post-parse defaults of each device family (libvirt's PostParse callbacks)."""
