//! Country names and codes as sanctions lists write them, mapped to ISO 3166-1 alpha-2.
//!
//! Lists write the same country many ways: `Korea, North`, `DPRK`, `Democratic People's Republic
//! of Korea`, `North Korean` (as a nationality), `PRK`. [`code`] maps all of them to `kp`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::cldr_countries::CLDR_COUNTRY_NAMES;
use crate::iso_countries::ISO_COUNTRIES;

/// Extra names (nationality adjectives, list spellings, local names) beyond the ISO names.
const ALIASES: &[(&str, &str)] = &[
    ("kp", "korea, north"),
    ("kp", "north korea"),
    ("kp", "dprk"),
    ("kp", "d.p.r.k."),
    ("kp", "d.p.r. of korea"),
    ("kp", "korea, dprk"),
    ("kp", "korea (dprk)"),
    ("kp", "democratic people's republic of korea (dprk)"),
    ("kp", "korea, democratic people's republic"),
    ("kp", "north korean"),
    ("kp", "korean (dprk)"),
    ("kp", "조선민주주의인민공화국"),
    ("kp", "북한"),
    ("kp", "朝鮮民主主義人民共和国"),
    ("kp", "北朝鮮"),
    ("kr", "korea, south"),
    ("kr", "south korea"),
    ("kr", "republic of korea"),
    ("kr", "korea, republic of"),
    ("kr", "south korean"),
    ("kr", "rok"),
    ("kr", "대한민국"),
    ("kr", "한국"),
    ("kr", "韓国"),
    ("kr", "大韓民国"),
    ("cn", "china"),
    ("cn", "chinese"),
    ("cn", "people's republic of china"),
    ("cn", "prc"),
    ("cn", "中国"),
    ("cn", "中華人民共和国"),
    ("jp", "japanese"),
    ("jp", "日本"),
    ("ru", "russia"),
    ("ru", "russian"),
    ("ru", "russian federation"),
    ("ir", "iran"),
    ("ir", "iranian"),
    ("ir", "iran, islamic republic of"),
    ("sy", "syria"),
    ("sy", "syrian"),
    ("us", "united states"),
    ("us", "usa"),
    ("us", "u.s.a."),
    ("us", "american"),
    ("gb", "united kingdom"),
    ("gb", "uk"),
    ("gb", "british"),
    ("gb", "great britain"),
    ("ae", "uae"),
    ("ae", "emirati"),
    ("vn", "vietnam"),
    ("vn", "vietnamese"),
    ("la", "laos"),
    ("la", "lao"),
    ("la", "laotian"),
    ("ve", "venezuela"),
    ("ve", "venezuelan"),
    ("bo", "bolivia"),
    ("tw", "taiwan"),
    ("tz", "tanzania"),
    ("md", "moldova"),
    ("cd", "congo, democratic republic of the"),
    ("cd", "democratic republic of the congo"),
    ("cd", "drc"),
    ("cg", "congo, republic of the"),
    ("cg", "republic of the congo"),
    ("ci", "cote d'ivoire"),
    ("ci", "ivory coast"),
    ("cz", "czech republic"),
    ("mk", "macedonia"),
    ("mk", "north macedonia"),
    ("ps", "palestine"),
    ("ps", "palestinian"),
    ("ps", "state of palestine"),
    ("ps", "palestinian territories"),
    ("ps", "west bank"),
    ("ps", "gaza"),
    ("va", "holy see"),
    ("fm", "micronesia"),
    ("bs", "bahamas, the"),
    ("gm", "gambia, the"),
    ("gm", "the gambia"),
    ("kn", "st. kitts & nevis"),
    ("kn", "st. kitts and nevis"),
    ("kn", "saint kitts & nevis"),
    ("mk", "north macedonia, the republic of"),
    ("mk", "republic of north macedonia"),
    ("lc", "st. lucia"),
    ("vc", "st. vincent and the grenadines"),
    ("bs", "the bahamas"),
    ("mm", "burma"),
    ("mm", "myanmar (burma)"),
    ("tr", "turkey"),
    ("tr", "turkish"),
    ("af", "afghan"),
    ("iq", "iraqi"),
    ("ly", "libyan"),
    ("ye", "yemeni"),
    ("so", "somali"),
    ("sd", "sudanese"),
    ("pk", "pakistani"),
    ("in", "indian"),
    ("lb", "lebanese"),
    ("by", "belarusian"),
    ("by", "belarus"),
    ("ua", "ukrainian"),
    ("cu", "cuban"),
    ("ni", "nicaraguan"),
    ("mx", "mexican"),
    ("co", "colombian"),
    ("de", "german"),
    ("fr", "french"),
    ("it", "italian"),
    ("es", "spanish"),
    ("sg", "singaporean"),
    ("my", "malaysian"),
    ("th", "thai"),
    ("ph", "filipino"),
    ("id", "indonesian"),
    ("kh", "cambodian"),
    ("mn", "mongolian"),
    ("hk", "hong kong"),
    ("mo", "macau"),
    ("mo", "macao"),
    ("xk", "kosovo"),
    ("ge", "georgian"),
    ("am", "armenian"),
    ("az", "azerbaijani"),
    ("kz", "kazakh"),
    ("uz", "uzbek"),
    ("tj", "tajik"),
    ("kg", "kyrgyz"),
    ("tm", "turkmen"),
    ("eg", "egyptian"),
    ("sa", "saudi"),
    ("sa", "saudi arabian"),
    ("qa", "qatari"),
    ("kw", "kuwaiti"),
    ("jo", "jordanian"),
    ("il", "israeli"),
    ("ng", "nigerian"),
    ("et", "ethiopian"),
    ("er", "eritrean"),
    ("ss", "south sudanese"),
    ("cf", "central african"),
    ("ml", "malian"),
    ("zw", "zimbabwean"),
    ("ug", "ugandan"),
    ("ke", "kenyan"),
    ("rw", "rwandan"),
    ("bi", "burundian"),
    ("tn", "tunisian"),
    ("dz", "algerian"),
    ("ma", "moroccan"),
    ("mr", "mauritanian"),
    ("ca", "canadian"),
    ("au", "australian"),
    ("no", "norwegian"),
    ("sn", "senegalese"),
    ("be", "belgian"),
    ("nl", "dutch"),
    ("se", "swedish"),
    ("dk", "danish"),
    ("fi", "finnish"),
    ("ch", "swiss"),
    ("at", "austrian"),
    ("pl", "polish"),
    ("gr", "greek"),
    ("pt", "portuguese"),
    ("ie", "irish"),
    ("br", "brazilian"),
    ("ar", "argentinian"),
    ("ar", "argentine"),
    ("ve", "venezuelan"),
    ("pe", "peruvian"),
    ("cl", "chilean"),
    ("bd", "bangladeshi"),
    ("lk", "sri lankan"),
    ("np", "nepalese"),
    ("mv", "maldivian"),
    ("om", "omani"),
    ("bh", "bahraini"),
    ("dj", "djiboutian"),
    ("td", "chadian"),
    ("ne", "nigerien"),
    ("bf", "burkinabe"),
    ("gn", "guinean"),
    ("cm", "cameroonian"),
    ("gh", "ghanaian"),
    ("tz", "tanzanian"),
    ("mz", "mozambican"),
    ("ao", "angolan"),
    ("za", "south african"),
    ("na", "namibian"),
    ("bw", "motswana"),
    ("zm", "zambian"),
    ("mw", "malawian"),
    ("mg", "malagasy"),
    ("ba", "bosnian"),
    ("rs", "serbian"),
    ("hr", "croatian"),
    ("al", "albanian"),
    ("bg", "bulgarian"),
    ("ro", "romanian"),
    ("hu", "hungarian"),
    ("cz", "czech"),
    ("sk", "slovak"),
    ("lt", "lithuanian"),
    ("lv", "latvian"),
    ("ee", "estonian"),
    ("md", "moldovan"),
    ("cy", "cypriot"),
    ("mt", "maltese"),
    ("nz", "new zealander"),
    ("hk", "china, hong kong special administrative region"),
    ("mo", "china, macao special administrative region"),
    ("la", "lao people's democratic republic"),
];

