#!/usr/bin/python3
"""Reliability (not a test): StreetWatch under faults, on 127.0.0.1 only, every scenario bounded in count and time.

    scripts/reliability.py STREETWATCH_BINARY [--quick] [--only configs|http|kill|rtsp|streams]
                           [--bound SCENARIO=SECONDS ...]

Writes docs/reliability.md with one table per scenario, the date, the machine and the exact counts used; every
figure is measured in this run. Scenarios (one function each, each returns its rows):

1. configs  — N mutated camera-group configs (deleted / duplicated / misspelt keys, wrong types, huge and
   negative numbers, unicode, alias bombs, one 10 MB file) through `streetwatch check`: crashes (killed by a
   signal, or no answer within the limit) and errors that do not name file:line:col.
2. http     — `streetwatch serve` on a store with cases: N malformed HTTP requests and M slow connections while
   `/health` is polled; then a login flood of K wrong passwords while a logged-in reviewer loads pages.
3. kill     — `streetwatch run` on live RTSP cameras that keep producing left-object cases, `kill -9` N times at
   random moments; after each kill the store is checked (integrity_check, drafts logged vs stored, duplicates,
   evidence files referenced and hash-verified, temporary files left).
4. rtsp     — one camera watching an object that dwells; the RTSP server is killed and restarted N times:
   reconnect time after the server is back, cases opened.
5. streams  — damaged streams (truncated, bit flips, size change mid-stream, H.264 → HEVC after a reconnect,
   timestamps jumping back and forward, no keyframe for 60 s) served over HTTP to cameras of one `run` group
   beside two healthy RTSP cameras: crashes, and the healthy cameras' analysed rate.
"""
import argparse
import datetime
import glob
import hashlib
import http.client
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import machineinfo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEFT_OBJECT = os.path.join(ROOT, "samples", "street-left-object.mp4")
RTSP_SERVER = os.path.join(ROOT, "scripts", "rtsp-server.py")
FFMPEG = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
RNG = random.Random()


# ---------------------------------------------------------------------------------------------------------------
# Helpers

def machine():
    return f"{machineinfo.describe()}; load average {os.getloadavg()[0]:.1f} at start"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    index = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[index]


def stop(process, timeout=15):
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def crashed(returncode):
    """A return code that means the process died (a signal, or Swift's trap: SIGILL/SIGTRAP give -4/-5)."""
    return returncode is not None and returncode < 0


def metrics(port, timeout=2):
    """Per-camera series of /metrics: {camera: {family: value}}, plus {"": {family: value}} without a camera."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=timeout).read().decode()
    out = {}
    for match in re.finditer(r'^(streetwatch_\w+)(?:\{([^}]*)\})? (\S+)$', text, re.M):
        camera = re.search(r'camera="([^"]+)"', match.group(2) or "")
        out.setdefault(camera.group(1) if camera else "", {})[match.group(1)] = float(match.group(3))
    return out


def try_metrics(port):
    try:
        return metrics(port)
    except (OSError, ValueError, http.client.HTTPException):
        return {}


def start_rtsp(mounts, port=0, log=None):
    """scripts/rtsp-server.py with `mounts` (["name=spec", ...]); returns (process, {name: url})."""
    argv = ["/usr/bin/python3", RTSP_SERVER, "--port", str(port), "--lifetime", "3600"]
    for mount in mounts:
        argv += ["--mount", mount]
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=open(log or os.devnull, "a"), text=True)
    urls = {}
    while len(urls) < len(mounts):
        line = server.stdout.readline()
        if not line:
            server.wait()
            raise SystemExit(f"reliability: rtsp-server.py exited ({server.returncode}); log {log}")
        if line.startswith("ready "):
            url = line.split()[1]
            urls[url.rsplit("/", 1)[1]] = url
    return server, urls


LOCATION = '{address: 测试路 1 号, lon: 116.4, lat: 39.9, grid_code: "110101001001001"}'


def group_yaml(store, listen, cameras, defaults="", rules=None):
    """A camera group; `cameras` is a list of (id, url)."""
    rules = rules or ('[{type: abandoned-object, category: "06010", '
                      'options: {min_static_seconds: 3, unattended_seconds: 3}}]')
    text = (f"group: {{id: reliability, name: Reliability}}\nstore: {{database: {store}}}\n"
            f"server: {{listen: \"{listen}\"}}\n"
            f"defaults: {{analysis_fps: 5, analysis_width: 320, open_timeout_seconds: 10, stall_timeout_seconds: 3"
            f"{', ' + defaults if defaults else ''}}}\ncameras:\n")
    for camera_id, url in cameras:
        text += f"  - {{id: {camera_id}, url: \"{url}\", location: {LOCATION}, rules: {rules}}}\n"
    return text


def start_run(binary, config, log):
    return subprocess.Popen([binary, "run", config], stdout=open(log, "a"),
                            stderr=subprocess.STDOUT)


def wait_until(condition, seconds, step=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# 1. Mutated configs through `streetwatch check`

BASE_CONFIG = """# Reliability base config: valid as written.
group:
  id: old-town
  name: 老城区 Old town
store:
  database: cases.sqlite
server:
  listen: 127.0.0.1:9464
defaults:
  analysis_fps: 5
  analysis_width: 320
  transport: tcp
  open_timeout_seconds: 10
  stall_timeout_seconds: 5
  clip_pre_roll_seconds: 5
  clip_post_roll_seconds: 5
  dedup_cooldown_seconds: 60
  utc_offset: "+08:00"
x-location: &loc
  address: 示例市示例区示例路 1 号
  lon: 116.397128
  lat: 39.916527
  crs: WGS84
  grid_code: 110101001001001
  division_code: "110101"
x-rules: &rules
  - type: abandoned-object
    category: "06010"
    zone:
      id: sidewalk
      points: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]]
    options:
      min_static_seconds: 5
      unattended_seconds: 5
  - type: stationary-occupancy
    category: "09006"
    schedule: {windows: ["07:00-21:00"]}
    zone: {id: frame}
    options:
      min_dwell_seconds: 180
cameras:
  - id: gate-east
    name: 东门垃圾站
    url: rtsp://127.0.0.1:8554/gate-east
    analysis_fps: 2
    location: *loc
    rules: *rules
  - id: market-north
    name: 北市场路口
    url: rtsp://127.0.0.1:8554/market-north
    keyframes_only: true
    location:
      address: 示例市示例区北市场路口西北角
      lon: 116.402
      lat: 39.921
      grid_code: 110101001003001
      gb28181_id: "34020000001320000031"
    rules:
      - type: zone-activity
        category: "06010"
        zone:
          id: apron
          frame_size: [1920, 1080]
          points: [[300, 600], [1600, 600], [1800, 1080], [150, 1080]]
