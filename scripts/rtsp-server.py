#!/usr/bin/python3
"""A real RTSP server for tests: gst-rtsp-server through python3-gi, on 127.0.0.1 only.

Run it with Debian's interpreter (the first python3 on PATH may not see python3-gi):

    /usr/bin/python3 scripts/rtsp-server.py --port 8554 --lifetime 120 \\
        --mount clip=Tests/FrameIngestTests/Fixtures/h264_320x180_25fps_2s.mp4 \\
        --mount live=testsrc:320x180@25

Prints one line per mount on stdout, flushed, once the server listens:

    ready rtsp://127.0.0.1:8554/clip
    ready rtsp://127.0.0.1:8554/live

--port 0 lets the kernel pick a free port (the ready lines carry the real one). Exits with status 0 on
SIGTERM, SIGINT or after --lifetime seconds; with status 1 and a message on stderr if a mount cannot start.

Mount SPECs:
  PATH                   an H.264 file (MP4, MKV, TS...). Served without re-encoding: one private pipeline
                         per file demuxes it at real-time speed and loops forever (seek to 0 at EOS); its
                         access units are copied, retimed, into every RTSP session of that mount. It behaves
                         like a camera: the stream is already running when a client joins, a client starts at
                         the next keyframe, and timestamps keep increasing across loops. CPU cost: demux and
                         parse only (about 1 % of a core).
  testsrc:WxH@FPS        a live videotestsrc (bouncing ball + running-time overlay) encoded by x264enc
                         tune=zerolatency speed-preset=ultrafast key-int-max=2*FPS; the pipeline starts with
                         the first client and stops when the last one leaves.

--direct serves PATH mounts with C elements only (no Python per buffer), for benchmarks with many cameras:
one pipeline per mount (`filesrc ! parsebin ! h264parse ! rtph264pay`), started when its first client asks and
played once from the file's start at real time; it does not loop, so give it a clip longer than the run (the
bench uses its 60 s clip stream-copied ten times). Without --direct, every access unit of every session passes
through the Python feeder callback, whose cost and GIL contention grow with the number of mounts.

Each mount's media is shared between clients; RTP over TCP (interleaved) and over UDP are both offered.
UDP ports are taken from 127.0.0.1:40000-49999.
"""
import argparse
import os
import re
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

HOST = "127.0.0.1"
TESTSRC = re.compile(r"testsrc:(\d+)x(\d+)@(\d+)$")
# GST_BUFFER_COPY_ALL is a C macro, so introspection does not see it.
COPY_ALL = (Gst.BufferCopyFlags.FLAGS | Gst.BufferCopyFlags.TIMESTAMPS
            | Gst.BufferCopyFlags.META | Gst.BufferCopyFlags.MEMORY)


