#!/usr/bin/env python3
"""Drives a real headless Chromium through the review UI over the DevTools protocol (stdlib only).

Usage: chromium-review.py BASE_URL USER PASSWORD CONFIRM_CASE REJECT_CASE ARTIFACT_DIR [YEAR [DECISIONS]]

Chromium speaks the protocol over --remote-debugging-pipe (fd 3 in, fd 4 out; NUL-terminated JSON), which
needs no websocket code. Logs in, reads the report, confirms one case with the C key, rejects another with
key 2 (误报-行人/车辆), reads the report again. Then, in zh-CN and in en: walks the queue, a case, the camera page
and the report (screenshots of each, placeholders such as `nil` looked for, Chinese glyphs told apart from
missing-glyph boxes), and works through the draft queue by keyboard only: DECISIONS verdicts (default 100) in
zh-CN and a tenth of them in en, with undo, previous/next and the clip. Each verdict's server time is the sum of
the `Server-Timing` of its POST and of the page it leads to. Prints one JSON line with what it saw.
Screenshots go to ARTIFACT_DIR. Exits non-zero with a message on any failure or after 240 s.
"""
import base64, json, os, shutil, signal, subprocess, sys, tempfile, time

base, user, password, confirm_case, reject_case, artifacts = sys.argv[1:7]
year = sys.argv[7] if len(sys.argv) > 7 else "2026"
decisions = int(sys.argv[8]) if len(sys.argv) > 8 else 100
os.makedirs(artifacts, exist_ok=True)
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    sys.exit("chromium not found (apt-get install chromium)")

def give_up(*_):
    raise SystemExit("chromium-review.py: timed out")
# Set a handler rather than rely on the default action: a parent may have left SIGALRM ignored.
signal.signal(signal.SIGALRM, give_up)
signal.alarm(240)
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
     "--remote-debugging-pipe", "--user-data-dir=" + profile, "--window-size=1366,768", "about:blank"],
    # preexec_fn runs before subprocess closes inherited fds, so 3 and 4 must be in the keep list.
    pass_fds=(3, 4), preexec_fn=wire_fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(child_in); os.close(child_out); os.close(to_chrome_r); os.close(from_chrome_w)

buffer = b""
next_id = 0
events = []
network = []  # Network.* events, kept apart so that waiting for a page load does not drop them

