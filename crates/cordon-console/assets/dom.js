// Small DOM helpers: element building without innerHTML (so list data can never inject markup),
// tables, messages and downloads.

import { t, errorText } from "./i18n.js";
import { ApiError } from "./api.js";

/** h("button", {class: "x", onclick: f}, "text", child…) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** `el.append` that skips null, undefined and false (the DOM's own would print "null"). */
export function put(el, ...children) {
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A labelled form field: the label wraps the control so that it is always associated. */
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const parts = [h("label", { for: id }, label), control];
  if (hint) {
    const hid = `${id}-hint`;
    control.setAttribute("aria-describedby", hid);
    parts.push(h("small", { id: hid, class: "hint" }, hint));
  }
  return h("div", { class: "field" }, parts);
}

/** A table with a caption; `cols` are [header, cell(row) → node|string]. */
export function table(caption, cols, rows, { className } = {}) {
  return h(
    "table",
    { class: className || "grid" },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, cols.map(([head]) => h("th", { scope: "col" }, head)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, cols.map(([, cell]) => h("td", {}, cell(r)))))),
  );
}

/** The user-facing text of any error, in the current language. */
export function describeError(e, vars) {
  if (e instanceof ApiError) {
    const known = errorText(e.code, { status: e.status, ...vars });
    // The server's message names the field; show it after the translated sentence.
    const detail = e.message && e.message !== e.code ? e.message : "";
    if (known) return detail && e.code !== "network" ? `${known} (${detail})` : known;
    return errorText("http", { status: e.status }) + (detail ? ` (${detail})` : "");
  }
  if (e && e.code) {
    const known = errorText(e.code, e.vars || vars);
    if (known) return known;
  }
  return String((e && e.message) || e);
}

/** An alert box (role=alert so screen readers announce it). */
export function errorBox(e, vars) {
  return h("div", { class: "error", role: "alert" }, describeError(e, vars));
}

export function note(text, cls = "info") {
  return h("div", { class: cls, role: "status" }, text);
}

export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function fmtScore(s) {
  return typeof s === "number" ? s.toFixed(2) : "";
}

export function fmtTime(s) {
  if (!s) return "";
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  // ISO order in both languages: unambiguous in a record a regulator may read.
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Decimal strings (amounts are exact strings in the API) grouped for reading, never rounded. */
export function fmtAmount(s) {
  if (s === undefined || s === null) return "";
  const str = String(s);
  const [int, frac] = str.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac ? `${grouped}.${frac}` : grouped;
}

export function short(addr) {
  const s = String(addr || "");
  return s.length > 16 ? `${s.slice(0, 8)}…${s.slice(-6)}` : s;
}

export function csvCell(v) {
  const s = v === undefined || v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function badge(text, cls) {
  return h("span", { class: `badge ${cls || ""}` }, text);
}

export function heading(text) {
  return h("h1", { tabindex: "-1" }, text);
}

export { t };