"""

WRONG_VALUES = ["[1, 2]", "{a: 1}", "\"five\"", "true", "null", "~", "1e308", "-1e308", "99999999999999999999999",
                "-99999999999999999999999", "-1", "0", "-0.0", ".nan", ".inf", "-.inf", "0x7fffffffffffffff",
                "4294967296", "\"\"", "'\u202e\u200b'", "\"\U0001f4a9\"", "2026-11-21", "!!binary aGVsbG8=",
                "\"\\u0000\"", "&a 1", "*nowhere", "|\n  text", "\"" + "x" * 5000 + "\""]
UNICODE = ["\u00e9", "\u4e2d\u6587", "\u202e", "\u200b", "\ufeff", "\U0001f600", "\u0301", "\ud7ff", "\uffff",
           "\u2028", "\u0085", "\x7f", "\t"]


def alias_bomb(lines, depth, where):
    """A billion-laughs config: anchors b0..b<depth-1>, each a list of ten aliases of the one before (10^depth
    strings when expanded), unused (`top`), as a camera name or as a rule option."""
    bomb = ["x-bomb0: &b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for d in range(1, depth):
        bomb.append(f"x-bomb{d}: &b{d} [" + ", ".join([f"*b{d - 1}"] * 10) + "]")
    if where == "options":
        lines = [line.replace("min_static_seconds: 5", f"min_static_seconds: *b{depth - 1}") for line in lines]
    elif where == "name":
        lines = [line.replace("name: 东门垃圾站", f"name: *b{depth - 1}") for line in lines]
    return bomb + lines


def mutate(text, rng):
    """One or more random mutations of a config text; returns (kind, bytes)."""
    lines = text.split("\n")
    kind = rng.choice(["delete-line", "duplicate-line", "misspell-key", "wrong-type", "huge-number",
                       "negative-number", "unicode", "alias-bomb", "indent", "truncate", "bytes", "combined"])

    def keyed():
        return [i for i, line in enumerate(lines) if re.match(r"^\s*-?\s*[a-z_0-9-]+:", line)]

    def apply(kind):
        nonlocal lines
        if kind == "delete-line":
            del lines[rng.randrange(len(lines))]
        elif kind == "duplicate-line":
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
        elif kind == "misspell-key":
            i = rng.choice(keyed())
            m = re.match(r"^(\s*-?\s*)([a-z_0-9-]+)(:.*)$", lines[i])
            key = list(m.group(2))
            op = rng.randrange(4)
            j = rng.randrange(len(key))
            if op == 0 and len(key) > 1:
                del key[j]
            elif op == 1:
                key.insert(j, rng.choice("abcdefghijklmnopqrstuvwxyz_"))
            elif op == 2 and len(key) > 1:
                k = min(j + 1, len(key) - 1)
                key[j], key[k] = key[k], key[j]
            else:
                key = [c.upper() for c in key]
            lines[i] = m.group(1) + "".join(key) + m.group(3)
        elif kind in ("wrong-type", "huge-number", "negative-number"):
            i = rng.choice(keyed())
            m = re.match(r"^(\s*-?\s*[a-z_0-9-]+:)(.*)$", lines[i])
            if kind == "wrong-type":
                value = rng.choice(WRONG_VALUES)
            elif kind == "huge-number":
                value = rng.choice(["1e308", "1e309", "9" * rng.randint(19, 400), "18446744073709551616",
                                    "1.7976931348623157e308", "123456789012345678901234567890.5"])
            else:
                value = rng.choice(["-1", "-0.001", "-9223372036854775808", "-1e308", "-" + "9" * 30, "-.inf"])
            lines[i] = m.group(1) + " " + value
        elif kind == "unicode":
            i = rng.randrange(len(lines))
            j = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:j] + rng.choice(UNICODE) * rng.randint(1, 3) + lines[i][j:]
        elif kind == "alias-bomb":
            lines = alias_bomb(lines, rng.randint(5, 12), rng.choice(["top", "options", "name"]))
        elif kind == "indent":
            i = rng.randrange(len(lines))
            lines[i] = rng.choice(["", " ", "   ", "\t"]) + lines[i]
        elif kind == "truncate":
            joined = "\n".join(lines)
            lines = joined[:rng.randrange(len(joined))].split("\n")
        return None

    if kind == "bytes":
        data = bytearray("\n".join(lines).encode())
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return kind, bytes(data)
    if kind == "combined":
        for _ in range(rng.randint(2, 5)):
            apply(rng.choice(["delete-line", "duplicate-line", "misspell-key", "wrong-type", "huge-number",
                              "negative-number", "unicode", "indent"]))
    else:
        apply(kind)
    return kind, "\n".join(lines).encode()


def scenario_configs(binary, count, seconds, work):
    """`streetwatch check` on a valid base config (two cameras, anchors and aliases, three rule types) mutated at
    random: a line deleted or duplicated, a key misspelt, a value of the wrong type, huge or negative numbers,
    unicode (bidi, zero-width, BOM, emoji, combining marks) inserted, bytes overwritten (invalid UTF-8), an
    indentation changed, the file truncated, an alias bomb (10 to the power 5-12 nodes, unused, as a name or as a
    rule option), several at once; plus one 10 MB file and three fixed alias bombs of depth 9. A crash is a death by signal, a hang no answer in 10 s
    (the process is then killed). Every line `check` prints for a rejected file must start `file:line:col: `."""
    rng = random.Random(RNG.random())
    folder = os.path.join(work, "configs")
    os.makedirs(folder, exist_ok=True)
    base = os.path.join(folder, "base.yaml")
    with open(base, "w") as f:
        f.write(BASE_CONFIG)
    first = subprocess.run([binary, "check", base], capture_output=True, text=True, timeout=60)
    if first.returncode != 0:
        raise SystemExit(f"reliability: the base config does not check: {first.stdout}{first.stderr}")
    cases = []
    # One 10 MB file: the base config followed by a 10 MB comment-free list of numbers under an x- key.
    big = BASE_CONFIG + "x-big:\n" + "".join(f"  - {i}\n" for i in range(1_400_000))
    cases.append(("10 MB file", big.encode()[:10 * 1024 * 1024]))
    # Three alias bombs always (10^9 strings expanded): unused, as a camera name, as a rule option.
    for where in ("top", "name", "options"):
        cases.append((f"alias-bomb 10^9 ({where})", "\n".join(alias_bomb(BASE_CONFIG.split("\n"), 9, where)).encode()))
    while len(cases) < count:
        cases.append(mutate(BASE_CONFIG, rng))
    place = re.compile(r"^(?P<file>[^\n:]+\.yaml):(?P<line>\d+):(?P<col>\d+): ")
    tallies = {}
    crashes, hangs, rejected, accepted, lines_total, lines_unplaced = 0, 0, 0, 0, 0, 0
    worst = 0.0
    examples_unplaced, examples_crash = [], []
    deadline = time.monotonic() + seconds
    done = 0
    for index, (kind, data) in enumerate(cases):
        if time.monotonic() > deadline:
            break
        path = os.path.join(folder, f"mutant-{index:04d}.yaml")
        with open(path, "wb") as f:
            f.write(data)
        started = time.monotonic()
        try:
            result = subprocess.run([binary, "check", path], capture_output=True, timeout=10)
            code, output = result.returncode, (result.stdout + result.stderr).decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            code, output = None, ""
        worst = max(worst, time.monotonic() - started)
        done += 1
        tally = tallies.setdefault(kind, {"n": 0, "rejected": 0, "crash": 0})
        tally["n"] += 1
        if code is None:
            hangs += 1
            tally["crash"] += 1
            refs = [line.strip()[:90] for line in data.decode("utf-8", "replace").splitlines() if "*b" in line]
            examples_crash.append(f"{kind}: no answer in 10 s (killed); "
                                  f"{len(refs)} alias lines, deepest `{refs[-1] if refs else ''}`, used as "
                                  f"`{next((r for r in refs if not r.startswith('x-bomb')), 'nothing')}`")
            continue
        if crashed(code):
            crashes += 1
            tally["crash"] += 1
            examples_crash.append(f"{kind}: signal {-code}: {output.strip()[-200:]}")
            shutil.copy(path, os.path.join(work, f"crash-{index:04d}.yaml"))
            continue
        if code == 0:
            accepted += 1
            os.remove(path)
            continue
        rejected += 1
        tally["rejected"] += 1
        # `check` prints each issue as `file:line:col: key.path: message`, then `file: N problems`. A line not
        # starting with the file name continues the issue above it.
        problem_lines = [line for line in output.splitlines()
                         if line.startswith(path) and not re.fullmatch(re.escape(path) + r": \d+ problems?", line)]
        for line in problem_lines:
            lines_total += 1
            if not place.match(line) or not line.startswith(path + ":"):
                lines_unplaced += 1
                if len(examples_unplaced) < 8:
                    examples_unplaced.append(f"{kind}: `{line.replace(folder + '/', '')[:160]}`")
        if not problem_lines:
            lines_unplaced += 1
            examples_unplaced.append(f"{kind}: exit {code} without an issue line: `{output.strip()[:160]}`")
        os.remove(path)
    table = ["| mutation | configs | rejected | crashes or hangs |", "|---|---:|---:|---:|"]
    for kind in sorted(tallies):
        t = tallies[kind]
        table.append(f"| {kind} | {t['n']} | {t['rejected']} | {t['crash']} |")
    summary = {
        "configs checked": f"{done} of {count}",
        "crashes (signal)": crashes,
        "hangs (> 10 s)": hangs,
        "rejected (exit ≠ 0)": rejected,
        "accepted (mutation still valid)": accepted,
        "error lines": lines_total,
        "error lines without file:line:col": lines_unplaced,
        "slowest check": f"{worst:.2f} s",
    }
    notes = []
    if examples_unplaced:
        notes.append("Errors without file:line:col (first few): " + "; ".join(examples_unplaced))
    if examples_crash:
        notes.append("Crashes/hangs: " + "; ".join(examples_crash[:8]))
    return summary, table, notes


# ---------------------------------------------------------------------------------------------------------------
# 2. Malformed HTTP, slow connections and a login flood against `serve`

def malformed_request(rng):
    host = b"Host: 127.0.0.1\r\n"
    choices = [
        lambda: b"GARBAGE\r\n\r\n",
        lambda: bytes(rng.randrange(256) for _ in range(rng.randint(1, 400))),
        lambda: b"GET / HTTP/9.9\r\n" + host + b"\r\n",
        lambda: b"GET /" + b"a" * rng.choice([9000, 70000, 300000]) + b" HTTP/1.1\r\n" + host + b"\r\n",
        lambda: b"GET / HTTP/1.1\r\n" + host + b"X-Big: " + b"b" * rng.choice([9000, 70000, 300000]) + b"\r\n\r\n",
        lambda: b"GET / HTTP/1.1\r\n" + host + b"".join(b"X-%d: 1\r\n" % i for i in range(rng.choice([200, 5000])))
        + b"\r\n",
        lambda: b"POST /login HTTP/1.1\r\n" + host + b"Content-Length: -5\r\n\r\nabc",
        lambda: b"POST /login HTTP/1.1\r\n" + host + b"Content-Length: 99999999999999999999\r\n\r\nabc",
        lambda: b"POST /login HTTP/1.1\r\n" + host + b"Content-Length: 3\r\nContent-Length: 7\r\n\r\nabcdefg",
        lambda: b"POST /login HTTP/1.1\r\n" + host + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        lambda: b"POST /login HTTP/1.1\r\n" + host + b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
        + b"fffffffffffffff\r\n",
        lambda: b"POST /login HTTP/1.1\r\n" + host + b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Cookie: sw_login_csrf=" + b"A" * 43 + b"\r\nContent-Length: 40\r\n\r\ncsrf=%zz&username=%ff%fe&password=\x00\x01",
        lambda: b"GET /cases/" + rng.choice([b"..%2f..%2fetc%2fpasswd", b"%00", b"SW-" + b"9" * 300, b"\xff\xfe"])
        + b" HTTP/1.1\r\n" + host + b"\r\n",
        lambda: b"GET /evidence/" + rng.choice([b"../../cases.sqlite", b"%2e%2e/%2e%2e/etc/passwd", b"0" * 64,
                                                 b"g" * 64]) + b" HTTP/1.1\r\n" + host + b"\r\n",
        lambda: b"GET /report?year=" + rng.choice([b"-1", b"99999999999999999999", b"%00", b"2026&year=2027"])
        + b" HTTP/1.1\r\n" + host + b"\r\n",
        lambda: b"GET /?lang=" + b"\xe4\xb8\xad" * 50 + b"&page=-1&before=\xff HTTP/1.1\r\n" + host + b"\r\n",
        lambda: b"GET / HTTP/1.1\r\n" + host + b"Cookie: sw_session=" + b"x" * rng.choice([10, 4000])
        + b"; sw_lang=\x00\r\n\r\n",
        lambda: b"GET / HTTP/1.1\r\nHost\r\nBad Header Line\r\n\r\n",
        lambda: b"GET / HTTP/1.1\n" + b"Host: a\n\n",
        lambda: b"\r\n\r\n\r\nGET / HTTP/1.1\r\n" + host + b"\r\n",
        lambda: b"GET / HTTP/1.1\r\n" + host + b"\r\n" + b"GET / HTTP/1.1\r\n" * 50 + b"\r\n",
        lambda: b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        lambda: b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(rng.randrange(256) for _ in range(100)),
        lambda: b"DELETE /cases/x/confirm HTTP/1.1\r\n" + host + b"\r\n",
        lambda: b"POST /cases/x/confirm HTTP/1.1\r\n" + host + b"Content-Length: 5\r\n\r\n",  # body short
        lambda: b"GET / HTTP/1.1\r\n" + host + b"Connection: upgrade\r\nUpgrade: websocket\r\n\r\n",
        lambda: b"GET /health HTTP/1.0\r\n\r\n",
    ]
    return rng.choice(choices)()


def raw_exchange(port, payload, timeout):
    """Sends `payload`, reads until the server closes or `timeout`; returns the status code or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            try:
                s.sendall(payload)
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            data = b""
            try:
                while len(data) < 64:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
        m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
        return int(m.group(1)) if m else None
    except OSError:
        return "refused"


