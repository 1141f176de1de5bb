// Applicants: risk reports with the indicators that fired and their evidence, list hits and the
// recommended steps; linked-account clusters drawn as a graph whose edges name the identifiers
// the accounts share. Live from the service, or from saved `cordon applicants screen|link` output.

import { api } from "./api.js";
import { h, t, clear, field, fmtScore, badge, errorBox, note, heading, table, put } from "./dom.js";
import { indicatorText, identifierText } from "./i18n.js";
import { draw } from "./graph.js";
import { readText, parseRecords, FileError } from "./files.js";

// `upload` is the file as read ({text, contentType}), sent unchanged so that the server's
// diagnostics name the user's own line numbers.
// `known` is the service's `known_links`: null when it links to no platform accounts (or the
// reports came from a file). `open` is the cluster drawn: {set: "clusters" | "known", id}.
const state = { name: "", upload: null, reports: [], clusters: [], known: null, rejected: [], open: null };

/** One reason line of a link (cordon-er's wording) as structured parts, when it is a shared or
 * near-identical identifier; other reasons (name and date comparisons, the prior) stay text. */
export function parseReason(r) {
  const counted = !/\(not counted\)\s*$/.test(r);
  let m = /^shared (\S+) "(.*)" \(held by (\d+) records\) ([+-][\d.]+)/.exec(r);
  if (m) return { kind: m[1], value: m[2], records: Number(m[3]), weight: Number(m[4]), counted, text: r };
  m = /^near-identical (\S+) \(distance ([\d.]+), (\d+) records near\) ([+-][\d.]+)/.exec(r);
  if (m) return { kind: m[1], value: `≈ (${m[2]})`, records: Number(m[3]), weight: Number(m[4]), counted, near: true, text: r };
  return { text: r, counted };
}

function classify(values) {
  const reports = [];
  const clusters = [];
  const records = [];
  for (const v of values) {
    if (v && Array.isArray(v.members) && Array.isArray(v.links)) clusters.push(v);
    else if (v && typeof v.risk === "number" && Array.isArray(v.indicators)) reports.push(v);
    else records.push(v);
  }
  return { reports, clusters, records };
}

function take(answer, key) {
  return answer && Array.isArray(answer[key]) ? answer[key] : [];
}

export function mount(main, ctx) {
  const file = h("input", { type: "file", accept: ".jsonl,.ndjson,.json,.csv,application/json,text/csv" });
  const out = h("div", { id: "applicants-out", "aria-live": "polite" });
  const status = h("div", { "aria-live": "polite" });
  const screenB = h("button", { type: "button", class: "primary", disabled: !state.upload }, t("app_screen"));
  const linkB = ctx.can("analyst") ? h("button", { type: "button", disabled: !state.upload }, t("app_link")) : null;
  file.addEventListener("change", async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    clear(status);
    try {
      const text = await readText(f);
      state.name = f.name;
      const isCsv = /\.csv$/i.test(f.name);
      let values = [];
      if (!isCsv) {
        const parsed = parseRecords(text, f.name);
        if (parsed.errors.length) status.appendChild(note(parsed.errors.map((e) => `${t("line")} ${e.line}: ${e.vars && e.vars.detail}`).join("; "), "warn"));
        values = parsed.records.map((r) => r.value);
      }
      const c = classify(values);
      if (c.reports.length || c.clusters.length) {
        // Screen and link reports are separate files: opening one keeps the other.
        if (c.reports.length) state.reports = c.reports;
        if (c.clusters.length) state.clusters = c.clusters;
        state.known = null;
        state.open = null;
        state.upload = null;
      } else {
        if (!isCsv && !c.records.length) throw new FileError("file-empty", { name: f.name });
        const json = text.trimStart().startsWith("[") || (!isCsv && c.records.length === 1 && !text.trim().includes("\n"));
        state.upload = { text, contentType: isCsv ? "text/csv" : json ? "application/json" : "application/x-ndjson" };
      }
      screenB.disabled = !state.upload;
      if (linkB) linkB.disabled = !state.upload;
      drawAll(out);
    } catch (e) {
      status.appendChild(errorBox(e));
    }
  });
  const call = (path, into) => async () => {
    clear(status).appendChild(note(t("working")));
    try {
      const answer = await api("POST", path, { text: state.upload.text, contentType: state.upload.contentType });
      into(answer);
      clear(status);
      drawAll(out);
    } catch (e) {
      clear(status).appendChild(e && e.status === 404 && e.code === "not-found" ? note(t("endpoint_missing", { what: t("applicants_title") }), "warn") : errorBox(e));
    }
  };
  screenB.addEventListener("click", call("/applicants/screen", (a) => {
    state.reports = a && a.report ? [a.report] : take(a, "reports");
    state.clusters = take(a, "clusters");
    state.known = a && Array.isArray(a.known_links) ? a.known_links : null;
    state.rejected = take(a, "rejected");
    state.open = null;
  }));
  if (linkB) linkB.addEventListener("click", call("/applicants/link", (a) => {
    state.clusters = take(a, "clusters");
    state.known = null;
    state.rejected = take(a, "rejected");
    state.open = null;
  }));
  put(clear(main), 
    heading(t("applicants_title")),
    h("div", { class: "row" }, field(t("app_input"), file), h("div", { class: "field end" }, screenB), linkB ? h("div", { class: "field end" }, linkB) : null),
    status,
    out,
  );
  drawAll(out);
}

