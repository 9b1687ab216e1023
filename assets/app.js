/* Trygghetskartan in the browser (served from assets/, no network): the view in the URL, chart images, paging in
   presentation mode, the story upload's name (Dash 4's dropdowns: assets/dropdowns.js). Clientside callbacks are
   wired in callbacks/sharing.py. */
(function () {
  "use strict";

  /* Staff-only links (e.g. "Följ upp som indikator") show once this browser has logged in (staff/auth.py sets the
     hint; the links' pages need the login anyway). */
  if (/(?:^|;\s*)tk_staff=1(?:;|$)/.test(document.cookie)) { document.documentElement.classList.add("tk-staff"); }

  function triggered() {
    var ctx = window.dash_clientside && window.dash_clientside.callback_context;
    return ((ctx && ctx.triggered) || []).filter(function (t) { return t.prop_id && t.prop_id !== "."; });
  }

  /* The view's query string: only what differs from the default view, in a fixed order (the same as
     view_search in views/params.py, so a link made by the server and one made here are the same). */
  function viewSearch(view, defaults, lang) {
    var p = new URLSearchParams();
    if (view.question && view.question !== defaults.question) { p.set("question", view.question); }
    if (view.wave !== null && view.wave !== undefined && String(view.wave) !== defaults.wave) {
      p.set("wave", String(view.wave));
    }
    if (view.level && view.level !== defaults.level) { p.set("level", view.level); }
    if (view.by) { p.set("by", view.by); }
    defaults.groups.forEach(function (g) {
      var v = view.filters[g];
      if (v !== null && v !== undefined && v !== "") { p.set(g, String(v)); }
    });
    if (view.area) { p.set("area", view.area); }
    if (lang && lang !== defaults.lang) { p.set("lang", lang); }
    var qs = p.toString();
    return qs ? "?" + qs : "";
  }

  var lastRendered = null;
  var currentSlide = null;  // the presentation's slide (step)
  var clicks = {next: 0, prev: 0};  // the paging buttons' n_clicks at the last step

  /* "Välj fråga och grupp" on a phone: opens and folds the controls (layouts/page.py, style.css). In the DOM, not a
     callback: React keeps the class, since the button's and the panel's props do not change. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#controls-toggle");
    if (!button) { return; }
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    document.getElementById("controls-panel").classList.toggle("open", open);
  });

  /* The table's row order for a sort {col, desc} (null: as the server lists them). The municipality's row stays
     last, and a hidden value (null key) sorts last either way. */
  function sortedRows(data, sort) {
    var order = data.rows.map(function (r, i) { return i; });
    if (!sort || !data.keys) { return order; }
    var dir = sort.desc ? -1 : 1, key = {2: 0, 3: 1, 4: 2}[sort.col];
    return order.sort(function (a, b) {
      var ka = data.keys[a], kb = data.keys[b];
      if (ka[3] !== kb[3]) { return ka[3] ? 1 : -1; }
      if (key === undefined) {
        return dir * String(data.rows[a][sort.col]).localeCompare(String(data.rows[b][sort.col]), "sv") || a - b;
      }
      if (ka[key] === null || kb[key] === null) { return (ka[key] === null) - (kb[key] === null) || a - b; }
      return dir * (ka[key] - kb[key]) || a - b;
    });
  }

  /* The table is drawn here into #table with the DOM, not returned to Dash as components: a village table is
     about 180 of them, and dash-renderer checks every component at each of the many store updates of a later
     change (bench/README.md: most of a filter change's time in the browser). React leaves #table's content
     alone: its children prop never changes. Texts go in as text, never as HTML. */
  function tableElement(tag, children, attributes) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    [].concat(children === null || children === undefined ? [] : children).forEach(function (child) {
      node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function tableOf(data, sort) {
    var el = tableElement;
    var order = sortedRows(data, sort);
    var head = el("thead", el("tr", data.head.map(function (text, i) {
      if (i > 4 || !data.keys) { return el("th", text, {scope: "col"}); }
      var state = sort && sort.col === i ? (sort.desc ? "descending" : "ascending") : "none";
      return el("th", el("button", text, {"class": "sort-button", type: "button", "data-col": String(i)}),
                {scope: "col", "aria-sort": state});
    })));
    var body = el("tbody", order.map(function (i) {
      var r = data.rows[i];
      return el("tr", [el("td", r[0]), el("td", r[1]), el("td", r[2], {"class": "num"}),
                       el("td", r[3], {"class": "num"}), el("td", r[4], {"class": "num"}), el("td", r[5])],
                r[6] ? {"class": r[6]} : {});
    }));
    // the caption names who the rows are about (views/labels.py view_label: "Kvinnor 65–84 år, uppdelat efter …")
    var caption = data.caption ? [el("caption", data.caption, {"class": "caption-top", id: "table-caption"})] : [];
    var table = el("table", caption.concat([head, body]), {"class": "table table-sm table-striped", id: "result-table"});
    if (!data.part) { return [table]; }
    var href = String(data.part.href || "");
    var link = href.charAt(0) === "/" || href.charAt(0) === "?" ? el("a", data.part.link, {href: href}) : "";
    return [el("p", [data.part.text, " ", link], {"class": "small", id: "table-part"}), table];
  }

  var shownTable = {data: null, sort: null, focus: null};
  function drawTable(data, sort, tries) {
    var box = document.getElementById("table");
    if (!box) {  // the page's new layout is not in the DOM yet
      if (tries < 60) { window.requestAnimationFrame(function () { drawTable(data, sort, tries + 1); }); }
      return;
    }
    shownTable.data = data;
    shownTable.sort = sort;
    // nothing yet, or why there is none
    var content = !data || typeof data === "string" ? (data ? [document.createTextNode(data)] : []) : tableOf(data, sort);
    box.replaceChildren.apply(box, content);
    if (shownTable.focus !== null) {  // the table is drawn anew: the clicked header keeps its focus (WCAG 2.4.3)
      var button = box.querySelector("thead th:nth-child(" + (shownTable.focus + 1) + ") button");
      shownTable.focus = null;
      if (button) { button.focus(); }
    }
  }

  /* A click on a table header: sort by it (numbers highest first, names A–Ö), again: the other way. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#result-table .sort-button");
    if (!button || !window.dash_clientside.set_props) { return; }
    var col = Number(button.getAttribute("data-col")), current = shownTable.sort;
    var desc = current && current.col === col ? !current.desc : col >= 2;
    shownTable.focus = col;
    window.dash_clientside.set_props("table-sort", {data: {col: col, desc: desc}});
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    tk: {
      /* Controls → URL. The first call after a page is drawn replaces the history entry (a shared link is only
         tidied, no extra step back); a change made by the user adds an entry, so back and forward step through
         the views. `rendered` is a token new with every page the server draws. Returns url.search and url.href
         (so dcc.Location agrees with the address bar), the path+search the page now shows, the full link (for
         "Dela"), the language link, the table downloads and the presentation link for this view. */
      syncUrl: function (question, wave, level, by, filterValues, area, filterIds, lang, defaults, rendered) {
        var first = rendered !== lastRendered;  // the first call since this page was drawn
        lastRendered = rendered;
        var filters = {};
        (filterIds || []).forEach(function (id, i) { filters[id.group] = (filterValues || [])[i]; });
        var view = {question: question, wave: wave, level: level, by: by, filters: filters, area: area};
        var search = viewSearch(view, defaults, lang);
        var path = window.location.pathname;
        if (window.location.search !== search) {
          if (first) { window.history.replaceState(null, "", path + search); }
          else { window.history.pushState(null, "", path + search); }
        }
        var other = lang === "sv" ? "en" : "sv";
        // "Dela" links to the public address when the configuration names one ([app] public_url, views/qr.py)
        var shared = (defaults.public_url || window.location.origin) + path + search;
        return [search, window.location.href, path + search, shared,
                path + viewSearch(view, defaults, other),
                "/export/table.csv" + search, "/export/table.xlsx" + search,
                "/presentation" + (lang !== defaults.lang ? "?lang=" + lang : ""),
                "/personal/loften/indikator" + search];
      },

      /* The view's table from its texts (views/table.py, table_data): drawn into #table (drawTable below).
         Returns when it was drawn, for the store `table-drawn`. */
      table: function (data, sort) {
        drawTable(data, sort, 0);
        return Date.now();
      },

      /* PNG or SVG of one chart, drawn by plotly.js in the page. */
      saveChart: function (clicks, ids) {
        var fired = triggered();
        if (!fired.length || !fired[0].value) { return window.dash_clientside.no_update; }
        var id = JSON.parse(fired[0].prop_id.slice(0, fired[0].prop_id.lastIndexOf(".")));
        var gd = document.querySelector("#" + id.chart + " .js-plotly-plot");
        if (gd && window.Plotly) {
          var box = gd.getBoundingClientRect();
          window.Plotly.downloadImage(gd, {format: id.format, filename: "trygghetskartan-" + id.chart,
                                           width: Math.round(box.width), height: Math.round(box.height)});
        }
        return id.chart + "." + id.format;
      },

      /* Previous / next / first / last slide, clamped to the story. The slide's number is kept in the address
         (#3), so a reload (or a link) shows the same slide. */
      step: function (prev, next, jump, stored, token, index, story) {
        var n = (story || []).length;
        var fired = triggered();
        var which = fired.length ? fired[0].prop_id.split(".")[0] : "";
        /* Counted from the buttons' clicks since the last step: quick key presses can reach here as one change
           (and the store's State can still hold the index before them). */
        var fresh = !fired.length || which === "page-token" || currentSlide === null;  // a page drawn anew
        var i = fresh ? (index || 0) : currentSlide;
        if (!fresh) { i += ((next || 0) - clicks.next) - ((prev || 0) - clicks.prev); }
        clicks = {next: next || 0, prev: prev || 0};
        if (which === "slide-jump" && jump) { i = jump.to === "last" ? n - 1 : 0; }
        if (which === "page-token" || !fired.length) {
          var fromHash = parseInt((window.location.hash || "").slice(1), 10);
          if (fromHash > 0) { i = fromHash - 1; }
        }
        i = Math.max(0, Math.min(i, n - 1));
        currentSlide = i;
        /* (the first slide of a page opened without a number keeps its address as it was) */
        if (n && (i > 0 || window.location.hash) && window.location.hash !== "#" + (i + 1)) {
          window.history.replaceState(null, "", window.location.pathname + window.location.search + "#" + (i + 1));
        }
        return i;
      },

      fullscreen: function (clicks) {
        if (clicks && document.fullscreenEnabled && !document.fullscreenElement) {
          document.documentElement.requestFullscreen().catch(function () {});
        } else if (clicks && document.fullscreenElement) {
          document.exitFullscreen().catch(function () {});
        }
        return window.dash_clientside.no_update;
      }
    }
  });

  /* Presentation clickers send PageUp/PageDown (some send the arrow keys): page with them, and with the arrows. */
  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("presentation") || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var tag = (event.target && event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") { return; }
    var target = null;
    if (event.key === "ArrowRight" || event.key === "PageDown") { target = "slide-next"; }
    if (event.key === "ArrowLeft" || event.key === "PageUp") { target = "slide-prev"; }
    if (event.key === "f" || event.key === "F") { target = "slide-fullscreen"; }
    if ((event.key === "Home" || event.key === "End") && window.dash_clientside.set_props) {
      event.preventDefault();
      window.dash_clientside.set_props("slide-jump", {data: {to: event.key === "End" ? "last" : "first",
                                                              at: Date.now()}});
      return;
    }
    var button = target && document.getElementById(target);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  /* Dash 4's dropdowns are made accessible in assets/dropdowns.js (the staff pages load that file too). */

  /* dcc.Upload's file input: named by the upload's button, which is the one tab stop */
  function labelStoryUpload() {
    var file = document.querySelector("#story-upload input[type=file]:not([aria-labelledby])");
    if (file) {
      file.setAttribute("aria-labelledby", "story-upload-button");
      file.setAttribute("tabindex", "-1");
    }
  }

  /* plotly draws a map in steps that wait for MapLibre; when the chart is removed meanwhile (a slide paged past
     while its map still loaded, e.g. after a resize), its last step reads the removed layout and throws "reading
     '_rangeSliderData'" from a promise nobody holds (its own resize, Dash's draw, a relayout here). Nothing is left
     to draw then, and nothing on the screen is wrong: that one error is not reported as the page's. */
  window.addEventListener("unhandledrejection", function (event) {
    var reason = event.reason;
    if (reason && /reading '_rangeSliderData'/.test(String(reason.message || reason)) &&
        /plotly/.test(String(reason.stack || ""))) {
      event.preventDefault();
    }
  });

  function relayout(gd, update) {
    if (gd.isConnected) { window.Plotly.relayout(gd, update); }
  }

  /* A map narrower or lower than the one the build's zoom was made for (a phone) zooms out until the whole
     municipality shows; layouts/page.py gives its size at that zoom. Once per level (uirevision) and size, so a
     zoom of the user's own stays. */
  function fitMap(gd) {
    var figure = gd && gd.closest("figure");
    var full = gd && gd._fullLayout;
    if (!figure || !figure.dataset.fitWidth || !full || !full.map || !window.Plotly) { return; }
    /* Not while plotly is still drawing the map: a relayout before MapLibre's style has loaded throws
       "Cannot read properties of undefined (reading 'layers')" (each new slide map did), and one made while
       plotly's first draw is finishing is lost. Try again when the map is idle, until it shows the zoom. */
    var maplibre = full.map._subplot && full.map._subplot.map;
    if (!maplibre) { return; }
    /* While this map is on its way to idle, calls (the page's mutations: the place names move at every draw) wait
       for it rather than count as tries that did not take. */
    if (gd.__tkWaiting === maplibre) { return; }
    function later() {
      gd.__tkWaiting = maplibre;
      maplibre.once("idle", function () {
        if (gd.__tkWaiting === maplibre) { gd.__tkWaiting = null; }
        fitMap(gd);
      });
    }
    if (!maplibre.isStyleLoaded()) { later(); return; }
    var room = Math.min(Math.log2((full.width - 110) / Number(figure.dataset.fitWidth)),
                        Math.log2((full._size.h - 20) / Number(figure.dataset.fitHeight)));
    /* the dashboard's map only zooms out; a slide's map also grows to fill the screen (at most 2×) */
    var zoom = Number(figure.dataset.zoom) + Math.min(figure.dataset.grow ? 1 : 0, room);
    var key = String(full.uirevision) + "|" + full.width + "x" + full.height;
    if (gd.__tkFit === key && Math.abs(maplibre.getZoom() - zoom) <= 0.05) { return; }
    gd.__tkTries = gd.__tkFit === key ? (gd.__tkTries || 0) + 1 : 0;
    gd.__tkFit = key;
    if (gd.__tkTries > 3) { return; }
    if (Math.abs(full.map.zoom - zoom) > 0.05 || Math.abs(maplibre.getZoom() - zoom) > 0.05) {
      relayout(gd, {"map.zoom": zoom});
      later();
    }
  }

  /* The place names are annotations placed for the map's own centre and zoom (views/map_labels.py); when the map
     shows another (a pan, a zoom, fitMap above), they move by as much as their places did: by their paper x and y
     (0.5, the centre, as placed), so that the shifts the server placed them at stay as sent. */
  function mercator(lon, lat, zoom) {
    var size = 512 * Math.pow(2, zoom), s = Math.min(Math.max(Math.sin(lat * Math.PI / 180), -0.9999), 0.9999);
    return [(lon + 180) / 360 * size, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * size];
  }

  /* A name moved onto one before it (a zoom out, a narrower map than views/map.py planned for) or off the map is
     hidden until there is room again. */
  function labelShown(box, kept, size) {
    var inside = box[0] >= -size.w / 2 && box[2] <= size.w / 2 && box[1] >= -size.h / 2 && box[3] <= size.h / 2;
    return inside && !kept.some(function (k) {
      return box[0] < k[2] && k[0] < box[2] && box[1] < k[3] && k[1] < box[3];
    });
  }

  function moveLabels(gd) {
    var meta = gd.layout && gd.layout.meta && gd.layout.meta.labels;
    var view = gd._fullLayout && gd._fullLayout.map, size = gd._fullLayout && gd._fullLayout._size;
    if (!meta || !view || !size || !meta.point || !window.Plotly) { return; }
    /* as fitMap: no relayout before MapLibre's style has loaded ("reading 'layers'"); again when the map is idle */
    var maplibre = view._subplot && view._subplot.map;
    if (!maplibre) { return; }
    if (!maplibre.isStyleLoaded()) {
      if (gd.__tkLabelsWaiting !== maplibre) {
        gd.__tkLabelsWaiting = maplibre;
        maplibre.once("idle", function () { gd.__tkLabelsWaiting = null; moveLabels(gd); });
      }
      return;
    }
    /* a place `point` px from the centre c0 at meta.zoom is, at the map's zoom, at (c0 + point) * scale in the
       world (Web Mercator doubles per zoom step): (c0 + point) * scale - c1 from the map's centre c1 */
    var c0 = mercator(meta.center.lon, meta.center.lat, meta.zoom);
    var c1 = mercator(view.center.lon, view.center.lat, view.zoom), scale = Math.pow(2, view.zoom - meta.zoom);
    var update = {}, moved = false, kept = [];
    meta.point.forEach(function (o, i) {
      var now = gd.layout.annotations[i] || {};
      var dx = (c0[0] + o[0]) * scale - c1[0] - o[0], dy = (c0[1] + o[1]) * scale - c1[1] - o[1];
      var x = 0.5 + dx / size.w, y = 0.5 - dy / size.h;  // paper: y upwards
      var cx = (now.xshift || 0) + dx + (now.showarrow ? now.ax : 0);
      var cy = -(now.yshift || 0) + dy + (now.showarrow ? now.ay : 0);
      var w = meta.width[i] / 2, h = meta.height / 2;
      var box = [cx - w, cy - h, cx + w, cy + h], shown = labelShown(box, kept, size);
      if (shown) { kept.push(box); }
      var nowX = now.x === undefined ? 0.5 : now.x, nowY = now.y === undefined ? 0.5 : now.y;
      if (Math.abs(nowX - x) * size.w > 0.5 || Math.abs(nowY - y) * size.h > 0.5) {
        update["annotations[" + i + "].x"] = x;
        update["annotations[" + i + "].y"] = y;
        moved = true;
      }
      if (shown !== (now.visible !== false)) {
        update["annotations[" + i + "].visible"] = shown;
        moved = true;
      }
    });
    if (moved) { relayout(gd, update); }
  }

  function followLabels(gd) {
    if (!gd || gd.__tkLabels || typeof gd.on !== "function") { return; }
    gd.__tkLabels = true;
    gd.on("plotly_afterplot", function () { moveLabels(gd); });
    moveLabels(gd);
  }

  /* The map's image (layouts/page.py map_placeholder) gives way once plotly has drawn the map. */
  function showWhenDrawn(gd) {
    if (!gd || gd.__tkShown || typeof gd.on !== "function") { return; }
    gd.__tkShown = true;
    var figure = gd.closest("figure");
    function drawn() { if (figure) { figure.classList.add("map-ready"); } }
    gd.on("plotly_afterplot", drawn);
    var view = gd._fullLayout && gd._fullLayout.map, maplibre = view && view._subplot && view._subplot.map;
    if (maplibre && maplibre.loaded()) { drawn(); }  /* drawn before this ran */
  }

  function fitMaps() {
    ["#map .js-plotly-plot", ".slide-graph .js-plotly-plot"].forEach(function (selector) {
      var gd = document.querySelector(selector);
      fitMap(gd);
      followLabels(gd);
    });
    showWhenDrawn(document.querySelector("#map .js-plotly-plot"));
  }

  /* A slide fits the screen: its type shrinks (--fit, from 1 down to FIT_FLOOR; the CSS keeps each text above
     its floor in px) until nothing overflows, the chart keeps at least 40 % of the slide's height, and a bar
     chart has room for each bar's label (data-rows). Halving steps: 7 layouts at most per slide or resize. */
  var FIT_FLOOR = 0.3;
  function slideFits(slide) {
    var side = slide.querySelector(".slide-side");
    var figure = slide.querySelector(".slide-figure");
    if (slide.scrollHeight > slide.clientHeight + 1 || slide.scrollWidth > slide.clientWidth + 1) { return false; }
    if (side && (side.scrollHeight > side.clientHeight + 1 || side.scrollWidth > side.clientWidth + 1)) {
      return false;
    }
    if (figure && figure.clientHeight < 0.4 * slide.clientHeight) { return false; }
    var rows = figure && Number(figure.dataset.rows || 0);
    return !rows || figure.clientHeight >= rows * 26 + 80;  // a 20 px label's box is about 26 px high
  }

  var fittedKey = null;
  function fitSlide(force) {
    var slide = document.getElementById("slide");
    if (!slide || !document.getElementById("presentation") || !slide.firstChild) { return; }
    var key = (slide.querySelector("h1") || {}).textContent + "|" + slide.childElementCount + "|" +
      (slide.querySelector(".slide-figure") ? slide.querySelector(".slide-figure").firstChild.id : "") + "|" +
      window.innerWidth + "x" + window.innerHeight;
    if (!force && key === fittedKey) { return; }
    fittedKey = key;
    var lo = FIT_FLOOR, hi = 1;
    slide.style.setProperty("--fit", "1");
    if (slideFits(slide)) { return; }
    for (var k = 0; k < 6; k++) {
      var mid = (lo + hi) / 2;
      slide.style.setProperty("--fit", String(mid));
      if (slideFits(slide)) { lo = mid; } else { hi = mid; }
    }
    slide.style.setProperty("--fit", String(lo));
  }
  window.addEventListener("resize", function () { fitSlide(true); });

  /* ↑/↓ in the story's list: the list is drawn anew, so the focus goes back to the moved view's ↑ (or ↓ when it
     is now first) instead of the top of the page. */
  var moved = null;
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("#story-list button");
    if (!button) { moved = null; return; }
    try {
      var id = JSON.parse(button.id);
      if (id.type === "story-up" || id.type === "story-down") {
        /* for two seconds: the list may be drawn after other changes of the page */
        moved = {index: id.index + (id.type === "story-up" ? -1 : 1), type: id.type, until: Date.now() + 2000};
      }
    } catch (e) { moved = null; }
  }, true);
  function focusMoved() {
    if (!moved) { return; }
    if (Date.now() > moved.until) { moved = null; return; }
    var other = moved.type === "story-up" ? "story-down" : "story-up";
    var button = [moved.type, other].map(function (type) {
      return document.getElementById(JSON.stringify({index: moved.index, type: type}));
    }).filter(Boolean)[0];
    if (button && document.activeElement !== button) { button.focus(); }
  }

  new MutationObserver(function () { labelStoryUpload(); fitSlide(false); fitMaps(); focusMoved(); })
    .observe(document.documentElement, {childList: true, subtree: true});
})();
