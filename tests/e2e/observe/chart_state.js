// What the monitor page's charts show, for check_monitor.sh (evaluated in the page by
// page_text.py): "charts missing: <the page's note>" without Chart.js, else
// "assets <local|external> load <inked|blank> <n> points; timeline <inked|blank> failed <n>
// open <n> done <n>", read from the Chart.js objects (Chart.getChart) and the pixels drawn.
(() => {
  if (typeof Chart === "undefined") return "charts missing: " + document.getElementById("chartnote").textContent;
  // Every resource the page loaded came from the monitor itself (the browser runs with
  // every other host unresolvable: a library fetched from elsewhere would be missing).
  const local = performance.getEntriesByType("resource").every((e) => e.name.startsWith(location.origin));
  const inked = (id) => {
    const c = document.getElementById(id), d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) ++n;
    return n > 200 ? "inked" : "blank";
  };
  const load = Chart.getChart("load"), timeline = Chart.getChart("timeline");
  if (!load || !timeline) return "no chart yet";
  const spans = timeline.data.datasets[0].data;
  const count = (...states) => spans.filter((s) => states.includes(s.state)).length;
  return "assets " + (local ? "local" : "external") + " load " + inked("load") + " " +
         load.data.datasets[0].data.length + " points; timeline " + inked("timeline") + " failed " + count("failed") +
         " open " + count("running", "sent") + " done " + count("done");
})()
