#!/usr/bin/python3
"""Benchmark (not a test): what one box can carry, measured against FFmpeg itself.

    scripts/bench.py STREETWATCH_BINARY [--clip C] [--runs 5] [--streams 1,4,8,12,16,18]
                                        [--keyframe-streams 1,4,16,32,48,64] [--seconds 30] [--only file|live]

Prints two tables and writes both, with the machine, to docs/benchmarks.md:

1. File: CPU seconds per video second on the same 1080p25 H.264 clip for the ffmpeg CLI (`-threads 1`, scale to
   320-wide gray, `-f null -`), for `streetwatch decode` (FrameIngest alone) and for `streetwatch scan` (every rule
   on, 5 analysed fps, a fresh SQLite store), full decode and keyframes only. Runs alternate between the two
   programs and the median is kept. "Steady" subtracts each program's start-up cost (the same command on the
   clip's first 2 s) so that a 60 s clip measures what a camera that runs for months costs per second.
2. RTSP server alone: N plain ffmpeg clients (`-c copy`, no decoding) against N mounts of the server the live rows
   use, so that a slow start-up can be told apart from the server's: seconds until every client received its first
   packets, and the server's own CPU.
3. Live: N copies of the clip served as N RTSP cameras by scripts/rtsp-server.py --direct (real time, TCP, C
   elements only), one `streetwatch run` for the N cameras with every rule on; seconds from start until all N are
   online, then after a warm-up analysed fps per stream, CPU, RSS and drops over a fixed window, full decode and
   keyframes only. A row "holds" when every stream comes online within ONLINE_SECONDS, stays online, analyses at
   ≥ 95 % of the expected rate and drops nothing. Reference rows on one of the same streams: the ffmpeg CLI doing
   the decode and scale alone, and Debian's `motion` (the peer) when it is installed.
"""
import argparse
import datetime
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import machineinfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCALE = "scale=320:-2:flags=bilinear,format=gray"
FFMPEG = ["ffmpeg", "-nostdin", "-v", "error", "-threads", "1"]
TICKS = os.sysconf("SC_CLK_TCK")
RULES = """    rules:
      - {type: abandoned-object, category: "06010"}
      - {type: stationary-occupancy, category: "09006"}
      - {type: zone-activity, category: "06010"}
"""


def probe(clip, entries, *extra):
    out = subprocess.run(["ffprobe", "-v", "error", *extra, "-show_entries", entries, "-of", "csv=p=0", clip],
                         check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.strip()]


def machine():
    ffmpeg_version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split()[2]
    return f"{machineinfo.describe()}, ffmpeg {ffmpeg_version}"


