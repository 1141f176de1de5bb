// Screening: one name (any script) with optional date of birth, country and type, results with
// their explanation and decision buttons; and a file of names screened in chunks with progress,
// retries when the server is restarting or busy, and a downloadable result.

import { api, withRetry, ApiError } from "./api.js";
import { h, t, clear, field, fmtScore, badge, errorBox, describeError, heading, download, csvCell, note, put } from "./dom.js";
import { errorText } from "./i18n.js";
import { explanation } from "./explain.js";
import { decisionForm, decisionList } from "./review.js";
import { readText, parseRecords, MAX_FILE_MB } from "./files.js";

const SCHEMAS = ["Thing", "Person", "Organization", "Company", "LegalEntity", "Vessel", "Aircraft"];
// Queries per /match request: well under the server's 100 and its 2 MiB body limit.
const CHUNK = 50;

// Kept across language switches and page changes (never re-requested: each screening is audited).
const state = {
  form: { name: "", schema: "Thing", dob: "", country: "", limit: "10" },
  answer: null,
  error: null,
  batch: null,
};

function query(f) {
  const properties = { name: [f.name.trim()] };
  if (f.dob.trim()) properties.birthDate = [f.dob.trim()];
  if (f.country.trim()) properties[f.schema === "Person" ? "nationality" : "country"] = [f.country.trim()];
  return { schema: f.schema, properties };
}

export function mount(main, ctx) {
  const f = state.form;
  const name = h("input", { type: "search", required: true, autocomplete: "off", value: f.name, lang: "" });
  const schema = h("select", {}, SCHEMAS.map((s) => h("option", { value: s, selected: s === f.schema }, t(`schema_${s}`))));
  const dob = h("input", { type: "text", value: f.dob, inputmode: "numeric", autocomplete: "off" });
  const country = h("input", { type: "text", value: f.country, autocomplete: "off" });
  const limit = h("select", {}, ["5", "10", "20", "50"].map((n) => h("option", { value: n, selected: n === f.limit }, n)));
  const results = h("section", { id: "results", "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "primary" }, t("screen_button"));

  const form = h(
    "form",
    {
      class: "search",
      role: "search",
      onsubmit: async (ev) => {
        ev.preventDefault();
        Object.assign(f, { name: name.value, schema: schema.value, dob: dob.value, country: country.value, limit: limit.value });
        if (!f.name.trim()) {
          name.focus();
          return;
        }
        button.disabled = true;
        clear(results).appendChild(note(t("working")));
        try {
          const answer = await api("POST", `/match/default?limit=${encodeURIComponent(f.limit)}`, {
            body: { queries: { q: query(f) } },
          });
          state.answer = { q: f.name.trim(), response: answer.responses.q, seq: answer.audit_seq };
          state.error = null;
        } catch (e) {
          state.answer = null;
          state.error = e;
        }
        button.disabled = false;
        drawResults(results, ctx);
      },
    },
    h("h2", { class: "sr-only" }, t("screening_title")),
    h(
      "div",
      { class: "row" },
      field(t("q_name"), name),
      field(t("q_schema"), schema),
      field(t("q_dob"), dob, t("q_dob_hint")),
      field(t("q_country"), country, t("q_country_hint")),
      field(t("q_limit"), limit),
      h("div", { class: "field end" }, button),
    ),
  );

  put(clear(main), heading(t("screening_title")), form, results, batchSection(ctx));
  drawResults(results, ctx);
  name.focus();
}

function drawResults(el, ctx) {
  clear(el);
  if (state.error) {
    el.appendChild(errorBox(state.error));
    return;
  }
  const a = state.answer;
  if (!a) return;
  const r = a.response;
  const list = r.results || [];
  put(el, 
    h("h2", {}, list.length ? t("results_for", { n: list.length, q: a.q }) : t("no_results", { q: a.q })),
    h("p", { class: "meta" }, `${t("subject_key")}: `, h("code", { class: "subject" }, r.subject), " · ", t("audit_seq", { n: a.seq })),
    r.suppressed && r.suppressed.length ? note(t("suppressed", { n: r.suppressed.length })) : null,
  );
  list.forEach((res, i) => el.appendChild(resultCard(res, r.subject, i === 0, ctx)));
}

function resultCard(res, subject, open, ctx) {
  const decided = h("div", { class: "decided" });
  const card = h(
    "article",
    { class: `result ${res.match ? "is-match" : ""}`, dataset: { entity: res.id } },
    h(
      "header",
      {},
      h("h3", {}, res.caption),
      h("span", { class: "score", title: t("score") }, h("meter", { min: 0, max: 1, low: 0.5, high: 0.7, optimum: 0, value: res.score }), " ", fmtScore(res.score)),
      badge(res.match ? t("match") : t("no_match"), res.match ? "hit" : "muted"),
    ),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("id")),
      h("dd", {}, h("code", {}, res.id)),
      h("dt", {}, t("datasets")),
      h("dd", { class: "datasets" }, (res.datasets || []).join(", ")),
      res.programs && res.programs.length ? [h("dt", {}, t("programs")), h("dd", {}, res.programs.join(", "))] : null,
      res.properties && res.properties.birthDate ? [h("dt", {}, t("q_dob")), h("dd", {}, res.properties.birthDate.join(", "))] : null,
    ),
    h("details", { open, class: "why" }, h("summary", {}, t("explanation")), explanation(res)),
    res.decisions && res.decisions.length
      ? h("div", {}, h("h4", {}, t("earlier_decisions")), decisionList(res.decisions), res.decision_stale ? note(t("decision_stale"), "warn") : null)
      : null,
    ctx.can("analyst") ? decisionForm(subject, res, decided) : null,
    decided,
  );
  return card;
}

