// The monitor's page: HTML, style, Chart.js and our script in one string (nothing is
// fetched from anywhere else; the script follows the monitor's event stream, or asks for
// /api/state every second, and for /api/graph.svg when the graph changed). The load chart
// and the timeline are Chart.js charts (canvas#load, canvas#timeline: tests read them
// with Chart.getChart); without the library (a build that had none) the page says the
// charts are unavailable and shows the rest.
#include "observe/monitor.hpp"

#include <string>

namespace compss::rt::observe {

namespace {

const char* page_head() {
  return R"HTML(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>COMPSs monitor</title>
<style>
body { font-family: sans-serif; margin: 1em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 .4em 0; }
h2 { font-size: 1.05em; margin: 1em 0 .3em 0; }
.counts span { display: inline-block; margin-right: 1.2em; }
.counts b { font-size: 1.2em; }
table { border-collapse: collapse; }
td, th { padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.slots { display: inline-block; height: 10px; border: 1px solid #999; vertical-align: middle; }
.slots .bar { display: block; height: 100%; background: #1e90ff; }
#graph { border: 1px solid #ccc; overflow: auto; max-height: 70vh; }
#graph svg { max-width: 100%; height: auto; }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: middle; margin: 0 .2em 0 .8em; }
#status.ended { color: #2e8b57; }
#error { color: #dc143c; }
#chartnote.missing { color: #dc143c; font-weight: bold; }
#chartnote { font-size: .85em; color: #555; }
.chart { position: relative; width: 900px; }
</style>
</head>
<body>
<h1>COMPSs monitor <small id="status">running</small> <small id="feed"></small></h1>
<div class="counts">
  <span>tasks <b id="total">0</b></span>
  <span>done <b id="done">0</b></span>
  <span>running <b id="running">0</b></span>
  <span>waiting <b id="waiting">0</b></span>
  <span>failed <b id="failed">0</b></span>
  <span>cancelled <b id="cancelled">0</b></span>
  <span>elapsed <b id="elapsed">0</b> s</span>
</div>
<div id="error"></div>
<h2>Resources</h2>
<table id="nodes"><thead><tr><th>node</th><th>slots</th><th>running</th><th>load</th><th>cores used / total</th><th>memory reserved / declared</th><th>GPUs used / total</th><th>ended here</th></tr></thead><tbody></tbody></table>
<h2>Failures</h2>
<p id="failnote">none</p>
<table id="lost"><thead><tr><th>worker lost</th><th>at s</th><th>why</th></tr></thead><tbody></tbody></table>
<table id="failures"><thead><tr><th>task</th><th>type</th><th>attempt</th><th>outcome</th><th>where</th><th>at s</th><th>error</th></tr></thead><tbody></tbody></table>
<h2>Load</h2>
<p id="chartnote"></p>
<div class="chart" style="height:180px"><canvas id="load"></canvas></div>
<h2>Timeline</h2>
<p id="timenote">no attempt yet</p>
<div class="chart" id="timelinebox" style="height:60px"><canvas id="timeline"></canvas></div>
<div id="typelegend"></div>
<h2>Task types</h2>
<table id="types"><thead><tr><th>task type</th><th>ended</th><th>failed</th><th>cancelled</th><th>retries</th><th>mean s</th><th>min s</th><th>max s</th><th>bytes moved</th></tr></thead><tbody></tbody></table>
<h2>Task graph</h2>
<div id="legend"></div>
<div id="graph"></div>
)HTML";
}

const char* page_script() {
  return R"HTML(<script>
"use strict";
const token = new URLSearchParams(location.search).get("token") || "";
const api = (path) => path + "?token=" + encodeURIComponent(token);
let graphShown = -1, graphAsked = false, timer = null, ended = false, shownAt = 0, shownElapsed = 0;

function text(id, value) { document.getElementById(id).textContent = value; }
function cell(row, value) { const td = document.createElement("td"); td.textContent = value; row.appendChild(td); return td; }
function fixed(x) { return Number(x).toFixed(6); }

/// Replaces the rows of table `id` by one row (class `kind`) per item, filled by `fill(row, item)`.
function fillTable(id, kind, items, fill) {
  const body = document.querySelector("#" + id + " tbody");
  body.textContent = "";
  for (const item of items) {
    const row = document.createElement("tr");
    row.className = kind;
    fill(row, item);
    body.appendChild(row);
  }
}

function showNodes(nodes) {
  fillTable("nodes", "node", nodes, (row, n) => {
    cell(row, (n.name || ("node " + n.id)) + (n.alive ? "" : " (lost)"));
    cell(row, n.slots || "");
    cell(row, n.running);
    const load = cell(row, "");
    const width = Math.max(n.slots, n.running, 1) * 12;
    load.innerHTML = '<span class="slots" style="width:' + width + 'px"><span class="bar" style="width:' +
      (n.running * 12) + 'px"></span></span>';
    cell(row, n.cores ? n.cores_used + " / " + n.cores : "");
    cell(row, n.memory_mb ? gb(n.memory_used_mb) + " / " + gb(n.memory_mb) + " GB" : "not declared");
    cell(row, n.gpus ? n.gpus_used + " / " + n.gpus : "none");
    cell(row, n.ended);
  });
}
function gb(mb) { return (mb / 1024).toFixed(mb && mb < 1024 ? 2 : 1); }

function showTypes(types) {
  fillTable("types", "type", types, (row, t) => {
    for (const v of [t.name, t.count, t.failed, t.cancelled, t.retries, fixed(t.mean_s), fixed(t.min_s), fixed(t.max_s), t.bytes_moved]) cell(row, v);
  });
}

function showFailures(s) {
  const shown = s.failures.length, total = s.failures_total;
  text("failnote", total === 0 && s.lost.length === 0 ? "none" :
       total + " failed attempt(s)" + (total > shown ? " (the newest " + shown + " shown)" : "") +
       ", " + s.lost.length + " worker(s) lost");
  fillTable("lost", "lost", s.lost, (row, f) => {
    cell(row, f.what + " (" + f.where + ")"); cell(row, Number(f.time_s).toFixed(1)); cell(row, f.error);
  });
  fillTable("failures", "failure", s.failures.slice().reverse(), (row, f) => {
    for (const v of [f.task, f.what, f.attempt, f.outcome, f.where, Number(f.time_s).toFixed(1), f.error]) cell(row, v);
  });
}

// The charts, drawn by Chart.js (inlined above at build time; null without it).
const charts = typeof Chart === "undefined" ? null : { load: null, timeline: null };
if (charts) Chart.defaults.animation = false;  // (redrawn at each state)

function showChartNote() {
  const note = document.getElementById("chartnote");
  if (charts) { note.textContent = "charts drawn by " + chartLibrary + ", bundled in the program"; return; }
  note.className = "missing";
  note.textContent = "charts unavailable: this program was built without its charting library (Chart.js: " +
    "tools/setup-npm.sh could not install it); the counts and tables are current";
}

/// Running and waiting tasks over time, with the run's slots dashed: samples [t, running, waiting, done].
function showLoad(samples, slots) {
  if (!charts) return;
  const points = (column) => samples.map((s) => ({ x: s[0], y: s[column] }));
  const t0 = samples.length ? samples[0][0] : 0, t1 = samples.length ? samples[samples.length - 1][0] : 1;
  const data = [points(1), points(2), slots > 0 ? [{ x: t0, y: slots }, { x: t1, y: slots }] : []];
  if (!charts.load) {
    const line = (label, colour, dash) => ({ label, borderColor: colour, backgroundColor: colour, borderDash: dash,
                                              pointRadius: 0, borderWidth: 1.5, data: [] });
    charts.load = new Chart(document.getElementById("load"), {
      type: "line",
      data: { datasets: [line("running", "#1e90ff", []), line("waiting", "#aaa", []), line("slots", "#999", [4, 3])] },
      options: { parsing: false, normalized: true, maintainAspectRatio: false,
                 scales: { x: { type: "linear", title: { display: true, text: "s" } }, y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }
  data.forEach((d, i) => { charts.load.data.datasets[i].data = d; });
  charts.load.options.scales.x.min = t0;
  charts.load.options.scales.x.max = Math.max(t1, t0 + 1e-3);
  charts.load.update("none");
}

const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#e15759", "#bab0ac"];
const stateNames = ["sent", "running", "done", "failed", "timed_out", "cancelled"];
function escapeXml(v) { return String(v).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;"); }

/// The attempts of the last minute as floating bars, a row per node and lane, from
/// s.timeline: each span [node, lane, begin, end or -1 (open), type, task, attempt, state].
/// Each bar keeps its attempt (task, type, state...) for the tooltip and for tests.
function showTimeline(t, nodes) {
  const names = new Map(nodes.map((n) => [n.id, n.name || ("node " + n.id)]));
  const lanes = new Map();
  for (const s of t.spans) lanes.set(s[0], Math.max(lanes.has(s[0]) ? lanes.get(s[0]) : -1, s[1]));
  const rows = [];
  for (const node of [...lanes.keys()].sort((a, b) => a - b))
    for (let lane = 0; lane <= lanes.get(node); ++lane) rows.push((names.get(node) || ("node " + node)) + " " + (lane + 1));
  const t1 = t.now_s, t0 = Math.max(0, t1 - t.window_s);
  let open = 0;
  const bars = t.spans.map(([node, lane, begin, end, type, task, attempt, state]) => {
    if (end < 0) ++open;
    const name = stateNames[state] || "unknown";
    return { x: [Math.max(begin, t0), end < 0 ? t1 : end], y: (names.get(node) || ("node " + node)) + " " + (lane + 1),
             state: name, task, attempt, type: t.types[type] || "", node: names.get(node) || String(node), begin, end,
             colour: name === "cancelled" ? "#666" : palette[type % palette.length] };
  });
  text("timenote", t.spans.length === 0 ? "no attempt yet" : t.spans.length + " attempt(s) of the last " + t.window_s + " s, " + open +
       " open (pale and dashed: sent to a worker, not answered yet; a red outline: failed)");
  const legend = document.getElementById("typelegend");
  legend.innerHTML = t.types.map((n, i) => '<span class="swatch" style="background:' + palette[i % palette.length] + '"></span>' + escapeXml(n)).join("");
  if (!charts) return;
  document.getElementById("timelinebox").style.height = (rows.length * 18 + 50) + "px";
  if (!charts.timeline) {
    const failed = (c) => c.raw && (c.raw.state === "failed" || c.raw.state === "timed_out");
    charts.timeline = new Chart(document.getElementById("timeline"), {
      type: "bar",
      data: { labels: [], datasets: [{ data: [], grouped: false, borderSkipped: false, barPercentage: 0.85, categoryPercentage: 1,
        minBarLength: 2,  // (an attempt of microseconds still shows)
        backgroundColor: (c) => c.raw ? c.raw.colour + (c.raw.state === "sent" ? "59" : "") : "#999",
        borderColor: (c) => failed(c) ? "#dc143c" : c.raw && c.raw.state === "sent" ? "#555" : "rgba(0,0,0,0)",
        borderWidth: (c) => failed(c) ? 2 : c.raw && c.raw.state === "sent" ? 1 : 0 }] },
      options: { indexAxis: "y", maintainAspectRatio: false, plugins: { legend: { display: false },
        tooltip: { callbacks: { label: (c) => "task " + c.raw.task + " " + c.raw.type + " (attempt " + c.raw.attempt + ") on " +
          c.raw.node + ": " + c.raw.state + ", " + Number(c.raw.begin).toFixed(3) +
          (c.raw.end < 0 ? " s on" : " - " + Number(c.raw.end).toFixed(3) + " s") } } },
        scales: { x: { type: "linear", title: { display: true, text: "s" } }, y: { type: "category", ticks: { autoSkip: false } } } },
    });
  }
  charts.timeline.data.labels = rows;
  charts.timeline.data.datasets[0].data = bars;
  charts.timeline.options.scales.x.min = t0;
  charts.timeline.options.scales.x.max = Math.max(t1, t0 + 1e-3);
  charts.timeline.update("none");
}

function showLegend(colours) {
  const legend = document.getElementById("legend");
  if (legend.childElementCount) return;
  for (const [state, colour] of Object.entries(colours)) {
    const swatch = document.createElement("span");
    swatch.className = "swatch"; swatch.style.background = colour;
    legend.appendChild(swatch);
    legend.appendChild(document.createTextNode(state));
  }
}

async function refreshGraph(changes) {
  if (graphAsked || changes === graphShown) return;
  graphAsked = true;
  try {
    const reply = await fetch(api("/api/graph.svg"));
    if (reply.ok) { document.getElementById("graph").innerHTML = await reply.text(); graphShown = changes; }
  } finally { graphAsked = false; }
}

// Shows one state (from the event stream or a poll); true once the run ended.
async function show(s) {
  const c = s.counts;
  text("total", c.total); text("done", c.done); text("running", c.running);
  text("waiting", c.pending + c.ready); text("failed", c.failed); text("cancelled", c.cancelled);
  text("elapsed", Number(s.elapsed_s).toFixed(1));
  shownAt = Date.now(); shownElapsed = Number(s.elapsed_s);
  text("error", "");
  showNodes(s.nodes);
  showTypes(s.types);
  showFailures(s);
  showLoad(s.load, s.nodes.reduce((sum, n) => sum + (n.alive ? n.slots : 0), 0));
  showLegend(s.colours);
  showChartNote();
  showTimeline(s.timeline, s.nodes);
  await refreshGraph(s.graph_changes);
  if (!s.ended) return false;
  ended = true;
  const status = document.getElementById("status");
  status.textContent = "ended"; status.className = "ended";
  text("feed", "");
  return true;
}

// Polling /api/state once a second: when the event stream cannot be had.
async function refresh() {
  text("feed", "live (polling)");
  try {
    const reply = await fetch(api("/api/state"));
    if (!reply.ok) throw new Error("the monitor answered " + reply.status + ": " + await reply.text());
    if (await show(await reply.json())) return;  // nothing changes any more
  } catch (e) {
    text("error", "cannot reach the monitor (" + e.message + "): the program may have ended");
  }
  timer = setTimeout(refresh, 1000);
}

// The event stream (/api/events): the server sends the state when it changed. The clock
// ticks here in between.
// (?feed=poll asks for polling: for tools that wait for the network to be idle, such as
// a headless browser's virtual time, which an open stream never is.)
function listen() {
  const feed = new URLSearchParams(location.search).get("feed");
  if (typeof EventSource === "undefined" || feed === "poll") return refresh();
  const events = new EventSource(api("/api/events"));
  let showing = Promise.resolve();
  events.onopen = () => text("feed", "live (events)");
  events.onmessage = (m) => {
    showing = showing.then(() => show(JSON.parse(m.data))).then((done) => { if (done) events.close(); });
  };
  events.onerror = () => {  // refused (too many pages), or the server went: poll instead
    events.close();
    if (!ended) showing.then(() => { if (!ended) refresh(); });
  };
  setInterval(() => {
    if (!ended && shownAt) text("elapsed", (shownElapsed + (Date.now() - shownAt) / 1000).toFixed(1));
  }, 1000);
}
listen();
</script>
</body>
</html>
)HTML";
}

}  // namespace

const char* monitor_page() {
  // (Built once: the library is a few hundred kilobytes, inlined so that the page works
  // offline; "</script" was escaped in it at build time.)
  static const std::string page = [] {
    std::string text = page_head();
    if (*monitor_chart_library() != '\0') text += std::string("<script>") + monitor_chart_library() + "</script>\n";
    text += std::string("<script>const chartLibrary = \"") + monitor_chart_library_name() + "\";</script>\n";
    return text + page_script();
  }();
  return page.c_str();
}

}  // namespace compss::rt::observe