function drawAll(out) {
  clear(out);
  if (state.rejected.length) {
    put(
      out,
      h("h2", {}, `${t("rejected")} (${state.rejected.length})`),
      h("ul", { class: "line-errors" }, state.rejected.map((d) => {
        const loc = d.location || {};
        const where = loc.line ? `${t("line")} ${loc.line}` : loc.section || loc.record || "";
        return h("li", {}, `${where}: `, h("code", {}, d.code), ` ${d.message}`);
      })),
    );
  }
  if (state.reports.length) put(out, h("h2", {}, t("reports")), reportsTable());
  if (state.reports.length || state.clusters.length) {
    put(out, h("h2", {}, t("clusters")), state.clusters.length ? clustersTable(out, "clusters") : note(t("no_clusters")));
  }
  if (state.known !== null) {
    put(out, h("h2", {}, t("known_links")), state.known.length ? clustersTable(out, "known") : note(t("no_known_links")));
  }
  const clusterView = h("section", { id: "cluster-view", "aria-live": "polite" });
  out.appendChild(clusterView);
  if (state.open !== null) drawCluster(clusterView, state.open);
}

function levelBadge(level) {
  return badge(t(`level_${level}`), level === "high" ? "hit" : level === "medium" ? "warn" : "muted");
}

function evidenceText(ev) {
  if (!ev || typeof ev !== "object") return String(ev ?? "");
  const rest = Object.entries(ev).filter(([k]) => k !== "summary");
  return h("span", {}, ev.summary ? h("span", {}, ev.summary) : null, rest.length ? h("small", { class: "muted" }, ` — ${rest.map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("; ")}`) : null);
}

function reportsTable() {
  return table(
    null,
    [
      [t("id"), (r) => h("strong", {}, r.id)],
      [t("risk"), (r) => fmtScore(r.risk)],
      [t("level"), (r) => levelBadge(r.level)],
      [t("cluster"), (r) => (r.cluster === null || r.cluster === undefined ? "—" : t("cluster_n", { n: r.cluster }))],
      [
        t("indicators"),
        (r) =>
          h(
            "details",
            { class: "indicators" },
            h("summary", {}, `${r.indicators.length}: ${r.indicators.map((i) => i.id).join(", ")}`),
            h("ul", {}, r.indicators.map((i) => h("li", {}, h("strong", {}, i.id), ` ${indicatorText(i.id)}: `, evidenceText(i.evidence)))),
            r.list_hits && r.list_hits.length
              ? [h("h4", {}, t("list_hits")), h("ul", {}, r.list_hits.map((x) => h("li", {}, `${x.kind}: ${x.value ?? ""} → ${x.caption ?? ""} (${x.entity ?? ""}, ${fmtScore(x.score)}) ${(x.datasets || []).join(", ")}`)))]
              : null,
            r.actions && r.actions.length ? [h("h4", {}, t("actions")), h("ol", {}, r.actions.map((a) => h("li", {}, a)))] : null,
          ),
      ],
      [t("list_hits"), (r) => String((r.list_hits || []).length)],
    ],
    state.reports,
    { className: "grid reports" },
  );
}

function clusterTitle(set, id) {
  return set === "known" ? t("known_cluster_n", { n: id }) : t("cluster_n", { n: id });
}