// ---- Batch -----------------------------------------------------------------------------------

/** A batch input record → a yente query, or an error code. Accepts the CLI's batch fields and
 * yente's `{schema, properties}`. */
export function toQuery(v) {
  if (v && typeof v.properties === "object" && v.properties) {
    return { id: v.id, query: { schema: v.schema || "Thing", properties: v.properties } };
  }
  const name = v.name ?? v.names;
  if (!name || !String(name).trim()) return { error: "missing-name-line" };
  const properties = { name: String(name).split(";").map((s) => s.trim()).filter(Boolean) };
  const map = { birth_date: "birthDate", country: "country", nationality: "nationality", gender: "gender", id_number: "idNumber" };
  for (const [k, p] of Object.entries(map)) if (v[k]) properties[p] = [String(v[k])];
  let schema = v.schema || "Thing";
  if (schema === "Any") schema = "Thing";
  return { id: v.id, query: { schema, properties } };
}

function batchSection(ctx) {
  const sec = h("section", { class: "batch", "aria-labelledby": "batch-h" });
  const input = h("input", { type: "file", accept: ".csv,.jsonl,.ndjson,.json,.txt,text/csv,application/json" });
  const start = h("button", { type: "button" }, t("batch_start"));
  const out = h("div", { class: "batch-out" });
  start.addEventListener("click", async () => {
    const file = input.files && input.files[0];
    if (!file) {
      input.focus();
      return;
    }
    try {
      const text = await readText(file);
      const parsed = parseRecords(text, file.name);
      if (parsed.header && !parsed.header.includes("name") && !parsed.header.includes("names")) {
        throw { code: "csv-no-name" };
      }
      const items = [];
      const errors = parsed.errors.map((e) => ({ line: e.line, text: errorText(e.code, e.vars) }));
      for (const r of parsed.records) {
        const q = toQuery(r.value);
        if (q.error) errors.push({ line: r.line, text: errorText(q.error) });
        else items.push({ line: r.line, id: q.id ?? String(r.line), query: q.query });
      }
      if (!items.length && !errors.length) throw { code: "file-empty", vars: { name: file.name } };
      state.batch = { name: file.name, items, errors, done: 0, results: [], status: "running", reason: null };
      run(out, ctx);
    } catch (e) {
      clear(out).appendChild(errorBox(e));
    }
  });
  put(sec, 
    h("h2", { id: "batch-h" }, t("batch_title")),
    h("p", { class: "hint" }, t("batch_help", { mb: MAX_FILE_MB })),
    h("div", { class: "row" }, field(t("batch_file"), input), h("div", { class: "field end" }, start)),
    out,
  );
  if (state.batch) drawBatch(out, ctx);
  return sec;
}

/** One line of the downloadable result: the input line, its subject key and audit record, and
 * the results in brief. */
function batchRow(it, r, auditSeq) {
  const results = r.results.map((x) => ({ id: x.id, caption: x.caption, score: x.score, match: x.match, datasets: x.datasets }));
  return { line: it.line, id: it.id, subject: r.subject, audit_seq: auditSeq, results };
}

