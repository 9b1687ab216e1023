/* plotly.js from the versioned URL the index page preloads (web/first_paint.py, <link id="plotly-bundle">): dcc
   loads it from window._dashPlotlyJSURL, which dash-renderer sets to a fixed, unversioned name when it mounts. */
(function () {
  var link = document.getElementById("plotly-bundle");
  if (!link) { return; }
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () { return link.href; },
    set: function () {}
  });
})();
