"""libvirt 9.0's graphics, audio and sound on the command line."""

from __future__ import annotations

import json
from types import MappingProxyType

import pytest
from qemudrv_helpers import domain_xml
from test_modern_cmdline import argv, modern_caps, option
from test_modern_xml import modern_xml

from harness.protocol import Capabilities
from qemudrv.errors import ConfigError


def test_audio_backends_carry_their_settings_and_devices_pick_theirs() -> None:
    args = argv("""
    <graphics type='vnc'><audio id='2'/></graphics>
    <sound model='ac97'><audio id='2'/></sound>
    <sound model='ich9'/>
    <audio id='1' type='oss' tryMMap='yes' dspPolicy='3' timerPeriod='50'>
      <input mixingEngine='no' fixedSettings='no' voices='2' dev='/dev/dsp0'/>
    </audio>
    <audio id='2' type='pulseaudio' serverName='pa.example.org'/>""",
                modern_caps("vnc", "ich9-intel-hda"))
    assert [json.loads(a) for a in option(args, "-audiodev")] == [
        {"id": "audio1", "driver": "oss", "timer-period": 50, "try-mmap": True,
         "dsp-policy": 3,
         "in": {"mixing-engine": False, "fixed-settings": False, "voices": 2,
                "dev": "/dev/dsp0"}},
        {"id": "audio2", "driver": "pa", "server": "pa.example.org"}]
    assert option(args, "-vnc")[0].endswith(",audiodev=audio2")
    devices = [json.loads(d) for d in option(args, "-device")]
    assert any(d["driver"] == "AC97" and d["audiodev"] == "audio2" for d in devices)
    # a sound device naming no backend plays through the first one
    assert any(d["driver"] == "hda-duplex" and d["audiodev"] == "audio1" for d in devices)


def test_sdl_audio_names_its_driver_in_the_environment() -> None:
    args = argv("<audio id='1' type='sdl' driver='pulseaudio'/>", modern_caps())
    assert "SDL_AUDIODRIVER=pulseaudio" in args
    assert json.loads(option(args, "-audiodev")[0]) == {"id": "audio1", "driver": "sdl"}


def test_socket_listens_default_to_the_domain_directory() -> None:
    args = argv("""
    <graphics type='vnc'><listen type='socket'/></graphics>
    <graphics type='spice'><listen type='socket' socket='/tmp/a,b.sock'/></graphics>""",
                modern_caps("vnc", "spice"))
    assert option(args, "-vnc") == ["vnc=unix:/tmp/lib/domain--1-t/vnc.sock,audiodev=audio1"]
    assert option(args, "-spice") == ["unix,addr=/tmp/a,,b.sock,disable-ticketing=on,"
                                      "seamless-migration=on"]


def test_spice_gl_and_egl_headless_render_on_the_host_s_drm_node() -> None:
    base = modern_caps("vnc", "spice", "spice-gl", "spice-rendernode", "egl-headless",
                       "egl-headless.rendernode", spice_password="x")
    tables = {**base.tables,
              "host": MappingProxyType({**base.tables["host"], "drm_render_node": "/dev/dri/foo"})}
    caps = Capabilities(base.name, base.flags, base.config, MappingProxyType(tables))
    args = argv("<graphics type='spice' autoport='no'><gl enable='yes'/></graphics>", caps)
    assert option(args, "-spice") == ["port=0,gl=on,rendernode=/dev/dri/foo,"
                                      "seamless-migration=on"]
    args = argv("<graphics type='vnc'/><graphics type='egl-headless'/>", caps)
    assert option(args, "-display") == ["egl-headless,rendernode=/dev/dri/foo"]


def test_secondary_virtio_video_is_a_gpu_with_its_virtio_switches() -> None:
    args = argv("""
    <video><model type='qxl' vram64='131072'/></video>
    <video><driver iommu='on' ats='off'/><model type='virtio' heads='2'>
      <resolution x='800' y='600'/></model></video>""",
                modern_caps("qxl", "virtio-gpu", "qxl.vram64_size_mb"))
    devices = [json.loads(d) for d in option(args, "-device")]
    primary = next(d for d in devices if d["id"] == "video0")
    assert primary["driver"] == "qxl-vga" and primary["vram64_size_mb"] == 128
    secondary = next(d for d in devices if d["id"] == "video1")
    assert list(secondary)[:4] == ["driver", "iommu_platform", "ats", "id"]
    assert secondary["driver"] == "virtio-gpu-pci" and secondary["max_outputs"] == 2
    assert (secondary["xres"], secondary["yres"]) == (800, 600)