class FileFeeder:
    """Plays one H.264 file forever at real-time speed and pushes its access units into attached appsrcs."""

    def __init__(self, path):
        self.pipeline = Gst.parse_launch(
            "filesrc name=file ! parsebin ! h264parse config-interval=-1 "
            "! video/x-h264,stream-format=byte-stream,alignment=au "
            "! appsink name=sink sync=true emit-signals=true max-buffers=8"
        )
        self.pipeline.get_by_name("file").set_property("location", path)
        self.path = path
        self.caps = None
        self.lock = threading.Lock()
        self.outputs = []  # [appsrc, offset or None]; offset maps file time to that pipeline's running time
        # "Stream time" runs on across passes through the file: a buffer's time in the file, minus
        # pass_start (the first pts of the pass, not always 0, e.g. in MPEG-TS), plus loop_base.
        self.loop_base = 0
        self.pass_start = None
        self.loop_end = 0  # end of the latest buffer so far, in stream time
        self.pipeline.get_by_name("sink").connect("new-sample", self._on_sample)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self._on_message)

    def start(self, timeout_s=10):
        """Prerolls (so the caps are known before the first client asks) and starts playing."""
        self.pipeline.set_state(Gst.State.PAUSED)
        result, _, _ = self.pipeline.get_state(timeout_s * Gst.SECOND)
        if result == Gst.StateChangeReturn.FAILURE or result == Gst.StateChangeReturn.ASYNC:
            raise RuntimeError(f"{self.path}: cannot preroll as H.264 (not H.264, or unreadable)")
        self.caps = self.pipeline.get_by_name("sink").emit("pull-preroll").get_caps()
        self.pipeline.set_state(Gst.State.PLAYING)

    def stop(self):
        self.pipeline.set_state(Gst.State.NULL)

    def attach(self, appsrc):
        entry = [appsrc, None]
        with self.lock:
            self.outputs.append(entry)
        return entry

    def detach(self, entry):
        with self.lock:
            if entry in self.outputs:
                self.outputs.remove(entry)

    def _on_sample(self, sink):
        # Streaming thread of the feeder pipeline. PyGObject would print an exception here and carry on,
        # once per frame, while clients starve; a bug should stop the server instead.
        try:
            return self._forward(sink.emit("pull-sample").get_buffer())
        except Exception as error:  # noqa: BLE001
            fail(f"{self.path}: {error!r}")

    def _forward(self, buf):
        keyframe = not buf.has_flags(Gst.BufferFlags.DELTA_UNIT)
        with self.lock:
            file_dts = buf.pts if buf.dts == Gst.CLOCK_TIME_NONE else buf.dts
            if self.pass_start is None:
                # The pts (not dts) of the pass's first keyframe: with B-frames dts starts earlier, and
                # lining up pts keeps the displayed frames evenly spaced across the loop point.
                self.pass_start = buf.pts
            pts = buf.pts - self.pass_start + self.loop_base
            dts = file_dts - self.pass_start + self.loop_base
            duration = 0 if buf.duration == Gst.CLOCK_TIME_NONE else buf.duration
            self.loop_end = max(self.loop_end, pts + duration)
            for entry in self.outputs:
                appsrc, offset = entry
                if offset is None:
                    # Start each session on a keyframe, and only once its pipeline runs (has a clock).
                    clock = appsrc.get_clock()
                    if not keyframe or clock is None:
                        continue
                    offset = entry[1] = clock.get_time() - appsrc.get_base_time() - dts
                out = buf.copy_region(COPY_ALL, 0, buf.get_size())  # shares the memory, not a deep copy
                out.pts, out.dts = pts + offset, dts + offset
                appsrc.emit("push-buffer", out)
        return Gst.FlowReturn.OK

    def _on_message(self, _bus, message):
        # Main thread.
        if message.type == Gst.MessageType.EOS:
            with self.lock:
                self.loop_base, self.pass_start = self.loop_end, None
            self.pipeline.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.KEY_UNIT, 0)
        elif message.type == Gst.MessageType.ERROR:
            err, debug = message.parse_error()
            fail(f"{self.path}: {err.message} ({debug})")


def file_factory(feeder):
    factory = GstRtspServer.RTSPMediaFactory()
    # leaky-type=downstream bounds the queue if a client sits between DESCRIBE and PLAY for long.
    factory.set_launch(
        "( appsrc name=src is-live=true format=time max-bytes=4000000 leaky-type=downstream "
        "! rtph264pay name=pay0 pt=96 )"
    )

    def on_media_configure(_factory, media):
        appsrc = media.get_element().get_by_name_recurse_up("src")
        appsrc.set_property("caps", feeder.caps)
        entry = feeder.attach(appsrc)
        media.connect("unprepared", lambda _media: feeder.detach(entry))

    factory.connect("media-configure", on_media_configure)
    return factory


def direct_factory(path):
    """A mount whose whole pipeline is C elements: Python only sets the file when a media is made."""
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        "( filesrc name=file ! parsebin ! h264parse config-interval=-1 "
        "! video/x-h264,stream-format=byte-stream,alignment=au ! rtph264pay name=pay0 pt=96 )"
    )
    factory.connect("media-configure", lambda _factory, media: media.get_element()
                    .get_by_name_recurse_up("file").set_property("location", path))
    return factory


def testsrc_factory(width, height, fps):
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        f"( videotestsrc is-live=true pattern=ball "
        f"! video/x-raw,width={width},height={height},framerate={fps}/1 "
        f"! timeoverlay ! videoconvert "
        f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={2 * fps} "
        # SPS/PPS in front of every IDR, inside the access unit. rtph264pay config-interval=-1 sends them
        # as separate packets with the IDR's timestamp, which ffmpeg turns into duplicate dts.
        f"! h264parse config-interval=-1 "
        f"! rtph264pay name=pay0 pt=96 )"
    )
    return factory


# The elements each kind of mount launches, and the Debian package that ships each one. A testsrc pipeline is
# only built when the first client asks, and a missing element then surfaces as a bare "503" to that client.
ELEMENTS = {
    "file": {"filesrc": "libgstreamer1.0-0", "parsebin": "gstreamer1.0-plugins-base",
             "h264parse": "gstreamer1.0-plugins-bad", "appsink": "gstreamer1.0-plugins-base",
             "appsrc": "gstreamer1.0-plugins-base", "rtph264pay": "gstreamer1.0-plugins-good"},
    "direct": {"filesrc": "libgstreamer1.0-0", "parsebin": "gstreamer1.0-plugins-base",
               "h264parse": "gstreamer1.0-plugins-bad", "rtph264pay": "gstreamer1.0-plugins-good"},
    "testsrc": {"videotestsrc": "gstreamer1.0-plugins-base", "timeoverlay": "gstreamer1.0-x",
                "videoconvert": "gstreamer1.0-plugins-base", "x264enc": "gstreamer1.0-plugins-ugly",
                "h264parse": "gstreamer1.0-plugins-bad", "rtph264pay": "gstreamer1.0-plugins-good"},
}


