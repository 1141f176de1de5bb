// Review: the queue of hits (from screenings in this browser) and re-screening alerts, decisions
// with a note (POST /decisions), the decision history of a subject, and the subject's audit
// trail (its screenings from the verified hash-chained trail, with its decisions, in time order).

import { api } from "./api.js";
import { h, t, clear, field, fmtScore, fmtTime, badge, errorBox, note, heading, table, put } from "./dom.js";
import { explanation } from "./explain.js";

const QUEUE = "cordon.queue";

// The queue lives in localStorage so that a reload or a lost session loses no pending hit.
function loadQueue() {
  try {
    const v = JSON.parse(localStorage.getItem(QUEUE) || "[]");
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

function saveQueue(q) {
  localStorage.setItem(QUEUE, JSON.stringify(q.slice(-500)));
}

export function queueAdd(subject, r, q) {
  if (r.decisions && r.decisions.length && !r.decision_stale) return;
  const items = loadQueue().filter((x) => !(x.subject === subject && x.entity_id === r.id));
  items.push({ subject, entity_id: r.id, caption: r.caption, score: r.score, datasets: r.datasets, query: q, time: new Date().toISOString(), result: r });
  saveQueue(items);
}

function queueRemove(subject, entityId) {
  saveQueue(loadQueue().filter((x) => !(x.subject === subject && x.entity_id === entityId)));
}

export function decisionList(ds) {
  return table(
    null,
    [
      [t("time"), (d) => fmtTime(d.time)],
      [t("kind"), (d) => badge(t(`verdict_${d.verdict}`), d.verdict === "true_match" ? "hit" : "muted")],
      [t("note"), (d) => d.note],
      [t("by"), (d) => d.by],
      [t("id"), (d) => h("code", {}, d.entity_id)],
    ],
    ds,
    { className: "grid decisions" },
  );
}

/** Confirm / dismiss with a required note; `out` shows the outcome. */
export function decisionForm(subject, res, q, out, onDone) {
  const id = `note-${res.id}-${Math.random().toString(36).slice(2, 7)}`;
  const text = h("textarea", { id, rows: 2, required: true, maxlength: 2000 });
  const submit = (verdict) => async () => {
    const noteText = text.value.trim();
    if (!noteText) {
      clear(out).appendChild(h("div", { class: "error", role: "alert" }, t("note_required")));
      text.focus();
      return;
    }
    for (const b of buttons) b.disabled = true;
    try {
      const d = await api("POST", "/decisions", { body: { subject, entity_id: res.id, verdict, note: noteText } });
      queueRemove(subject, res.id);
      clear(out).appendChild(note(t("decision_saved", { verdict: t(`verdict_${d.verdict}`), entity: d.entity_id }), "ok"));
      text.value = "";
      if (onDone) onDone(d);
    } catch (e) {
      // The note stays in the box: nothing typed is lost on an error.
      clear(out).appendChild(errorBox(e));
    }
    for (const b of buttons) b.disabled = false;
  };
  const buttons = [
    h("button", { type: "button", class: "confirm", onclick: submit("true_match") }, t("confirm_match")),
    h("button", { type: "button", class: "dismiss", onclick: submit("false_positive") }, t("dismiss")),
  ];
  return h("div", { class: "decide" }, h("label", { for: id }, t("note")), text, h("div", { class: "row" }, buttons));
}

const view = { subject: "", alerts: null, alertsError: null, current: null };

export function mount(main, ctx) {
  const queueEl = h("section", { "aria-labelledby": "queue-h" });
  const detail = h("section", { id: "review-detail", "aria-live": "polite" });
  const subjectIn = h("input", { type: "text", value: view.subject, autocomplete: "off", spellcheck: "false" });
  const historyEl = h("div", { id: "history" });
  const trailEl = h("div", { id: "trail" });
  const show = async (ev) => {
    if (ev) ev.preventDefault();
    view.subject = subjectIn.value.trim();
    if (view.subject) await showSubject(view.subject, historyEl, trailEl);
  };
  put(clear(main), 
    heading(t("review_title")),
    queueEl,
    detail,
    h(
      "section",
      { "aria-labelledby": "hist-h" },
      h("h2", { id: "hist-h" }, `${t("history")} · ${t("trail")}`),
      h("p", { class: "hint" }, t("history_help"), " ", t("trail_help")),
      h("form", { class: "row", onsubmit: show }, field(t("subject_key"), subjectIn), h("div", { class: "field end" }, h("button", { type: "submit" }, t("show")))),
      historyEl,
      trailEl,
    ),
  );
  drawQueue(queueEl, detail, ctx, (s) => {
    subjectIn.value = s;
    show();
  });
  if (view.subject) show();
}

async function drawQueue(el, detail, ctx, pickSubject) {
  const items = loadQueue();
  put(clear(el), h("h2", { id: "queue-h" }, t("queue")), h("p", { class: "hint" }, t("queue_help")));
  let alerts = [];
  try {
    alerts = (await api("GET", "/alerts")).alerts || [];
  } catch (e) {
    el.appendChild(errorBox(e));
  }
  const rows = [
    ...items.map((x) => ({ type: "hit", x })),
    ...alerts.filter((a) => a.kind === "new").map((a) => ({ type: "alert", x: a })),
  ];
  if (!rows.length) {
    el.appendChild(note(t("queue_empty")));
    return;
  }
  el.appendChild(
    table(
      null,
      [
        [t("name"), (r) => (r.type === "hit" ? r.x.caption : r.x.caption)],
        [t("id"), (r) => h("code", {}, r.x.entity_id)],
        [t("score"), (r) => fmtScore(r.x.score)],
        [t("source"), (r) => (r.type === "hit" ? `${t("from_screening")}: ${r.x.query}` : `${t("alert_new")} (${r.x.subject})`)],
        [t("time"), (r) => fmtTime(r.x.time)],
        ["", (r) => h("button", { type: "button", onclick: () => openItem(r, detail, ctx, pickSubject) }, t("review_open"))],
      ],
      rows,
      { className: "grid queue" },
    ),
  );
}

async function openItem(r, detail, ctx, pickSubject) {
  clear(detail);
  let subject;
  let res;
  let q;
  if (r.type === "hit") {
    ({ subject } = r.x);
    res = r.x.result;
    q = r.x.query;
  } else {
    // An alert names the monitored subject by id: screen it again (audited) for its subject key
    // and the hit's current explanation.
    detail.appendChild(note(t("resolving_alert")));
    try {
      const subs = (await api("GET", "/subjects")).subjects || [];
      const s = subs.find((x) => x.id === r.x.subject);
      if (!s) {
        clear(detail).appendChild(note(t("subject_not_found", { id: r.x.subject }), "warn"));
        return;
      }
      const a = await api("POST", "/match/default?limit=20", { body: { queries: { q: { schema: s.schema, properties: s.properties } } } });
      subject = a.responses.q.subject;
      res = (a.responses.q.results || []).find((x) => x.id === r.x.entity_id);
      q = (s.properties.name || [s.id])[0];
      if (!res) {
        clear(detail).appendChild(note(t("queue_empty")));
        return;
      }
    } catch (e) {
      clear(detail).appendChild(errorBox(e));
      return;
    }
  }
  const out = h("div", { class: "decided" });
  put(clear(detail), 
    h("h2", { tabindex: "-1", id: "detail-h" }, `${res.caption} — ${fmtScore(res.score)}`),
    h("p", { class: "meta" }, `${t("subject_key")}: `, h("code", { class: "subject" }, subject), " · ", h("code", {}, res.id), " · ", (res.datasets || []).join(", ")),
    explanation(res),
    decisionForm(subject, res, q, out, () => pickSubject(subject)),
    out,
  );
  detail.querySelector("#detail-h").focus();
}

async function showSubject(subject, historyEl, trailEl) {
  clear(historyEl).appendChild(note(t("loading")));
  clear(trailEl);
  let decisions = [];
  try {
    decisions = (await api("GET", `/decisions?subject=${encodeURIComponent(subject)}`)).decisions || [];
    put(clear(historyEl), h("h3", {}, t("history")), decisions.length ? decisionList(decisions) : note(t("no_decisions")));
  } catch (e) {
    clear(historyEl).appendChild(errorBox(e));
  }
  try {
    // The server verifies the whole chain and keeps the subject's records: its screenings,
    // its registration for monitoring and the decisions on its hits.
    const { text, headers } = await api("GET", `/audit?subject=${encodeURIComponent(subject)}`, { accept: "text" });
    const events = [];
    const audited = new Set();
    for (const line of text.split("\n")) {
      if (!line) continue;
      let rec;
      try {
        rec = JSON.parse(line);
      } catch {
        continue;
      }
      if (rec.endpoint === "decision") {
        const q = rec.query || {};
        audited.add(rec.seq);
        events.push({ time: rec.time, type: "decision", seq: rec.seq, d: { verdict: q.verdict, entity_id: q.entity_id, note: q.note, by: rec.key } });
        continue;
      }
      const answers = Array.isArray(rec.results) ? rec.results : Object.values(rec.results || {});
      for (const res of answers) {
        if (res && res.subject === subject) {
          events.push({ time: rec.time, type: "screening", rec, res: { results: res.results || res.hits || [], suppressed: res.suppressed || [] } });
        }
      }
    }
    // Decisions recorded before decisions were audited are only in the decisions file.
    for (const d of decisions) {
      if (d.audit_seq == null || !audited.has(d.audit_seq)) events.push({ time: d.time, type: "decision", seq: null, d });
    }
    events.sort((a, b) => String(a.time).localeCompare(String(b.time)));
    const head = headers.get("x-audit-head");
    put(clear(trailEl), 
      h("h3", {}, t("trail")),
      head ? h("p", { class: "meta" }, t("trail_verified", { head: head.slice(0, 16) })) : null,
      events.length
        ? h(
            "ol",
            { class: "trail" },
            events.map((e) =>
              e.type === "screening"
                ? h(
                    "li",
                    { class: "screening" },
                    h("time", {}, fmtTime(e.time)),
                    " ",
                    badge(`#${e.rec.seq}`, "muted"),
                    " ",
                    t("trail_screening", { endpoint: e.rec.endpoint, n: (e.res.results || []).length, s: (e.res.suppressed || []).length }),
                    " · ",
                    e.rec.key,
                    h(
                      "ul",
                      {},
                      (e.res.results || []).map((x) => h("li", {}, h("code", {}, x.id), ` ${fmtScore(x.score)}`)),
                      (e.res.suppressed || []).map((x) => h("li", { class: "muted" }, h("code", {}, x.id), ` ${fmtScore(x.score)} `, badge(t("hidden"), "muted"))),
                    ),
                  )
                : h(
                    "li",
                    { class: "decision" },
                    h("time", {}, fmtTime(e.time)),
                    " ",
                    e.seq == null ? badge(t("not_audited"), "warn") : badge(`#${e.seq}`, "muted"),
                    " ",
                    badge(t(`verdict_${e.d.verdict}`), e.d.verdict === "true_match" ? "hit" : "muted"),
                    " ",
                    t("trail_decision", { verdict: t(`verdict_${e.d.verdict}`), entity: e.d.entity_id }),
                    " · ",
                    e.d.by,
                    " · ",
                    h("q", {}, e.d.note),
                  ),
            ),
          )
        : note(t("trail_empty")),
    );
  } catch (e) {
    trailEl.appendChild(errorBox(e));
  }
}