@pytest.mark.parametrize("video, message", [
    ("<video><model type='vga' ram='1024'/></video>",
     "ram attribute only supported for video type qxl"),
    ("<video><model type='vga'/></video><video><model type='cirrus'/></video>",
     "video type 'cirrus' is only valid as primary video device"),
])
def test_9_0_video_validation(video: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        argv(video, modern_caps("VGA", "cirrus-vga"))


def test_tcp_chardev_tls_logs_and_reconnect() -> None:
    args = argv("""
    <serial type='tcp'><source mode='connect' host='h' service='5555'>
      <reconnect enabled='yes' timeout='10'/></source>
      <log file='/tmp/log' append='on'/><target port='0'/></serial>
    <channel type='unix'><source mode='connect' path='/tmp/g.sock'/>
      <target type='guestfwd' address='10.0.2.1' port='4600'/></channel>""",
                modern_caps(chardev_tls=True, chardev_tls_x509_certdir="/pki"))
    tls = json.loads(option(args, "-object")[-1])
    assert tls == {"qom-type": "tls-creds-x509", "id": "objcharserial0_tls0", "dir": "/pki",
                   "endpoint": "client", "verify-peer": True}
    assert option(args, "-chardev")[1] == (
        "socket,id=charserial0,host=h,port=5555,reconnect=10,tls-creds=objcharserial0_tls0,"
        "logfile=/dev/fdset/0,logappend=on")
    # libvirt opens the log file and passes it
    assert option(args, "-add-fd")[0].endswith("opaque=serial0-log")
    assert option(args, "-chardev")[2] == "socket,id=charchannel0,path=/tmp/g.sock"
    assert json.loads(option(args, "-netdev")[0]) == {
        "type": "user", "guestfwd": [{"str": "tcp:10.0.2.1:4600-chardev:charchannel0"}],
        "id": "channel0"}


@pytest.mark.parametrize("devices, message", [
    ("<sound model='ac97'><audio id='2'/></sound>", "no audio device with ID 2"),
    ("<audio id='1' type='spice'/>", "Spice audio is not supported without spice graphics"),
    ("<graphics type='sdl'/><graphics type='egl-headless'/>",
     "graphics type 'egl-headless' is only supported with one of: 'vnc', 'spice'"),
    ("<parallel type='pty'/>", "parallel ports are not supported"),
    ("<serial type='tcp'><source mode='bind' host='h' service='1'>"
     "<reconnect enabled='yes' timeout='1'/></source></serial>",
     "chardev reconnect is possible only for connect mode"),
])
def test_9_0_device_validation(devices: str, message: str) -> None:
    # s390 guests have no place for a parallel port
    machine = {"arch": "s390x", "machine": "s390-ccw-virtio"} if "parallel" in devices else {}
    with pytest.raises(ConfigError, match=message):
        argv(devices, modern_caps("sdl", "egl-headless"), **machine)


def test_audio_is_written_back_in_libvirt_s_order() -> None:
    out = modern_xml(domain_xml("""
    <audio id='1' type='oss' dspPolicy='3' tryMMap='yes'>
      <output tryPoll='no' mixingEngine='yes' fixedSettings='yes'>
        <settings format='s16' frequency='44100'/>
      </output>
      <input bufferCount='0'/>
    </audio>"""))
    assert ("<audio id='1' type='oss' tryMMap='yes' dspPolicy='3'>\n"
            "      <output mixingEngine='yes' fixedSettings='yes' tryPoll='no'>\n"
            "        <settings frequency='44100' format='s16'/>\n"
            "      </output>\n"
            "    </audio>") in out


def test_fixed_audio_settings_need_the_mixing_engine() -> None:
    with pytest.raises(ConfigError, match="fixed audio settings requires mixing engine"):
        modern_xml(domain_xml("<audio id='1' type='none'><input fixedSettings='yes'/></audio>"))


def test_9_0_display_and_chardev_xml_round_trips() -> None:
    devices = """
    <channel type='qemu-vdagent'>
      <source>
        <clipboard copypaste='yes'/>
        <mouse mode='client'/>
      </source>
      <target type='virtio' name='com.redhat.spice.0'/>
    </channel>
    <graphics type='vnc' socket='/tmp/vnc.sock' powerControl='yes'>
      <audio id='1'/>
    </graphics>
    <graphics type='egl-headless'>
      <gl rendernode='/dev/dri/foo'/>
    </graphics>"""
    out = modern_xml(domain_xml(devices))
    assert ("<source>\n        <clipboard copypaste='yes'/>\n        <mouse mode='client'/>\n"
            "      </source>") in out
    assert ("<graphics type='vnc' socket='/tmp/vnc.sock' powerControl='yes'>\n"
            "      <listen type='socket' socket='/tmp/vnc.sock'/>\n"
            "      <audio id='1'/>\n"
            "    </graphics>") in out
    assert "<graphics type='egl-headless'>\n      <gl rendernode='/dev/dri/foo'/>" in out