def child_cpu(argv):
    """User + system CPU seconds of one child process run to completion."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def write_group(path, store, cameras, decode, listen=None):
    """A camera group with every rule on the whole frame; `cameras` is a list of (id, url); `decode` is full,
    keyframes or adaptive (True and False stand for keyframes and full)."""
    decode = {True: "keyframes", False: "full"}.get(decode, decode)
    text = f"group: {{id: bench, name: Benchmark}}\nstore: {{database: {store}}}\n"
    if listen:
        text += f"server: {{listen: \"{listen}\"}}\n"
    text += ("defaults: {analysis_fps: 5, analysis_width: 320, transport: tcp, "
             f"decode: {decode}}}\ncameras:\n")
    for camera_id, url in cameras:
        text += (f"  - id: {camera_id}\n    url: {url}\n"
                 "    location: {address: benchmark, lon: 0, lat: 0, grid_code: \"000000000000000\"}\n" + RULES)
    with open(path, "w") as f:
        f.write(text)
    return path


# ---------------------------------------------------------------------------------------------------------------
# 1. File: CPU per video second against ffmpeg

def file_table(binary, clip, long_clip, short_clip, runs, work):
    duration = {media: float(probe(media, "format=duration")[0]) for media in (clip, long_clip, short_clip)}

    def ffmpeg(media, keyframes, fps5=False):
        skip = ["-skip_frame", "nokey"] if keyframes else []
        vf = ("fps=5," if fps5 else "") + SCALE
        return FFMPEG + skip + ["-i", media, "-filter_threads", "1", "-vf", vf, "-f", "null", "-"]

    def decode(media, keyframes, fps="all"):
        return [binary, "decode", media, "--width", "320", "--fps", fps] + (["--keyframes-only"] if keyframes else [])

    def scan(media, keyframes):
        group = write_group(os.path.join(work, f"scan-{int(keyframes)}.yaml"), os.path.join(work, "unused.sqlite"),
                            [("bench", os.path.abspath(media))], keyframes)
        # A fresh store per run: a re-scan of the same recording would only skip the inserts.
        db = os.path.join(work, f"scan-{os.urandom(4).hex()}.sqlite")
        return [binary, "scan", group, "--camera", "bench", media, "--db", db, "--json",
                "--start", "2026-11-21T03:10:00+08:00"]

    # Keyframe-only rows run on the clip looped ten times: one pass of the short clip takes ~0.7 s, where
    # process start-up and scheduler noise would be a tenth of what is measured.
    rows = [
        ("decode, every frame scaled", clip, lambda m: ffmpeg(m, False), lambda m: decode(m, False)),
        ("decode, every frame, 5 fps scaled", clip, lambda m: ffmpeg(m, False, True), lambda m: decode(m, False, "5")),
        ("decode, keyframes only", long_clip, lambda m: ffmpeg(m, True), lambda m: decode(m, True)),
        ("scan, all rules, 5 fps (vs ffmpeg every frame)", clip, lambda m: ffmpeg(m, False), lambda m: scan(m, False)),
        ("scan, all rules, 5 fps (vs ffmpeg 5 fps scaled)", clip, lambda m: ffmpeg(m, False, True),
         lambda m: scan(m, False)),
        ("scan, all rules, keyframes only (vs ffmpeg keyframes)", long_clip, lambda m: ffmpeg(m, True),
         lambda m: scan(m, True)),
    ]
    print(f"clips {os.path.basename(clip)} ({duration[clip]:.0f} s), {os.path.basename(long_clip)} "
          f"({duration[long_clip]:.0f} s, keyframe rows); start-up measured on {os.path.basename(short_clip)} "
          f"({duration[short_clip]:.0f} s); median of {runs} alternating runs")
    print(f"{'file: CPU-s per video-s':54} {'clip':>5} {'ffmpeg':>8} {'ours':>8} {'ratio':>6}"
          f" {'ffmpeg steady':>14} {'ours steady':>12} {'ratio':>6}", flush=True)
    table = ["| mode | clip | ffmpeg | streetwatch | ratio | ffmpeg steady | streetwatch steady | steady ratio |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, media, reference, ours in rows:
        samples = {key: [] for key in ("ref", "ours", "ref_short", "ours_short")}
        for _ in range(runs):
            samples["ref"].append(child_cpu(reference(media)))
            samples["ours"].append(child_cpu(ours(media)))
            samples["ref_short"].append(child_cpu(reference(short_clip)))
            samples["ours_short"].append(child_cpu(ours(short_clip)))
        seconds, steady_seconds = duration[media], duration[media] - duration[short_clip]
        ref, mine = median(samples["ref"]), median(samples["ours"])
        ref_steady = (ref - median(samples["ref_short"])) / steady_seconds
        mine_steady = (mine - median(samples["ours_short"])) / steady_seconds
        a, b = ref / seconds, mine / seconds
        print(f"{name:54} {seconds:4.0f}s {a:8.4f} {b:8.4f} {b / a:6.3f} {ref_steady:14.4f} {mine_steady:12.4f}"
              f" {mine_steady / ref_steady:6.3f}", flush=True)
        table.append(f"| {name} | {seconds:.0f} s | {a:.4f} | {b:.4f} | {b / a:.3f} | {ref_steady:.4f} | "
                     f"{mine_steady:.4f} | {mine_steady / ref_steady:.3f} |")
    return table


# ---------------------------------------------------------------------------------------------------------------
# 2. Live: N RTSP cameras into one `streetwatch run`

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_cpu(pid):
    """CPU seconds (user + system, all threads) a running process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def process_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# Mounts per rtsp-server.py process. With --direct no Python runs per buffer: 64 plain ffmpeg clients against one
# process were all receiving within 13.5 s (0.47 server cores), where the Python feeder in four processes of 16 had
# 63 of 64 after 60 s (0.82 cores).
MOUNTS_PER_SERVER = 64
# How long a live row waits for every camera to report online before it is recorded as not holding (issue 15: a
# group of 64 must be online within 30 s of its start).
ONLINE_SECONDS = 30


