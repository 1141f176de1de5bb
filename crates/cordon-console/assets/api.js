// The service's JSON API with the signed-in key. Every failure becomes an ApiError with the
// server's stable code (or `network` / `http` / `bad-response`), so pages show one message per
// code in the user's language and never a raw stack or status line.

const KEY = "cordon.key";
const listeners = { unauthorized: [] };

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
    // Worth retrying later: the server restarting, timing out or unable to write its audit trail.
    this.retryable = status === 0 || status === 502 || status === 503 || status === 504;
  }
}

export function key() {
  return sessionStorage.getItem(KEY);
}

export function setKey(k) {
  if (k) sessionStorage.setItem(KEY, k);
  else sessionStorage.removeItem(KEY);
}

export function onUnauthorized(f) {
  listeners.unauthorized.push(f);
}

/**
 * One request. `body` is sent as JSON unless `text` is given (with `contentType`).
 * `accept: "text"` returns the body as text; the default parses JSON.
 */
export async function api(method, path, { body, text, contentType, accept, signal, authKey } = {}) {
  const headers = {};
  const k = authKey ?? key();
  if (k) headers["Authorization"] = `Bearer ${k}`;
  let payload;
  if (text !== undefined) {
    payload = text;
    headers["Content-Type"] = contentType || "text/plain; charset=utf-8";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  let resp;
  try {
    resp = await fetch(path, { method, headers, body: payload, signal, cache: "no-store" });
  } catch (e) {
    if (e && e.name === "AbortError") throw e;
    throw new ApiError(0, "network", String(e && e.message));
  }
  const raw = await resp.text();
  if (!resp.ok) {
    let code = "http";
    let message = "";
    try {
      const j = JSON.parse(raw);
      if (j && j.error && typeof j.error.code === "string") {
        code = j.error.code;
        message = j.error.message || "";
      }
    } catch {
      // Not our JSON shape (a proxy's page): keep the status only.
    }
    const err = new ApiError(resp.status, code, message);
    if (resp.status === 401 && !authKey) for (const f of listeners.unauthorized) f(err);
    throw err;
  }
  if (accept === "text") return { text: raw, headers: resp.headers };
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    throw new ApiError(resp.status, "bad-response", "");
  }
}

/** `api` with retries for retryable failures (backoff 1, 2, 4 … s); others throw at once. */
export async function withRetry(f, { tries = 4, onWait } = {}) {
  let wait = 1000;
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof ApiError) || !e.retryable || i >= tries) throw e;
      if (onWait) onWait(e, wait);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 15000);
    }
  }
}
