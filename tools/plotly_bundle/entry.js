// The traces the page draws (views/figures.py, views/map.py, views/slide_charts.py); scatter is in core.
// A figure with another trace type draws nothing in the browser: tests/browser checks the registered list.
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choroplethmap'),
    require('plotly.js/lib/scattermap'),
]);
module.exports = Plotly;
