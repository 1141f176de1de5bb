// Wallets: screen an address against the list wallets; exposure by category and direction; a
// forward trace drawn as a graph (amounts, times and the taint rule on every edge; click down to
// the transactions). Live from the service (/screen/address, /exposure/…, /trace) or from a
// saved `cordon trace --json` / `cordon exposure --json` report.

import { api, withRetry } from "./api.js";
import { h, t, clear, field, fmtAmount, badge, errorBox, note, heading, table, short, describeError, put } from "./dom.js";
import { engineText } from "./i18n.js";
import { draw } from "./graph.js";
import { readText, FileError } from "./files.js";

const RULES = ["haircut", "fifo", "lifo", "poison", "libr", "tfo"];
const state = { address: "", screening: null, exposure: null, trace: null, error: null, traceForm: { from: "", rule: "haircut", asset: "", hops: "32" }, dir: "both", hops: "5" };

function sym(asset) {
  return String(asset || "").split("@")[0];
}

/** Exact sum of two decimal strings (amounts are never floats in the API). */
export function addDec(a, b) {
  const [ai, af = ""] = String(a || "0").split(".");
  const [bi, bf = ""] = String(b || "0").split(".");
  const n = Math.max(af.length, bf.length);
  const sum = BigInt(ai + af.padEnd(n, "0")) + BigInt(bi + bf.padEnd(n, "0"));
  let s = sum.toString().padStart(n + 1, "0");
  if (!n) return s;
  const int = s.slice(0, s.length - n);
  const frac = s.slice(s.length - n).replace(/0+$/, "");
  return frac ? `${int}.${frac}` : int;
}

function endpointMissing(e) {
  return e && e.status === 404 && e.code === "not-found" && /endpoint/.test(e.message || "");
}

export function mount(main, ctx) {
  const addr = h("input", { type: "text", value: state.address, autocomplete: "off", spellcheck: "false", class: "mono" });
  const dir = h("select", {}, ["both", "received", "sent"].map((d) => h("option", { value: d, selected: d === state.dir }, t(`dir_${d}`))));
  const hops = h("input", { type: "number", min: 1, max: 10, value: state.hops });
  const screenOut = h("div", { id: "addr-out", "aria-live": "polite" });
  const exposureOut = h("div", { id: "exposure-out", "aria-live": "polite" });
  const tf = state.traceForm;
  const from = h("input", { type: "text", value: tf.from, autocomplete: "off", spellcheck: "false", class: "mono" });
  const rule = h("select", {}, RULES.map((r) => h("option", { value: r, selected: r === tf.rule }, engineText(r))));
  const asset = h("input", { type: "text", value: tf.asset, autocomplete: "off" });
  const maxHops = h("input", { type: "number", min: 1, max: 64, value: tf.hops });
  const file = h("input", { type: "file", accept: ".json,application/json" });
  const traceOut = h("div", { id: "trace-out", "aria-live": "polite" });

  const screenAddress = async (ev) => {
    ev.preventDefault();
    state.address = addr.value.trim();
    if (!state.address) return addr.focus();
    clear(screenOut).appendChild(note(t("working")));
    try {
      state.screening = (await api("POST", "/screen/address", { body: { address: state.address } })).results[0];
      drawScreening(screenOut);
    } catch (e) {
      clear(screenOut).appendChild(errorBox(e));
    }
  };
  const showExposure = async () => {
    state.address = addr.value.trim();
    state.dir = dir.value;
    state.hops = hops.value;
    if (!state.address) return addr.focus();
    clear(exposureOut).appendChild(note(t("working")));
    try {
      const q = `direction=${encodeURIComponent(state.dir)}&max_hops=${encodeURIComponent(state.hops)}`;
      // A graph still being opened after a start (503 transactions-loading) is retried.
      state.exposure = await withRetry(() => api("GET", `/exposure/${encodeURIComponent(state.address)}?${q}`));
      drawExposure(exposureOut);
    } catch (e) {
      clear(exposureOut).appendChild(endpointMissing(e) ? note(t("endpoint_missing", { what: t("exposure") }), "warn") : errorBox(e));
    }
  };
  const runTrace = async (ev) => {
    ev.preventDefault();
    Object.assign(tf, { from: from.value.trim(), rule: rule.value, asset: asset.value.trim(), hops: maxHops.value });
    if (!tf.from) return from.focus();
    clear(traceOut).appendChild(note(t("working")));
    try {
      const body = { from: tf.from, rule: tf.rule, max_hops: Number(tf.hops) || 32 };
      if (tf.asset) body.asset = tf.asset;
      state.trace = await withRetry(() => api("POST", "/trace", { body }));
      drawTrace(traceOut);
    } catch (e) {
      clear(traceOut).appendChild(endpointMissing(e) ? note(t("endpoint_missing", { what: t("trace") }), "warn") : errorBox(e));
    }
  };
  file.addEventListener("change", async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    try {
      const v = JSON.parse(await readText(f));
      if (v && v.trace && Array.isArray(v.trace.sinks)) {
        state.trace = v;
        drawTrace(traceOut);
      } else if (v && Array.isArray(v.entries) && v.address) {
        state.exposure = v;
        drawExposure(exposureOut);
      } else throw new FileError("report-unknown", { name: f.name });
    } catch (e) {
      clear(traceOut).appendChild(errorBox(e instanceof SyntaxError ? new FileError("report-unknown", { name: f.name }) : e));
    }
  });

  put(clear(main), 
    heading(t("wallets_title")),
    h(
      "section",
      { "aria-labelledby": "addr-h" },
      h("h2", { id: "addr-h" }, t("addr_screen")),
      h(
        "form",
        { class: "row", id: "addr-form", onsubmit: screenAddress },
        field(t("addr_input"), addr),
        h("div", { class: "field end" }, h("button", { type: "submit", class: "primary" }, t("addr_button"))),
        field(t("direction"), dir),
        field(t("max_hops"), hops),
        h("div", { class: "field end" }, h("button", { type: "button", onclick: showExposure }, t("exposure_button"))),
      ),
      screenOut,
      exposureOut,
    ),
    h(
      "section",
      { "aria-labelledby": "trace-h" },
      h("h2", { id: "trace-h" }, t("trace")),
      ctx.can("analyst")
        ? h(
            "form",
            { class: "row", id: "trace-form", onsubmit: runTrace },
            field(t("trace_from"), from),
            field(t("trace_rule"), rule),
            field(t("trace_asset"), asset),
            field(t("max_hops"), maxHops),
            h("div", { class: "field end" }, h("button", { type: "submit", class: "primary" }, t("trace_button"))),
          )
        : null,
      h("div", { class: "row" }, field(t("open_report"), file)),
      traceOut,
    ),
  );
  if (state.screening) drawScreening(screenOut);
  if (state.exposure) drawExposure(exposureOut);
  if (state.trace) drawTrace(traceOut);
}

