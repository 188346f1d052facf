#!/usr/bin/env python3
"""Drives a real headless Chromium through the review UI over the DevTools protocol (stdlib only).

Usage: chromium-review.py BASE_URL USER PASSWORD CONFIRM_CASE REJECT_CASE ARTIFACT_DIR [YEAR]

Chromium speaks the protocol over --remote-debugging-pipe (fd 3 in, fd 4 out; NUL-terminated JSON), which
needs no websocket code. Logs in, reads the report, confirms one case with the C key, rejects another with
key 2 (误报-行人/车辆), reads the report again and prints one JSON line with what it saw.
Screenshots go to ARTIFACT_DIR. Exits non-zero with a message on any failure or after 120 s.
"""
import base64, json, os, shutil, signal, subprocess, sys, tempfile, time

base, user, password, confirm_case, reject_case, artifacts = sys.argv[1:7]
year = sys.argv[7] if len(sys.argv) > 7 else "2026"
os.makedirs(artifacts, exist_ok=True)
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    sys.exit("chromium not found (apt-get install chromium)")

def give_up(*_):
    raise SystemExit("chromium-review.py: timed out")
# Set a handler rather than rely on the default action: a parent may have left SIGALRM ignored.
signal.signal(signal.SIGALRM, give_up)
signal.alarm(120)
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()
profile = tempfile.mkdtemp(prefix="streetwatch-chromium-")
# fd 3 and 4 in the child must be our pipe ends; dup them above 4 first so the dup2 below cannot clobber them.
child_in, child_out = os.dup(to_chrome_r), os.dup(from_chrome_w)
def wire_fds():
    os.dup2(child_in, 3)
    os.dup2(child_out, 4)
proc = subprocess.Popen(
    [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
     "--remote-debugging-pipe", "--user-data-dir=" + profile, "--window-size=1280,1000", "about:blank"],
    # preexec_fn runs before subprocess closes inherited fds, so 3 and 4 must be in the keep list.
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

    def navigate(url):
        events.clear()
        call("Page.navigate", {"url": url}, session)
        wait_event("Page.loadEventFired", session)

    def evaluate(expression):
        return call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)["result"].get("value")

    def then_load(action):
        """Runs `action` (which submits a form) and waits for the next page."""
        events.clear()
        action()
        wait_event("Page.loadEventFired", session)

    def screenshot(name):
        data = call("Page.captureScreenshot", {"format": "png"}, session)["data"]
        with open(os.path.join(artifacts, name + ".png"), "wb") as f:
            f.write(base64.b64decode(data))

    def key(k):
        code = "Key" + k.upper() if k.isalpha() else "Digit" + k
        for kind in ("keyDown", "keyUp"):
            call("Input.dispatchKeyEvent", {"type": kind, "key": k, "code": code, "text": k if kind == "keyDown" else "",
                                            "windowsVirtualKeyCode": ord(k.upper())}, session)

    def summary():
        rows = evaluate("Array.from(document.querySelectorAll('#summary tr')).map(r => Array.from(r.cells).map(c => c.textContent))")
        return {r[0]: r[1] for r in rows[1:]}

    seen = {}
    navigate(base + "/")
    seen["start"] = evaluate("location.pathname")
    screenshot("01-login")
    then_load(lambda: evaluate(f"""document.getElementById('username').value = {json.dumps(user)};
        document.getElementById('password').value = {json.dumps(password)};
        document.getElementById('submit').click()"""))
    seen["afterLogin"] = evaluate("location.pathname")
    seen["queueRows"] = evaluate("document.querySelectorAll('#queue a.case').length")
    screenshot("02-queue")

    navigate(base + "/report?year=" + year)
    seen["reportBefore"] = summary()
    screenshot("03-report-before")

    navigate(base + "/cases/" + confirm_case)
    screenshot("04-case")
    then_load(lambda: key("c"))
    seen["confirmed"] = evaluate("document.getElementById('status').className")
    screenshot("05-confirmed")

    navigate(base + "/cases/" + reject_case)
    then_load(lambda: key("2"))
    seen["rejected"] = evaluate("document.getElementById('status').className")
    seen["rejectedText"] = evaluate("document.getElementById('status').parentElement.textContent")
    screenshot("06-rejected")

    navigate(base + "/report?year=" + year)
    seen["reportAfter"] = summary()
    screenshot("07-report-after")
    print(json.dumps(seen, ensure_ascii=False))
finally:
    signal.alarm(10)
    try:
        call("Browser.close")
        proc.wait(timeout=10)
    except BaseException:
        proc.kill()
        proc.wait()
    signal.alarm(0)
    shutil.rmtree(profile, ignore_errors=True)