/** The clusters of the batch (`set` "clusters") or those joining it to the platform's known
 * accounts ("known"), each with a button that draws it. */
function clustersTable(out, set) {
  return table(
    null,
    [
      [t("cluster"), (c) => clusterTitle(set, c.cluster)],
      [t("members"), (c) => c.members.join(", ")],
      [t("score"), (c) => (typeof c.score === "number" ? c.score.toFixed(2) : "")],
      [t("level"), (c) => (c.level ? levelBadge(c.level) : "")],
      [t("raised"), (c) => (c.raised ? badge(t("raised"), "hit") : "")],
      [
        "",
        (c) =>
          h(
            "button",
            {
              type: "button",
              onclick: () => {
                state.open = { set, id: c.cluster };
                drawCluster(out.querySelector("#cluster-view"), state.open);
              },
            },
            t("open_cluster"),
          ),
      ],
    ],
    state[set],
    { className: set === "known" ? "grid known-links" : "grid clusters" },
  );
}

function drawCluster(view, open) {
  const { set, id } = open;
  const c = (state[set] || []).find((x) => x.cluster === id);
  if (!c || !view) return;
  const listed = new Set(c.listed_members || []);
  for (const r of state.reports) if (c.members.includes(r.id) && (r.list_hits || []).some((x) => x.kind !== "linked")) listed.add(r.id);
  const edges = c.links.map((l, i) => {
    const reasons = l.reasons.map(parseReason);
    const shared = reasons.filter((r) => r.kind && r.counted);
    return { id: `link-${i}`, l, reasons, label: shared.map((r) => identifierText(r.kind)).join(", ") };
  });
  const elements = [
    ...c.members.map((m) => ({ data: { id: m, label: m }, classes: `person labelled${listed.has(m) ? " listed" : ""}` })),
    ...edges.map((e) => ({ data: { id: e.id, source: e.l.a, target: e.l.b, label: e.label, width: 2 + Math.min(6, Math.max(0, e.l.score) / 8) }, classes: "undirected labelled" })),
  ];
  const panel = h("aside", { class: "panel", tabindex: "-1", "aria-live": "polite" });
  const showLink = (e) => {
    put(clear(panel), 
      h("h3", {}, `${e.l.a} — ${e.l.b} (${e.l.score.toFixed(2)})`),
      table(
        t("shared"),
        [
          [t("kind"), (r) => (r.kind ? identifierText(r.kind) : "")],
          [t("details"), (r) => (r.kind ? r.value : r.text)],
          [t("members"), (r) => (r.records ? String(r.records) : "")],
          [t("weight"), (r) => (r.weight !== undefined ? `${r.weight >= 0 ? "+" : ""}${r.weight.toFixed(2)}` : "")],
        ],
        e.reasons,
        { className: "grid reasons" },
      ),
    );
    panel.focus();
  };
  const canvas = h("div", { class: "graph small", id: "cluster-graph", role: "img", "aria-label": `${clusterTitle(set, id)}: ${c.members.join(", ")}` });
  put(clear(view), 
    h("h2", { tabindex: "-1", id: "cluster-h" }, clusterTitle(set, id)),
    h("div", { class: "graph-wrap" }, canvas, panel),
    table(
      t("links"),
      [
        [t("members"), (e) => `${e.l.a} — ${e.l.b}`],
        [t("score"), (e) => e.l.score.toFixed(2)],
        [t("shared"), (e) => h("ul", { class: "shared" }, e.reasons.filter((r) => r.kind).map((r) => h("li", { class: r.counted ? "" : "muted" }, `${identifierText(r.kind)}: ${r.value} (${r.weight >= 0 ? "+" : ""}${r.weight.toFixed(2)})`)))],
        ["", (e) => h("button", { type: "button", onclick: () => { graph.select(e.id); showLink(e); } }, t("select"))],
      ],
      edges,
      { className: "grid links" },
    ),
  );
  const graph = draw(canvas, elements, {
    // From the left, clockwise: two accounts side by side, so that the edge label reads level.
    layout: { name: "circle", animate: false, padding: 60, startAngle: Math.PI },
    maxZoom: 1.5,
    onSelect: (kind, data) => {
      if (kind === "edge") showLink(edges.find((e) => e.id === data.id));
    },
  });
  view.querySelector("#cluster-h").focus();
  if (edges.length) showLink(edges[0]);
}

