#!/usr/bin/env python3
"""Parts of list name fields that join several names, as queries for the own_record example.

    python3 scripts/joined_alias_parts.py /tmp/all.jsonl > parts.jsonl
    target/release/examples/own_record --db STORE --queries parts.jsonl

A field is split at ';' when it has one, else at ', '; a person's field with a single comma
(SURNAME, Given) is left out, and so is a field with a part of fewer than two words or a part
that is a bare legal form. The definition is deliberately looser than the matcher's own
split (crates/cordon-match/src/joined.rs), so that what the matcher leaves whole is measured
too; 'name_like' marks the parts that are names (no date, passport or birth place, balanced
parentheses, no bare legal form after the comma).
"""
import json
import re
import sys

LEGAL = {"llc", "ltd", "jsc", "co", "inc", "ooo", "ao", "pjsc", "cjsc", "ojsc", "gmbh", "sa",
         "s.a", "llp", "plc", "corp", "limited", "company", "fze", "fzco", "ltda", "srl", "bv",
         "ag", "zao", "oao", "pao", "tov", "co ltd", "company limited", "sarl", "s.a.r.l"}
BARE_FORM = re.compile(r"^(S\.? ?A\.?|S\.? DE R\.?L\.?|S\.R\.L\.?|SOCIEDAD ANONIMA|JOINT STOCK COMPANY|"
                       r"LIMITED LIABILITY COMPANY|SOCIEDAD|S\.A\.S\.?|LTD\.?|INC\.?|LLC)"
                       r"( DE C\.?V\.?)?( DE CAPITAL VARIABLE)?$", re.I)
NOT_A_NAME = re.compile(r"\d|birth|passport|born|listed|issue|expiry|original script", re.I)


def name_like(part, schema, field):
    p = re.sub(r"^(a\.k\.a\.|f\.k\.a\.)\s*", "", part)
    if NOT_A_NAME.search(p) or (schema == "Person" and re.search(r"\d", field)):
        return False
    if p.count("(") != p.count(")") or p.count("（") != p.count("）"):
        return False
    return not BARE_FORM.match(p.strip())


def main(path):
    n = 0
    for line in open(path, encoding="utf-8"):
        e = json.loads(line)
        props = e.get("properties", {})
        for prop in ("name", "alias", "previousName", "weakAlias"):
            for field in props.get(prop, []):
                if ";" in field:
                    parts = field.split(";")
                elif ", " in field and not (e["schema"] == "Person" and field.count(",") == 1):
                    parts = field.split(", ")
                else:
                    continue
                parts = [p.strip() for p in parts if p.strip()]
                if len(parts) < 2 or any(len(p.split()) < 2 for p in parts):
                    continue
                if any(p.lower().strip(".") in LEGAL for p in parts):
                    continue
                for p in parts:
                    print(json.dumps({"q": f"p{n}", "record": e["id"], "prop": prop, "part": p,
                                      "field": field, "schema": e["schema"],
                                      "name_like": name_like(p, e["schema"], field)},
                                     ensure_ascii=False))
                    n += 1


if __name__ == "__main__":
    main(sys.argv[1])
