#!/usr/bin/python3
"""The cluster demo and issue 14's loopback acceptance run: one PostgreSQL, two camera groups as two
`streetwatch run` processes, one `streetwatch serve`, one review queue holding both groups' drafts.

    scripts/cluster-demo.py STREETWATCH_BINARY [--seconds 60] [--cameras 3] [--markdown docs/cluster.md]

What it does, all on loopback:
1. A throw-away PostgreSQL cluster (Debian's `postgresql` package): `initdb` into a temporary folder (as the
   `postgres` user when run as root), a unix socket only, one database `streetwatch`.
2. An RTSP server (scripts/rtsp-server.py) plays samples/street-left-object.mp4 in a loop on every camera: a bag is
   set down 8 s into every 30 s pass, so with `dedup_cooldown_seconds: 0` each camera drafts a new case, with a
   before and an after picture and a clip, about every 30 s.
3. Group `north` starts with N cameras, one of them `gate-shared`. Group `south` is configured with N cameras too,
   `gate-shared` among them: its start is refused with the message that names the process running it, and it
   records nothing. `south` then starts without `gate-shared`, and both groups write to the one database at the
   same time for --seconds.
4. `serve` on the same database and evidence folder; one account; the queue (`/api/cases`) is read page by page.
5. Both `run`s stop (SIGTERM). Checked: every draft either process logged is in the database (lost), one case
   per incident key and no two cases of one camera first seen < 20 s apart (duplicated: the clip shows one new
   object per 30 s), case numbers per prefix gap-free from 1, no camera drafted by both processes, every evidence
   row's file present with its SHA-256, and the queue holding every draft of both groups.

Prints a Markdown report (and writes it to --markdown); exits 1 when a check fails.
"""
import argparse
import glob
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

from pgcluster import Postgres

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RTSP_SERVER = os.path.join(ROOT, "scripts", "rtsp-server.py")
CLIP = os.path.join(ROOT, "samples", "street-left-object.mp4")
LOCATION = '{address: 测试路 1 号, lon: 116.4, lat: 39.9, grid_code: "110101001001001"}'
RULES = '[{type: abandoned-object, category: "06010", options: {min_static_seconds: 3, unattended_seconds: 3}}]'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_quiet(argv, **kwargs):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def start_rtsp(mounts, log):
    argv = ["/usr/bin/python3", RTSP_SERVER, "--port", "0", "--lifetime", "3600"]
    for mount in mounts:
        argv += ["--mount", mount]
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=open(log, "a"), text=True)
    urls = {}
    while len(urls) < len(mounts):
        line = server.stdout.readline()
        if not line:
            server.wait()
            raise SystemExit(f"cluster-demo: rtsp-server.py exited ({server.returncode}); log {log}")
        if line.startswith("ready "):
            url = line.split()[1]
            urls[url.rsplit("/", 1)[1]] = url
    return server, urls


def group_yaml(group, url, evidence, port, cameras):
    text = (f"group: {{id: {group}, name: {group.capitalize()}}}\n"
            f"store: {{database: '{url}', evidence: {evidence}}}\n"
            f"server: {{listen: \"127.0.0.1:{port}\"}}\n"
            "defaults: {analysis_fps: 5, analysis_width: 320, utc_offset: '+08:00', dedup_cooldown_seconds: 0, "
            "clip_pre_roll_seconds: 3, clip_post_roll_seconds: 3}\ncameras:\n")
    for camera_id, camera_url in cameras:
        text += f"  - {{id: {camera_id}, url: \"{camera_url}\", location: {LOCATION}, rules: {RULES}}}\n"
    return text