def start_server(clip, streams):
    """N cameras from ceil(N / MOUNTS_PER_SERVER) server processes; returns (servers, urls)."""
    servers, urls = [], []
    for first in range(1, streams + 1, MOUNTS_PER_SERVER):
        mounts = []
        for index in range(first, min(streams, first + MOUNTS_PER_SERVER - 1) + 1):
            mounts += ["--mount", f"cam{index}={clip}"]
        # stderr to a file: an unread pipe that fills would block the server's main loop.
        log = os.path.join(os.path.dirname(clip), f"rtsp-server-{len(servers) + 1}.log")
        server = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "scripts", "rtsp-server.py"),
                                   "--port", "0", "--lifetime", "3600", "--direct", *mounts],
                                  stdout=subprocess.PIPE, stderr=open(log, "w"), text=True)
        servers.append(server)
        ready = 0
        while ready < len(mounts) // 2:
            line = server.stdout.readline()
            if not line:
                stop_all(servers)
                with open(log) as f:
                    raise SystemExit(f"bench: rtsp-server.py exited: {f.read().strip()}")
            if line.startswith("ready "):
                urls.append(line.split()[1])
                ready += 1
    return servers, urls


def servers_cpu(servers):
    return sum(process_cpu(server.pid) for server in servers)


def stop_all(servers):
    for server in servers:
        stop(server)


def cameras_online(state):
    """How many cameras of a /metrics reading (see `metrics`) report online."""
    return sum(1 for camera in state.values() if camera.get("streetwatch_camera_online") == 1)


def metrics(port):
    """Per-camera counters from /metrics: {camera: {family: value}}."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    cameras = {}
    for match in re.finditer(r'^(streetwatch_camera_\w+)\{[^}]*camera="([^"]+)"[^}]*\} (\S+)$', text, re.M):
        cameras.setdefault(match.group(2), {})[match.group(1)] = float(match.group(3))
    return cameras


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def live_row(binary, clip, streams, decode, window, warmup, work):
    servers, urls = start_server(clip, streams)
    port = free_port()
    name = f"{streams}-{decode}-{os.path.splitext(os.path.basename(clip))[0]}"
    group = write_group(os.path.join(work, f"live-{name}.yaml"), os.path.join(work, f"live-{name}.sqlite"),
                        [(f"cam{index + 1}", url) for index, url in enumerate(urls)], decode,
                        listen=f"127.0.0.1:{port}")
    # The log goes beside the clips, not in the temporary folder, so that a failed row can be looked at.
    log = os.path.join(os.path.dirname(clip), f"run-{name}.log")
    run = subprocess.Popen([binary, "run", group], stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    started = time.monotonic()
    try:
        deadline = time.monotonic() + ONLINE_SECONDS
        state = {}
        while True:
            try:
                state = metrics(port)
                if cameras_online(state) == streams:
                    break
            except OSError:
                pass
            if run.poll() is not None or time.monotonic() > deadline:
                raise NotOnline(f"{cameras_online(state)} of {streams} cameras online after {ONLINE_SECONDS} s; "
                                f"run log kept in {os.path.relpath(log, ROOT)}")
            time.sleep(0.5)
        online_after = time.monotonic() - started
        time.sleep(warmup)
        start = (time.monotonic(), metrics(port), process_cpu(run.pid), servers_cpu(servers))
        time.sleep(window)
        end = (time.monotonic(), metrics(port), process_cpu(run.pid), servers_cpu(servers))
        rss = process_rss_mib(run.pid)
    finally:
        stop(run)
        stop_all(servers)
    elapsed = end[0] - start[0]

    def delta(camera, family):
        return end[1][camera].get(family, 0) - start[1][camera].get(family, 0)

    fps = [delta(c, "streetwatch_camera_frames_analysed_total") / elapsed for c in end[1]]
    switches = sum(end[1][c].get("streetwatch_camera_decode_switches_total", 0) for c in end[1])
    every_frame = sum(1 for c in end[1].values() if c.get("streetwatch_camera_decoding_every_frame") == 1)
    drops = sum(delta(c, "streetwatch_camera_frames_dropped_total") for c in end[1])
    stalls = sum(delta(c, "streetwatch_camera_stalls_total") for c in end[1])
    online = cameras_online(end[1])
    lag = max(c.get("streetwatch_camera_lag_seconds", 0) for c in end[1].values())
    return {"fps_min": min(fps), "fps_mean": sum(fps) / len(fps), "drops": int(drops), "stalls": int(stalls),
            "lag": lag, "online_after": online_after, "switches": int(switches), "every_frame": every_frame,
            "online": online, "cpu": (end[2] - start[2]) / elapsed, "server_cpu": (end[3] - start[3]) / elapsed,
            "rss": rss}


class NotOnline(Exception):
    """A live row whose cameras did not all come online within ONLINE_SECONDS."""


def peer_row(clip, window, warmup, work, command):
    """CPU and RSS of another program on one of the same RTSP streams; `command(url)` gives its argv."""
    servers, urls = start_server(clip, 1)
    process = subprocess.Popen(command(urls[0]), stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(work, "peer.log"), "w"))
    try:
        time.sleep(warmup + 3)
        if process.poll() is not None:
            raise SystemExit(f"bench: {command(urls[0])[0]} exited early; see {work}")
        start = (time.monotonic(), process_cpu(process.pid))
        time.sleep(window)
        end = (time.monotonic(), process_cpu(process.pid))
        rss = process_rss_mib(process.pid)
    finally:
        stop(process)
        stop_all(servers)
    return {"cpu": (end[1] - start[1]) / (end[0] - start[0]), "rss": rss}


def ffmpeg_live(url):
    """The physical limit: the ffmpeg CLI decoding the live stream and scaling 5 fps to 320-wide gray."""
    return FFMPEG + ["-rtsp_transport", "tcp", "-i", url, "-filter_threads", "1", "-vf", "fps=5," + SCALE,
                     "-f", "null", "-"]


def motion_command(work):
    """Debian's motion with its own motion detection at 5 fps, 320x176 (its sizes are multiples of 8), writing
    no pictures or movies."""
    def command(url):
        conf = os.path.join(work, "motion.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon off
setup_mode off
log_file {work}/motion.log
target_dir {work}/motion
pid_file {work}/motion.pid
netcam_url {url}
netcam_params rtsp_transport=tcp
width 320
height 176
framerate 5
picture_output off
movie_output off
webcontrol_port 0
stream_port 0
""")
        return ["motion", "-n", "-c", conf]
    return command