def read_message():
    global buffer
    while b"\0" not in buffer:
        chunk = os.read(from_chrome_r, 65536)
        if not chunk:
            raise SystemExit("chromium closed the pipe")
        buffer += chunk
    message, buffer = buffer.split(b"\0", 1)
    message = json.loads(message)
    if message.get("method", "").startswith("Network."):
        network.append(message)
        return {}
    return message

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
        names = {"Enter": ("Enter", 13, "\r"), "Escape": ("Escape", 27, "")}
        if k in names:
            code, vk, text = names[k]
        else:
            code, vk, text = ("Key" + k.upper() if k.isalpha() else "Digit" + k), ord(k.upper()), k
        for kind in ("keyDown", "keyUp"):
            call("Input.dispatchKeyEvent", {"type": kind, "key": k, "code": code, "text": text if kind == "keyDown" else "",
                                            "windowsVirtualKeyCode": vk}, session)

    def summary():
        rows = evaluate("Array.from(document.querySelectorAll('#summary tr')).map(r => Array.from(r.cells).map(c => c.textContent))")
        return {r[0]: r[1] for r in rows[1:]}

    def placeholders():
        """Placeholders in the page's text and links, as the issue found them."""
        return evaluate(r"""(() => {
            const text = document.body.innerText, found = [];
            if (/\bnil\b/.test(text)) found.push('nil');
            for (const m of ['Optional(', 'undefined', 'NaN', '()']) if (text.includes(m)) found.push(m);
            for (const a of document.querySelectorAll('a[href]')) if (/\/(nil|undefined)?$/.test(a.getAttribute('href').split('?')[0]) && a.getAttribute('href').startsWith('/cases/')) found.push(a.getAttribute('href'));
            return found; })()""")

    def glyphs_differ():
        """Whether two different Chinese characters draw differently: with no CJK font both are the same box."""
        return evaluate("""(() => {
            const draw = (ch) => { const c = document.createElement('canvas'); c.width = 40; c.height = 40;
                const g = c.getContext('2d'); g.font = '32px ' + getComputedStyle(document.body).fontFamily;
                g.fillText(ch, 2, 32); return c.toDataURL(); };
            return draw('审') !== draw('核'); })()""")

    def server_ms():
        """Server-Timing durations (ms) since `network` was cleared: of redirects (the verdict POSTs) and of the
        documents they led to."""
        totals = {"redirect": 0.0, "document": 0.0}
        for e in network:
            p = e.get("params", {})
            responses = []
            if e["method"] == "Network.requestWillBeSent" and p.get("redirectResponse"):
                responses.append(("redirect", p["redirectResponse"]))
            if e["method"] == "Network.responseReceived" and p.get("type") == "Document":
                responses.append(("document", p["response"]))
            for kind, r in responses:
                timing = {k.lower(): v for k, v in r.get("headers", {}).items()}.get("server-timing", "")
                for part in timing.split(","):
                    if "dur=" in part:
                        totals[kind] += float(part.split("dur=")[1])
        return totals

    def p95(values):
        ordered = sorted(values)
        return ordered[int(round(0.95 * (len(ordered) - 1)))] if ordered else None

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

    navigate(base + "/report?lang=zh&year=" + year)
    seen["reportBefore"] = summary()
    screenshot("03-report-before")

    navigate(base + "/cases/" + confirm_case)
    screenshot("04-case")
    then_load(lambda: key("c"))
    seen["confirmed"] = evaluate("document.querySelector('#done .badge').className.split(' ')[1] + ' ' + document.querySelector('#done a').textContent")
    screenshot("05-confirmed")

    navigate(base + "/cases/" + reject_case)
    then_load(lambda: key("2"))
    seen["rejected"] = evaluate("document.querySelector('#done .badge').className.split(' ')[1] + ' ' + document.querySelector('#done a').textContent")
    seen["rejectedText"] = evaluate("document.getElementById('done').textContent")
    screenshot("06-rejected")

    navigate(base + "/report?year=" + year)
    seen["reportAfter"] = summary()
    screenshot("07-report-after")

    # Reason 6 ("other") needs a note: U takes the rejection back, 6 picks the reason and puts the cursor in the
    # note, Enter files it.
    navigate(base + "/cases/" + reject_case)
    then_load(lambda: key("u"))
    seen["undoneToDraft"] = evaluate("document.getElementById('status').className").endswith("draft")
    key("6")
    seen["noteFocused"] = evaluate("document.activeElement.id")
    call("Input.insertText", {"text": "摊主已离开"}, session)
    then_load(lambda: key("Enter"))
    seen["otherText"] = evaluate("document.getElementById('done') ? document.getElementById('done').textContent : ''")
    screenshot("08-rejected-other")

    call("Network.enable", session=session)
    for lang, count in (("zh", decisions), ("en", max(1, decisions // 10))):
        got = seen[lang] = {"placeholders": {}}
        for name, path in (("queue", "/?order=oldest"), ("case", "/cases/" + confirm_case + "?status=all"),
                           ("cameras", "/cameras"), ("report", "/report?year=" + year)):
            navigate(base + path + ("&" if "?" in path else "?") + "lang=" + lang)
            got["placeholders"][name] = placeholders()
            screenshot(f"{lang}-{name}")
        navigate(base + "/cameras")
        got["cameraCards"] = evaluate("document.querySelectorAll('article.cam').length")
        got["camerasOnline"] = evaluate("document.querySelectorAll('article.cam .dot.on').length")
        got["cameraPictures"] = evaluate("Array.from(document.querySelectorAll('article.cam img')).filter(i => i.complete && i.naturalWidth > 0).length")
        got["glyphsDiffer"] = glyphs_differ()
        got["lang"] = evaluate("document.documentElement.lang")

        # The queue by keyboard: J focuses the first row, Enter opens it.
        navigate(base + "/?order=oldest")
        got["thumbnails"] = evaluate("document.querySelectorAll('#queue td.thumb img').length")
        got["boxes"] = evaluate("document.querySelectorAll('#queue td.thumb .box').length")
        got["rows"] = evaluate("document.querySelectorAll('#queue a.case').length")
        key("j"); key("j"); key("k")
        got["focused"] = evaluate("document.activeElement.className + ' ' + document.activeElement.textContent")
        got["focusOutline"] = evaluate("getComputedStyle(document.activeElement).outlineStyle")
        first = evaluate("document.querySelector('#queue a.case').textContent")
        then_load(lambda: key("Enter"))
        got["opened"] = evaluate("document.getElementById('number').textContent") == first
        key("v")
        got["clipFocused"] = evaluate("document.activeElement.id")
        server, posts, pages, wall, mismatches, undos = [], [], [], [], [], 0
        for i in range(count):
            number = evaluate("document.getElementById('number').textContent")
            k = "c" if i % 3 == 0 else str(1 + i % 5)
            network.clear()
            started = time.time()
            then_load(lambda: key(k))
            wall.append((time.time() - started) * 1000)
            spent = server_ms()
            server.append(spent["redirect"] + spent["document"])
            posts.append(spent["redirect"])
            pages.append(spent["document"])
            done = evaluate("[document.querySelector('#done a') && document.querySelector('#done a').textContent, document.querySelector('#done .badge') && document.querySelector('#done .badge').className]")
            expected = "confirmed" if k == "c" else "rejected"
            if done[0] != number or expected not in (done[1] or ""):
                mismatches.append([number, k, done])
            if i % 10 == 9:
                # U takes the verdict back and shows the case again as a draft; the next verdict is on it.
                then_load(lambda: key("u"))
                if evaluate("document.getElementById('number').textContent") == number and evaluate("document.getElementById('status').className").endswith("draft"):
                    undos += 1
                then_load(lambda: key("c" if k != "c" else "1"))
            if evaluate("location.pathname") == "/":
                break
        got["decisions"] = len(server)
        got["undos"] = undos
        got["mismatches"] = mismatches
        got["serverP95"] = p95(server)
        got["serverMax"] = max(server) if server else None
        got["serverPostP95"] = p95(posts)
        got["serverPageP95"] = p95(pages)
        got["wallP95"] = p95(wall)
        got["preloaded"] = evaluate("Array.from(document.querySelectorAll('link[rel=prefetch]')).length")
        screenshot(f"{lang}-after-decisions")
        # Previous and next: K then J lands back on the same case (a view of every status).
        navigate(base + "/cases/" + confirm_case + "?status=all&order=oldest")
        then_load(lambda: key("j"))
        moved = evaluate("document.getElementById('number').textContent")
        then_load(lambda: key("k"))
        got["nextPrevious"] = [moved != confirm_case, evaluate("document.getElementById('number').textContent") == confirm_case]

    # A tablet held upright: the same pages at 768x1024.
    call("Emulation.setDeviceMetricsOverride", {"width": 768, "height": 1024, "deviceScaleFactor": 1, "mobile": True}, session)
    for name, path in (("queue", "/?status=all"), ("case", "/cases/" + confirm_case), ("cameras", "/cameras")):
        navigate(base + path)
        screenshot("tablet-" + name)
    seen["tabletOverflow"] = evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
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
