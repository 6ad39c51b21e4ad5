"""The <domstatus> document of a running domain.

libvirt keeps one per running guest (virDomainObjFormat with the QEMU
driver's qemuDomainObjPrivateXMLFormat): the domain's state, the
emulator's pid, taint flags, the monitor, vCPU threads, the emulator's
capability flags, device aliases, numad's advice and the live definition.
"""

from __future__ import annotations

from .errors import XMLError
from .format.context import FormatContext
from .format.domain import format_domain_into
from .model.domain import Domain
from .model.general import Status
from .parse.context import ParseContext
from .parse.domain import parse_domain
from .xmlreader import Element, child, children, parse_document
from .xmlwriter import XMLWriter

STATES = (
    "nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended",
)


def parse_status_xml(text: str, ctx: ParseContext) -> Domain:
    root = parse_document(text, "domain status")
    if root.tag != "domstatus":
        raise XMLError(f"unexpected root element <{root.tag}>, expecting <domstatus>")
    st = _parse_status(root)
    dom_el = child(root, "domain")
    if dom_el is None:
        raise XMLError("no domain config")
    dom = parse_domain(dom_el, ctx)
    dom.status = st
    return dom


def _parse_status(root: Element) -> Status:
    st = Status()
    state = root.get("state")
    if state is None:
        raise XMLError("missing domain state")
    if state not in STATES:
        raise XMLError(f"invalid domain state '{state}'")
    st.state = state
    st.reason = root.get("reason")
    pid = root.get("pid")
    if pid is None:
        raise XMLError("invalid pid")
    try:
        st.pid = int(pid, 10)
    except ValueError:
        raise XMLError("invalid pid") from None
    st.taints = [t.get("flag", "") for t in children(root, "taint")]
    mon = child(root, "monitor")
    if mon is None or mon.get("path") is None:
        raise XMLError("no monitor path")
    st.monitor_path = mon.get("path")
    st.monitor_json = mon.get("json") is not None
    st.monitor_type = mon.get("type", "pty")
    vcpus = child(root, "vcpus")
    if vcpus is not None:
        for v in children(vcpus, "vcpu"):
            try:
                st.vcpu_pids.append(int(v.get("pid", ""), 10))
            except ValueError:
                raise XMLError("failed to parse vcpu pids") from None
    qcaps = child(root, "qemuCaps")
    if qcaps is not None:
        st.qemu_caps = [f.get("name", "") for f in children(qcaps, "flag")]
    lock = child(root, "lockstate")
    if lock is not None:
        st.lock_state = lock.text
    job = child(root, "job")
    if job is not None:
        st.job = dict(job.attrib)
    devs = child(root, "devices")
    if devs is not None:
        st.device_aliases = [d.get("alias", "") for d in children(devs, "device")]
    st.fake_reboot = child(root, "fakereboot") is not None
    numad = child(root, "numad")
    if numad is not None:
        st.numad_nodeset = numad.get("nodeset")
    return st


def format_status_xml(dom: Domain, ctx: FormatContext) -> str:
    st = dom.status or Status()
    w = XMLWriter()
    w.start(
        "domstatus",
        ("state", st.state),
        ("reason", st.reason or "unknown"),
        ("pid", st.pid if st.pid is not None else 0),
    )
    for t in st.taints:
        w.empty("taint", ("flag", t))
    if st.monitor_path:
        w.empty(
            "monitor",
            ("path", st.monitor_path),
            ("json", "1" if st.monitor_json else None),
            ("type", st.monitor_type),
        )
    if st.vcpu_pids:
        w.start("vcpus")
        for pid in st.vcpu_pids:
            w.empty("vcpu", ("pid", pid))
        w.end("vcpus")
    if st.qemu_caps is not None:
        w.start("qemuCaps")
        for name in st.qemu_caps:
            w.empty("flag", ("name", name))
        w.end("qemuCaps")
    if st.lock_state:
        w.element("lockstate", st.lock_state)
    if st.job and st.job.get("type", "none") != "none":
        w.empty("job", *st.job.items())
    if st.device_aliases:
        w.start("devices")
        for alias in st.device_aliases:
            w.empty("device", ("alias", alias))
        w.end("devices")
    if st.fake_reboot:
        w.empty("fakereboot")
    if st.numad_nodeset:
        w.empty("numad", ("nodeset", st.numad_nodeset))
    format_domain_into(w, dom, ctx)
    w.end("domstatus")
    return w.text()
