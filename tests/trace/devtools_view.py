#!/usr/bin/python3
"""Opens a trace.json of --trace in a real trace viewer and checks what it shows.

usage: devtools_view.py [--select TYPE] CHROMIUM TRACE_JSON SCREENSHOT_PNG NODE[,NODE...] TYPE=N [TYPE=N ...]

The viewer is the Performance panel of Chrome DevTools, as Debian's chromium bundles it:
the headless browser serves its own DevTools front end at /devtools/ of its debugging
port (the same panel a person opens with F12, "Load profile"), so nothing is fetched from
anywhere else. The file goes in through the panel's own "Load profile" file input; then
what the panel drew is read back from its flame chart: a track per node (a process) and
per named thread, and the slices of each task type; every track is expanded and a
screenshot of the panel is saved to SCREENSHOT_PNG (with --select, the first slice of
TYPE selected, as a click does: the details pane shows its task id, attempt and outcome,
and its dependency arrows are drawn). docs/tools.md's picture is made so.

Checks: every NODE has its track; every TYPE has exactly N slices in the flame chart (a
slice that the panel cannot nest in its thread's stack is left out of it, so a count
short of the trace's says the JSON's slices overlap as the viewer reads them).
Prints "devtools view: OK (...)" or FAIL lines and exits 1; exits 77 (skipped) when there
is no chromium or it serves no DevTools front end.
"""
import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time