class HealthWatch(threading.Thread):
    """Polls /health (and whether the server process is alive) until stopped; keeps every latency."""

    def __init__(self, port, process, path="/health", cookie=None, interval=0.1):
        super().__init__(daemon=True)
        self.port, self.process, self.path, self.cookie, self.interval = port, process, path, cookie, interval
        self.latencies, self.failures, self.stopped = [], 0, threading.Event()

    def run(self):
        while not self.stopped.is_set():
            started = time.monotonic()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                headers = {"Cookie": self.cookie} if self.cookie else {}
                conn.request("GET", self.path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    self.failures += 1
                self.latencies.append(time.monotonic() - started)
            except (OSError, http.client.HTTPException):
                self.failures += 1
                self.latencies.append(max(5.0, time.monotonic() - started))
            self.stopped.wait(self.interval)

    def stop(self):
        self.stopped.set()
        self.join()

    def figures(self):
        over = sum(1 for v in self.latencies if v >= 1.0)
        return (f"{len(self.latencies)} polls, p50 {percentile(self.latencies, 50) * 1000:.0f} ms, "
                f"p95 {percentile(self.latencies, 95) * 1000:.0f} ms, max {max(self.latencies or [0]) * 1000:.0f} ms,"
                f" {over} ≥ 1 s, {self.failures} failed")


def login(port, name, password):
    """Logs in through the form (double-submit CSRF cookie); returns the Cookie header value or None."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode("utf-8", "replace")
    cookie = next((c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []
                   if c.startswith("sw_login_csrf=")), None)
    csrf = cookie.split("=", 1)[1] if cookie else ""
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    if match:
        csrf = match.group(1)
    body = urllib.parse.urlencode({"csrf": csrf, "username": name, "password": password})
    conn.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie or ""})
    response = conn.getresponse()
    response.read()
    conn.close()
    session = next((c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []
                    if c.startswith("sw_session=") and not c.startswith("sw_session=;")), None)
    return session, response.status


def make_store_with_cases(binary, folder):
    """A store with the left-object sample's draft(s) and a reviewer; returns (db, case numbers)."""
    db = os.path.join(folder, "cases.sqlite")
    config = os.path.join(folder, "scan.yaml")
    with open(config, "w") as f:
        f.write(group_yaml(db, "127.0.0.1:1", [("street", LEFT_OBJECT)]))
    subprocess.run([binary, "scan", config, "--camera", "street", LEFT_OBJECT, "--db", db,
                    "--start", "2026-11-21T03:10:00+08:00"], check=True, capture_output=True, timeout=300)
    subprocess.run([binary, "user", "add", "lina", "--role", "reviewer", "--db", db], input=b"Reviewer-pw-42\n",
                   check=True, capture_output=True, timeout=60)
    with sqlite3.connect(db) as conn:
        numbers = [row[0] for row in conn.execute("SELECT case_number FROM cases")]
    return db, numbers


def pool(count, threads, work):
    """Runs work(i) for i in range(count) on `threads` threads; returns the results in order."""
    results = [None] * count
    counter = iter(range(count))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            results[i] = work(i)

    workers = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


def scenario_http(binary, requests, slow, flood, seconds, work):
    """`streetwatch serve` (default limits: 256 connections, 30 s idle timeout) on a store holding the drafts of a
    scan of samples/street-left-object.mp4 and one reviewer. (a) Malformed requests, 16 connections at a time:
    random bytes, bad request lines and versions, 9 KB-300 KB URIs and headers, 5000 headers, negative, huge and
    duplicate Content-Length, broken chunking, TLS and HTTP/2 prefaces, traversal in paths, bad percent-escapes,
    pipelined garbage; each connection is half-closed after sending and read for up to 2 s. (b) Slow connections:
    each sends a request header one byte a second and never ends it. (c) Login flood: wrong passwords, half for
    the reviewer's and other common names (the throttle locks those), half for a new name each (a password check
    each). `/health` (and during (c) the reviewer's queue, camera page and case pages, with the reviewer's session)
    is polled throughout; a failed or non-200 poll counts as 5 s."""
    folder = os.path.join(work, "http")
    os.makedirs(folder, exist_ok=True)
    db, numbers = make_store_with_cases(binary, folder)
    port = free_port()
    log = os.path.join(folder, "serve.log")
    serve = subprocess.Popen([binary, "serve", "--db", db, "--listen", f"127.0.0.1:{port}"],
                             stdout=open(log, "w"), stderr=subprocess.STDOUT)
    rows, notes = [], []
    try:
        if not wait_until(lambda: raw_exchange(port, b"GET /health HTTP/1.0\r\n\r\n", 2) == 200, 30):
            raise SystemExit(f"reliability: serve did not answer /health; log {log}")
        rng = random.Random(RNG.random())
        deadline = time.monotonic() + seconds

        # a) malformed requests, 16 at a time, while /health is polled.
        watch = HealthWatch(port, serve)
        watch.start()
        payloads = [malformed_request(rng) for _ in range(requests)]
        started = time.monotonic()
        statuses = pool(requests, 16, lambda i: raw_exchange(port, payloads[i], 2)
                        if time.monotonic() < deadline else "skipped")
        elapsed = time.monotonic() - started
        watch.stop()
        sent = sum(1 for s in statuses if s != "skipped")
        by_class = {}
        for s in statuses:
            key = f"{s // 100}xx" if isinstance(s, int) else ("no answer" if s is None else s)
            by_class[key] = by_class.get(key, 0) + 1
        rows.append(("malformed requests sent", f"{sent} of {requests} in {elapsed:.0f} s (16 at a time)"))
        rows.append(("answers", ", ".join(f"{k}: {v}" for k, v in sorted(by_class.items()))))
        rows.append(("serve alive after", "yes" if serve.poll() is None else f"no (exit {serve.returncode})"))
        rows.append(("/health during malformed requests", watch.figures()))

        # b) slow connections: each sends a request one byte a second and never finishes it.
        watch = HealthWatch(port, serve)
        watch.start()
        sockets, refused = [], 0
        for _ in range(slow):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
                s.setblocking(False)
                sockets.append(s)
            except OSError:
                refused += 1
        hold = min(40.0, max(10.0, deadline - time.monotonic() - 60))
        partial = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 100
        closed_by_server = 0
        t0 = time.monotonic()
        step = 0
        while time.monotonic() - t0 < hold:
            for s in list(sockets):
                try:
                    s.send(partial[step % len(partial):step % len(partial) + 1])
                except BlockingIOError:
                    pass
                except OSError:
                    closed_by_server += 1
                    sockets.remove(s)
                    s.close()
            step += 1
            time.sleep(1)
        for s in sockets:
            s.close()
        watch.stop()
        rows.append(("slow connections", f"{slow} opened ({refused} refused), each sending 1 byte/s for "
                                         f"{hold:.0f} s; {closed_by_server} closed by the server"))
        rows.append(("serve alive after", "yes" if serve.poll() is None else f"no (exit {serve.returncode})"))
        rows.append(("/health during slow connections", watch.figures()))

        # c) login flood: wrong passwords for the reviewer's name and others, 16 at a time, while the
        # logged-in reviewer loads the queue and a case page.
        session, status = login(port, "lina", "Reviewer-pw-42")
        if not session:
            notes.append(f"login as the reviewer failed (status {status}); the flood row is not measured")
        else:
            pages = ["/", "/cameras"] + [f"/cases/{n}" for n in numbers[:2]]
            watchers = [HealthWatch(port, serve, path=p, cookie=session, interval=0.25) for p in pages]
            for w in watchers:
                w.start()
            started = time.monotonic()
            # Half the tries name the reviewer or common names (the throttle locks those quickly), half a new
            # name each (no lock applies: every one costs a password check).
            names = ["lina", "admin", "root", "reviewer", "lina "]
            flood_status = pool(flood, 16, lambda i: login(port, rng.choice(names) if i % 2 else f"user-{i}",
                                                           f"wrong-{i}")[1]
                                if time.monotonic() < deadline else "skipped")
            elapsed = time.monotonic() - started
            for w in watchers:
                w.stop()
            counts = {}
            for s in flood_status:
                counts[s] = counts.get(s, 0) + 1
            rows.append(("login flood", f"{sum(1 for s in flood_status if s != 'skipped')} of {flood} wrong-password "
                                        f"logins in {elapsed:.0f} s (16 at a time); answers "
                                        + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str))))
            for p, w in zip(pages, watchers):
                rows.append((f"reviewer's `{p}` during the flood", w.figures()))
        rows.append(("serve alive at the end", "yes" if serve.poll() is None else f"no (exit {serve.returncode})"))
    finally:
        code = serve.poll()
        stop(serve)
    if crashed(code):
        notes.append(f"serve died with signal {-code}; log tail: {open(log).read()[-400:]}")
    table = ["| measure | result |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    summary = {"serve crashes": 1 if crashed(code) else 0}
    return summary, table, notes


# ---------------------------------------------------------------------------------------------------------------
# 3. kill -9 of `run` while cases and evidence are written

def store_check(db):
    """integrity_check, case counts, duplicates, evidence files vs rows, temporary files."""
    base = os.path.dirname(db)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        cases = conn.execute("SELECT id, case_number, camera_id, first_seen_at, last_seen_at FROM cases "
                             "ORDER BY camera_id, first_seen_at").fetchall()
        evidence = conn.execute("SELECT relative_path, sha256, byte_count FROM evidence").fetchall()
        incomplete = conn.execute("SELECT COUNT(*) FROM cases WHERE (SELECT COUNT(*) FROM evidence e "
                                  "WHERE e.case_id = cases.id) < 3").fetchone()[0]
        # A store since v10-evidence-due says, per case and role, whether a file is still awaited or why it is
        # missing; a case lacking a file with neither is unexplained.
        has_due = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'evidence_due'").fetchone() is not None
        explained = awaited = 0
        if has_due:
            explained = conn.execute("SELECT COUNT(DISTINCT case_id) FROM evidence_due "
                                     "WHERE missing_reason IS NOT NULL").fetchone()[0]
            awaited = conn.execute("SELECT COUNT(DISTINCT case_id) FROM evidence_due "
                                   "WHERE missing_reason IS NULL").fetchone()[0]
            unexplained = conn.execute(
                "SELECT COUNT(*) FROM cases c WHERE EXISTS (SELECT 1 FROM (SELECT 'before' AS role UNION ALL "
                "SELECT 'after' UNION ALL SELECT 'clip') r WHERE NOT EXISTS (SELECT 1 FROM evidence e WHERE "
                "e.case_id = c.id AND e.role = r.role) AND NOT EXISTS (SELECT 1 FROM evidence_due d WHERE "
                "d.case_id = c.id AND d.role = r.role))").fetchone()[0]
        else:
            unexplained = incomplete
    numbers = {c[1] for c in cases}
    # A duplicate: two cases of one camera first seen less than 20 s apart. The clip loops every 30 s and shows
    # one new object per pass (at 8 s), so two drafts that close together are one object drafted twice.
    duplicates = 0
    for a, b in zip(cases, cases[1:]):
        if a[2] == b[2] and b[3] - a[3] < 20:
            duplicates += 1
    # Evidence is content-addressed: cases with the same picture share one file, so rows ≥ files.
    referenced = {row[0] for row in evidence}
    bad_hash = sum(1 for rel, sha, size in evidence
                   if not os.path.exists(os.path.join(base, rel)) or sha256_file(os.path.join(base, rel)) != sha)
    files = [os.path.relpath(p, base) for p in glob.glob(os.path.join(base, "evidence", "*", "*"))]
    unreferenced = [f for f in files if f not in referenced]
    temporary = [p for p in glob.glob(os.path.join(base, "evidence", "*", ".*")) if ".tmp-" in p]
    return {"integrity": integrity, "numbers": numbers, "duplicates": duplicates, "evidence_rows": len(evidence),
            "bad_hash": bad_hash, "files": len(files), "unreferenced": len(unreferenced),
            "temporary": len(temporary), "incomplete": incomplete, "explained": explained, "awaited": awaited,
            "unexplained": unexplained}


def scenario_kill(binary, kills, seconds, work):
    """Three RTSP cameras play samples/street-left-object.mp4 in a loop (a bag is set down 8 s into every 30 s
    pass), so `run` keeps writing drafts, snapshots and clips (cool-down 0). Each round starts `run`, waits until
    all cameras are online, waits a random 1-45 s and sends SIGKILL; a last round runs 40 s and stops with SIGTERM.
    After every round, with no process on the store: `PRAGMA integrity_check`; drafts named in the log that are
    not in the store (lost); cases of one camera first seen < 20 s apart (duplicated: the clip shows one new
    object per 30 s); every evidence row's file exists and has its SHA-256; files under evidence/ no row
    names; hidden `.tmp-` files; cases lacking one of before / after / clip, and whether the store records the
    missing file's reason (`evidence_due`) or still awaits it."""
    folder = os.path.join(work, "kill")
    os.makedirs(folder, exist_ok=True)
    cameras = ["street-1", "street-2", "street-3"]
    server, urls = start_rtsp([f"{c}={LEFT_OBJECT}" for c in cameras], log=os.path.join(folder, "rtsp.log"))
    db = os.path.join(folder, "cases.sqlite")
    port = free_port()
    config = os.path.join(folder, "group.yaml")
    # Cool-down 0: every pass of the 30 s clip (the bag appears at 8 s) is a new draft with new evidence.
    with open(config, "w") as f:
        f.write(group_yaml(db, f"127.0.0.1:{port}", [(c, urls[c]) for c in cameras],
                           defaults="dedup_cooldown_seconds: 0, clip_pre_roll_seconds: 3, clip_post_roll_seconds: 3"))
    log = os.path.join(folder, "run.log")
    rng = random.Random(RNG.random())
    logged = set()
    per_kill = []
    deadline = time.monotonic() + seconds
    crashes = 0
    done = 0
    try:
        for k in range(kills + 1):
            last = k == kills
            if time.monotonic() > deadline and not last:
                continue
            start_offset = os.path.getsize(log) if os.path.exists(log) else 0
            run = start_run(binary, config, log)
            online = wait_until(lambda: sum(v.get("streetwatch_camera_online", 0) for c, v in try_metrics(port).items()
                                            if c) == len(cameras), 60)
            if last:
                # A clean run at the end: it must start on whatever the kills left, and stop on SIGTERM.
                time.sleep(40)
                run.send_signal(signal.SIGTERM)
                try:
                    run.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    run.kill()
                    run.wait()
            else:
                # A random moment 1-45 s after the cameras are online: the clip shows a new object every 30 s, whose
                # draft, snapshots and clip are written some 6-10 s after it appears.
                time.sleep(rng.uniform(1, 45))
                if run.poll() is None:
                    run.send_signal(signal.SIGKILL)
                run.wait()
                done += 1
            if crashed(run.returncode) and run.returncode != -signal.SIGKILL:
                crashes += 1
            with open(log, errors="replace") as f:
                f.seek(start_offset)
                new = set(re.findall(r"draft case (SW-[\w-]+)", f.read()))
            logged |= new
            check = store_check(db)
            lost = len(logged - check["numbers"])
            per_kill.append((k + 1, "clean stop" if last else "kill -9", bool(online), len(new), len(check["numbers"]),
                             lost, check["duplicates"], check["integrity"], check["evidence_rows"], check["files"],
                             check["unreferenced"], check["bad_hash"], check["temporary"], check["incomplete"],
                             check["explained"], check["awaited"], check["unexplained"], run.returncode))
    finally:
        stop(server)
    final = per_kill[-1]
    table = ["| # | end | cameras online | drafts logged this run | cases in store | lost | duplicated | "
             "integrity_check | evidence rows | evidence files | unreferenced files | hash mismatches | temp files "
             "| cases without all 3 evidence | of them marked missing | awaited | unexplained | exit |",
             "|---:|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in per_kill:
        table.append("| " + " | ".join(str(x) for x in row) + " |")
    summary = {
        "kill -9 done": f"{done} of {kills}",
        "drafts logged (all runs)": len(logged),
        "cases in store": final[4],
        "lost drafts (logged, not stored)": final[5],
        "duplicated drafts": final[6],
        "integrity_check after every kill": "ok" if all(r[7] == "ok" for r in per_kill) else "FAILED",
        "evidence rows hash-verified": f"{final[8] - final[11]} of {final[8]}",
        "evidence files not referenced (end)": final[10],
        "temporary files left (end)": final[12],
        "max temporary files after a kill": max(r[12] for r in per_kill),
        "cases without before, after and clip (end)": final[13],
        "of them with the missing file's reason recorded (end)": final[14],
        "cases still awaiting a file (end; the next start films or marks it)": final[15],
        "cases lacking a file with no reason and not awaited (end)": final[16],
        "crashes other than the kills": crashes,
    }
    return summary, table, []


# ---------------------------------------------------------------------------------------------------------------
# 4. RTSP server killed and restarted while an object dwells

def dwell_clips(folder):
    """first.mp4: the left-object clip, then its last 14 s (the bag lies there) ten more times; tail.mp4: those
    14 s alone (the bag is there from the first frame, so every restart shows it still lying)."""
    tail = os.path.join(folder, "tail.mp4")
    first = os.path.join(folder, "first.mp4")
    subprocess.run(FFMPEG + ["-ss", "16", "-i", LEFT_OBJECT, "-t", "14", "-c", "copy", tail], check=True)
    listing = os.path.join(folder, "concat.txt")
    with open(listing, "w") as f:
        f.write(f"file '{LEFT_OBJECT}'\n" + f"file '{tail}'\n" * 10)
    subprocess.run(FFMPEG + ["-f", "concat", "-safe", "0", "-i", listing, "-c", "copy", first], check=True)
    return first, tail


def scenario_rtsp(binary, restarts, seconds, work):
    """One camera, RTSP over TCP, abandoned-object (3 s static, 3 s unattended). The server first plays the
    left-object clip followed by its last 14 s (the bag lying there) ten times; once the draft exists, each round
    kills the server with SIGKILL, keeps it down 1 s, starts it again on the same port with those 14 s looped
    (the bag is there from the first frame), waits for the camera to analyse frames again, and lets it run 1 s."""
    folder = os.path.join(work, "rtsp")
    os.makedirs(folder, exist_ok=True)
    first, tail = dwell_clips(folder)
    rtsp_port = free_port()
    server, urls = start_rtsp([f"street={first}"], port=rtsp_port, log=os.path.join(folder, "rtsp.log"))
    db = os.path.join(folder, "cases.sqlite")
    port = free_port()
    config = os.path.join(folder, "group.yaml")
    with open(config, "w") as f:
        f.write(group_yaml(db, f"127.0.0.1:{port}", [("street", urls["street"])]))
    log = os.path.join(folder, "run.log")
    run = start_run(binary, config, log)
    times, timeouts = [], 0
    crash = None
    done = 0
    try:
        def drafts():
            return try_metrics(port).get("street", {}).get("streetwatch_drafts_created_total", 0)
        opened = wait_until(lambda: drafts() >= 1, 90, 0.5)
        deadline = time.monotonic() + seconds
        for i in range(restarts if opened else 0):
            if time.monotonic() > deadline or run.poll() is not None:
                break
            server.send_signal(signal.SIGKILL)
            server.wait()
            time.sleep(1.0)  # the server stays down 1 s
            server, _ = start_rtsp([f"street={tail}"], port=rtsp_port, log=os.path.join(folder, "rtsp.log"))
            back = time.monotonic()
            before = try_metrics(port).get("street", {}).get("streetwatch_camera_frames_analysed_total", 0)

            def flowing():
                m = try_metrics(port).get("street", {})
                return (m.get("streetwatch_camera_online") == 1
                        and m.get("streetwatch_camera_frames_analysed_total", 0) > before + 2)
            if wait_until(flowing, 60, 0.05):
                times.append(time.monotonic() - back)
            else:
                timeouts += 1
            done += 1
            time.sleep(1.0)  # dwell on the live stream a moment before the next kill
        time.sleep(3)
        page = try_metrics(port).get("street", {})
        crash = run.poll()
    finally:
        stop(run)
        stop(server)
    with sqlite3.connect(db) as conn:
        cases = conn.execute("SELECT COUNT(*) FROM cases WHERE camera_id = 'street'").fetchone()[0]
        gaps = conn.execute("SELECT COUNT(*) FROM cases WHERE camera_id = 'street' AND first_seen_stream > 12").fetchone()[0]
    summary = {
        "restarts done": f"{done} of {restarts}" + ("" if opened else " (no first case within 90 s)"),
        "reconnect time p50": f"{percentile(times, 50):.2f} s",
        "reconnect time p95": f"{percentile(times, 95):.2f} s",
        "reconnect time max": f"{max(times or [float('nan')]):.2f} s",
        "not back within 60 s": timeouts,
        "reconnects counted by run": int(page.get("streetwatch_camera_reconnects_total", -1)),
        "cases for the dwelling object": cases,
        "false cases (more than one)": max(0, cases - 1),
        "run crashed": "yes" if crashed(crash) else "no",
    }
    notes = [f"Reconnect time is measured from the restarted server's ready line to the camera online again with "
             f"new frames analysed (polled every 50 ms on /metrics); the server is down 1 s each time. Cases "
             f"first seen after 12 s of stream: {gaps}.",
             "Reconnect times (s), in order: " + ", ".join(f"{t:.2f}" for t in times) + "."]
    return summary, [], notes


# ---------------------------------------------------------------------------------------------------------------
# 5. Damaged streams beside healthy cameras

def encode(out, seconds, size="320x180", codec="libx264", extra=(), pattern="testsrc2", rate=10):
    subprocess.run(FFMPEG + ["-f", "lavfi", "-i", f"{pattern}=size={size}:rate={rate}", "-t", str(seconds),
                             "-c:v", codec, "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra,
                             "-f", "mpegts", out], check=True)


def damaged_sources(folder):
    """The damaged streams as MPEG-TS files; kinds map to a list of files served one per connection."""
    def path(name):
        return os.path.join(folder, name)
    encode(path("good.ts"), 6, extra=["-g", "20"])
    encode(path("big.ts"), 3, size="640x360", extra=["-g", "20"])
    encode(path("hevc.ts"), 6, codec="libx265", extra=["-x265-params", "log-level=none:keyint=20"])
    encode(path("nokey.ts"), 70, extra=["-g", "100000", "-x264-params", "keyint=infinite:scenecut=0"])
    # Timestamps that jump back 30 s at 2 s and forward 60 s at 4 s (setts on the packets, no re-encode).
    subprocess.run(FFMPEG + ["-i", path("good.ts"), "-c", "copy", "-bsf:v",
                             "setts=ts='if(lt(PTS,2*90000),PTS,if(lt(PTS,4*90000),PTS-30*90000,PTS+60*90000))'",
                             "-f", "mpegts", path("jumps.ts")], check=True)
    with open(path("good.ts"), "rb") as f:
        good = f.read()
    with open(path("big.ts"), "rb") as f:
        big = f.read()
    with open(path("nokey.ts"), "rb") as f:
        nokey = f.read()
    # Size change mid-stream: 320x180 then 640x360 in one byte stream (as a camera reconfigured live).
    with open(path("resize.ts"), "wb") as f:
        f.write(good[:len(good) // 2 // 188 * 188] + big)
    # No keyframe for 60 s: the infinite-GOP stream without its first 1 MB-ish (its only IDR).
    with open(path("nokey-cut.ts"), "wb") as f:
        f.write(nokey[20 * 188:])
    return {
        "truncated": lambda rng: good[:rng.randrange(188, len(good))],
        "bit flips": lambda rng: flip(good, rng),
        "size change mid-stream": lambda rng: open(path("resize.ts"), "rb").read(),
        "H.264 then HEVC after a reconnect": None,  # handled by the server: H.264, then HEVC on the next request
        "timestamps jump back and forward": lambda rng: open(path("jumps.ts"), "rb").read(),
        "no keyframe for 60 s": lambda rng: open(path("nokey-cut.ts"), "rb").read(),
    }, good, open(path("hevc.ts"), "rb").read()


def flip(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 200)):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


class StreamServer(threading.Thread):
    """HTTP on 127.0.0.1: GET /<kind-index> serves the next damaged stream of that kind, paced at ~real time
    (bytes spread over the stream's nominal length), then closes; counts what it served."""

    def __init__(self, kinds, good, hevc, seconds_per_stream, limit):
        super().__init__(daemon=True)
        self.kinds, self.good, self.hevc = kinds, good, hevc
        self.seconds_per_stream, self.limit = seconds_per_stream, limit
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.served = {name: 0 for name in kinds}
        self.requests = {name: 0 for name in kinds}
        self.lock = threading.Lock()
        self.rng = random.Random(RNG.random())
        self.stopped = False
        # Until armed (the healthy cameras are online and warmed up) every connection gets the undamaged stream.
        self.armed = False

    def total(self):
        with self.lock:
            return sum(self.served.values())

    def run(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        names = list(self.kinds)
        try:
            request = conn.recv(4096).decode("latin-1")
            m = re.match(r"GET /(\d+)", request)
            kind = names[int(m.group(1))] if m else None
            if kind is None:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                return
            with self.lock:
                self.requests[kind] += 1
                over = sum(self.served.values()) >= self.limit
                n = self.requests[kind]
            if over or not self.armed:
                data, damaged = self.good, False
            elif self.kinds[kind] is None:
                # H.264 on odd requests, HEVC on even ones: the codec changes at every reconnect.
                data, damaged = (self.good if n % 2 else self.hevc), True
            else:
                data, damaged = self.kinds[kind](self.rng), True
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nConnection: close\r\n\r\n")
            chunk = 188 * 20
            pause = self.seconds_per_stream / max(1, len(data) / chunk)
            if kind == "no keyframe for 60 s":
                pause = 70 / max(1, len(data) / chunk)
            for i in range(0, len(data), chunk):
                if self.stopped:
                    return
                conn.sendall(data[i:i + chunk])
                time.sleep(pause)
            if damaged:
                with self.lock:
                    self.served[kind] += 1
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.stopped = True
        self.sock.close()


def scenario_streams(binary, count, seconds, work):
    """One `run` group: two healthy cameras (the 2 s 320x180 fixture looped by rtsp-server.py) and one camera per
    kind of damage, reading MPEG-TS over HTTP from a server in this script that sends each stream paced over about
    3 s (70 s for the no-keyframe stream) and then closes, so the camera reconnects and gets the next damaged
    stream: truncated at a random byte, 1-200 random bit flips, 320x180 switching to 640x360 mid-stream, H.264
    and HEVC on alternate connections, timestamps 30 s back at 2 s and 60 s forward at 4 s, and an infinite-GOP
    stream whose only keyframe is cut off (70 s without one). The healthy cameras' analysed rate is read from
    /metrics over 5 s windows while the damaged streams play; run is restarted if it dies (counted)."""
    folder = os.path.join(work, "streams")
    os.makedirs(folder, exist_ok=True)
    kinds, good, hevc = damaged_sources(folder)
    streams = StreamServer(kinds, good, hevc, seconds_per_stream=3, limit=count)
    streams.start()
    fixture = os.path.join(ROOT, "Tests", "FrameIngestTests", "Fixtures", "h264_320x180_25fps_2s.mp4")
    server, urls = start_rtsp(["healthy-1=" + fixture, "healthy-2=" + fixture], log=os.path.join(folder, "rtsp.log"))
    db = os.path.join(folder, "cases.sqlite")
    port = free_port()
    config = os.path.join(folder, "group.yaml")
    cameras = [("healthy-1", urls["healthy-1"]), ("healthy-2", urls["healthy-2"])]
    cameras += [(f"damaged-{i}", f"http://127.0.0.1:{streams.port}/{i}") for i in range(len(kinds))]
    with open(config, "w") as f:
        f.write(group_yaml(db, f"127.0.0.1:{port}", cameras))
    log = os.path.join(folder, "run.log")
    run = start_run(binary, config, log)
    crashes, samples, crash_notes = 0, [], []
    armed_at = time.monotonic()
    try:
        wait_until(lambda: all(try_metrics(port).get(c, {}).get("streetwatch_camera_online") == 1
                               for c in ("healthy-1", "healthy-2")), 60)
        time.sleep(5)
        streams.armed = True
        armed_at = time.monotonic()
        previous = (time.monotonic(), try_metrics(port))
        deadline = time.monotonic() + seconds
        while streams.total() < count and time.monotonic() < deadline:
            time.sleep(5)
            if run.poll() is not None:
                crashes += 1
                crash_notes.append(f"run exited {run.returncode} after {streams.total()} streams")
                run = start_run(binary, config, log)
                wait_until(lambda: try_metrics(port), 30)
                previous = (time.monotonic(), try_metrics(port))
                continue
            now = (time.monotonic(), try_metrics(port))
            for camera in ("healthy-1", "healthy-2"):
                a = previous[1].get(camera, {}).get("streetwatch_camera_frames_analysed_total")
                b = now[1].get(camera, {}).get("streetwatch_camera_frames_analysed_total")
                if a is not None and b is not None:
                    samples.append((camera, (b - a) / (now[0] - previous[0])))
            previous = now
        page = try_metrics(port)
    finally:
        code = run.poll()
        stop(run)
        stop(server)
        streams.close()
    if crashed(code):
        crashes += 1
    rates = [r for _, r in samples]
    table = ["| damage | streams served | connections |", "|---|---:|---:|"]
    for kind in kinds:
        table.append(f"| {kind} | {streams.served[kind]} | {streams.requests[kind]} |")
    summary = {
        "damaged streams served": f"{streams.total()} of {count} in {time.monotonic() - armed_at:.0f} s",
        "run crashes": crashes,
        "healthy cameras' analysed fps (5 s windows)": (
            f"{len(rates)} windows, min {min(rates or [float('nan')]):.2f}, p50 {percentile(rates, 50):.2f}, "
            f"mean {sum(rates) / max(1, len(rates)):.2f} (configured 5)"),
        "windows below 4.5 fps": sum(1 for r in rates if r < 4.5),
        "healthy drops (end)": int(sum(page.get(c, {}).get("streetwatch_camera_frames_dropped_total", 0)
                                       for c in ("healthy-1", "healthy-2"))),
        "damaged cameras' reconnects (end)": int(sum(v.get("streetwatch_camera_reconnects_total", 0)
                                                     for c, v in page.items() if c.startswith("damaged"))),
    }
    return summary, table, crash_notes


# ---------------------------------------------------------------------------------------------------------------

SCENARIOS = {
    "configs": ("Mutated configs through `streetwatch check`", scenario_configs),
    "http": ("Malformed HTTP, slow connections and a login flood against `serve`", scenario_http),
    "kill": ("`kill -9` of `run` while cases and evidence are written", scenario_kill),
    "rtsp": ("RTSP server killed and restarted while an object dwells", scenario_rtsp),
    "streams": ("Damaged streams beside healthy cameras", scenario_streams),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--quick", action="store_true", help="small counts, to try the script out")
    parser.add_argument("--only", choices=list(SCENARIOS), action="append")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "reliability.md"))
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, stores)")
    parser.add_argument("--bound", action="append", default=[], metavar="SCENARIO=SECONDS",
                        help="a scenario's wall-time bound instead of its default; work beyond it is skipped and the "
                             "document says how much was done")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    RNG.seed(seed)
    q = args.quick
    # (arguments, wall-time bound in seconds) per scenario.
    plans = {
        "configs": ((30 if q else 1000,), 120 if q else 1200),
        "http": ((500 if q else 20000, 50 if q else 500, 100 if q else 2000), 240 if q else 1500),
        "kill": ((2 if q else 20,), 240 if q else 1200),
        "rtsp": ((3 if q else 100,), 240 if q else 1500),
        "streams": ((12 if q else 300,), 180 if q else 1500),
    }
    for item in args.bound:
        name, _, seconds = item.partition("=")
        if name not in plans or not seconds.isdigit():
            parser.error(f"--bound {item}: expected SCENARIO=SECONDS with SCENARIO one of {', '.join(plans)}")
        plans[name] = (plans[name][0], int(seconds))
    work = tempfile.mkdtemp(prefix="streetwatch-reliability-")
    described = machine()
    print(f"machine: {described}\nseed: {seed}\nwork: {work}", flush=True)
    sections = []
    for name in args.only or list(SCENARIOS):
        title, function = SCENARIOS[name]
        counts, bound = plans[name]
        print(f"== {name}: counts {counts}, at most {bound} s", flush=True)
        started = time.monotonic()
        summary, table, notes = function(binary, *counts, bound, work)
        elapsed = time.monotonic() - started
        for key, value in summary.items():
            print(f"  {key}: {value}", flush=True)
        for note in notes:
            print(f"  note: {note}", flush=True)
        sections.append((name, title, counts, bound, elapsed, summary, table, notes))
    write_docs(args, described, seed, sections)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


COUNT_NAMES = {
    "configs": ["mutated configs"],
    "http": ["malformed requests", "slow connections", "login attempts"],
    "kill": ["kill -9"],
    "rtsp": ["server restarts"],
    "streams": ["damaged streams"],
}


def write_docs(args, described, seed, sections):
    text = f"""# Reliability

Generated by `make reliability` (`scripts/reliability.py`) on {datetime.date.today().isoformat()}; do not edit by
hand. Every figure below was measured in this one run{' with **--quick** (small counts: not the issue-13 counts)' if args.quick else ''}.

Machine: {described}. Random seed {seed} (`--seed {seed}` repeats the same mutations and kill moments).
Everything runs on 127.0.0.1.

"""
    if args.bound:
        text += (f"Time bounds set for this run (`--bound {' --bound '.join(args.bound)}`) instead of the defaults: "
                 "where a scenario reached its bound, the figures say how much of its count was done.\n\n")
    for name, title, counts, bound, elapsed, summary, table, notes in sections:
        shown = ", ".join(f"{n} {label}" for n, label in zip(counts, COUNT_NAMES[name]))
        how = " ".join(line.strip() for line in SCENARIOS[name][1].__doc__.strip().splitlines())
        text += f"## {title}\n\n{how}\n\nCounts: {shown}; bound {bound} s; took {elapsed:.0f} s.\n\n"
        text += "| figure | value |\n|---|---|\n"
        text += "".join(f"| {k} | {v} |\n" for k, v in summary.items()) + "\n"
        if table:
            text += "\n".join(table) + "\n\n"
        for note in notes:
            text += f"{note}\n\n"
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
