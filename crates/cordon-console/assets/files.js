// Reading user files in the browser: size and type checks before anything is sent, UTF-8
// decoding that refuses bad bytes, and JSON-lines / CSV parsing with per-line errors (a bad
// line is reported with its number and the rest goes on).

export const MAX_FILE_MB = 20;

/** A console error with a code that i18n.js translates. */
export class FileError extends Error {
  constructor(code, vars) {
    super(code);
    this.code = code;
    this.vars = vars;
  }
}

const TEXT_EXT = /\.(csv|jsonl|ndjson|json|txt|tsv)$/i;

/** Reads a File as UTF-8 text after checking its size, name and first bytes. */
export async function readText(file, maxMb = MAX_FILE_MB) {
  const name = file.name || "file";
  if (file.size > maxMb * 1024 * 1024) {
    throw new FileError("file-too-large", { size: (file.size / 1048576).toFixed(1), max: maxMb });
  }
  const buf = new Uint8Array(await file.arrayBuffer());
  // Zip (xlsx, ods), PDF, PNG, GIF, gzip and NUL bytes: not a text export.
  const head = buf.subarray(0, 8);
  const magic = [[0x50, 0x4b], [0x25, 0x50, 0x44, 0x46], [0x89, 0x50], [0x47, 0x49, 0x46], [0x1f, 0x8b], [0xd0, 0xcf]];
  if (magic.some((m) => m.every((b, i) => head[i] === b)) || buf.subarray(0, 4096).includes(0)) {
    throw new FileError("file-binary", { name });
  }
  if (!TEXT_EXT.test(name)) throw new FileError("file-type", { name });
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new FileError("invalid-utf8", { name });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trim()) throw new FileError("file-empty", { name });
  return text;
}

/** Splits CSV text into rows (RFC 4180 quoting; CRLF or LF), each with its first line number. */
export function csvRows(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push({ line: start, cells: row });
      row = [];
      cell = "";
      line++;
      start = line;
    } else cell += c;
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push({ line: start, cells: row });
  }
  return rows.filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ""));
}

/**
 * Parses JSON lines, a JSON array, or CSV with a header into objects.
 * Returns {records: [{line, value}], errors: [{line, code, vars}]}.
 */
export function parseRecords(text, name) {
  const trimmed = text.trimStart();
  const records = [];
  const errors = [];
  const isCsv = /\.(csv|tsv)$/i.test(name) || !(trimmed.startsWith("{") || trimmed.startsWith("["));
  if (!isCsv && trimmed.startsWith("[")) {
    try {
      const arr = JSON.parse(trimmed);
      if (Array.isArray(arr)) {
        arr.forEach((value, i) => records.push({ line: i + 1, value }));
        return { records, errors };
      }
    } catch {
      // Fall through to JSON lines, which reports the bad line.
    }
  }
  if (!isCsv) {
    text.split(/\r?\n/).forEach((l, i) => {
      if (!l.trim()) return;
      try {
        const value = JSON.parse(l);
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          errors.push({ line: i + 1, code: "bad-line-json", vars: { detail: "not an object" } });
        } else records.push({ line: i + 1, value });
      } catch (e) {
        errors.push({ line: i + 1, code: "bad-line-json", vars: { detail: String(e.message).slice(0, 120) } });
      }
    });
    return { records, errors };
  }
  const rows = csvRows(text);
  if (!rows.length) return { records, errors };
  const header = rows[0].cells.map((c) => c.trim());
  for (const r of rows.slice(1)) {
    if (r.cells.length !== header.length) {
      errors.push({ line: r.line, code: "bad-line-fields", vars: { n: r.cells.length, m: header.length } });
      continue;
    }
    const value = {};
    header.forEach((k, i) => {
      const v = r.cells[i].trim();
      if (v !== "") value[k] = v;
    });
    records.push({ line: r.line, value });
  }
  return { records, errors, header };
}