function drawScreening(out) {
  const s = state.screening;
  const status = s.status || "invalid";
  put(clear(out), 
    h(
      "p",
      { class: "addr-status" },
      h("code", { class: "mono" }, s.input),
      " ",
      badge(t(`addr_status_${status.replace(/-/g, "_")}`), status === "listed" ? "hit" : status === "invalid" ? "warn" : "muted"),
      s.error ? ` ${s.error.message}` : "",
    ),
    s.address ? h("p", { class: "meta" }, `${t("chains")}: ${(s.address.chains || []).join(", ")} · ${s.address.kind || ""}`) : null,
    s.hits && s.hits.length
      ? table(
          null,
          [
            [t("category"), (x) => (x.categories || []).map((c) => t(`cat_${c}`)).join(", ")],
            [t("holders"), (x) => (x.holders || []).map((p) => `${p.name} (${p.id})`).join("; ")],
            [t("programs"), (x) => (x.programs || []).join(", ")],
            [t("sources"), (x) => (x.sources || []).map((p) => `${p.id} v${p.version ?? ""} ${p.as_of || ""}`).join("; ")],
            [t("validity"), (x) => (x.validity ? x.validity.status + (x.validity.until ? ` → ${x.validity.until}` : "") : "")],
          ],
          s.hits,
        )
      : null,
  );
}

function stepsTable(steps) {
  return table(
    null,
    [
      [t("tx"), (s) => h("code", { class: "mono", title: s.tx_hash }, short(s.tx_hash))],
      [t("time"), (s) => s.time],
      [t("from"), (s) => h("code", { title: s.from }, short(s.from))],
      [t("to"), (s) => h("code", { title: s.to }, short(s.to))],
      [t("asset"), (s) => sym(s.asset)],
      [t("amount"), (s) => fmtAmount(s.amount)],
      [t("tainted"), (s) => fmtAmount(s.tainted)],
      [t("rule"), (s) => engineText(s.rule)],
    ],
    steps,
    { className: "grid steps" },
  );
}

