// Review: the queue that analysts share (GET /review: hits returned as a match that no decision
// covers yet, from screenings, registrations for monitoring and re-screening after list
// changes), decisions with a note (POST /decisions closes the item for everybody), the decision
// history of a subject, and the subject's audit trail (GET /audit?subject=: its screenings and
// decisions from the verified hash-chained trail, in time order).

import { api } from "./api.js";
import { h, t, clear, field, fmtScore, fmtTime, badge, errorBox, note, heading, table, put } from "./dom.js";
import { explanation } from "./explain.js";

// Items per page of the queue.
const PAGE = 25;

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
export function decisionForm(subject, res, out, onDone) {
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

// The page's state survives a language switch or a visit to another page.
const view = { subject: "", status: "open", since: "", offset: 0 };

export function mount(main, ctx) {
  const queueEl = h("section", { "aria-labelledby": "queue-h", id: "queue" });
  const detail = h("section", { id: "review-detail", "aria-live": "polite" });
  const subjectIn = h("input", { type: "text", value: view.subject, autocomplete: "off", spellcheck: "false" });
  const historyEl = h("div", { id: "history" });
  const trailEl = h("div", { id: "trail" });
  const show = async (ev) => {
    if (ev) ev.preventDefault();
    view.subject = subjectIn.value.trim();
    if (view.subject) await showSubject(view.subject, historyEl, trailEl);
  };
  const pickSubject = (s) => {
    subjectIn.value = s;
    show();
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
      h("form", { class: "row subject-form", onsubmit: show }, field(t("subject_key"), subjectIn), h("div", { class: "field end" }, h("button", { type: "submit" }, t("show")))),
      historyEl,
      trailEl,
    ),
  );
  drawQueue(queueEl, detail, pickSubject);
  if (view.subject) show();
}

// What was screened, short: the name with the date of birth and country that tell two
// customers of the same name apart.
function screened(x) {
  const p = (x.query && x.query.properties) || {};
  const first = (k) => (Array.isArray(p[k]) && p[k].length ? p[k][0] : "");
  return [first("name") || first("alias"), first("birthDate"), first("nationality") || first("country")].filter(Boolean).join(", ");
}

function origin(x) {
  if (x.origin === "alert") return t("origin_alert", { id: x.monitored || "" });
  if (x.origin === "registration") return t("origin_registration", { id: x.monitored || "" });
  if (x.origin === "address") return t("origin_address", { a: ((x.query && x.query.properties && x.query.properties.publicKey) || [])[0] || "", key: x.key });
  if (x.origin === "applicant") {
    // The values that hit, beside the name: the e-mail, phone or wallet is the evidence.
    const p = (x.query && x.query.properties) || {};
    const what = Object.values(p).flat().join(", ");
    return t("origin_applicant", { id: x.applicant || "", what, key: x.key });
  }
  return t("origin_screening", { q: screened(x), key: x.key });
}

function statusOf(x) {
  if (!x.closed) return badge(t("item_open"), "warn");
  if (x.closed.reason === "removed") return badge(t("item_removed"), "muted");
  return h("span", {}, badge(t(`verdict_${x.closed.verdict}`), x.closed.verdict === "true_match" ? "hit" : "muted"), " ", t("item_closed_by", { by: x.closed.by || "" }));
}

async function drawQueue(el, detail, pickSubject) {
  const status = h("select", {}, ["open", "closed", "all"].map((s) => h("option", { value: s, selected: view.status === s }, t(`queue_status_${s}`))));
  const since = h("input", { type: "date", value: view.since });
  const list = h("div", { class: "queue-list", "aria-live": "polite" });
  const apply = (ev) => {
    ev.preventDefault();
    view.status = status.value;
    view.since = since.value;
    view.offset = 0;
    load();
  };
  const load = async () => {
    clear(list).appendChild(note(t("loading")));
    const params = new URLSearchParams({ status: view.status, limit: String(PAGE), offset: String(view.offset) });
    if (view.since) params.set("since", view.since);
    let page;
    try {
      page = await api("GET", `/review?${params}`);
    } catch (e) {
      clear(list).appendChild(errorBox(e));
      return;
    }
    const items = page.items || [];
    clear(list);
    if (!items.length) {
      put(list, note(view.status === "open" && !view.since ? t("queue_empty") : t("queue_none_match")), h("p", { class: "meta" }, t("queue_open_count", { open: page.open })));
      return;
    }
    const from = page.offset + 1;
    const to = page.offset + items.length;
    put(
      list,
      h("p", { class: "meta", id: "queue-summary" }, t("queue_summary", { open: page.open, from, to, total: page.total })),
      table(
        null,
        [
          [t("name"), (x) => x.caption],
          [t("id"), (x) => h("code", {}, x.entity_id)],
          [t("score"), (x) => fmtScore(x.score)],
          [t("source"), (x) => origin(x)],
          [t("opened"), (x) => fmtTime(x.opened)],
          [t("status"), (x) => statusOf(x)],
          ["", (x) => h("button", { type: "button", onclick: () => openItem(x, detail, pickSubject, load) }, t("review_open"))],
        ],
        items,
        { className: "grid queue" },
      ),
      h(
        "div",
        { class: "row pager" },
        h("button", { type: "button", class: "prev", disabled: page.offset === 0, onclick: () => { view.offset = Math.max(0, page.offset - PAGE); load(); } }, t("previous")),
        h("button", { type: "button", class: "next", disabled: to >= page.total, onclick: () => { view.offset = page.offset + PAGE; load(); } }, t("next")),
      ),
    );
  };
  put(clear(el),
    h("h2", { id: "queue-h" }, t("queue")),
    h("p", { class: "hint" }, t("queue_help")),
    h("form", { class: "row queue-filter", onsubmit: apply }, field(t("status"), status), field(t("opened_since"), since), h("div", { class: "field end" }, h("button", { type: "submit" }, t("apply")))),
    list,
  );
  await load();
}

async function openItem(x, detail, pickSubject, reload) {
  clear(detail).appendChild(note(t("resolving_item")));
  // The item keeps what was screened: screening it again (an audited screening with the
  // reviewer's key) gives the hit's current explanation.
  let res;
  let suppressed = false;
  try {
    const a = await api("POST", "/match/default?limit=20", { body: { queries: { q: x.query } } });
    const r = a.responses.q;
    res = (r.results || []).find((y) => y.id === x.entity_id);
    suppressed = (r.suppressed || []).some((y) => y.id === x.entity_id);
  } catch (e) {
    clear(detail).appendChild(errorBox(e));
    return;
  }
  const out = h("div", { class: "decided" });
  put(clear(detail),
    h("h2", { tabindex: "-1", id: "detail-h" }, `${x.caption} — ${fmtScore(res ? res.score : x.score)}`),
    h("p", { class: "meta" }, `${t("subject_key")}: `, h("code", { class: "subject" }, x.subject), " · ", h("code", {}, x.entity_id), " · ", (x.datasets || []).join(", "), " · ", origin(x)),
    x.entity_changed ? note(t("entity_changed"), "warn") : null,
    res ? explanation(res) : note(suppressed ? t("hit_suppressed") : t("hit_gone"), "warn"),
    x.closed
      ? h("p", {}, statusOf(x), " ", fmtTime(x.closed.time))
      : res
        ? decisionForm(x.subject, res, out, () => {
            reload();
            pickSubject(x.subject);
          })
        : null,
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