def live_table(binary, clip, still_clip, full_counts, keyframe_counts, adaptive_counts, window, warmup, work):
    keyframes = len(probe(clip, "frame=pts_time", "-select_streams", "v:0", "-skip_frame", "nokey"))
    keyframe_rate = keyframes / float(probe(clip, "format=duration")[0])
    # (mode, clip, decode, camera counts, expected analysed fps, warm-up). An adaptive camera decodes every frame
    # for 10 s after a change (joining a stream can look like one), so its warm-up is longer; a still scene then
    # gives keyframes only.
    plans = [("full decode", clip, "full", full_counts, 5.0, warmup),
             ("keyframes only", clip, "keyframes", keyframe_counts, min(5.0, keyframe_rate), warmup),
             ("full decode, still scene", still_clip, "full", full_counts[:2], 5.0, warmup),
             ("adaptive, still scene", still_clip, "adaptive", adaptive_counts, min(5.0, keyframe_rate),
              max(warmup, 15))]
    print(f"\nlive: N RTSP cameras (1080p25, TCP) into one `streetwatch run`, all rules; warm-up {warmup} s, "
          f"window {window} s")
    print(f"{'mode':16} {'N':>3} {'online s':>8} {'fps/stream min/mean':>20} {'expected':>8} {'CPU cores':>9} "
          f"{'CPU/stream':>10} {'RSS MiB':>8} {'RSS/stream':>10} {'drops':>5} {'lag s':>5} {'server CPU':>10} holds",
          flush=True)
    table = ["| mode | N | all online after (s) | analysed fps per stream (min / mean) | expected | CPU (cores) "
             "| CPU per stream | RSS MiB | RSS per stream | drops | max lag (s) | RTSP server CPU | holds |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    sustained = {}
    rss = {}
    for mode, media, decode, counts, expected, row_warmup in plans:
        for streams in counts:
            try:
                row = live_row(binary, media, streams, decode, window, row_warmup, work)
            except NotOnline as problem:
                print(f"{mode:16} {streams:3} {problem}", flush=True)
                table.append(f"| {mode} | {streams} | {problem} | | {expected:.2f} | | | | | | | | no |")
                break
            holds = (row["online"] == streams and row["fps_min"] >= 0.95 * expected and row["drops"] == 0)
            if decode == "adaptive":
                print(f"  adaptive: {row['switches']} decode switches in all, {row['every_frame']} of {streams} "
                      "decoding every frame at the end of the window", flush=True)
            if holds:
                sustained[mode] = max(sustained.get(mode, 0), streams)
            rss.setdefault(mode, []).append((streams, row["rss"]))
            cells = (mode, streams, f"{row['online_after']:.1f}", f"{row['fps_min']:.2f} / {row['fps_mean']:.2f}",
                     f"{expected:.2f}",
                     f"{row['cpu']:.2f}", f"{row['cpu'] / streams:.3f}", f"{row['rss']:.0f}",
                     f"{row['rss'] / streams:.1f}", row["drops"], f"{row['lag']:.2f}", f"{row['server_cpu']:.2f}",
                     "yes" if holds else "no")
            print(f"{cells[0]:16} {cells[1]:3} {cells[2]:>8} {cells[3]:>20} {cells[4]:>8} {cells[5]:>9} {cells[6]:>10} "
                  f"{cells[7]:>8} {cells[8]:>10} {cells[9]:>5} {cells[10]:>5} {cells[11]:>10} {cells[12]}", flush=True)
            table.append("| " + " | ".join(str(c) for c in cells) + " |")
    peers = [("ffmpeg CLI, 5 fps scaled (reference)", ffmpeg_live)]
    if shutil.which("motion"):
        peers.append(("Debian motion 320x176 @ 5 (peer)", motion_command(work)))
    else:
        table.append("| Debian motion (peer) | | | not installed (`apt-get install motion`) | | | | | | | | | |")
    for name, command in peers:
        row = peer_row(clip, window, warmup, work, command)
        print(f"{name[:40]:40} {row['cpu']:9.3f} CPU cores {row['rss']:6.0f} MiB RSS", flush=True)
        table.append(f"| {name} | 1 | | | | {row['cpu']:.2f} | {row['cpu']:.3f} | {row['rss']:.0f} | {row['rss']:.1f} "
                     "| | | | |")
    for mode, points in rss.items():
        # RSS per extra camera: the slope between the smallest and the largest N measured in that mode.
        (n0, r0), (n1, r1) = min(points), max(points)
        if n1 > n0:
            line = f"RSS per extra camera ({mode}): {(r1 - r0) / (n1 - n0):.1f} MiB (N = {n0} → {n1})"
            print(line, flush=True)
            table.append(f"\n{line}.")
    return table, sustained


def server_table(clip, counts, work):
    """N plain ffmpeg clients (-c copy) against N mounts of the live rows' server: when each received packets."""
    print("\nRTSP server alone: N ffmpeg clients (-rtsp_transport tcp -c copy -f null)", flush=True)
    print(f"{'N':>3} {'receiving':>9} {'first s':>8} {'median s':>8} {'last s':>7} {'server CPU':>10}", flush=True)
    table = ["| N | clients receiving | first (s) | median (s) | last (s) | server CPU (cores) |",
             "|---:|---:|---:|---:|---:|---:|"]
    for streams in counts:
        servers, urls = start_server(clip, streams)
        started, clients = time.monotonic(), []
        try:
            for url in urls:
                # -stats prints a progress line once packets flow; stderr to a file so no pipe can fill.
                log = os.path.join(work, f"client-{len(clients)}.log")
                clients.append((subprocess.Popen(["ffmpeg", "-nostdin", "-v", "error", "-stats", "-rtsp_transport", "tcp", "-i", url, "-c", "copy",
                                                 "-f", "null", "-"], stdout=subprocess.DEVNULL,
                                                 stderr=open(log, "w")), log))
            receiving = {}
            while time.monotonic() - started < ONLINE_SECONDS and len(receiving) < streams:
                for index, (_, log) in enumerate(clients):
                    if index not in receiving and "frame=" in open(log, errors="replace").read():
                        receiving[index] = time.monotonic() - started
                time.sleep(0.2)
            cpu_start, wall_start = servers_cpu(servers), time.monotonic()
            time.sleep(10)
            cpu = (servers_cpu(servers) - cpu_start) / (time.monotonic() - wall_start)
        finally:
            for process, _ in clients:
                stop(process)
            stop_all(servers)
        times = sorted(receiving.values()) or [float("nan")]
        cells = (streams, f"{len(receiving)}/{streams}", f"{times[0]:.1f}", f"{times[len(times) // 2]:.1f}",
                 f"{times[-1]:.1f}", f"{cpu:.2f}")
        print(f"{cells[0]:3} {cells[1]:>9} {cells[2]:>8} {cells[3]:>8} {cells[4]:>7} {cells[5]:>10}", flush=True)
        table.append("| " + " | ".join(str(c) for c in cells) + " |")
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--clip", default=os.path.join(ROOT, ".build-bench", "bench_1080p25.mp4"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--streams", default="1,4,8,12,16,18", help="camera counts, full decode")
    parser.add_argument("--keyframe-streams", default="1,4,16,32,48,64", help="camera counts, keyframes only")
    parser.add_argument("--seconds", type=int, default=30, help="live measurement window")
    parser.add_argument("--warmup", type=int, default=8)
    parser.add_argument("--adaptive-streams", default="1,16,32,64", help="camera counts, adaptive on a still scene")
    parser.add_argument("--server-streams", default="16,64", help="client counts for the RTSP server alone")
    parser.add_argument("--only", help="comma-separated sections to run: file, server, live (default all)")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else {"file", "server", "live"}
    binary = os.path.abspath(args.binary)
    clip = args.clip
    if not os.path.exists(clip):
        subprocess.run([os.path.join(ROOT, "scripts", "make-bench-clip.sh"), clip], check=True,
                       stdout=subprocess.DEVNULL)
    short_clip = re.sub(r"\.mp4$", "_2s.mp4", clip)
    if not os.path.exists(short_clip):
        # The first GOP, copied (keyframe-aligned, no re-encode): the start-up cost of each program.
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", clip, "-t", "2", "-c", "copy", short_clip],
                       check=True)
    long_clip = re.sub(r"\.mp4$", "_10x.mp4", clip)
    if not os.path.exists(long_clip):
        # The same clip ten times over, copied (timestamps continue across the loops).
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", "9", "-i", clip, "-c", "copy",
                        long_clip], check=True)
    work = tempfile.mkdtemp(prefix="streetwatch-bench-")
    described = machine()
    print(f"machine: {described}")
    sections = []
    if "file" in only:
        sections.append(("CPU per video second, against ffmpeg", file_table(binary, clip, long_clip, short_clip,
                                                                            args.runs, work)))
    if "server" in only:
        sections.append(("RTSP test server alone", server_table(long_clip, [int(n) for n in args.server_streams.split(",")],
                                                                 work)))
    sustained = {}
    if "live" in only:
        # The live server plays its files once (--direct): the ten-times clip outlasts every row.
        still_clip = re.sub(r"\.mp4$", "_still.mp4", clip)
        if not os.path.exists(still_clip):
            subprocess.run([os.path.join(ROOT, "scripts", "make-bench-clip.sh"), still_clip, "still"], check=True,
                           stdout=subprocess.DEVNULL)
        still_long = re.sub(r"\.mp4$", "_10x.mp4", still_clip)
        if not os.path.exists(still_long):
            subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", "9", "-i", still_clip, "-c", "copy",
                            still_long], check=True)
        table, sustained = live_table(binary, long_clip, still_long, [int(n) for n in args.streams.split(",") if n],
                                      [int(n) for n in args.keyframe_streams.split(",") if n],
                                      [int(n) for n in args.adaptive_streams.split(",") if n], args.seconds, args.warmup, work)
        sections.append(("Live RTSP cameras on this machine", table))
        for mode in sorted(sustained):
            print(f"sustained without drops ({mode}): "
                  f"largest tested N = {sustained.get(mode, 0)} streams at the expected analysis rate")
    write_docs(described, clip, args, sections, sustained)
    shutil.rmtree(work, ignore_errors=True)


