// Lists: every source with its version, publication date, age, counts and last error; the
// snapshot serving now; the last update (per-source outcome and the re-screening it caused);
// and, for administrators, an update button.

import { api } from "./api.js";
import { h, t, clear, field, fmtTime, badge, errorBox, note, heading, table, put } from "./dom.js";

// A list older than this (by publication or, failing that, load date) is shown as stale.
const STALE_DAYS = 30;

function ageDays(s) {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : Math.floor((Date.now() - d.getTime()) / 86400000);
}

export async function mount(main, ctx) {
  const body = h("div", {}, note(t("loading")));
  const actions = h("div", { class: "row" });
  put(clear(main), heading(t("lists_title")), actions, body);
  if (ctx.can("admin")) {
    const status = h("div", { "aria-live": "polite" });
    const b = h("button", { type: "button" }, t("reload_now"));
    b.addEventListener("click", async () => {
      b.disabled = true;
      clear(status).appendChild(note(t("reloading")));
      try {
        await api("POST", "/admin/reload");
        clear(status);
      } catch (e) {
        clear(status).appendChild(errorBox(e));
      }
      b.disabled = false;
      draw(body);
    });
    put(actions, b, status);
  }
  draw(body);
}

async function draw(body) {
  let cat;
  try {
    cat = await api("GET", "/catalog");
  } catch (e) {
    clear(body).appendChild(errorBox(e));
    return;
  }
  const s = cat.snapshot || {};
  const rows = cat.datasets || [];
  put(clear(body), 
    h("p", { class: "meta" }, t("snapshot", { g: s.generation, t: fmtTime(s.built_at), n: s.entities })),
    table(
      null,
      [
        [t("col_source"), (d) => h("span", {}, h("strong", {}, d.name), d.title ? h("small", { class: "muted" }, ` ${d.title}`) : null)],
        [t("col_version"), (d) => (d.version == null ? "—" : d.latest_version && d.latest_version !== d.version ? `${d.version} / ${d.latest_version}` : String(d.version))],
        [t("col_published"), (d) => d.publication_date || t("unknown_date")],
        [
          t("col_fresh"),
          (d) => {
            // Without a publication date, the age of the load is all that is known; say so.
            const n = ageDays(d.publication_date || d.ingested_at);
            if (n === null) return t("unknown_date");
            return h(
              "span",
              {},
              t("days_old", { n }),
              d.publication_date ? "" : ` ${t("since_loaded")}`,
              " ",
              badge(n > STALE_DAYS ? t("stale") : t("fresh"), n > STALE_DAYS ? "warn" : "ok"),
            );
          },
        ],
        [t("col_loaded"), (d) => fmtTime(d.ingested_at || d.last_success)],
        [t("col_entities"), (d) => (d.entity_count ?? "—").toLocaleString()],
        [t("col_warnings"), (d) => String(d.warning_count ?? 0)],
        [
          t("col_last_error"),
          (d) =>
            d.last_error
              ? h("span", { class: "error-text" }, h("code", {}, d.last_error.code), " ", d.last_error.message, " (", fmtTime(d.last_error.at), ")")
              : t("none"),
        ],
      ],
      rows,
      { className: "grid lists" },
    ),
    h("h2", {}, t("recent_changes")),
    recent(cat.last_reload),
    sourceChanges(rows.filter((d) => d.version != null)),
  );
}

// The page's state survives a language switch or a visit to another page.
const view = { since: "" };

// Changes by source: by default what the version serving now changed against the one before it
// (GET /catalog/{source}/changes); with a date, everything changed since then (GET /changes).
// Counts come first; the entries of a source are fetched when asked for.
function sourceChanges(datasets) {
  const sinceIn = h("input", { type: "date", value: view.since });
  const tableEl = h("div", { id: "source-changes" }, note(t("loading")));
  const detail = h("div", { id: "source-changes-detail", "aria-live": "polite" });
  const load = async (ev) => {
    if (ev) ev.preventDefault();
    view.since = sinceIn.value;
    clear(detail);
    clear(tableEl).appendChild(note(t("loading")));
    let rows;
    try {
      rows = view.since ? await changedSince(view.since) : await latestChanges(datasets);
    } catch (e) {
      clear(tableEl).appendChild(errorBox(e));
      return;
    }
    if (!rows.length) {
      clear(tableEl).appendChild(note(view.since ? t("no_changes_since", { t: view.since }) : t("none")));
      return;
    }
    put(
      clear(tableEl),
      table(
        null,
        [
          [t("col_source"), (r) => h("strong", {}, r.source)],
          [t("col_versions"), (r) => (r.from === 0 ? `${t("first_version")} → ${r.to}` : `${r.from} → ${r.to}`)],
          [t("col_added"), (r) => r.counts.added.toLocaleString()],
          [t("col_removed"), (r) => r.counts.removed.toLocaleString()],
          [t("col_changed"), (r) => r.counts.changed.toLocaleString()],
          [
            "",
            (r) =>
              r.counts.added + r.counts.removed + r.counts.changed
                ? h("button", { type: "button", class: "entries", dataset: { source: r.source }, onclick: () => showEntries(r, detail) }, t("show_entries"))
                : "",
          ],
        ],
        rows,
        { className: "grid changes" },
      ),
    );
  };
  const form = h(
    "form",
    { class: "row changes-filter", onsubmit: load },
    field(t("changed_since"), sinceIn),
    h("div", { class: "field end" }, h("button", { type: "submit" }, t("apply"))),
  );
  load();
  return h("section", { "aria-labelledby": "changes-h" }, h("h2", { id: "changes-h" }, t("source_changes")), h("p", { class: "hint" }, t("source_changes_help")), form, tableEl, detail);
}

