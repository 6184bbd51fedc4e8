/* The assessment dashboard's charts: a monthly trend, the regions below (a click opens the
   region's dashboard) and hazards by industry. The data is the JSON of
   /api/indicators/dashboard/ (fetched, on the home page) or inlined in the page (json_script). */
(function () {
  "use strict";

  function draw(root, data) {
    if (!window.echarts) { return; }
    var label = function (name) { return root.getAttribute("data-label-" + name) || name; };
    var charts = [];
    function chart(name, option) {
      var el = root.querySelector('[data-chart="' + name + '"]');
      if (!el) { return null; }
      var c = window.echarts.init(el, root.getAttribute("data-theme") || null);
      option.backgroundColor = "transparent";
      c.setOption(option);
      el.setAttribute("data-drawn", "1");
      charts.push(c);
      return c;
    }
    var trend = data.trend || {months: [], series: []};
    chart("trend", {
      tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 16, top: 36, bottom: 28},
      xAxis: {type: "category", data: trend.months}, yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      series: trend.series.map(function (s) { return {name: s.name, type: "line", data: s.values, connectNulls: true}; })
    });
    var regions = data.by_region || {regions: [], series: []};
    var percent = regions.series.filter(function (s) { return s.unit === "percent"; });
    var regionChart = chart("region", {
      tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 16, top: 36, bottom: 48},
      xAxis: {type: "category", data: regions.regions.map(function (r) { return r.name; }), axisLabel: {interval: 0, rotate: 30}},
      yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      series: percent.map(function (s) { return {name: s.name, type: "bar", data: s.values}; })
    });
    if (regionChart) {
      regionChart.on("click", function (p) {
        var r = regions.regions[p.dataIndex];
        if (r && r.url) { window.location.href = r.url; }
      });
    }
    var ind = data.by_industry || {industries: [], found: [], rectified: [], rate: []};
    chart("industry", {
      tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 40, top: 36, bottom: 60},
      xAxis: {type: "category", data: ind.industries, axisLabel: {interval: 0, rotate: 30}},
      yAxis: [{type: "value"}, {type: "value", max: 100, axisLabel: {formatter: "{value}%"}}],
      series: [{name: label("found"), type: "bar", data: ind.found}, {name: label("rectified"), type: "bar", data: ind.rectified},
               {name: label("rate"), type: "line", yAxisIndex: 1, data: ind.rate}]
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  function start() {
    document.querySelectorAll(".as-charts").forEach(function (root) {
      var inline = root.getAttribute("data-inline");
      if (inline) {
        var el = document.getElementById(inline);
        if (el) { draw(root, JSON.parse(el.textContent)); }
        return;
      }
      var url = root.getAttribute("data-dashboard");
      if (!url || !window.fetch) { return; }
      window.fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { draw(root, data); } });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