def metrics_online(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/metrics")
        body = conn.getresponse().read().decode()
        conn.close()
    except OSError:
        return 0
    return sum(float(m.group(1)) for m in re.finditer(r'^streetwatch_camera_online\{[^}]*\} (\S+)$', body, re.M))


def wait_until(condition, seconds, step=0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def stop(process, timeout=20):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def login(port, name, password):
    """Logs in through the form (double-submit CSRF cookie); returns the session cookie, or None (also while the
    server is not listening yet)."""
    try:
        return login_once(port, name, password)
    except OSError:
        return None


def login_once(port, name, password):
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
    return next((c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or []
                 if c.startswith("sw_session=") and not c.startswith("sw_session=;")), None)


def queue(port, session):
    """Every draft in the desk's queue, through /api/cases and its X-Next-After cursor; and the pages' times."""
    cases, after, times = [], None, []
    while True:
        path = "/api/cases?limit=50" + (f"&after={urllib.parse.quote(after)}" if after else "")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        started = time.monotonic()
        conn.request("GET", path, headers={"Cookie": session})
        response = conn.getresponse()
        body = response.read()
        times.append(time.monotonic() - started)
        conn.close()
        if response.status != 200:
            raise SystemExit(f"cluster-demo: GET {path} answered {response.status}: {body[:300]!r}")
        cases += json.loads(body)
        after = response.headers.get("X-Next-After")
        if not after:
            return cases, times


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--cameras", type=int, default=4, help="cameras per group, gate-shared included")
    parser.add_argument("--markdown", help="also write the report here")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    work = tempfile.mkdtemp(prefix="sw-cluster.")
    evidence = os.path.join(work, "shared")
    os.makedirs(evidence)
    processes, failures = [], []
    pg = Postgres()
    rtsp = None
    try:
        own = args.cameras - 1
        north_ids = ["gate-shared"] + [f"north-{i}" for i in range(1, own + 1)]
        south_ids = ["gate-shared"] + [f"south-{i}" for i in range(1, own + 1)]
        rtsp, urls = start_rtsp([f"{c}={CLIP}" for c in dict.fromkeys(north_ids + south_ids)],
                                os.path.join(work, "rtsp.log"))
        ports = {"north": free_port(), "south": free_port(), "serve": free_port()}
        configs = {}
        for group, ids in (("north", north_ids), ("south", south_ids), ("south-2", south_ids[1:])):
            configs[group] = os.path.join(work, f"{group}.yaml")
            with open(configs[group], "w") as f:
                f.write(group_yaml("south" if group == "south-2" else group, pg.url, evidence,
                                   ports["south" if group == "south-2" else group], [(c, urls[c]) for c in ids]))
        logs = {g: os.path.join(work, f"{g}.log") for g in ("north", "south", "serve")}

        north = subprocess.Popen([binary, "run", configs["north"]], stdout=open(logs["north"], "a"),
                                 stderr=subprocess.STDOUT)
        processes.append(north)
        if not wait_until(lambda: metrics_online(ports["north"]) == len(north_ids), 90):
            raise SystemExit(f"cluster-demo: north's cameras did not come online in 90 s; log {logs['north']}")

        # The clash: south lists gate-shared, which north runs.
        refused = run_quiet([binary, "run", configs["south"]], timeout=60)
        clash_message = refused.stderr.strip().splitlines()[-1] if refused.stderr.strip() else ""
        registered_south = pg.sql("SELECT count(*) FROM camera_groups WHERE id = 'south'")[0][0]
        shared_owner = pg.sql("SELECT group_id FROM cameras WHERE id = 'gate-shared'")[0][0]
        if refused.returncode == 0 or "gate-shared" not in clash_message or "north" not in clash_message:
            failures.append(f"the clash was not refused by name (exit {refused.returncode}): {refused.stderr[-500:]}")
        if registered_south != "0" or shared_owner != "north":
            failures.append(f"the refused start changed the registry (south rows {registered_south}, "
                            f"gate-shared under {shared_owner})")

        south = subprocess.Popen([binary, "run", configs["south-2"]], stdout=open(logs["south"], "a"),
                                 stderr=subprocess.STDOUT)
        processes.append(south)
        if not wait_until(lambda: metrics_online(ports["south"]) == len(south_ids) - 1, 90):
            raise SystemExit(f"cluster-demo: south's cameras did not come online in 90 s; log {logs['south']}")
        both_from = time.monotonic()
        time.sleep(args.seconds)
        both_seconds = time.monotonic() - both_from
        exits = {"north": stop(north), "south": stop(south)}
        for group, code in exits.items():
            if code != 0:
                failures.append(f"{group} exited with {code} on SIGTERM")

        # What each process said it drafted, and what the database holds.
        logged = {}
        for group in ("north", "south"):
            with open(logs[group], errors="replace") as f:
                logged[group] = set(re.findall(r"draft case (SW-[\w-]+)", f.read()))
        rows = pg.sql("SELECT case_number, incident_key, camera_id, number_prefix, number_seq, first_seen_at "
                      "FROM cases ORDER BY camera_id, first_seen_at")
        stored = {r[0] for r in rows}
        lost = (logged["north"] | logged["south"]) - stored
        unlogged = stored - (logged["north"] | logged["south"])
        duplicate_keys = len(rows) - len({r[1] for r in rows})
        close_pairs = sum(1 for a, b in zip(rows, rows[1:]) if a[2] == b[2] and float(b[5]) - float(a[5]) < 20)
        gaps = []
        by_prefix = {}
        for r in rows:
            by_prefix.setdefault(r[3], []).append(int(r[4]))
        for prefix, seqs in by_prefix.items():
            if sorted(seqs) != list(range(1, len(seqs) + 1)):
                gaps.append(prefix)
        cameras_of = {g: {n.rsplit("-", 1)[0] for n in logged[g]} for g in logged}
        both = cameras_of["north"] & cameras_of["south"]
        evidence_rows = pg.sql("SELECT relative_path, sha256 FROM evidence")
        bad_hash = sum(1 for rel, sha in evidence_rows
                       if not os.path.exists(os.path.join(evidence, rel)) or sha256_file(os.path.join(evidence, rel)) != sha)
        due = pg.sql("SELECT coalesce(sum((missing_reason IS NULL)::int), 0), coalesce(sum((missing_reason IS NOT NULL)::int), 0) "
                     "FROM evidence_due")[0]
        drafts_by_camera = pg.sql("SELECT camera_id, count(*) FROM cases GROUP BY camera_id ORDER BY camera_id")

        # One desk over both groups.
        added = subprocess.run([binary, "user", "add", "demo", "--role", "reviewer", "--db", pg.url],
                               input="demo-password-1\n", text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if added.returncode != 0:
            raise SystemExit(f"cluster-demo: user add failed: {added.stdout}")
        serve = subprocess.Popen([binary, "serve", "--db", pg.url, "--evidence", evidence, "--listen",
                                  f"127.0.0.1:{ports['serve']}"], stdout=open(logs["serve"], "a"),
                                 stderr=subprocess.STDOUT)
        processes.append(serve)
        session = wait_until(lambda: login(ports["serve"], "demo", "demo-password-1") if serve.poll() is None else "x", 30)
        if not session or serve.poll() is not None:
            raise SystemExit(f"cluster-demo: serve did not start or refused the login; log {logs['serve']}")
        listed, page_times = queue(ports["serve"], session)
        in_queue = {c["caseNumber"] for c in listed}
        queue_cameras = sorted({c["cameraId"] for c in listed})
        stop(serve)
        if in_queue != stored:
            failures.append(f"the queue holds {len(in_queue)} drafts, the database {len(stored)}")
        for what, value in (("lost drafts", len(lost)), ("duplicate incident keys", duplicate_keys),
                            ("cases of one camera < 20 s apart", close_pairs), ("prefixes with gaps", len(gaps)),
                            ("cameras drafted by both processes", len(both)), ("evidence hash mismatches", bad_hash)):
            if value:
                failures.append(f"{what}: {value}")
        if not logged["north"] or not logged["south"]:
            failures.append("a group drafted nothing")

        report = [
            "# Cluster demo: one PostgreSQL, two groups, one queue",
            "",
            "`scripts/cluster-demo.py STREETWATCH_BINARY` (issue 14, point 7 and the 60 s acceptance run): a throw-away "
            "PostgreSQL, two `streetwatch run` group processes writing to it at the same time, a start refused for a "
            "camera id the other group runs, one `streetwatch serve` whose queue holds both groups' drafts. The script's "
            "docstring says what each check counts. This file is its output.",
            "",
            "A camera is claimed by the whole group: a `run` whose config names a camera another process runs is refused before any of its cameras start, and records nothing. So the two processes that write at the same time are north (with `gate-shared`) and south started again without it; the shared camera's drafts all come from north.",
            "",
            f"Measured by `scripts/cluster-demo.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"{os.cpu_count()} cores shared with other work; PostgreSQL {pg.sql('SHOW server_version')[0][0]} "
            "on a unix socket, every camera an RTSP stream of samples/street-left-object.mp4 on loopback "
            f"(a new bag every 30 s; cool-down 0); binary `{os.path.relpath(binary, ROOT)}`.",
            "",
            "| | result |",
            "|---|---|",
            f"| groups writing at once | north ({len(north_ids)} cameras) and south ({len(south_ids) - 1}), "
            f"{both_seconds:.0f} s |",
            f"| south started with `gate-shared` (run by north) | refused, exit {refused.returncode}; "
            f"nothing recorded (south in the registry: {registered_south}; gate-shared under {shared_owner}) |",
            f"| drafts logged | north {len(logged['north'])}, south {len(logged['south'])} |",
            f"| drafts in the database | {len(stored)} ({', '.join(f'{c} {n}' for c, n in drafts_by_camera)}) |",
            f"| lost (logged, not stored) | {len(lost)} |",
            f"| stored, not logged | {len(unlogged)} |",
            f"| duplicated (same incident key; same camera < 20 s apart) | {duplicate_keys}; {close_pairs} |",
            f"| case-number prefixes with a gap | {len(gaps)} of {len(by_prefix)} |",
            f"| cameras drafted by both processes | {len(both)} |",
            f"| evidence rows; files missing or with another SHA-256 | {len(evidence_rows)}; {bad_hash} |",
            f"| evidence still awaited; marked missing (at stop) | {due[0]}; {due[1]} |",
            f"| one `serve`: drafts in its queue | {len(in_queue)} of {len(stored)}, cameras {', '.join(queue_cameras)}; "
            f"{len(page_times)} pages of 50, slowest {max(page_times) * 1000:.0f} ms |",
            f"| exit on SIGTERM | north {exits['north']}, south {exits['south']} |",
            "",
            "The refusal, as `run` prints it:",
            "```",
            clash_message,
            "```",
            "",
            "Result: " + ("**pass**" if not failures else "**FAIL**: " + "; ".join(failures)),
        ]
        text = "\n".join(report) + "\n"
        print(text)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(text)
        return 1 if failures else 0
    finally:
        for process in processes:
            stop(process)
        if rtsp:
            stop(rtsp)
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
