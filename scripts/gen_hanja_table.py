#!/usr/bin/env python3
"""Generate cordon-text's Hanja→Hangul and traditional→simplified tables from Unihan.

Usage (Debian/Ubuntu):
    apt-get install -y unicode-data
    python3 scripts/gen_hanja_table.py [/usr/share/unicode]

Writes crates/cordon-text/src/hanja_table.rs and crates/cordon-text/src/chinese_table.rs.
The output is deterministic; rerun it when the Unicode version changes and commit the result.

Hanja readings come from the `kHangul` field, whose values look like `금:0E 김:0N`: the source
digits say which Korean standard lists the reading, `E` marks the reading taught in schools
and `N` a reading used in personal names (the Kim/Geum split of 金). Readings are ordered
E before N before the rest. Two things are added that Unihan does not spell out:

* the initial-sound rule (두음 법칙): a reading that starts with ㄹ or ㄴ also gets its South
  Korean word-initial form (리 → 이, 로 → 노, 녀 → 여) when Unihan does not already list it,
  because North Korean lists keep ㄹ (RI Yong Ho) while South Korean spelling drops it;
* simplified characters with no `kHangul` of their own borrow the readings of their
  traditional variants (吴 → 吳 → 오), since Chinese-script lists write Korean names that way.
"""

import bz2
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "crates", "cordon-text", "src")

S_BASE, L_COUNT, V_COUNT, T_COUNT = 0xAC00, 19, 21, 28
L_RIEUL, L_NIEUN, L_IEUNG = 5, 2, 11
# Medial vowels before which word-initial ㄹ and ㄴ drop entirely: ㅑ ㅕ ㅖ ㅛ ㅠ ㅣ.
V_I_LIKE = {2, 6, 7, 12, 17, 20}


def read_field_lines(path):
    with bz2.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cp, field, value = line.rstrip("\n").split("\t", 2)
            yield int(cp[2:], 16), field, value


def unicode_version(path):
    with bz2.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("# Unicode version:"):
                return line.split(":", 1)[1].strip()
            if not line.startswith("#"):
                break
    return "unknown"


def initial_sound_rule(reading):
    """The word-initial (South Korean) form of a Hangul syllable, or None if unchanged."""
    s = ord(reading) - S_BASE
    if not 0 <= s < L_COUNT * V_COUNT * T_COUNT:
        return None
    l, rest = divmod(s, V_COUNT * T_COUNT)
    v = rest // T_COUNT
    if l == L_RIEUL:
        new_l = L_IEUNG if v in V_I_LIKE else L_NIEUN
    elif l == L_NIEUN and v in V_I_LIKE:
        new_l = L_IEUNG
    else:
        return None
    return chr(S_BASE + new_l * V_COUNT * T_COUNT + rest)


def rank(flags):
    return (0 if "E" in flags else 1 if "N" in flags else 2 if "0" in flags else 3)


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
    readings_path = os.path.join(data_dir, "Unihan_Readings.txt.bz2")
    variants_path = os.path.join(data_dir, "Unihan_Variants.txt.bz2")
    version = unicode_version(readings_path)

    hangul = {}
    for cp, field, value in read_field_lines(readings_path):
        if field != "kHangul":
            continue
        items = []
        for i, item in enumerate(value.split()):
            reading, _, flags = item.partition(":")
            if len(reading) != 1:
                continue
            items.append((rank(flags), i, reading, "N" in flags))
        items.sort()
        hangul[cp] = [(r, n) for _, _, r, n in items]

    trad_of, simp_of = {}, {}
    for cp, field, value in read_field_lines(variants_path):
        if field not in ("kTraditionalVariant", "kSimplifiedVariant"):
            continue
        # Values may carry a source suffix (`U+4E94<kMatthews`); only the code point matters.
        targets = [int(t.split("<")[0][2:], 16) for t in value.split()]
        if field == "kTraditionalVariant":
            trad_of[cp] = targets
        elif field == "kSimplifiedVariant":
            simp_of[cp] = targets

    borrowed = 0
    for cp, trads in sorted(trad_of.items()):
        if cp in hangul:
            continue
        merged = []
        for t in trads:
            for r, n in hangul.get(t, []):
                if r not in [m for m, _ in merged]:
                    merged.append((r, n))
        if merged:
            hangul[cp] = merged
            borrowed += 1

    rule_added = 0
    entries = []
    for cp in sorted(hangul):
        readings = hangul[cp]
        present = {r for r, _ in readings}
        extra = []
        for r, n in readings:
            alt = initial_sound_rule(r)
            if alt and alt not in present:
                extra.append((alt, n))
                present.add(alt)
        rule_added += len(extra)
        readings = readings + extra
        if len(readings) > 8:
            readings = readings[:8]
        mask = sum(1 << i for i, (_, n) in enumerate(readings) if n)
        entries.append((cp, "".join(r for r, _ in readings), mask))

    header = (
        f"// @generated by scripts/gen_hanja_table.py from Unihan {version} (Unihan_Readings.txt\n"
        "// kHangul, Unihan_Variants.txt kTraditionalVariant). Do not edit by hand.\n"
        "// Data: Copyright © 1991-2022 Unicode, Inc., licence Unicode-3.0\n"
        "// (https://www.unicode.org/license.txt).\n"
    )
    with open(os.path.join(OUT_DIR, "hanja_table.rs"), "w", encoding="utf-8") as out:
        out.write(header)
        out.write(
            f"// {len(entries)} characters ({borrowed} simplified forms borrowing their traditional\n"
            f"// variant's readings); {rule_added} readings added by the initial-sound rule.\n\n"
            f"/// Unihan version the table was generated from.\n"
            f"pub(crate) const UNIHAN_VERSION: &str = \"{version}\";\n\n"
            "/// `(hanja, readings most common first, bit i set = reading i is a name reading)`,\n"
            "/// sorted by hanja for binary search.\n"
            "#[rustfmt::skip]\n"
            "pub(crate) static HANJA: &[(char, &[char], u8)] = &[\n"
        )
        for cp, readings, mask in entries:
            chars = ",".join(f"'{r}'" for r in readings)
            out.write(f"('{chr(cp)}',&[{chars}],{mask}),\n")
        out.write("];\n")

    pairs = []
    for cp, simps in sorted(simp_of.items()):
        simp = simps[0]
        if simp != cp:
            pairs.append((cp, simp))
    with open(os.path.join(OUT_DIR, "chinese_table.rs"), "w", encoding="utf-8") as out:
        out.write(
            f"// @generated by scripts/gen_hanja_table.py from Unihan {version} (Unihan_Variants.txt\n"
            "// kSimplifiedVariant). Do not edit by hand.\n" + header.split("\n", 2)[2]
        )
        out.write(
            f"// {len(pairs)} traditional characters with a different simplified form.\n\n"
            "/// `(traditional, simplified)`, sorted by the traditional character.\n"
            "#[rustfmt::skip]\n"
            "pub(crate) static TO_SIMPLIFIED: &[(char, char)] = &[\n"
        )
        line = []
        for t, s in pairs:
            line.append(f"('{chr(t)}','{chr(s)}'),")
            if len(line) == 10:
                out.write("".join(line) + "\n")
                line = []
        if line:
            out.write("".join(line) + "\n")
        out.write("];\n")
    print(f"Unihan {version}: {len(entries)} hanja, {borrowed} borrowed, {rule_added} by rule, {len(pairs)} simplified pairs")


if __name__ == "__main__":
    main()
