#!/usr/bin/env python3
"""Builds Cordon's labelled name-pair development set from the real lists.

Input: an FtM JSON-lines export of the store (`cordon export > all.jsonl` after
`cordon ingest --lists ../shared/data/lists`). Output: CSV rows
`group,schema,query,candidate,label,source` on stdout, where `source` names the list record
(store id) every positive comes from; negatives name both records, or `synthetic`.

Deterministic (fixed seed; a second argument gives another seed, which samples other records
and other transforms: a split to check a rule change on that was not looked at). Groups:
  korean-hangul      Hangul name ↔ the same record's Latin names (EU DPRK annexes, where the
                     list itself gives both)
  korean-variants    Latin ↔ Latin spellings of one record as the lists give them (MR with and
                     without apostrophes, RR, DPRK), plus passport-surname and hyphen/order
                     transforms of list names
  korean-near-miss   different records (or one given-name syllable changed): negatives
  korean-common      common South Korean names, on no list, against list names sharing the
                     surname: negatives
  katakana           Japan MOF katakana ↔ its own Latin name
  han                Chinese characters ↔ Latin (EU annexes)
  cyrillic, arabic   original script ↔ Latin (EU annexes)
  company            organisation names with legal-form noise (positives), different
                     organisations sharing generic words (negatives)
  typo               one-edit typos of non-Korean list names (positives), different people
                     with the same first name (negatives)
"""
import csv
import difflib
import json
import random
import re
import sys

random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 20261125)
HANGUL = re.compile("[\uac00-\ud7a3]")
KANA = re.compile("[\u30a0-\u30ff]")
HAN = re.compile("[\u4e00-\u9fff]")
ARABIC = re.compile("[\u0600-\u06ff]")
CYR = re.compile("[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z][A-Za-z ,.'’\-()]+$")

rows = []


def crude(name):
    """A rough romanisation-blind key, only to keep the same name out of the negatives."""
    s = re.sub(r"[^a-z]", "", name.lower())
    for a, b in (("eo", "o"), ("eu", "u"), ("ch", "j"), ("k", "g"), ("p", "b"), ("t", "d"),
                 ("r", "l"), ("ee", "i"), ("oo", "u"), ("ae", "e"), ("y", "")):
        s = s.replace(a, b)
    return "".join(sorted(s))


def add(group, schema, q, c, label, source):
    rows.append((group, schema, q.strip(), c.strip(), label, source))


ents = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]


def names(e):
    out = []
    for p in ("name", "alias", "previousName"):
        out += e["properties"].get(p, [])
    return out


# Passport spellings of DPRK/RoK surnames as lists write them.
PASSPORT = {"RI": "LEE", "LI": "LEE", "PAK": "PARK", "CHOE": "CHOI", "JONG": "JUNG",
            "CHONG": "CHUNG", "RYU": "YOO", "YU": "YOO", "YUN": "YOON", "SIN": "SHIN",
            "AN": "AHN", "O": "OH", "SO": "SUH", "KO": "KOH", "NO": "ROH", "MUN": "MOON",
            "U": "WOO", "JU": "JOO", "HO": "HUR", "PAE": "BAE", "PAEK": "BAEK", "KANG": "GANG",
            "KIM": "GIM", "JON": "JUN", "CHON": "CHUN", "HYON": "HYUN", "PYON": "BYUN"}

# Latin spellings of Korean surnames: a list alias such as `Daniel Pak` or `James Kim` is a
# different name of the person, not a spelling of the Korean one, and is left out.
KOREAN_SURNAMES = set("""KIM RI LI LEE YI PAK PARK BAK CHOE CHOI JONG JUNG CHONG CHUNG KANG GANG JO CHO
YUN YOON JANG CHANG RIM LIM IM HAN O OH SO SUH SEO SIN SHIN KWON HWANG AN AHN SONG RYU YU YOO JON JUN CHON
HONG KO KOH MUN MOON YANG RYANG SON PAE BAE PAEK BAEK HO HUR NAM NO ROH RO HA KWAK SONG CHA JU JOO U WOO
KU MIN JIN CHIN CHI JI OM UM CHAE WON CHUN PANG BANG KONG HYON HYUN HAM PYON BYUN YOM RYOM YO RYO TO DO
SIM SHIM SOK SOL MA KIL GIL YON RYON WANG KUK""".split())

