// plotly.js's own esbuild settings (its esbuild-config.js), with our entry: assets/plotly/ gets the bundle.
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const { version } = require('plotly.js/package.json');

esbuild.build({
    entryPoints: ['./entry.js'],
    outfile: '../../assets/plotly/plotly-trygghetskartan.min.js',
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'inline',
    banner: { js: `/*! plotly.js v${version} (MIT, Plotly, Inc.), only the traces bar, scatter, choroplethmap and `
        + 'scattermap; with MapLibre GL JS (BSD-3-Clause). Built by tools/plotly_bundle (make plotly-bundle). */' },
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'info',
}).catch(() => process.exit(1));