def check_elements(kinds):
    """Fails naming every missing GStreamer element and the package that provides it."""
    missing = sorted({f"{element} ({package})" for kind in kinds for element, package in ELEMENTS[kind].items()
                      if Gst.ElementFactory.find(element) is None})
    if missing:
        fail("missing GStreamer elements: " + ", ".join(missing))


def fail(message):
    """Ends the whole process. Also called on GStreamer threads, where sys.exit would end only the thread."""
    print(f"rtsp-server: {message}", file=sys.stderr, flush=True)
    os._exit(1)


def parse_mount(text):
    name, sep, spec = text.partition("=")
    name = name.strip("/")
    if not sep or not name or not spec:
        raise argparse.ArgumentTypeError(f"expected NAME=SPEC, got {text!r}")
    if spec.startswith("testsrc:"):
        match = TESTSRC.match(spec)
        if not match:
            raise argparse.ArgumentTypeError(f"expected testsrc:WIDTHxHEIGHT@FPS, got {spec!r}")
        return name, tuple(int(g) for g in match.groups())
    if not os.path.isfile(spec):
        raise argparse.ArgumentTypeError(f"no such file: {spec}")
    return name, os.path.abspath(spec)


def main():
    parser = argparse.ArgumentParser(description="RTSP test server on 127.0.0.1 (see the script's docstring).")
    parser.add_argument("--port", type=int, required=True, help="RTSP port; 0 picks a free one")
    parser.add_argument("--mount", type=parse_mount, action="append", required=True, metavar="NAME=SPEC",
                        help="PATH to an H.264 file, or testsrc:WIDTHxHEIGHT@FPS; repeatable")
    parser.add_argument("--lifetime", type=float, help="exit by itself after this many seconds")
    parser.add_argument("--direct", action="store_true",
                        help="serve files with C elements only, played once (see the docstring)")
    args = parser.parse_args()

    Gst.init(None)
    check_elements({"testsrc" if isinstance(spec, tuple) else "file" for _, spec in args.mount})
    if args.direct:
        check_elements({"direct"})
    loop = GLib.MainLoop()
    server = GstRtspServer.RTSPServer()
    server.set_address(HOST)
    server.set_service(str(args.port))
    # A unicast range in the pool makes UDP transport bind its RTP/RTCP ports to 127.0.0.1 too.
    pool = GstRtspServer.RTSPAddressPool()
    pool.add_range(HOST, HOST, 40000, 49999, 0)

    feeders = []
    mounts = server.get_mount_points()
    for name, spec in args.mount:
        if isinstance(spec, tuple):
            factory = testsrc_factory(*spec)
        elif args.direct:
            factory = direct_factory(spec)
        else:
            feeder = FileFeeder(spec)
            try:
                feeder.start()
            except RuntimeError as error:
                fail(str(error))
            feeders.append(feeder)
            factory = file_factory(feeder)
        factory.set_shared(True)
        # ffmpeg's PLAY carries "Range: npt=0.000-"; on a seekable shared media (videotestsrc is) the server
        # then does a flushing seek to 0, and every client already watching sees its timestamps jump back.
        # rtsp-media.c check_seekable() treats CLOCK_AND_OFFSET media as not seekable, so no seek happens;
        # the only other effect is two SDP lines (a=ts-refclk:local, a=mediaclk) that ffmpeg ignores.
        factory.set_publish_clock_mode(GstRtspServer.RTSPPublishClockMode.CLOCK_AND_OFFSET)
        factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
        factory.set_address_pool(pool)
        mounts.add_factory(f"/{name}", factory)

    # attach() binds the listening socket (gst-rtsp-server sets SO_REUSEADDR); 0 means the bind failed.
    if server.attach(None) == 0:
        fail(f"cannot listen on {HOST}:{args.port}")
    port = server.get_bound_port()
    for name, _ in args.mount:
        print(f"ready rtsp://{HOST}:{port}/{name}", flush=True)

    def quit_loop(*_):
        loop.quit()
        return GLib.SOURCE_REMOVE

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, quit_loop)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, quit_loop)
    if args.lifetime is not None:
        GLib.timeout_add(int(args.lifetime * 1000), quit_loop)
    loop.run()

    for feeder in feeders:
        feeder.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