korean_latin = []  # (id, latin primary) of Korean persons, for negatives
for e in ents:
    if e["schema"] != "Person":
        continue
    ns = names(e)
    hang = [n for n in ns if HANGUL.search(n) and not re.search("[A-Za-z]", n)]
    lat = [n for n in ns if LATIN.match(n) and len(n.split()) in (2, 3, 4) and "," not in n
           and "Text of image" not in n and n.split()[0].upper() in KOREAN_SURNAMES]
    if not lat:
        continue
    is_korean = bool(hang) or (e["id"].startswith("eu-32017R1509") or "kp" in e["properties"].get("nationality", []))
    if not is_korean:
        continue
    korean_latin.append((e["id"], lat[0]))
    for h in hang[:1]:
        for l in lat[:2]:
            add("korean-hangul", "Person", h, l, 1, e["id"])
            add("korean-hangul", "Person", l, h, 1, e["id"])
    # Two Latin names of one record: a spelling variant only when surname and given name
    # are recognisably the same (lists also give unrelated aliases).
    if len(lat) >= 2 and lat[0] != lat[1]:
        a, b = lat[0].replace("-", " ").split(), lat[1].replace("-", " ").split()
        same_sur = crude(a[0]) == crude(b[0])
        given_close = difflib.SequenceMatcher(None, crude(" ".join(a[1:])), crude(" ".join(b[1:]))).ratio() >= 0.7
        if same_sur and given_close:
            add("korean-variants", "Person", lat[0], lat[1], 1, e["id"])
    parts = lat[0].split()
    sur = parts[0].upper()
    given = parts[1:]
    if sur in PASSPORT and given:
        add("korean-variants", "Person", f"{PASSPORT[sur].title()} {' '.join(given)}", lat[0], 1, e["id"])
    if given:
        g = [x.title() for x in given]
        add("korean-variants", "Person", f"{' '.join(g)} {sur.title()}", lat[0], 1, e["id"])
        add("korean-variants", "Person", f"{sur}, {'-'.join(g)}", lat[0], 1, e["id"])
        add("korean-variants", "Person", f"{sur.title()} {''.join(g).title()}", lat[0], 1, e["id"])

# Near misses: real pairs of different records sharing surname and one given syllable.
by_sur = {}
for i, l in korean_latin:
    p = l.replace("-", " ").split()
    by_sur.setdefault(p[0].upper(), []).append((i, p))
near = []
for sur, lst in by_sur.items():
    for a in range(len(lst)):
        for b in range(a + 1, len(lst)):
            (ia, pa), (ib, pb) = lst[a], lst[b]
            ga, gb = [x.lower() for x in pa[1:]], [x.lower() for x in pb[1:]]
            flat = lambda g: "".join(g).replace("'", "").replace("’", "")
            if crude(" ".join(pa)) != crude(" ".join(pb)) and flat(ga) != flat(gb) and len(ga) == len(gb) == 2 and (ga[0] == gb[0] or ga[1] == gb[1]):
                near.append((" ".join(pa), " ".join(pb), f"{ia} vs {ib}"))
random.shuffle(near)
for a, b, src in near[:120]:
    add("korean-near-miss", "Person", a, b, 0, src)
# One given syllable replaced (the Kim Jong Un / Kim Jong Il pattern).
SYL = ["Il", "Un", "Nam", "Chol", "Su", "Ho", "Hui", "Jong", "Yong", "Song", "Hyok", "Nam", "Chun"]
for i, l in random.sample(korean_latin, min(80, len(korean_latin))):
    p = l.replace("-", " ").split()
    if len(p) != 3:
        continue
    k = random.choice([1, 2])
    new = random.choice([s for s in SYL if s.lower() != p[k].lower()])
    q = p[:k] + [new] + p[k + 1:]
    add("korean-near-miss", "Person", " ".join(q), l, 0, f"synthetic from {i}")
