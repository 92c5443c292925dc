// labcdn's live chart (anywidget front end): one Vega view per panel, kept between redraws.
//
// A redraw from the kernel changes the `datasets` and `signals` (title) traits, and `spec` only when
// the chart's shape changes. With an unchanged spec the view gets a changeset per dataset and reruns: no Vega-Lite
// compile, no new view, no output area cleared and refilled. Vega comes from the kernel, once per
// page, as vl-convert's bundle in a custom message (never from the network), so the saved widget
// state stays small. Until it arrives (or with no kernel at all, before Run All) the panel shows
// `fallback`, the kernel-side SVG of its first draw.

const RUNTIME = "__labcdnVegaRuntime";

function vegaRuntime(model) {
  if (globalThis[RUNTIME]) return Promise.resolve(globalThis[RUNTIME]);
  return new Promise((resolve, reject) => {
    const onMsg = async (msg, buffers) => {
      if (!msg || msg.type !== "vega-runtime") return;
      model.off("msg:custom", onMsg);
      try {
        if (!globalThis[RUNTIME]) {
          const bytes = buffers[0].buffer ? new Uint8Array(buffers[0].buffer) : buffers[0];
          const url = URL.createObjectURL(new Blob([bytes], { type: "text/javascript" }));
          globalThis[RUNTIME] = await import(/* webpackIgnore: true */ url);
          URL.revokeObjectURL(url);
        }
        resolve(globalThis[RUNTIME]);
      } catch (err) {
        reject(err);
      }
    };
    model.on("msg:custom", onMsg);
    try {
      model.send({ type: "vega-runtime" });
    } catch (err) {
      model.off("msg:custom", onMsg);
      reject(err);
    }
  });
}

// A slow redraw dims the chart and says so; the 80 ms delay keeps fast ones from flickering.
const STYLE = `
.labcdn-live-chart { position: relative; }
.labcdn-live-chart .labcdn-live-busy { position: absolute; top: 4px; right: 8px; font: 12px sans-serif;
  color: #444; background: #fffc; padding: 1px 6px; border-radius: 3px; opacity: 0; pointer-events: none; }
.labcdn-live-chart.labcdn-busy .labcdn-live-busy { opacity: 1; transition: opacity 0s 80ms; }
.labcdn-live-chart.labcdn-busy .labcdn-live-view { opacity: 0.45; transition: opacity 0s 80ms; }
`;

function addStyle() {
  if (document.getElementById("labcdn-live-chart-style")) return;
  const style = document.createElement("style");
  style.id = "labcdn-live-chart-style";
  style.textContent = STYLE;
  document.head.appendChild(style);
}

function render({ model, el }) {
  addStyle();
  el.classList.add("labcdn-live-chart");
  const busy = document.createElement("div");
  busy.className = "labcdn-live-busy";
  busy.textContent = "updating…";
  busy.setAttribute("role", "status");
  const fallback = document.createElement("div");
  fallback.className = "labcdn-live-fallback";
  fallback.innerHTML = model.get("fallback");
  const host = document.createElement("div");
  host.className = "labcdn-live-view";
  el.append(fallback, host, busy);

  let view = null;
  let finalize = null;
  let shape = null;
  let runtime = null;
  let chain = Promise.resolve();
  let queued = false;

  const draw = async () => {
    const started = performance.now();
    const spec = model.get("spec");
    const datasets = model.get("datasets");
    const key = JSON.stringify(spec);
    const signals = model.get("signals") || {};
    if (view && key === shape) {
      for (const [name, values] of Object.entries(datasets)) {
        view.change(name, view.changeset().remove(() => true).insert(structuredClone(values)));
      }
      for (const [name, value] of Object.entries(signals)) view.signal(name, value);
      await view.runAsync();
    } else {
      const next = document.createElement("div");
      const result = await runtime.vegaEmbed(next, { ...spec, datasets: structuredClone(datasets) }, {
        renderer: "svg",
        actions: false,
      });
      if (finalize) finalize();
      host.replaceChildren(next);
      view = result.view;
      finalize = result.finalize;
      for (const [name, value] of Object.entries(signals)) view.signal(name, value);
      await view.runAsync();
      shape = key;
      fallback.remove();
    }
    el.dataset.redraws = String(Number(el.dataset.redraws || 0) + 1);
    el.dataset.drawMs = (performance.now() - started).toFixed(1); // read by benchmarks/bench_sliders.py
  };

  const schedule = () => {
    if (!runtime || queued) return;
    queued = true;
    chain = chain
      .then(() => {
        queued = false;
        return draw();
      })
      .catch((err) => {
        console.error("labcdn live chart:", err);
      });
  };

  const onBusy = () => el.classList.toggle("labcdn-busy", Boolean(model.get("busy")));
  const onFallback = () => {
    fallback.innerHTML = model.get("fallback");
  };
  model.on("change:spec", schedule);
  model.on("change:datasets", schedule);
  model.on("change:signals", schedule);
  model.on("change:fallback", onFallback);
  model.on("change:busy", onBusy);
  vegaRuntime(model).then(
    (rt) => {
      runtime = rt;
      schedule();
    },
    (err) => console.warn("labcdn live chart: no Vega runtime, showing the saved picture", err),
  );
  return () => {
    model.off("change:spec", schedule);
    model.off("change:datasets", schedule);
    model.off("change:signals", schedule);
    model.off("change:fallback", onFallback);
    model.off("change:busy", onBusy);
    if (finalize) finalize();
  };
}

export default { render };
