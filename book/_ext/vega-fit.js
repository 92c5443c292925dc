// labcdn: fit every live chart to its column before Vega draws it (added after the Vega bundle).
// A chart built for a wide screen keeps its design where it fits; where it does not:
// - a single view takes the column's width (Vega-Lite "container" width);
// - side-by-side panels (hconcat) and column facets wrap onto as many rows as needed;
// - legends move below the plot, inside the chart's frame.
(function () {
  var embed = window.vegaEmbed;
  if (!embed || embed.labcdnFit) { return; }
  var GAP = 40;       // space between wrapped panels
  var AXIS = 70;      // a y axis with its title, beside each panel
  var LEGEND = 140;   // a legend on the right

  function num(v, dflt) { return typeof v === "number" ? v : dflt; }
  function copy(x) { return JSON.parse(JSON.stringify(x)); }
  function legendsBelow(spec) {
    spec.config = spec.config || {};
    spec.config.legend = Object.assign({}, spec.config.legend || {}, {orient: "bottom", direction: "horizontal",
      columns: 2, labelLimit: 220});
  }
  function hasLegend(spec) { return /"(color|fill|stroke|shape|size|opacity)"\s*:/.test(JSON.stringify(spec)); }
  function unitWidth(s) {
    if (s.hconcat) { return s.hconcat.reduce(function (a, c) { return a + unitWidth(c) + GAP; }, 0); }
    if (s.vconcat) { return Math.max.apply(null, s.vconcat.map(unitWidth)); }
    if (s.concat) { return Math.max.apply(null, s.concat.map(unitWidth)) * num(s.columns, 1); }
    if (s.layer) { return Math.max(num(s.width, 0), Math.max.apply(null, s.layer.map(unitWidth))); }
    if (s.facet && s.spec) { return unitWidth(s.spec); }
    return num(s.width, 300) + AXIS;
  }
  function shrink(s, max) {
    // Cap the numeric widths of a spec (and its layers) at max.
    if (typeof s.width === "number" && s.width > max) { s.width = max; }
    (s.layer || []).forEach(function (l) { shrink(l, max); });
    if (s.spec) { shrink(s.spec, max); }
  }
  function fit(spec, avail) {
    var s = copy(spec);
    var legend = hasLegend(s) ? LEGEND : 0;
    var wide = unitWidth(s) + legend > avail;
    if (!wide) { return s; }
    if (legend) { legendsBelow(s); }
    var panel = avail - AXIS - 10;
    if (s.hconcat) {
      var w = Math.max.apply(null, s.hconcat.map(unitWidth));
      s.concat = s.hconcat; delete s.hconcat;
      s.columns = Math.max(1, Math.floor((avail + GAP) / (Math.min(w, avail) + GAP)));
      s.concat.forEach(function (c) { shrink(c, panel); });
    } else if (s.facet && s.spec) {
      if (s.facet.column && !s.facet.row) { s.facet = s.facet.column; }
      if (!s.facet.row && !s.facet.column) {
        var fw = Math.min(unitWidth(s.spec), avail);
        s.columns = Math.max(1, Math.floor((avail + GAP) / (fw + GAP)));
      }
      shrink(s.spec, panel);
    } else if (s.encoding && s.encoding.column && !s.encoding.row) {
      s.encoding.facet = s.encoding.column; delete s.encoding.column;
      var uw = Math.min(num(s.width, 300) + AXIS, avail);
      s.columns = Math.max(1, Math.floor((avail + GAP) / (uw + GAP)));
      shrink(s, panel);
    } else if (s.vconcat || s.concat) {
      (s.vconcat || s.concat).forEach(function (c) { shrink(c, panel); });
    } else if (s.mark || s.layer) {
      s.width = "container";
      s.autosize = {type: "fit-x", contains: "padding"};
      (s.layer || []).forEach(function (l) { delete l.width; });
    } else {
      shrink(s, panel);
    }
    return s;
  }
  function fitted(el, spec, opts) {
    var node = typeof el === "string" ? document.querySelector(el) : el;
    var avail = node && node.parentElement ? node.parentElement.getBoundingClientRect().width : 0;
    if (!avail || typeof spec !== "object") { return embed(el, spec, opts); }
    return embed(el, fit(spec, Math.floor(avail) - 8), opts);
  }
  Object.keys(embed).forEach(function (k) { fitted[k] = embed[k]; });
  fitted.labcdnFit = true;
  window.vegaEmbed = fitted;
})();