/// Qualifiers lists put before a country ("possibly Palestinian", "a) Syrian").
const QUALIFIERS: &[&str] = &[
    "possibly ",
    "probably ",
    "reportedly ",
    "assumed ",
    "allegedly ",
    "a) ",
    "b) ",
    "c) ",
];

fn table() -> &'static HashMap<String, &'static str> {
    static TABLE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = HashMap::new();
        for (a2, a3, names) in ISO_COUNTRIES {
            m.insert((*a2).to_owned(), *a2);
            m.insert((*a3).to_owned(), *a2);
            for n in *names {
                m.insert(key(n), *a2);
            }
        }
        // Local-language names (CLDR) first, so that hand-written aliases win on a clash.
        for (code, name) in CLDR_COUNTRY_NAMES {
            m.entry(key(name)).or_insert(*code);
        }
        for (code, name) in ALIASES {
            let a2 = ISO_COUNTRIES
                .iter()
                .find(|(c, _, _)| c == code)
                .map_or("", |(c, _, _)| *c);
            let a2 = if a2.is_empty() { *code } else { a2 };
            m.insert(key(name), a2);
        }
        m
    })
}

fn key(s: &str) -> String {
    s.trim()
        .trim_end_matches('.')
        .to_lowercase()
        .replace(['’', '`'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The ISO 3166-1 alpha-2 code (lower case) for a country name, nationality adjective, alpha-2
/// or alpha-3 code, as lists write them. `None` when the text is not a known country.
pub fn code(name: &str) -> Option<&'static str> {
    let k = key(name);
    if k.is_empty() {
        return None;
    }
    if let Some(c) = table().get(&k) {
        return Some(c);
    }
    // "possibly Palestinian", "Iraqi. National Identification No.: …", "Italian since 1990":
    // a qualifier before, or a remark after, the country.
    let mut core = k.as_str();
    for q in QUALIFIERS {
        core = core.strip_prefix(q).unwrap_or(core);
    }
    let core = core
        .split(['.', '(', ';', '（'])
        .next()
        .unwrap_or(core)
        .split(" since ")
        .next()
        .unwrap_or(core)
        .split(" until ")
        .next()
        .unwrap_or(core)
        .trim();
    if core != k
        && let Some(c) = table().get(core)
    {
        return Some(c);
    }
    // "Pyongyang, Korea, North" style: try the longest known suffix after a comma.
    let mut rest = k.as_str();
    while let Some((_, tail)) = rest.split_once(',') {
        let tail = tail.trim();
        if let Some(c) = table().get(tail) {
            return Some(c);
        }
        rest = tail;
    }
    None
}

/// The English name of a country code, if known.
pub fn name(code: &str) -> Option<&'static str> {
    let code = code.to_ascii_lowercase();
    ISO_COUNTRIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .and_then(|(_, _, names)| names.first().copied())
}

/// Whether the text is a known alpha-2 code.
pub fn is_code(code: &str) -> bool {
    ISO_COUNTRIES
        .iter()
        .any(|(c, _, _)| c.eq_ignore_ascii_case(code))
        || code.eq_ignore_ascii_case("xk")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_spellings() {
        for s in [
            "Korea, North",
            "DPRK",
            "Democratic People's Republic of Korea",
            "North Korean",
            "PRK",
            "KP",
            "조선민주주의인민공화국",
            "Pyongyang, Korea, North",
        ] {
            assert_eq!(code(s), Some("kp"), "{s}");
        }
        assert_eq!(code("Korea, South"), Some("kr"));
        assert_eq!(code("Republic of Korea"), Some("kr"));
        assert_eq!(code("Russia"), Some("ru"));
        assert_eq!(code("Atlantis"), None);
        assert_eq!(code("北朝鮮"), Some("kp"));
        assert_eq!(code("クウェート"), Some("kw"));
        assert_eq!(code("КНДР"), Some("kp"));
        assert_eq!(code("State of Palestine"), Some("ps"));
        assert_eq!(code("possibly Palestinian"), Some("ps"));
        assert_eq!(
            code("Iraqi. National Identification No.: 00278640"),
            Some("iq")
        );
        assert_eq!(code("Italian since 1990"), Some("it"));
        assert_eq!(code("USSR (until 1991)"), None);
        assert_eq!(code("None Identified"), None);
        assert_eq!(code(""), None);
        assert!(is_code("kp"));
        assert_eq!(name("kp"), Some("Democratic People's Republic of Korea"));
    }
}
