# page_text.py <browser> <url> <js expression> <wanted substring>: loads url in headless
# chromium in real time (no virtual time: it would wait for an open event stream to end),
# offline (other hosts do not resolve), and, over the DevTools protocol on
# --remote-debugging-pipe (NUL-terminated JSON on fds 3 and 4), evaluates the expression until its value contains the wanted text (20 s at
# most); prints the last value; exit 0 when found, 1 otherwise.
import json, os, signal, subprocess, sys, time
browser, url, expression, wanted = sys.argv[1:5]
to_browser_r, to_browser_w = os.pipe()
from_browser_r, from_browser_w = os.pipe()
def fds():
    a, b = os.dup(to_browser_r), os.dup(from_browser_w)  # (3 or 4 may be one of them)
    os.dup2(a, 3); os.dup2(b, 4)
# Offline: every host but the monitor's own address is unresolvable (the page must bring
# everything it needs).
p = subprocess.Popen([browser, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", url],
                     preexec_fn=fds, close_fds=False, start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_browser_r); os.close(from_browser_w)
out = os.fdopen(to_browser_w, "wb", buffering=0)
inp = os.fdopen(from_browser_r, "rb", buffering=0)
buf = b""
def call(i, method, params=None, session=None):
    global buf
    m = {"id": i, "method": method, "params": params or {}}
    if session: m["sessionId"] = session
    out.write(json.dumps(m).encode() + b"\0")
    while True:
        while b"\0" not in buf:
            chunk = inp.read(65536)
            if not chunk: raise SystemExit("the browser closed its pipe")
            buf += chunk
        msg, buf = buf.split(b"\0", 1)
        r = json.loads(msg)
        if r.get("id") == i: return r.get("result", {})
value = ""
try:
    deadline = time.time() + 20
    n = 1
    target = None
    while target is None and time.time() < deadline:
        n += 1
        pages = [t for t in call(n, "Target.getTargets")["targetInfos"] if t["type"] == "page"]
        if pages: target = pages[0]["targetId"]
        else: time.sleep(0.1)
    n += 1
    session = call(n, "Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    while time.time() < deadline:
        n += 1
        r = call(n, "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        value = str(r.get("result", {}).get("value", ""))
        if wanted in value: break
        time.sleep(0.2)
finally:
    os.killpg(p.pid, signal.SIGKILL)  # the browser and its helper processes
    p.wait()
print(value)
sys.exit(0 if wanted in value else 1)