add("korean-near-miss", "Person", "Kim Jong Un", "Kim Jong Il", 0, "ofac-20157 vs synthetic")
add("korean-near-miss", "Person", "Kim Jong Un", "Kim Yo Jong", 0, "ofac-20157 vs ofac")
add("korean-near-miss", "Person", "Kim Jong Un", "Kim Jong Nam", 0, "ofac-20157 vs synthetic")
add("korean-near-miss", "Person", "김정은", "김종은", 0, "synthetic")
add("korean-near-miss", "Person", "김정은", "김정일", 0, "synthetic")

# Common South Korean names (on no list) against list names with the same surname.
COMMON = ["김민준", "이서연", "박지훈", "최수빈", "정우진", "강민서", "조현우", "윤서준", "장하은",
          "임도윤", "한지민", "오세훈", "서지호", "신예은", "권민재", "황지우", "안수아", "송민호",
          "Kim Min-jun", "Lee Seo-yeon", "Park Ji-hoon", "Choi Su-bin", "Jung Woo-jin",
          "Kang Min-seo", "Cho Hyun-woo", "Yoon Seo-jun", "Jang Ha-eun", "Lim Do-yoon",
          "Han Ji-min", "Oh Se-hoon", "Seo Ji-ho", "Shin Ye-eun", "Kwon Min-jae"]
SUR_OF = {"김": "KIM", "이": "RI", "박": "PAK", "최": "CHOE", "정": "JONG", "강": "KANG", "조": "JO",
          "윤": "YUN", "장": "JANG", "임": "RIM", "한": "HAN", "오": "O", "서": "SO", "신": "SIN",
          "권": "KWON", "황": "HWANG", "안": "AN", "송": "SONG"}
LAT_SUR = {"KIM": "KIM", "LEE": "RI", "PARK": "PAK", "CHOI": "CHOE", "JUNG": "JONG", "KANG": "KANG",
           "CHO": "JO", "YOON": "YUN", "JANG": "JANG", "LIM": "RIM", "HAN": "HAN", "OH": "O",
           "SEO": "SO", "SHIN": "SIN", "KWON": "KWON"}
for n in COMMON:
    sur = SUR_OF.get(n[0]) if HANGUL.match(n) else LAT_SUR.get(n.split()[0].upper())
    cands = by_sur.get(sur or "", [])
    for i, p in random.sample(cands, min(4, len(cands))):
        add("korean-common", "Person", n, " ".join(p), 0, f"synthetic vs {i}")

# Katakana (Japan MOF): first katakana name ↔ first Latin name of the record.
for e in ents:
    if not e["id"].startswith("jp-") or e["schema"] != "Person":
        continue
    ns = names(e)
    k = [n for n in ns if KANA.search(n)]
    lat = [n for n in ns if LATIN.match(n)]
    if k and lat:
        korean = lat[0].split()[0].upper().strip(",") in KOREAN_SURNAMES and e["id"].startswith(("jp-13-", "jp-14-", "jp-15-", "jp-16-", "jp-17-"))
        add("katakana" if korean else "katakana-other", "Person", k[0], lat[0], 1, e["id"])