def write_docs(described, clip, args, sections, sustained):
    docs = os.path.join(ROOT, "docs", "benchmarks.md")
    os.makedirs(os.path.dirname(docs), exist_ok=True)
    text = f"""# Benchmarks

Generated by `make bench` (`scripts/bench.py`) on {datetime.date.today().isoformat()}; do not edit by hand.

Machine: {described}.
Clip: `{os.path.relpath(clip, ROOT)}` (60 s 1080p25 H.264 High, 4 Mbit/s, GOP 50, no B-frames; made by
`scripts/make-bench-clip.sh`); for keyframe rows the same clip looped ten times. Start-up clip: its first 2 s,
stream-copied.

"""
    for title, table in sections:
        text += f"## {title}\n\n"
        if title.startswith("CPU"):
            text += f"""CPU seconds (user + system of the child) per second of video, median of {args.runs} runs
alternating between the programs. Keyframe rows use the clip looped ten times (600 s, stream-copied), since one
pass decodes only 30 pictures in well under a second. ffmpeg runs `-threads 1 -filter_threads 1 -vf {SCALE} -f null -` (with
`-skip_frame nokey` for keyframes, `fps=5,` in front for the 5 fps row). `decode` rows run `streetwatch decode`
(FrameIngest alone); `scan` rows run `streetwatch scan` with abandoned-object, stationary-occupancy and
zone-activity on the whole frame at 5 analysed fps into a fresh SQLite store. "steady" = (CPU on the clip − CPU on
the 2 s start-up clip) ÷ (clip length − 2 s): the cost per second of a camera that runs for months, without process start-up.

"""
        elif title.startswith("RTSP"):
            text += f"""The server the live rows use (`scripts/rtsp-server.py --direct`: GStreamer C elements only,
up to {MOUNTS_PER_SERVER} mounts per process, the ten-times clip played once in real time), measured alone: N
`ffmpeg -rtsp_transport tcp -i URL -c copy -f null -` clients started at once, one per mount (no decoding). Seconds
from starting the clients until each printed its first progress line (packets received), and the server processes'
CPU over 10 s after that (1.00 = one core). The clients' own CPU is not counted.

"""
        else:
            text += f"""N copies of the clip (the ten-times clip, played once) are served as N cameras by
`scripts/rtsp-server.py --direct` (GStreamer C elements only, real time, no re-encoding, {MOUNTS_PER_SERVER} cameras per
server process) on 127.0.0.1, RTP over TCP; one `streetwatch run` analyses all N with every rule on at 5 fps
(keyframes only: at the clip's keyframe rate), with the group's start-up defaults (8 opens at once, up to 1 s random
delay, 20 s first-open timeout). "all online after" is seconds from starting `run` until `/metrics` shows all N
online; a row that does not get there within {ONLINE_SECONDS} s does not hold. "still scene" rows serve a still
picture with sensor-like noise (`make-bench-clip.sh OUT still`) instead of the moving test pattern; adaptive rows
(which start on keyframes and decode every frame for 10 s after any change) get a warm-up of at least 15 s, and
their expected rate is the keyframe rate. After that and a {args.warmup} s warm-up,
counters from `/metrics` and `/proc` are read over {args.seconds} s. CPU is cores used by `streetwatch run`
(1.00 = one core); the RTSP servers' own CPU is shown apart. RSS is the whole process. "holds" = all N online,
the slowest stream at ≥ 95 % of the expected rate, no frame dropped. "max lag" is the largest
`streetwatch_camera_lag_seconds` at the end of the window: how far the slowest camera's analysis runs behind real time. The last rows run other programs on one of
the same streams over the same window: the ffmpeg CLI decoding it and scaling 5 fps to 320-wide gray (the floor
for any analyser), and Debian's `motion` 4.5 with its own motion detection at 5 fps on 320x176 pictures.

"""
        text += "\n".join(table) + "\n\n"
    if sustained:
        text += ("Largest tested N held: " + "; ".join(f"{mode} {sustained.get(mode, 0)}"
                                                    for mode in sorted(sustained)) + ".\n")
    with open(docs, "w") as f:
        f.write(text)
    print(f"written: {docs}")


if __name__ == "__main__":
    main()