function drawExposure(out) {
  const x = state.exposure;
  const entries = x.entries || [];
  const labels = x.labels || {};
  put(clear(out), 
    h("h3", {}, `${t("exposure")}: `, h("code", {}, x.address), ` (${engineText(x.rule)}, ≤ ${x.max_hops})`),
    labels[x.address] ? h("p", { class: "meta attribution" }, attributionText(labels[x.address])) : null,
    x.truncated ? note(t("truncated"), "warn") : null,
    ...(x.notes || []).map((n) => note(n, "warn")),
    entries.length
      ? table(
          null,
          [
            [t("category"), (e) => badge(t(`cat_${e.category}`), e.category === "sanctioned" || e.category === "dprk" || e.category === "theft" ? "hit" : "muted")],
            [t("direction"), (e) => t(`dir_${e.direction}`)],
            [t("asset"), (e) => sym(e.asset)],
            [t("direct"), (e) => fmtAmount(e.direct)],
            [t("indirect"), (e) => fmtAmount(e.indirect)],
            [t("min_hops"), (e) => String(e.min_hops ?? "")],
            [
              t("paths"),
              (e) =>
                h(
                  "details",
                  {},
                  h("summary", {}, `${(e.paths || []).length}`),
                  (e.paths || []).map((p) =>
                    h(
                      "div",
                      { class: "path" },
                      h("p", {}, `${fmtAmount(p.amount)} · ${p.hops} · `, h("code", {}, short(p.counterparty)), labels[p.counterparty] ? ` · ${attributionText(labels[p.counterparty])}` : ""),
                      stepsTable(p.steps || []),
                    ),
                  ),
                ),
            ],
          ],
          entries,
        )
      : note(t("no_exposure", { h: x.max_hops })),
    excludedDetails(x.excluded || [], x.excluded_total, x.excluded_by_reason),
    attributionsDetails(labels),
  );
}

/** "theft: hop2 anchor: consolidation of stE…" — a label short enough for a graph node. */
function attributionText(l, max = 48) {
  const name = String(l.label || "");
  const clipped = name.length > max ? `${name.slice(0, max - 1)}…` : name;
  return clipped ? `${t(`cat_${l.category}`)}: ${clipped}` : t(`cat_${l.category}`);
}

function confidenceText(c) {
  if (!c) return "";
  return c.level == null ? engineText(c.name) : `${engineText(c.name)} (${c.level})`;
}

/** Every attributed address a report names, with who says so (keyboard twin of the node names). */
function attributionsDetails(labels) {
  const rows = Object.entries(labels || {});
  if (!rows.length) return null;
  return h(
    "details",
    {},
    h("summary", {}, `${t("attributions")} (${rows.length})`),
    table(
      null,
      [
        [t("address"), ([a]) => h("code", { class: "mono", title: a }, a)],
        [t("category"), ([, l]) => t(`cat_${l.category}`)],
        [t("label_name"), ([, l]) => l.label || ""],
        [t("source"), ([, l]) => l.source || ""],
        [t("confidence"), ([, l]) => confidenceText(l.confidence)],
      ],
      rows,
      { className: "grid attributions" },
    ),
  );
}

/** Transfers excluded from taint, with their reasons: a trace's (touching traced addresses) or an exposure's (the target's own). */
function excludedDetails(rows, total, byReason) {
  if (!rows.length) return null;
  const n = total ?? rows.length;
  const counts = Object.entries(byReason || {}).map(([r, k]) => `${engineText(r)} ${k}`).join(", ");
  return h(
    "details",
    { class: "excluded" },
    h("summary", {}, `${t("excluded")} (${n})`, counts ? ` · ${counts}` : ""),
    n > rows.length ? note(t("excluded_count", { listed: rows.length, total: n })) : null,
    table(
      null,
      [
        [t("tx"), (x) => h("code", { title: x.tx_hash }, short(x.tx_hash))],
        [t("time"), (x) => x.time || ""],
        [t("from"), (x) => h("code", { title: x.from }, short(x.from))],
        [t("to"), (x) => h("code", { title: x.to }, short(x.to))],
        [t("asset"), (x) => sym(x.asset)],
        [t("amount"), (x) => fmtAmount(x.amount)],
        [t("reasons"), (x) => (x.reasons || []).map(engineText).join(", ")],
        [t("details"), (x) => x.detail || ""],
      ],
      rows,
      { className: "grid excluded" },
    ),
  );
}

