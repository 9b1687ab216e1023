/* plotly.js with only the page's traces, from the versioned URL the index page preloads or names
   (web/first_paint.py, <link id="plotly-bundle"> or <meta>): dcc loads it from window._dashPlotlyJSURL, which
   dash-renderer sets to the full bundle's fixed, unversioned name when it mounts. */
(function () {
  var link = document.getElementById("plotly-bundle");
  if (!link) { return; }
  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () { return link.href || link.content; },
    set: function () {}
  });
})();
