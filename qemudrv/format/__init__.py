"""Model → domain XML, as libvirt formats it. One module per element family."""