/** Nodes (addresses) and edges (from → to per asset, with their transactions) of a trace. */
export function traceGraph(report) {
  const tr = report.trace;
  const labels = report.labels || {};
  const mainPath = report.main_path || [];
  const hop = new Map(mainPath.map((a, i) => [a, i + 1]));
  const nodes = new Map();
  const edges = new Map();
  const node = (a) => {
    if (!nodes.has(a)) nodes.set(a, { id: a, classes: new Set(), sinks: [] });
    return nodes.get(a);
  };
  node(tr.source).classes.add("source");
  const addStep = (s) => {
    node(s.from);
    node(s.to);
    const id = `${s.from}>${s.to}>${s.asset}`;
    if (!edges.has(id)) edges.set(id, { id, source: s.from, target: s.to, asset: s.asset, txs: new Map(), tainted: "0", rules: new Set(), first: s.time });
    const e = edges.get(id);
    if (!e.txs.has(s.tx_hash)) {
      e.txs.set(s.tx_hash, s);
      e.tainted = addDec(e.tainted, s.tainted);
      e.rules.add(s.rule);
      if (s.time < e.first) e.first = s.time;
    }
  };
  for (const s of tr.sinks || []) {
    const n = node(s.address);
    n.classes.add(s.kind);
    n.sinks.push(s);
    for (const st of s.path || []) addStep(st);
  }
  const mainEdges = new Set();
  for (let i = 0; i + 1 < mainPath.length; i++) {
    for (const e of edges.values()) if (e.source === mainPath[i] && e.target === mainPath[i + 1]) mainEdges.add(e.id);
  }
  // Depth (hops from the source, breadth first) places each address on its ring.
  const depth = new Map([[tr.source, 0]]);
  const out = new Map();
  for (const e of edges.values()) {
    if (!out.has(e.source)) out.set(e.source, []);
    out.get(e.source).push(e.target);
  }
  for (let frontier = [tr.source]; frontier.length; ) {
    const next = [];
    for (const a of frontier) {
      for (const b of out.get(a) || []) {
        if (!depth.has(b)) {
          depth.set(b, depth.get(a) + 1);
          next.push(b);
        }
      }
    }
    frontier = next;
  }
  for (const [a, n] of nodes) {
    const parts = [];
    if (hop.has(a)) {
      parts.push(t("hop_n", { n: hop.get(a) }));
      n.classes.add("main");
    }
    for (const s of n.sinks) if (s.kind !== "held") parts.push(t(`kind_${s.kind}`));
    // Any attributed address is named, wherever it sits: a swap venue or an exploiter
    // address between the source and the sinks is what an analyst looks for first.
    if (labels[a]) {
      n.attribution = labels[a];
      n.classes.add("attributed");
      parts.push(attributionText(labels[a], 40));
    }
    parts.push(short(a));
    n.label = parts.join(" · ");
    n.hop = hop.get(a);
  }
  const max = Math.max(1, ...[...edges.values()].map((e) => parseFloat(e.tainted) || 0));
  const elements = [
    // Labels are drawn for the main path, the source, the service sinks and every attributed
    // address; others on selection.
    ...[...nodes.values()].map((n) => {
      const named = n.hop || n.attribution || n.classes.has("source") || n.sinks.some((s) => s.kind !== "held");
      return { data: { id: n.id, label: n.label, hop: n.hop, depth: depth.get(n.id) }, classes: [...n.classes, named ? "labelled" : ""].join(" ").trim() };
    }),
    ...[...edges.values()].map((e) => ({
      data: {
        id: e.id,
        source: e.source,
        target: e.target,
        label: `${fmtAmount(trimDec(e.tainted))} ${sym(e.asset)} · ${String(e.first).slice(0, 10)}`,
        width: 1 + (5 * Math.log10(1 + (parseFloat(e.tainted) || 0))) / Math.log10(1 + max),
      },
      classes: mainEdges.has(e.id) || nodes.get(e.target).sinks.some((s) => s.kind !== "held") ? `labelled${mainEdges.has(e.id) ? " main" : ""}` : "",
    })),
  ];
  return { nodes, edges, elements };
}

function trimDec(s) {
  const [i, f] = String(s).split(".");
  return f ? `${i}.${f.slice(0, 4)}`.replace(/\.?0+$/, "") || i : i;
}

let graph = null;

