#!/usr/bin/python3
"""Headless Chromium on an open review queue: does a draft stored elsewhere show in the page by itself?

Usage: chromium-live-queue.py BASE_URL USER PASSWORD READY_FILE
Logs in, opens the queue (/), then creates READY_FILE; the caller stores a new draft and the script polls the
page's live notice (#live, filled from /api/queue/events) for 10 s. Prints JSON: {"seenAt": epoch ms when the
notice showed the case, or null, "cases": the notice's case numbers, "rows": queue rows}.
Chromium speaks the DevTools protocol over --remote-debugging-pipe (fd 3 in, fd 4 out; NUL-terminated JSON), as in
chromium-review.py.
"""
import json, os, shutil, signal, subprocess, sys, tempfile, time

base, user, password, ready_file = sys.argv[1:5]
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    sys.exit("chromium not found (apt-get install chromium)")

def give_up(*_):
    raise SystemExit("chromium-live-queue.py: timed out")
signal.signal(signal.SIGALRM, give_up)
signal.alarm(120)
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()
profile = tempfile.mkdtemp(prefix="streetwatch-chromium-live-")
child_in, child_out = os.dup(to_chrome_r), os.dup(from_chrome_w)
def wire_fds():
    os.dup2(child_in, 3)
    os.dup2(child_out, 4)
proc = subprocess.Popen(
    [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
     "--remote-debugging-pipe", "--user-data-dir=" + profile, "--window-size=1366,768", "about:blank"],
    pass_fds=(3, 4), preexec_fn=wire_fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(child_in); os.close(child_out); os.close(to_chrome_r); os.close(from_chrome_w)

buffer = b""
next_id = 0
events = []

def read_message():
    global buffer
    while b"\0" not in buffer:
        chunk = os.read(from_chrome_r, 65536)
        if not chunk:
            raise SystemExit("chromium closed the pipe")
        buffer += chunk
    message, buffer = buffer.split(b"\0", 1)
    return json.loads(message)

def call(method, params=None, session=None):
    global next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    os.write(to_chrome_w, json.dumps(message).encode() + b"\0")
    while True:
        reply = read_message()
        if reply.get("id") == next_id:
            if "error" in reply:
                raise SystemExit(f"{method}: {reply['error']}")
            return reply.get("result", {})
        events.append(reply)

def wait_event(name, session, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for i, e in enumerate(events):
            if e.get("method") == name and e.get("sessionId") == session:
                del events[: i + 1]
                return e
        events.append(read_message())
    raise SystemExit(f"timed out waiting for {name}")

try:
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    call("Page.enable", session=session)

    def evaluate(expression):
        return call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)["result"].get("value")

    def load(action):
        events.clear()
        action()
        wait_event("Page.loadEventFired", session)

    load(lambda: call("Page.navigate", {"url": base + "/login"}, session))
    load(lambda: evaluate(f"""document.getElementById('username').value = {json.dumps(user)};
        document.getElementById('password').value = {json.dumps(password)};
        document.getElementById('submit').click()"""))
    rows = evaluate("document.querySelectorAll('#queue a.case').length")
    # The page's EventSource connects after load; give it a moment before the caller writes.
    time.sleep(1)
    open(ready_file, "w").close()
    seen_at, cases = None, ""
    deadline = time.time() + 10
    while time.time() < deadline:
        cases = evaluate("(document.getElementById('live') && !document.getElementById('live').hidden) ? document.getElementById('live-cases').textContent : ''") or ""
        if cases:
            seen_at = int(time.time() * 1000)
            break
        time.sleep(0.05)
    print(json.dumps({"seenAt": seen_at, "cases": cases, "rows": rows}))
finally:
    proc.kill()
    proc.wait()
    shutil.rmtree(profile, ignore_errors=True)
