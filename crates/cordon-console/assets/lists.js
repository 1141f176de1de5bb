// Lists: every source with its version, publication date, age, counts and last error; the
// snapshot serving now; the last update (per-source outcome and the re-screening it caused);
// and, for administrators, an update button.

import { api } from "./api.js";
import { h, t, clear, fmtTime, badge, errorBox, note, heading, table, put } from "./dom.js";

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