function drawTrace(out) {
  const report = state.trace;
  const tr = report.trace;
  const g = traceGraph(report);
  const panel = h("aside", { class: "panel", id: "graph-panel", "aria-live": "polite", tabindex: "-1" }, h("p", { class: "hint" }, t("graph_help")));
  const canvas = h("div", { class: "graph", id: "trace-graph", role: "img", "aria-label": `${t("graph")}: ${t("trace_summary", { sinks: (tr.sinks || []).length, accounts: tr.accounts_touched, excluded: (tr.excluded || []).length })}` });
  const show = (kind, data) => {
    clear(panel);
    if (kind === "edge") {
      const e = g.edges.get(data.id);
      put(panel, h("h3", {}, `${t("selected")}: ${short(e.source)} → ${short(e.target)}`), h("p", {}, `${fmtAmount(e.tainted)} ${sym(e.asset)} · ${[...e.rules].map(engineText).join(", ")}`), stepsTable([...e.txs.values()]));
    } else {
      const n = g.nodes.get(data.id);
      put(panel, 
        h("h3", {}, `${t("selected")}: `, h("code", { class: "mono" }, n.id)),
        n.hop ? h("p", {}, t("hop_n", { n: n.hop }), " — ", t("main_path")) : null,
        n.attribution ? h("p", { class: "attribution" }, attributionText(n.attribution, 400), ` — ${n.attribution.source || ""} · ${t("confidence")}: ${confidenceText(n.attribution.confidence)}`) : null,
        n.sinks.length ? sinksTable(n.sinks, report) : null,
        stepsTable([...g.edges.values()].filter((e) => e.source === n.id || e.target === n.id).flatMap((e) => [...e.txs.values()])),
      );
    }
    panel.focus();
  };
  const mainPath = report.main_path || [];
  put(clear(out), 
    h("h3", {}, `${tr.source} · ${engineText(tr.rule)}`),
    h("p", { class: "meta" }, t("trace_summary", { sinks: (tr.sinks || []).length, accounts: tr.accounts_touched, excluded: (tr.excluded || []).length })),
    h("h4", {}, t("main_path")),
    h("ol", { class: "main-path" }, mainPath.map((a, i) => h("li", { dataset: { address: a } }, badge(t("hop_n", { n: i + 1 }), "hop"), " ", h("code", { class: "mono" }, a)))),
    h("div", { class: "graph-wrap" }, canvas, panel),
    h("h4", {}, t("sinks")),
    sinksTable(tr.sinks || [], report),
    h(
      "details",
      {},
      h("summary", {}, `${t("edges")} (${g.edges.size})`),
      table(
        null,
        [
          [t("from"), (e) => h("code", { title: e.source }, short(e.source))],
          [t("to"), (e) => h("code", { title: e.target }, short(e.target))],
          [t("asset"), (e) => sym(e.asset)],
          [t("tainted"), (e) => fmtAmount(e.tainted)],
          [t("tx"), (e) => String(e.txs.size)],
          [t("time"), (e) => e.first],
          [t("rule"), (e) => [...e.rules].map(engineText).join(", ")],
          ["", (e) => h("button", { type: "button", onclick: () => { if (graph) graph.select(e.id); show("edge", { id: e.id }); } }, t("select"))],
        ],
        [...g.edges.values()],
        { className: "grid edges" },
      ),
    ),
    excludedDetails(tr.excluded || []),
    attributionsDetails(report.labels),
  );
  try {
    graph = draw(canvas, g.elements, { onSelect: show });
  } catch (e) {
    canvas.appendChild(errorBox(describeError(e)));
  }
}

function sinksTable(sinks, report) {
  const iv = new Map((report.intervals || []).map((x) => [`${x.kind}|${x.address}|${x.asset}`, x]));
  return table(
    null,
    [
      [t("kind"), (s) => badge(t(`kind_${s.kind}`), s.kind === "held" ? "muted" : "hit")],
      [t("address"), (s) => h("code", { title: s.address }, short(s.address))],
      [t("details"), (s) => s.label || ""],
      [t("asset"), (s) => sym(s.asset)],
      [t("tainted"), (s) => fmtAmount(s.taint)],
      [
        t("interval"),
        (s) => {
          const x = iv.get(`${s.kind}|${s.address}|${s.asset}`);
          return x ? `[${fmtAmount(x.lower)}, ${fmtAmount(x.upper)}]` : "";
        },
      ],
      [t("hops"), (s) => String(s.hops)],
    ],
    sinks,
    { className: "grid sinks" },
  );
}