async function run(out, ctx) {
  const b = state.batch;
  b.status = "running";
  b.reason = null;
  drawBatch(out, ctx);
  while (b.done < b.items.length && b.status === "running") {
    const chunk = b.items.slice(b.done, b.done + CHUNK);
    const queries = {};
    chunk.forEach((it, i) => (queries[`l${it.line}_${i}`] = it.query));
    try {
      const answer = await withRetry(() => api("POST", "/match/default?limit=5", { body: { queries } }), {
        onWait: (e) => {
          b.reason = describeError(e);
          drawBatch(out, ctx);
        },
      });
      b.reason = null;
      chunk.forEach((it, i) => {
        const r = answer.responses[`l${it.line}_${i}`];
        b.results.push(batchRow(it, r, answer.audit_seq));
      });
      b.done += chunk.length;
    } catch (e) {
      if (e instanceof ApiError && (e.retryable || e.status === 401)) {
        // Keep everything screened so far; the analyst resumes when the server is back.
        b.status = "paused";
        b.reason = describeError(e);
      } else {
        // A query the server refuses (bad date, unknown country…): screen that chunk line by
        // line so that only the bad lines are reported.
        for (const it of chunk) {
          try {
            const a = await withRetry(() => api("POST", "/match/default?limit=5", { body: { queries: { q: it.query } } }));
            const r = a.responses.q;
            b.results.push(batchRow(it, r, a.audit_seq));
          } catch (e2) {
            if (e2 instanceof ApiError && (e2.retryable || e2.status === 401)) {
              b.status = "paused";
              b.reason = describeError(e2);
              break;
            }
            b.errors.push({ line: it.line, text: describeError(e2) });
          }
          b.done++;
        }
      }
    }
    drawBatch(out, ctx);
  }
  if (b.status === "running") b.status = "done";
  drawBatch(out, ctx);
}

function drawBatch(out, ctx) {
  const b = state.batch;
  clear(out);
  if (!b) return;
  const total = b.items.length;
  const matches = b.results.filter((r) => r.results.some((x) => x.match)).length;
  const progress = h("progress", { max: total || 1, value: b.done, "aria-label": t("batch_progress", { done: b.done, total }) });
  put(out, h("p", { class: "progress" }, progress, " ", h("span", { class: "count" }, t("batch_progress", { done: b.done, total }))));
  if (b.reason) out.appendChild(h("div", { class: "warn", role: "alert" }, b.reason));
  const actions = h("div", { class: "row" });
  if (b.status === "running") {
    actions.appendChild(h("button", { type: "button", onclick: () => { b.status = "cancelled"; } }, t("cancel")));
  }
  if (b.status === "paused") {
    out.appendChild(h("div", { class: "warn", role: "alert" }, t("batch_paused", { done: b.done, total, reason: b.reason || "" })));
    actions.appendChild(h("button", { type: "button", class: "primary", onclick: () => run(out, ctx) }, t("resume")));
  }
  if (b.status === "cancelled") out.appendChild(note(t("batch_cancelled", { done: b.done, total })));
  if (b.status === "done") out.appendChild(note(t("batch_done", { done: b.done, matches, errors: b.errors.length }), "ok"));
  if (b.results.length) {
    const base = b.name.replace(/\.[^.]+$/, "");
    put(actions, 
      h("button", { type: "button", onclick: () => download(`${base}.screened.jsonl`, b.results.map((r) => JSON.stringify(r)).join("\n") + "\n", "application/x-ndjson") }, t("download_jsonl")),
      h("button", { type: "button", onclick: () => download(`${base}.screened.csv`, batchCsv(b.results), "text/csv") }, t("download_csv")),
    );
  }
  out.appendChild(actions);
  if (b.errors.length) {
    out.appendChild(
      h("details", { open: true }, h("summary", {}, `${t("batch_line_errors")} (${b.errors.length})`),
        h("ul", { class: "line-errors" }, b.errors.map((e) => h("li", {}, `${t("line")} ${e.line}: ${e.text}`)))),
    );
  }
}

function batchCsv(results) {
  const lines = ["line,id,subject,audit_seq,entity_id,caption,score,match,datasets"];
  for (const r of results) {
    if (!r.results.length) lines.push([r.line, r.id, r.subject, r.audit_seq, "", "", "", "", ""].map(csvCell).join(","));
    for (const x of r.results) {
      lines.push([r.line, r.id, r.subject, r.audit_seq, x.id, x.caption, x.score, x.match, (x.datasets || []).join(";")].map(csvCell).join(","));
    }
  }
  return lines.join("\n") + "\n";
}
