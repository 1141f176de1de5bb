// The console shell: language, sign-in with an API key (GET /me tells the key's name and role),
// navigation by role, and hash routes (#/screening, #/review, #/lists, #/wallets, #/applicants).
// Pages keep their state in their modules, so switching language or page loses nothing.

import { api, key, setKey, onUnauthorized, ApiError } from "./api.js";
import { h, t, clear, field, errorBox, describeError, put } from "./dom.js";
import { setLang, lang, onLang, detectLang } from "./i18n.js";
import * as screening from "./screening.js";
import * as review from "./review.js";
import * as lists from "./lists.js";
import * as wallets from "./wallets.js";
import * as applicants from "./applicants.js";

const ROLES = ["screen", "analyst", "admin"];
const PAGES = [
  { id: "screening", page: screening, role: "screen" },
  { id: "review", page: review, role: "analyst" },
  { id: "lists", page: lists, role: "screen" },
  { id: "wallets", page: wallets, role: "screen" },
  { id: "applicants", page: applicants, role: "screen" },
];
const ME = "cordon.me";
const LANG = "cordon.lang";

let me = null;
let signInMessage = null;

const ctx = {
  can(role) {
    return me && ROLES.indexOf(me.role) >= ROLES.indexOf(role);
  },
};

function translateStatic() {
  document.documentElement.lang = lang();
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  document.getElementById("lang").value = lang();
  document.title = `Cordon — ${me ? t(`nav_${current().id}`) : t("sign_in")}`;
}

function current() {
  const id = (location.hash.match(/^#\/(\w+)/) || [])[1];
  return PAGES.find((p) => p.id === id) || PAGES[0];
}

function drawNav() {
  const nav = clear(document.getElementById("nav"));
  const who = clear(document.getElementById("who"));
  document.getElementById("signout").hidden = !me;
  if (!me) return;
  const cur = current();
  nav.appendChild(
    h(
      "ul",
      {},
      PAGES.filter((p) => ctx.can(p.role)).map((p) =>
        h("li", {}, h("a", { href: `#/${p.id}`, "aria-current": p === cur ? "page" : null }, t(`nav_${p.id}`))),
      ),
    ),
  );
  who.textContent = t("signed_in_as", { name: me.name, role: t(`role_${me.role}`) });
}

function route(focus) {
  translateStatic();
  drawNav();
  const main = document.getElementById("main");
  if (!me) return signIn(main);
  const p = current();
  main.dataset.page = p.id;
  if (!ctx.can(p.role)) {
    put(clear(main), 
      h("h1", { tabindex: "-1" }, t(`nav_${p.id}`)),
      h("p", { class: "error", role: "alert" }, t("not_allowed", { role: t(`role_${me.role}`) })),
    );
    return;
  }
  Promise.resolve(p.page.mount(main, ctx)).catch((e) => main.appendChild(errorBox(e)));
  if (focus) {
    const h1 = main.querySelector("h1");
    if (h1) h1.focus();
  }
}

function signIn(main) {
  main.dataset.page = "sign-in";
  const input = h("input", { type: "password", autocomplete: "off", required: true, spellcheck: "false", class: "mono" });
  const out = h("div", { "aria-live": "assertive" }, signInMessage ? h("div", { class: "error", role: "alert" }, signInMessage) : null);
  const button = h("button", { type: "submit", class: "primary" }, t("sign_in"));
  clear(main).appendChild(
    h(
      "form",
      {
        class: "sign-in",
        onsubmit: async (ev) => {
          ev.preventDefault();
          const k = input.value.trim();
          if (!k) return input.focus();
          button.disabled = true;
          try {
            const who = await api("GET", "/me", { authKey: k });
            setKey(k);
            me = who;
            sessionStorage.setItem(ME, JSON.stringify(who));
            signInMessage = null;
            // Land on a page the key may open (the last one may need a higher role).
            if (!location.hash || !ctx.can(current().role)) history.replaceState(null, "", "#/screening");
            route(true);
          } catch (e) {
            button.disabled = false;
            clear(out).appendChild(errorBox(e));
            input.select();
          }
        },
      },
      h("h1", { tabindex: "-1" }, t("sign_in_title")),
      h("p", { class: "hint" }, t("sign_in_help")),
      field(t("api_key"), input),
      button,
      out,
    ),
  );
  input.focus();
}

function signOut(message) {
  setKey(null);
  sessionStorage.removeItem(ME);
  me = null;
  signInMessage = message || null;
  route(true);
}

function start() {
  setLang(detectLang(localStorage.getItem(LANG), navigator.languages || [navigator.language]));
  const sel = document.getElementById("lang");
  sel.addEventListener("change", () => {
    localStorage.setItem(LANG, sel.value);
    setLang(sel.value);
  });
  onLang(() => route(false));
  document.getElementById("signout").addEventListener("click", () => signOut());
  // An expired or revoked key mid-session: back to sign-in with the reason; page state stays in
  // the modules, so the work is there again after signing in.
  onUnauthorized((e) => signOut(describeError(e)));
  window.addEventListener("hashchange", () => route(true));
  try {
    me = key() ? JSON.parse(sessionStorage.getItem(ME) || "null") : null;
  } catch {
    me = null;
  }
  route(false);
  // Re-check the stored key: it may have been revoked since the tab last used it.
  if (key()) {
    api("GET", "/me")
      .then((who) => {
        me = who;
        sessionStorage.setItem(ME, JSON.stringify(who));
        drawNav();
      })
      .catch((e) => {
        if (!(e instanceof ApiError) || e.status !== 401) document.getElementById("status").textContent = describeError(e);
      });
  }
}

start();
