// The monitor's page: HTML, style and script in one string (nothing is fetched from
// anywhere else; the script asks the monitor for /api/state every second and for
// /api/graph.svg when the graph changed). The timeline is drawn as SVG elements (one
// rect per attempt, class "span <state>"), so tests read it from the DOM.
#include "observe/monitor.hpp"

namespace compss::rt::observe {

const char* monitor_page() {
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
#timeline svg { font: 10px sans-serif; }
.span.sent { fill-opacity: .35; stroke: #555; stroke-dasharray: 2 2; }
.span.failed, .span.timed_out { stroke: #dc143c; stroke-width: 2; }
.span.cancelled { fill: #666; }
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
<canvas id="load" width="800" height="160"></canvas>
<div><span class="swatch" style="background:#1e90ff"></span>running<span class="swatch" style="background:#aaa"></span>waiting</div>
<h2>Timeline</h2>
<p id="timenote">no attempt yet</p>
<div id="timeline"></div>
<div id="typelegend"></div>
<h2>Task types</h2>
<table id="types"><thead><tr><th>task type</th><th>ended</th><th>failed</th><th>cancelled</th><th>retries</th><th>mean s</th><th>min s</th><th>max s</th><th>bytes moved</th></tr></thead><tbody></tbody></table>
<h2>Task graph</h2>
<div id="legend"></div>
<div id="graph"></div>
<script>
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

function showLoad(samples, slots) {
  const canvas = document.getElementById("load"), g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (samples.length < 2) return;
  const t0 = samples[0][0], t1 = samples[samples.length - 1][0] || 1;
  let top = Math.max(slots, 1);
  for (const s of samples) top = Math.max(top, s[1], s[2]);
  const x = (t) => 30 + (canvas.width - 40) * (t - t0) / Math.max(t1 - t0, 1e-9);
  const y = (v) => canvas.height - 15 - (canvas.height - 25) * v / top;
  g.strokeStyle = "#ccc"; g.beginPath(); g.moveTo(30, y(0)); g.lineTo(canvas.width - 10, y(0)); g.stroke();
  g.fillStyle = "#555"; g.font = "10px sans-serif";
  g.fillText(String(top), 2, y(top) + 4); g.fillText("0", 2, y(0) + 4);
  g.fillText((t1 - t0).toFixed(1) + " s", canvas.width - 50, canvas.height - 2);
  if (slots > 0) { g.setLineDash([4, 3]); g.strokeStyle = "#999"; g.beginPath(); g.moveTo(30, y(slots)); g.lineTo(canvas.width - 10, y(slots)); g.stroke(); g.setLineDash([]); }
  for (const [column, colour] of [[2, "#aaa"], [1, "#1e90ff"]]) {
    g.strokeStyle = colour; g.beginPath();
    samples.forEach((s, i) => { if (i) g.lineTo(x(s[0]), y(s[column])); else g.moveTo(x(s[0]), y(s[column])); });
    g.stroke();
  }
}

const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#e15759", "#bab0ac"];
const stateNames = ["sent", "running", "done", "failed", "timed_out", "cancelled"];
function escapeXml(v) { return String(v).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;"); }

/// The attempts of the last minute, a row per node and lane, from s.timeline: each span
/// [node, lane, begin, end or -1 (open), type, task, attempt, state].
function showTimeline(t, nodes) {
  const names = new Map(nodes.map((n) => [n.id, n.name || ("node " + n.id)]));
  const lanes = new Map();
  for (const s of t.spans) lanes.set(s[0], Math.max(lanes.has(s[0]) ? lanes.get(s[0]) : -1, s[1]));
  const rows = [];
  for (const node of [...lanes.keys()].sort((a, b) => a - b))
    for (let lane = 0; lane <= lanes.get(node); ++lane) rows.push(node + "/" + lane);
  const rowOf = new Map(rows.map((r, i) => [r, i]));
  const width = 900, left = 150, rowH = 14, top = 4, height = top + rows.length * rowH + 16;
  const t1 = t.now_s, t0 = Math.max(0, t1 - t.window_s);
  const x = (v) => left + (width - left - 10) * (Math.max(v, t0) - t0) / Math.max(t1 - t0, 1e-9);
  let svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '">';
  rows.forEach((r, i) => {
    const [node, lane] = r.split("/").map(Number);
    svg += '<text x="2" y="' + (top + i * rowH + 10) + '">' + escapeXml((names.get(node) || ("node " + node)) + " " + (lane + 1)) + "</text>";
  });
  let open = 0;
  for (const s of t.spans) {
    const [node, lane, begin, end, type, task, attempt, state] = s;
    const stop = end < 0 ? t1 : end;
    if (end < 0) ++open;
    const name = stateNames[state] || "unknown", x0 = x(begin);
    svg += '<rect class="span ' + name + '" x="' + x0.toFixed(1) + '" y="' + (top + rowOf.get(node + "/" + lane) * rowH) +
      '" width="' + Math.max(1, x(stop) - x0).toFixed(1) + '" height="' + (rowH - 3) + '" fill="' + palette[type % palette.length] + '"><title>' +
      escapeXml("task " + task + " " + (t.types[type] || "") + " (attempt " + attempt + ") on " + (names.get(node) || node) + ": " + name +
                ", " + Number(begin).toFixed(3) + (end < 0 ? " s on" : " - " + Number(end).toFixed(3) + " s")) + "</title></rect>";
  }
  svg += '<text x="' + left + '" y="' + (height - 3) + '">' + t0.toFixed(1) + ' s</text><text x="' + (width - 50) + '" y="' + (height - 3) + '">' + t1.toFixed(1) + " s</text></svg>";
  document.getElementById("timeline").innerHTML = svg;
  text("timenote", t.spans.length === 0 ? "no attempt yet" : t.spans.length + " attempt(s) of the last " + t.window_s + " s, " + open +
       " open (pale and dashed: sent to a worker, not answered yet; a red outline: failed)");
  const legend = document.getElementById("typelegend");
  legend.innerHTML = t.types.map((n, i) => '<span class="swatch" style="background:' + palette[i % palette.length] + '"></span>' + escapeXml(n)).join("");
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

}  // namespace compss::rt::observe
