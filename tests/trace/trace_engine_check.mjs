// Loads a trace.json written by --trace with a real trace parser, Chrome DevTools' trace
// engine (npm @paulirish/trace_engine, installed into tests/trace/node_modules by
// tools/setup-npm.sh), headlessly, and checks what it understood: the nodes as processes,
// the named threads, the tasks of each type as slices, the flow arrows (dependencies,
// transfers), and bounds that cover the run.
// usage: node trace_engine_check.mjs trace.json NODES TYPE=N [TYPE=N ...]
// Exits 77 (skipped) when the package is not installed.
import fs from 'node:fs';

let Trace;
try {
  Trace = await import('@paulirish/trace_engine');
} catch (e) {
  console.log('SKIP: @paulirish/trace_engine is not installed (run tools/setup-npm.sh): ' + e.message);
  process.exit(77);
}
// The engine was written for a browser: it needs DOMRect to exist.
globalThis.DOMRect ??= class DOMRect {
  constructor(x = 0, y = 0, width = 0, height = 0) { Object.assign(this, {x, y, width, height}); }
};

const [file, nodesText, ...expected] = process.argv.slice(2);
const problems = [];
const json = JSON.parse(fs.readFileSync(file, 'utf8'));
const model = Trace.TraceModel.Model.createWithAllHandlers();
await model.parse(json.traceEvents);
const data = model.parsedTrace().data;

const bounds = data.Meta.traceBounds;
if (!(bounds.range > 0)) problems.push(`empty trace bounds ${JSON.stringify(bounds)}`);
const processes = data.Renderer.processes;
if (processes.size !== Number(nodesText)) problems.push(`${processes.size} processes, expected ${nodesText}`);
const counts = new Map();
let unnamed = 0;
for (const [, p] of processes) {
  for (const [, t] of p.threads) {
    if (!t.name) ++unnamed;
    for (const e of t.entries) if (e.cat === 'task') counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  }
}
if (unnamed > 0) problems.push(`${unnamed} threads without a name`);
for (const spec of expected) {
  const [name, n] = spec.split('=');
  if ((counts.get(name) ?? 0) !== Number(n)) problems.push(`${counts.get(name) ?? 0} '${name}' slices, expected ${n}`);
}
const flows = data.Flows.flows.length;
if (flows === 0) problems.push('no flow arrows understood');
if (problems.length) {
  for (const p of problems) console.log('FAIL: ' + p);
  process.exit(1);
}
console.log(`trace parsed by trace_engine: OK (${processes.size} processes, ${[...counts.values()].reduce((a, b) => a + b, 0)} task slices, ${flows} flows, ${bounds.range.toFixed(0)} us)`);