for g in ("katakana", "katakana-other"):
    rows_k = [r for r in rows if r[0] == g]
    rows[:] = [r for r in rows if r[0] != g]
    random.shuffle(rows_k)
    n = min(100, len(rows_k) * 2 // 3)
    rows += rows_k[:n]
    # Negatives: a katakana name against another record's Latin name of the same list.
    rest = rows_k[n:] or rows_k
    for a, b in list(zip(rest, rest[1:] + rest[:1]))[:100]:
        if a[5] != b[5] and crude(a[3]) != crude(b[3]):
            add(g, "Person", a[2], b[3], 0, f"{a[5]} vs {b[5]}")

# Other scripts from the EU annexes: original script ↔ Latin of the same record.
for group, pat in (("han", HAN), ("cyrillic", CYR), ("arabic", ARABIC)):
    pos = []
    for e in ents:
        if not e["id"].startswith("eu-"):
            continue
        ns = names(e)
        o = [n for n in ns if pat.search(n) and not re.search("[A-Za-z]", n)]
        lat = [n for n in ns if LATIN.match(n) and "Text of image" not in n]
        if o and lat:
            pos.append((e["schema"], o[0], lat[0], e["id"]))
    random.shuffle(pos)
    for s, o, l, i in pos[:80]:
        add(group, s, o, l, 1, i)
    for k in range(min(60, len(pos))):
        s, o, _, i = pos[k]
        _, _, l, j = pos[(k + 7) % len(pos)]
        if i != j:
            add(group, s, o, l, 0, f"{i} vs {j}")

# Companies: legal-form noise on list names; different companies sharing generic words.
LEGAL = [("CO., LTD.", "Company Limited"), ("LIMITED", "Ltd"), ("LLC", "L.L.C."),
         ("CORPORATION", "Corp."), ("COMPANY", "Co."), ("JSC", "Joint Stock Company"),
         ("OOO", "ООО"), ("GMBH", "GmbH"), ("INC.", "Incorporated")]
orgs = []
for e in ents:
    if e["schema"] not in ("Organization", "Company", "LegalEntity"):
        continue
    n = e["caption"]
    if LATIN.match(n) and 2 <= len(n.split()) <= 7:
        orgs.append((e["id"], n))
random.shuffle(orgs)
k = 0
for i, n in orgs:
    up = n.upper()
    for a, b in LEGAL:
        if up.endswith(" " + a) or up.endswith(", " + a):
            stem = n[: len(n) - len(a)].rstrip(" ,")
            add("company", "Organization", f"{stem} {b}", n, 1, i)
            add("company", "Organization", stem.title(), n, 1, i)
            k += 1
            break
    if k >= 90:
        break
generic = re.compile(r"(?i)\b(trading|bank|company|corporation|shipping|industrial|technology|group)\b")
pool = [(i, n) for i, n in orgs if generic.search(n)]
for (i, a), (j, b) in zip(pool[:200:2], pool[1:200:2]):
    if a.split()[-1].lower() == b.split()[-1].lower() or generic.search(a) and generic.search(b):
        add("company", "Organization", a, b, 0, f"{i} vs {j}")

# Typos on non-Korean person names; same-first-name negatives.
persons = []
for e in ents:
    if e["schema"] != "Person" or e["id"].startswith("jp-"):
        continue
    n = e["caption"]
    if LATIN.match(n) and 2 <= len(n.split()) <= 4 and len(n) >= 10 and "kp" not in e["properties"].get("nationality", []):
        persons.append((e["id"], n))
random.shuffle(persons)


def typo(s):
    i = random.randrange(1, len(s) - 1)
    kind = random.choice(["del", "dup", "swap", "sub"])
    if kind == "del":
        return s[:i] + s[i + 1:]
    if kind == "dup":
        return s[:i] + s[i] + s[i:]
    if kind == "swap":
        return s[: i - 1] + s[i] + s[i - 1] + s[i + 1:]
    return s[:i] + random.choice("aeiou") + s[i + 1:]


for i, n in persons[:120]:
    t = typo(n)
    if t.replace(" ", "") and t != n:
        add("typo", "Person", t, n, 1, i)
# Negatives: same given name, different surname (lists write `SURNAME Given`).
first = {}
for i, n in persons:
    first.setdefault(n.split()[1].lower(), []).append((i, n))
k = 0
for f, lst in first.items():
    if len(lst) >= 2 and len(f) >= 4:
        (i, a), (j, b) = lst[0], lst[1]
        if crude(a.split()[0]) != crude(b.split()[0]):
            add("typo", "Person", a, b, 0, f"{i} vs {j}")
            k += 1
    if k >= 100:
        break

variants = [r for r in rows if r[0] == "korean-variants"]
random.shuffle(variants)
rows[:] = [r for r in rows if r[0] != "korean-variants"] + variants[:320]
seen = set()
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["group", "schema", "query", "candidate", "label", "source"])
for r in rows:
    key = (r[2], r[3])
    if key in seen or not r[2] or not r[3] or r[2] == r[3]:
        continue
    seen.add(key)
    w.writerow(r)