function latestChanges(datasets) {
  return Promise.all(datasets.map((d) => api("GET", `/catalog/${encodeURIComponent(d.name)}/changes?limit=1`)));
}

async function changedSince(date) {
  return (await api("GET", `/changes?since=${encodeURIComponent(date)}&limit=1`)).sources || [];
}

// How many entries of each kind a source's detail lists.
const ENTRIES = 100;

async function showEntries(r, detail) {
  clear(detail).appendChild(note(t("loading")));
  let d;
  try {
    d = await api("GET", `/catalog/${encodeURIComponent(r.source)}/changes?from=${r.from}&to=${r.to}&limit=${ENTRIES}`);
  } catch (e) {
    clear(detail).appendChild(errorBox(e));
    return;
  }
  const part = (title, list, total, cols) =>
    total
      ? h("div", {}, h("h4", {}, `${title} (${total.toLocaleString()})`), table(null, cols, list), list.length < total ? note(t("showing_first", { n: list.length, total: total.toLocaleString() })) : null)
      : null;
  const entry = [
    [t("id"), (e) => h("code", {}, e.id)],
    [t("name"), (e) => e.caption],
    [t("q_schema"), (e) => e.schema],
  ];
  const what = (e) =>
    h(
      "ul",
      { class: "plain" },
      (e.changes || []).map((c) =>
        h("li", {}, h("strong", {}, c.property), ": ", c.added.length ? h("ins", {}, `+ ${c.added.join("; ")}`) : null, c.added.length && c.removed.length ? " " : null, c.removed.length ? h("del", {}, `− ${c.removed.join("; ")}`) : null),
      ),
    );
  put(
    clear(detail),
    h("h3", {}, t("changes_of", { source: d.source, from: d.from, to: d.to })),
    part(t("col_added"), d.added || [], d.counts.added, entry),
    part(t("col_removed"), d.removed || [], d.counts.removed, entry),
    part(t("col_changed"), d.changed || [], d.counts.changed, [...entry, [t("col_what_changed"), what]]),
  );
}

function recent(r) {
  if (!r) return note(t("no_reload_yet"));
  const result = r.error ? t("reload_failed") : r.swapped ? t("reload_swapped") : t("reload_unchanged");
  const sources = (r.sources || []).filter(Boolean);
  return h(
    "div",
    {},
    h("p", { class: r.error ? "error-text" : "" }, t("last_reload", { t: fmtTime(r.time), result, ms: r.elapsed_ms }), r.error ? ` ${typeof r.error === "string" ? r.error : r.error.message}` : ""),
    sources.length
      ? table(
          null,
          [
            [t("col_source"), (x) => x.source],
            [t("kind"), (x) => badge(t(`status_${x.status}`), x.status === "failed" ? "warn" : "muted")],
            [t("col_version"), (x) => (x.version == null ? "" : String(x.version))],
            [t("col_entities"), (x) => (x.entity_count ?? "").toLocaleString()],
            [t("details"), (x) => (x.status === "failed" ? `${x.code}: ${x.message}` : x.warning_count ? `${x.warning_count} ${t("col_warnings")}` : "")],
          ],
          sources,
        )
      : null,
    r.rescreen
      ? h(
          "p",
          {},
          t("rescreen_summary", {
            changed: (r.rescreen.changed_sources || []).length,
            touched: r.rescreen.touched_entities,
            rescreened: r.rescreen.rescreened,
            alerts: (r.rescreen.alerts || []).length,
          }),
        )
      : null,
  );
}