class Browser:
    """Headless chromium driven over the DevTools protocol on --remote-debugging-pipe
    (NUL-terminated JSON on fds 3 and 4); also listening on a debugging port of its
    choice (written to DevToolsActivePort), from which it serves the DevTools front end."""

    def __init__(self, chromium, width, height):
        self.profile = tempfile.mkdtemp(prefix="devtools_view.")
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        def fds():
            a, b = os.dup(to_r), os.dup(from_w)  # (3 or 4 may be one of them)
            os.dup2(a, 3)
            os.dup2(b, 4)

        # Offline: only this machine's loopback resolves.
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile, f"--window-size={width},{height}",
             "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "about:blank"],
            preexec_fn=fds, close_fds=False, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.out = os.fdopen(self.to_w, "wb", buffering=0)
        self.inp = os.fdopen(self.from_r, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.session = None

    def call(self, method, params=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session:
            message["sessionId"] = self.session
        self.out.write(json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = self.inp.read(65536)
                if not chunk:
                    raise RuntimeError("the browser closed its pipe")
                self.buffer += chunk
            text, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(text)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def attach_to_page(self, deadline):
        while time.time() < deadline:
            pages = [t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page"]
            if pages:
                self.session = self.call("Target.attachToTarget",
                                         {"targetId": pages[0]["targetId"], "flatten": True})["sessionId"]
                return
            time.sleep(0.1)
        raise RuntimeError("the browser opened no page")

    def debugging_port(self, deadline):
        path = os.path.join(self.profile, "DevToolsActivePort")
        while time.time() < deadline:
            if os.path.exists(path):
                lines = open(path).read().split()
                if lines:
                    return int(lines[0])
            time.sleep(0.1)
        raise RuntimeError("the browser wrote no DevToolsActivePort")

    def evaluate(self, expression, by_value=True):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": by_value,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError("in the page: " + json.dumps(result["exceptionDetails"])[:500])
        return result["result"]

    def close(self):
        os.killpg(self.process.pid, signal.SIGKILL)  # the browser and its helper processes
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# In the DevTools page: its modules are ES modules beside the page.
SHOW_PANEL = """(async () => {
  const UI = await import('./ui/legacy/legacy.js');
  await UI.ViewManager.ViewManager.instance().showView('timeline');
  return true;
})()"""


# The elements of the page matching `selector`, inside shadow roots too (DevTools' panels
# are web components).
def deep(selector):
    return f"""(() => {{
  const found = [];
  const walk = root => {{
    found.push(...root.querySelectorAll({json.dumps(selector)}));
    for (const e of root.querySelectorAll('*')) if (e.shadowRoot) walk(e.shadowRoot);
  }};
  walk(document);
  return found;
}})()"""


FILE_INPUT = f"{deep('input[type=file]')}[0]"

# What the panel drew: its flame chart's tracks and the title of every entry.
DRAWN = """(async () => {
  const T = await import('./panels/timeline/timeline.js');
  const panel = T.TimelinePanel.TimelinePanel.instance();
  if (!panel.hasActiveTrace()) return null;
  const chart = panel.getFlameChart();
  const provider = chart.getMainDataProvider();
  const data = provider.timelineData();
  if (!data || !data.entryLevels.length) return null;
  const titles = {};
  for (let i = 0; i < data.entryLevels.length; ++i) {
    const t = provider.entryTitle(i);
    titles[t] = (titles[t] || 0) + 1;
  }
  return {tracks: data.groups.map(g => g.name), titles};
})()"""

# For the picture: every track expanded and the sidebar hidden, as a person would with
# the buttons.
ARRANGE = """(async () => {
  const T = await import('./panels/timeline/timeline.js');
  const chart = T.TimelinePanel.TimelinePanel.instance().getFlameChart();
  const groups = chart.getMainDataProvider().timelineData().groups;
  chart.getMainFlameChart().bulkExpandGroups(groups.map((g, i) => i));
  for (const b of """ + deep('button[aria-label="Hide sidebar"]') + """) b.click();
  return true;
})()"""

# The panel's keyboard tips (a <dialog> it opens after a first load) closed.
CLOSE_TIPS = """(() => {
  for (const d of """ + deep('dialog') + """) {
    if (d.open && d.textContent.includes('Keyboard shortcuts')) d.close();
  }
  return true;
})()"""


# Selects the first slice titled `name`, as a click on it does.
SELECT = """(async name => {
  const T = await import('./panels/timeline/timeline.js');
  const panel = T.TimelinePanel.TimelinePanel.instance();
  const provider = panel.getFlameChart().getMainDataProvider();
  const n = provider.timelineData().entryLevels.length;
  for (let i = 0; i < n; ++i) {
    if (provider.entryTitle(i) === name) {
      panel.select(T.TimelineSelection.selectionFromEvent(provider.eventByIndex(i)));
      return true;
    }
  }
  return false;
})"""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--select", help="select the first slice of this task type (for the picture)")
    p.add_argument("chromium")
    p.add_argument("trace")
    p.add_argument("png")
    p.add_argument("nodes", help="NODE[,NODE...]: the nodes whose tracks must be there")
    p.add_argument("types", nargs="+", help="TYPE=N: N slices of TYPE drawn")
    args = p.parse_args()
    chromium, trace, png, nodes = args.chromium, args.trace, args.png, args.nodes
    expected = dict((s.split("=")[0], int(s.split("=")[1])) for s in args.types)
    if not shutil.which(chromium):
        print(f"SKIP: no {chromium}")
        return 77
    browser = Browser(chromium, 1600, 1200)
    problems = []
    try:
        deadline = time.time() + 60
        browser.attach_to_page(deadline)
        port = browser.debugging_port(deadline)
        browser.call("Page.navigate", {"url": f"http://127.0.0.1:{port}/devtools/trace_app.html"})
        while True:
            try:
                browser.evaluate(SHOW_PANEL)
                break
            except RuntimeError as e:
                if time.time() > deadline:
                    print(f"SKIP: chromium serves no DevTools Performance panel ({e})")
                    return 77
                time.sleep(0.2)
        file_input = browser.evaluate(FILE_INPUT, by_value=False)
        if "objectId" not in file_input:
            print("FAIL: the Performance panel has no 'Load profile' file input")
            return 1
        browser.call("DOM.setFileInputFiles", {"files": [os.path.abspath(trace)],
                                               "objectId": file_input["objectId"]})
        drawn, error = None, ""
        while drawn is None and time.time() < deadline:
            time.sleep(0.2)
            try:
                drawn = browser.evaluate(DRAWN).get("value")
            except RuntimeError as e:  # (the panel still loading the file)
                error = str(e)
        if drawn is None:
            print(f"FAIL: the Performance panel drew nothing of the trace within 60 s {error}")
            return 1
        browser.evaluate(ARRANGE)
        # Escape closes the "debugging connection was closed" notice of a front end with
        # no page to debug.
        for kind in ("rawKeyDown", "keyUp"):
            browser.call("Input.dispatchKeyEvent", {"type": kind, "key": "Escape", "code": "Escape",
                                                    "windowsVirtualKeyCode": 27})
        if args.select and not browser.evaluate(f"{SELECT}({json.dumps(args.select)})")["value"]:
            problems.append(f"no '{args.select}' slice to select")
        time.sleep(1)
        browser.evaluate(CLOSE_TIPS)
        time.sleep(0.3)
        shot = browser.call("Page.captureScreenshot", {"format": "png"})
        with open(png, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        tracks, titles = drawn["tracks"], drawn["titles"]
        for node in nodes.split(","):
            if not any(t == node or t.startswith(node + " (") for t in tracks):
                problems.append(f"no track of node {node!r}; tracks: {tracks}")
        for name, want in expected.items():
            if titles.get(name, 0) != want:
                problems.append(f"{titles.get(name, 0)} '{name}' slices drawn, expected {want}")
    finally:
        browser.close()
    if problems:
        for p in problems:
            print("FAIL:", p)
        return 1
    shown = sum(titles.get(n, 0) for n in expected)
    print(f"devtools view: OK ({shown} task slices on {len(tracks)} tracks; screenshot {png})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
