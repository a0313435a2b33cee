#include "observe/trace_html.hpp"

#include "observe/perfetto_writer.hpp"
#include "observe/trace_output.hpp"

namespace compss::rt::observe::html {

namespace {

/// The page around the data. The script reads the element "trace-data"; everything it
/// draws comes from there.
constexpr const char* page_head = R"HTML(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>compss trace</title>
<style>
body{font:13px sans-serif;margin:12px;color:#222}
h1{font-size:16px;margin:0 0 6px}
#meta{color:#555;margin-bottom:8px}
#legend span{display:inline-block;margin-right:12px}
#legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
canvas{border:1px solid #ccc;display:block;cursor:grab}
#tip{position:fixed;background:#ffe;border:1px solid #999;padding:4px 6px;pointer-events:none;display:none;white-space:pre}
#graph{border:1px solid #ccc;overflow:auto;max-height:600px}
</style></head><body>
<h1>compss trace</h1>
<div id="meta"></div>
<div id="legend"></div>
<h2 style="font-size:14px">Timeline <small>(wheel: zoom, drag: pan, double-click: reset)</small></h2>
<canvas id="timeline"></canvas>
<div id="drawn"></div>
<h2 style="font-size:14px">Task graph</h2>
<div id="graphnote"></div>
<div id="graph"></div>
<div id="tip"></div>
<script type="application/json" id="trace-data">)HTML";

constexpr const char* page_tail = R"HTML(</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById("trace-data").textContent);
const palette = ["#4e79a7","#f28e2b","#e15759","#76b7b2","#59a14f","#edc948","#b07aa1","#ff9da7","#9c755f","#bab0ac"];
const color = t => palette[t % palette.length];
const ms = ns => (ns / 1e6).toFixed(3) + " ms";
const meta = D.meta;
// A worker's own steps (D.work kinds 1..3): name and colour.
const WORK = [null, ["taking inputs", "#6a51a3"], ["storing outputs and answering", "#e6550d"], ["serving data", "#3182bd"]];
document.getElementById("meta").textContent =
  meta.date + " | " + ms(meta.duration_ns) + " | " + meta.tasks_submitted + " tasks, " + meta.attempts +
  " attempts, " + meta.transfers + " transfers | largest clock error " + ms(meta.max_clock_error_ns) +
  (meta.truncated ? " | TRUNCATED: " + meta.events_dropped + " events not recorded" : "");
document.getElementById("legend").innerHTML = D.types.map((n, i) =>
  '<span><i style="background:' + color(i) + '"></i>' + n.replace(/</g, "&lt;") + "</span>").join("") +
  '<span><i style="background:#d33"></i>wait (main)</span><span><i style="background:#c0c"></i>submission (main)</span>' +
  '<span><i style="background:#555;height:1px"></i>transfer</span>' +
  WORK.map((w, i) => i ? '<span><i style="background:' + w[1] + ';height:5px"></i>' + w[0] + " (worker)</span>" : "").join("") +
  '<span><i style="background:#333;width:2px"></i>placed by the scheduler</span>';

// Rows: every thread of every node, then one row of transfers.
const rows = [];
D.nodes.forEach((n, ni) => n.threads.forEach((t, ti) => rows.push({node: ni, thread: ti + 1, name: t})));
// The scheduler's placements (master-worker runs) get a row of their own.
if (D.placements.length) rows.push({node: -1, thread: 0, name: "scheduler: placements"});
const rowOf = {};
rows.forEach((r, i) => rowOf[r.node + ":" + r.thread] = i);
const H = 18, LABEL = 170, canvas = document.getElementById("timeline");
const ctx = canvas.getContext("2d");
let t0 = 0, t1 = Math.max(1, meta.duration_ns);
function size() {
  canvas.width = Math.max(600, window.innerWidth - 40);
  canvas.height = (rows.length + 2) * H + 10;
}
const X = t => LABEL + (t - t0) / (t1 - t0) * (canvas.width - LABEL - 10);
function draw() {
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = "11px sans-serif";
  rows.forEach((r, i) => {
    ctx.fillStyle = i % 2 ? "#fafafa" : "#f0f0f0";
    ctx.fillRect(0, i * H, canvas.width, H);
    ctx.fillStyle = "#222";
    ctx.fillText(r.name, 4, i * H + 13);
  });
  for (const a of D.activities) {
    const y = rowOf["0:1"] * H;
    ctx.fillStyle = a[0] === "submission" || a[0] === "dependency analysis" ? "#c0c" : "#d33";
    ctx.fillRect(X(a[1]), y + 3, Math.max(1, X(a[2]) - X(a[1])), H - 6);
  }
  for (const t of D.tasks) {
    const x0 = X(t[2]), x1 = X(t[3]);
    if (x1 < LABEL || x0 > canvas.width) continue;
    ctx.fillStyle = color(t[4]);
    ctx.fillRect(Math.max(LABEL, x0), rowOf[t[0] + ":" + t[1]] * H + 2, Math.max(1, x1 - Math.max(LABEL, x0)), H - 4);
    if (t[6] !== "success") { ctx.strokeStyle = "#000"; ctx.strokeRect(x0, rowOf[t[0] + ":" + t[1]] * H + 2, Math.max(1, x1 - x0), H - 4); }
  }
  for (const w of D.work) {  // [kind, node, thread, begin, end, task, bytes]: the lower part of the row
    const x0 = X(w[3]), x1 = X(w[4]);
    if (x1 < LABEL || x0 > canvas.width) continue;
    ctx.fillStyle = WORK[w[0]][1];
    ctx.fillRect(Math.max(LABEL, x0), rowOf[w[1] + ":" + w[2]] * H + H - 7, Math.max(1, x1 - Math.max(LABEL, x0)), 5);
  }
  for (const p of D.placements) {  // [task, node, computing units, time, type]: a tick
    const x = X(p[3]);
    if (x < LABEL || x > canvas.width) continue;
    ctx.fillStyle = color(p[4]);
    ctx.fillRect(x - 1, rowOf["-1:0"] * H + 2, 2, H - 4);
  }
  ctx.strokeStyle = "rgba(0,0,0,0.45)";
  for (const x of D.transfers) {
    ctx.beginPath();
    ctx.moveTo(X(x[2]), rowOf[x[0] + ":1"] * H + H / 2);
    ctx.lineTo(X(x[3]), rowOf[x[1] + ":1"] * H + H / 2);
    ctx.stroke();
  }
  // The ready-task count under the rows.
  const base = (rows.length + 2) * H, peak = Math.max(1, ...D.ready.map(p => p[1]));
  ctx.fillStyle = "#222"; ctx.fillText("ready tasks (max " + peak + ")", 4, base - 4);
  ctx.strokeStyle = "#59a14f"; ctx.beginPath();
  let last = 0;
  ctx.moveTo(LABEL, base);
  for (const p of D.ready) { ctx.lineTo(X(p[0]), base - last / peak * (H * 1.5)); last = p[1]; ctx.lineTo(X(p[0]), base - last / peak * (H * 1.5)); }
  ctx.lineTo(canvas.width, base - last / peak * (H * 1.5)); ctx.stroke();
}
size(); draw();
// What the timeline holds, in words (also what tests read: the canvas has no DOM).
document.getElementById("drawn").textContent = "drawn: " + D.tasks.length + " attempts, " + D.work.length + " worker steps (" +
  [1, 2, 3].map(k => D.work.filter(w => w[0] === k).length + " " + WORK[k][0]).join(", ") + "), " +
  D.placements.length + " placements, " + D.transfers.length + " transfers";
window.addEventListener("resize", () => { size(); draw(); });
canvas.addEventListener("wheel", e => {
  e.preventDefault();
  const at = t0 + (e.offsetX - LABEL) / (canvas.width - LABEL - 10) * (t1 - t0);
  const f = e.deltaY < 0 ? 0.8 : 1.25;
  t0 = at - (at - t0) * f; t1 = at + (t1 - at) * f;
  draw();
});
let drag = null;
canvas.addEventListener("mousedown", e => drag = {x: e.offsetX, t0, t1});
window.addEventListener("mouseup", () => drag = null);
canvas.addEventListener("dblclick", () => { t0 = 0; t1 = Math.max(1, meta.duration_ns); draw(); });
const tip = document.getElementById("tip");
canvas.addEventListener("mousemove", e => {
  if (drag) {
    const dt = (e.offsetX - drag.x) / (canvas.width - LABEL - 10) * (drag.t1 - drag.t0);
    t0 = drag.t0 - dt; t1 = drag.t1 - dt; draw(); return;
  }
  const row = Math.floor(e.offsetY / H), r = rows[row];
  const at = t0 + (e.offsetX - LABEL) / (canvas.width - LABEL - 10) * (t1 - t0);
  const hit = r && D.tasks.find(t => t[0] === r.node && t[1] === r.thread && t[2] <= at && at <= t[3]);
  const step = !hit && r && D.work.find(w => w[1] === r.node && w[2] === r.thread && w[3] <= at && at <= w[4]);
  const slack = (t1 - t0) * 3 / (canvas.width - LABEL);
  const placed = !hit && !step && r && r.node === -1 && D.placements.find(p => Math.abs(p[3] - at) <= slack);
  if (hit) {
    tip.textContent = D.types[hit[4]] + " #" + hit[5] + "\n" + D.nodes[hit[0]].threads[hit[1] - 1] + "\n" +
      ms(hit[2]) + " .. " + ms(hit[3]) + " (" + ms(hit[3] - hit[2]) + ")\n" + hit[6];
  } else if (step) {
    tip.textContent = WORK[step[0]][0] + (step[5] ? " for task #" + step[5] : ": " + step[6] + " bytes") + "\n" +
      D.nodes[step[1]].threads[step[2] - 1] + "\n" + ms(step[3]) + " .. " + ms(step[4]) + " (" + ms(step[4] - step[3]) + ")";
  } else if (placed) {
    tip.textContent = D.types[placed[4]] + " #" + placed[0] + " placed on " + D.nodes[placed[1]].name + " (" + placed[2] +
      " computing units)\nat " + ms(placed[3]);
  } else { tip.style.display = "none"; return; }
  tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px"; tip.style.display = "block";
});

// The task graph: tasks in columns by dependency depth.
(function graph() {
  const limit = 3000, ids = D.graph_tasks.slice(0, limit);
  document.getElementById("graphnote").textContent = D.graph_tasks.length > limit ?
    "first " + limit + " of " + D.graph_tasks.length + " tasks" : D.graph_tasks.length + " tasks, " + D.deps.length + " edges";
  const depth = {}, type = {}, into = {};
  ids.forEach(t => { depth[t[0]] = 0; type[t[0]] = t[1]; });
  for (const d of D.deps) (into[d[1]] = into[d[1]] || []).push(d);
  for (const t of ids) for (const d of into[t[0]] || []) if (d[0] in depth) depth[t[0]] = Math.max(depth[t[0]], depth[d[0]] + 1);
  const cols = {}, pos = {};
  for (const t of ids) { const c = depth[t[0]]; cols[c] = (cols[c] || 0) + 1; pos[t[0]] = [c, cols[c] - 1]; }
  const maxRow = Math.max(1, ...Object.values(cols)), ncol = Object.keys(cols).length;
  const W = 70 * ncol + 60, Hh = 26 * maxRow + 40, P = id => [40 + pos[id][0] * 70, 24 + pos[id][1] * 26];
  let svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + W + '" height="' + Hh + '" font-size="9">';
  for (const d of D.deps) {
    if (!(d[0] in pos) || !(d[1] in pos)) continue;
    const a = P(d[0]), b = P(d[1]);
    svg += '<line x1="' + a[0] + '" y1="' + a[1] + '" x2="' + b[0] + '" y2="' + b[1] + '" stroke="#888"><title>d' + d[2] + "v" + d[3] + "</title></line>";
  }
  for (const t of ids) {
    const p = P(t[0]);
    svg += '<circle cx="' + p[0] + '" cy="' + p[1] + '" r="9" fill="' + color(t[1]) + '"><title>' +
      D.types[t[1]].replace(/</g, "&lt;") + " #" + t[0] + '</title></circle><text x="' + p[0] + '" y="' + (p[1] + 3) +
      '" text-anchor="middle" fill="#fff">' + t[0] + "</text>";
  }
  document.getElementById("graph").innerHTML = svg + "</svg>";
})();
</script></body></html>
)HTML";

/// The page's data: the model as compact JSON (what the page's script reads).
void write_data(const TraceModel& m, TextBuffer& t, const std::string& date) {
  t << "{\"meta\":" << std::string_view(perfetto::metadata_json(m, date)) << ",\"types\":[";
  for (std::size_t i = 0; i < m.type_names.size(); ++i) t << (i ? "," : "") << std::string_view(json_string(m.type_names[i]));
  t << "],\"nodes\":[";
  for (std::size_t n = 0; n < m.nodes.size(); ++n) {
    t << (n ? "," : "") << "{\"name\":" << std::string_view(json_string(m.nodes[n].name)) << ",\"threads\":[";
    for (int k = 1; k <= m.nodes[n].threads; ++k) {
      t << (k > 1 ? "," : "") << std::string_view(json_string(thread_name(m.nodes[n], k)));
    }
    t << "]}";
  }
  // Lists of arrays, each element written by `row`.
  auto list = [&t](const char* key, const auto& items, auto row) {
    t << "],\"" << key << "\":[";
    bool first = true;
    for (const auto& item : items) {
      t << (first ? "[" : ",[");
      row(item);
      t << ']';
      first = false;
    }
  };
  list("tasks", m.tasks, [&](const TaskSpan& s) {
    t << s.node << ',' << s.thread << ',' << s.begin << ',' << s.end << ',' << s.type << ',' << s.task_id << ",\""
      << (s.unfinished ? "unknown" : to_string(s.outcome)) << '"';
  });
  list("activities", m.activities,
       [&](const ActivitySpan& a) { t << '"' << to_string(a.kind) << "\"," << a.begin << ',' << a.end; });
  list("transfers", m.transfers, [&](const TransferSpan& x) {
    t << x.from << ',' << x.to << ',' << x.begin << ',' << x.end << ',' << x.bytes << ',' << x.data_id << ','
      << x.version;
  });
  list("work", m.work, [&](const WorkSpan& w) {
    const int kind = w.kind == NodeWork::inputs ? 1 : w.kind == NodeWork::outputs ? 2 : 3;
    t << kind << ',' << w.node << ',' << w.thread << ',' << w.begin << ',' << w.end << ',' << w.task_id << ',' << w.bytes;
  });
  list("placements", m.placements, [&](const PlacementPoint& p) {
    t << p.task_id << ',' << p.node << ',' << p.computing_units << ',' << p.time << ',' << m.task_type.of(p.task_id);
  });
  list("ready", m.ready_tasks, [&](const CounterPoint& p) { t << p.time << ',' << p.value; });
  list("graph_tasks", m.submitted, [&](std::uint64_t id) { t << id << ',' << m.task_type.of(id); });
  list("deps", m.dependencies, [&](const DependencyEdge& d) {
    t << d.from_task << ',' << d.to_task << ',' << d.data_id << ',' << d.version;
  });
  t << "]}";
}

}  // namespace

void write(const TraceModel& m, const std::string& path, const std::string& date) {
  OutputFile out(path);
  TextBuffer text(out);
  text << page_head;
  write_data(m, text, date);
  text << page_tail;
  text.flush();
  out.close();
}

}  // namespace compss::rt::observe::html
