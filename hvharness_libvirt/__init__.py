"""Import libvirt's QEMU test data (xml2argv, xml2xml) as a conformance suite.

Knows libvirt's test programs; the harness knows nothing of it and finds the
``hvharness import-libvirt`` command through the ``hvharness.commands``
entry-point group.
"""

from .importer import ImportResult, LibvirtImportError, import_libvirt

__all__ = ["ImportResult", "LibvirtImportError", "import_libvirt"]
