// A screening result's explanation drawn for a person: which query name met which list name,
// the part-by-part alignment (Korean syllables or words) with the rule that related each pair,
// the rules that fired, and the evidence for and against with its weight, adding up to the score.

import { h, t, fmtScore, badge } from "./dom.js";
import { engineText } from "./i18n.js";

function signed(w) {
  return `${w >= 0 ? "+" : "−"} ${Math.abs(w).toFixed(2)}`;
}

export function explanation(result) {
  const e = result.explanation || {};
  const evidence = e.evidence || [];
  const evSum = evidence.reduce((a, x) => a + (x.weight || 0), 0);
  const prop = e.matched_property ? t(`prop_${e.matched_property}`) : "";
  const method = e.method ? t(`method_${e.method.replace(/ /g, "_")}`) : "";
  return h(
    "div",
    { class: "explain" },
    h(
      "p",
      { class: "names" },
      h("span", { class: "qname", lang: "" }, result.query_name || e.query_form),
      h("span", { class: "arrow", "aria-hidden": "true" }, " ⟷ "),
      h("span", { class: "lname" }, result.matched_name || e.candidate_form),
      " ",
      badge(`${t("matched_property")}: ${prop}`, "muted"),
      " ",
      badge(`${t("method")}: ${method}`, "muted"),
    ),
    e.conversions && e.conversions.length
      ? h("p", {}, `${t("conversions")}: `, e.conversions.map(engineText).join(", "))
      : null,
    h("h4", {}, `${t("alignment")} (${e.query_form || ""} ⟷ ${e.candidate_form || ""})`),
    h(
      "ol",
      { class: "align", "aria-label": t("alignment") },
      (e.alignment || []).map((a) =>
        h(
          "li",
          { class: a.score >= 0.9 ? "good" : a.score >= 0.5 ? "fair" : "bad" },
          h("span", { class: "q" }, a.query || "∅"),
          h("span", { class: "link", "aria-hidden": "true" }, "│"),
          h("span", { class: "c" }, a.candidate || "∅"),
          h("span", { class: "s" }, fmtScore(a.score)),
          h("span", { class: "r" }, engineText(a.rule)),
        ),
      ),
    ),
    h("h4", {}, t("rules_fired")),
    h("ul", { class: "rules" }, (e.rules || []).map((r) => h("li", {}, engineText(r)))),
    h("h4", {}, t("evidence")),
    evidence.length
      ? h(
          "table",
          { class: "grid evidence" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              [t("kind"), t("query_name"), t("list_name"), t("details"), t("weight")].map((x) =>
                h("th", { scope: "col" }, x),
              ),
            ),
          ),
          h(
            "tbody",
            {},
            evidence.map((x) =>
              h(
                "tr",
                { class: x.weight > 0 ? "for" : x.weight < 0 ? "against" : "" },
                h("td", {}, t(`feature_${x.feature}`)),
                h("td", {}, x.query),
                h("td", {}, x.candidate),
                h("td", {}, engineText(x.detail)),
                h("td", { class: "num" }, signed(x.weight)),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("no_evidence")),
    h(
      "p",
      { class: "formula" },
      t("formula", {
        name: fmtScore(e.name_score),
        evidence: evidence.length ? signed(evSum) : "",
        score: fmtScore(result.score),
      }),
    ),
    e.same_as && e.same_as.length ? h("p", {}, `${t("same_as")}: `, e.same_as.join(", ")) : null,
  );
}
