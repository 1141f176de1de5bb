//! Cordon's screening engine: Korean-aware name matching against sanctions lists.
//!
//! [`Matcher::build`] indexes entities in memory (tokens, trigrams, phonetic keys and Korean
//! syllable keys, so that a query scores only plausible candidates). [`Matcher::screen`] scores
//! them: a name score (Korean names syllable by syllable across Hangul, Revised Romanization,
//! McCune–Reischauer, DPRK and passport spellings; other names token by token) plus evidence
//! (birth date, country, gender, identifiers), with an [`Explanation`] a reviewer can read.
//! [`compare`] scores two bare names the same way.
//!
//! ```
//! use cordon_match::{compare, Matcher, Options, Query};
//! use cordon_model::{Entity, Schema, prop};
//!
//! let c = compare("Kim Jong Un", "김정은", None);
//! assert!(c.is_match && c.score > 0.85);
//! assert!(!compare("Kim Jong Un", "Kim Jong Il", None).is_match);
//!
//! let mut e = Entity::new("un-KPi.013", Schema::Person);
//! e.add(prop::NAME, "RI YONG HO");
//! e.add_dataset("un-sc");
//! let m = Matcher::build(vec![e]);
//! let hits = m.screen(&Query::new("이용호")?, &Options::default());
//! assert_eq!(hits[0].id, "un-KPi.013");
//! assert!(hits[0].is_match);
//! # Ok::<(), cordon_match::QueryError>(())
//! ```

mod evidence;
mod group;
mod joined;
mod matcher;
mod names;
mod query;

use compact_str::CompactString;
use cordon_model::Schema;
use cordon_text::{Conversions, normalize};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::sync::Arc;

pub use evidence::{Evidence, normalize_id, weights};
pub use group::un_references;
pub use matcher::{Explanation, Matcher, NAME_SHARE, ScreenResult, final_score, kind_of};
pub use names::{Aligned, PreparedName, levenshtein};
pub use query::{
    DEFAULT_THRESHOLD, MAX_QUERY_CHARS, Options, Query, QueryError, RawQuery, parse_schema,
};

/// The comparison of two bare names. Its strings are `CompactString`s (no allocation up to 24
/// bytes: a comparison is cheap enough that its result's allocations showed), which print and
/// serialise as the strings they hold.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The final score as screening would give it with no other evidence
    /// ([`NAME_SHARE`] × name score).
    pub score: f64,
    /// Whether `score` ≥ [`DEFAULT_THRESHOLD`].
    #[serde(rename = "match")]
    pub is_match: bool,
    /// The name similarity alone, 0–1.
    pub name_score: f64,
    /// First name as given.
    pub name1: CompactString,
    /// Second name as given.
    pub name2: CompactString,
    /// The forms compared.
    pub forms: (CompactString, CompactString),
    /// `korean syllables` or `tokens`.
    pub method: &'static str,
    /// Part alignment.
    pub alignment: Vec<Aligned>,
    /// Rules that fired.
    pub rules: Vec<&'static str>,
}

/// Compares two names of the given schema (`None` = unknown kind).
///
/// Remembers no word between calls (a thread keeps only the scratch buffers of its last
/// analysis); to compare many pairs, use a [`Comparer`].
pub fn compare(name1: &str, name2: &str, schema: Option<Schema>) -> Comparison {
    thread_local! {
        // Remembers no word, only the scratch buffers of the last analysis, so that a
        // comparison does not allocate and grow them again.
        static FORGETFUL: std::cell::RefCell<Comparer> = std::cell::RefCell::new(Comparer::forgetful());
    }
    FORGETFUL.with(|comparer| match comparer.try_borrow_mut() {
        Ok(mut comparer) => comparer.compare(name1, name2, schema),
        Err(_) => Comparer::forgetful().compare(name1, name2, schema),
    })
}

/// Compares pairs of names as [`compare`] does, remembering what it made of the names it has
/// seen: a batch of pairs repeats names (one list name against many queries) and words, and a
/// name or word analysed once is not analysed again ([`Comparer::DEFAULT_NAME_LIMIT`] names,
/// [`cordon_text::Analyzer::DEFAULT_WORD_LIMIT`] words at most). Every answer is [`compare`]'s.
///
/// ```
/// use cordon_match::{Comparer, compare};
///
/// let mut comparer = Comparer::new();
/// for (a, b) in [("Kim Jong Un", "김정은"), ("Kim Jong Un", "Kim Jong Il")] {
///     assert_eq!(
///         format!("{:?}", comparer.compare(a, b, None)),
///         format!("{:?}", compare(a, b, None))
///     );
/// }
/// ```
#[derive(Debug)]
pub struct Comparer {
    analyzer: cordon_text::Analyzer,
    names: NameMemo,
}

impl Default for Comparer {
    fn default() -> Self {
        Self::new()
    }
}

impl Comparer {
    /// How many names a comparer remembers: a few thousand prepared names, a few kilobytes
    /// each.
    pub const DEFAULT_NAME_LIMIT: usize = 1 << 12;

    /// A comparer with an empty memory of names and words.
    pub fn new() -> Self {
        Comparer {
            analyzer: cordon_text::Analyzer::new(),
            names: NameMemo::with_limit(Self::DEFAULT_NAME_LIMIT),
        }
    }

    /// A comparer that remembers no name and no word (what [`compare`] uses).
    fn forgetful() -> Self {
        Comparer {
            analyzer: cordon_text::Analyzer::with_word_limit(0),
            names: NameMemo::with_limit(0),
        }
    }

    /// [`compare`], reusing the words of earlier pairs.
    ///
    /// A name's Hanja readings, and the Korean guesses of a katakana name that cannot read as
    /// a Korean person's, are scored only against a name that can meet them
    /// (`PreparedName::scores_form`): the other name is analysed first, and they are made only
    /// when it can. The answer is the one the rule gives on both names fully analysed
    /// (property-tested).
    pub fn compare(&mut self, name1: &str, name2: &str, schema: Option<Schema>) -> Comparison {
        let kind = kind_of(schema);
        let (cjk1, cjk2) = (east_asian(name1), east_asian(name2));
        let (han1, han2) = (
            cjk1 && normalize::has_han(name1),
            cjk2 && normalize::has_han(name2),
        );
        // The name with conversions to leave out goes second: Han first, else kana.
        let second_first = if han1 == han2 {
            cjk1 && cordon_text::kana::has_kana(name1)
                && !(cjk2 && cordon_text::kana::has_kana(name2))
        } else {
            han1
        };
        let (first, second) = if second_first {
            (name2, name1)
        } else {
            (name1, name2)
        };
        // Without Han letters (as given) the second name has no readings to leave out; should
        // cleaning make some, building them all is what a full analysis does.
        let second_has_han = if second_first { han1 } else { han2 };
        let (f, s) = self.prepare_pair(first, second, kind, |first| Conversions {
            hanja_readings: !second_has_han || names::meets_hanja_readings(first),
            katakana_guesses: names::faces_korean(first),
        });
        let (a, b) = if second_first { (s, f) } else { (f, s) };
        compared(name1, name2, &a, &b)
    }

    /// The two names of a pair prepared, the second building only the conversions
    /// `second_builds` asks for once it has read the first's forms: remembered names as
    /// remembered, the others analysed (and remembered while there is room).
    fn prepare_pair(
        &mut self,
        first: &str,
        second: &str,
        kind: cordon_text::NameKind,
        second_builds: impl FnOnce(&[cordon_text::NameForm]) -> Conversions,
    ) -> (Prepared, Prepared) {
        if self.names.limit == 0 {
            let (f, s) = self
                .analyzer
                .analyze_pair_building(first, second, kind, second_builds);
            return (
                Prepared::Made(PreparedName::of_forms_compared_as_given(f)),
                Prepared::Made(PreparedName::of_forms_compared_as_given(s)),
            );
        }
        let f = self.prepared(first, kind, Conversions::ALL);
        let built = second_builds(&f.forms);
        let s = self.prepared(second, kind, built);
        (Prepared::Remembered(f), Prepared::Remembered(s))
    }

    /// `name` prepared with the conversions `built`, from memory or analysed now.
    fn prepared(
        &mut self,
        name: &str,
        kind: cordon_text::NameKind,
        built: Conversions,
    ) -> Arc<PreparedName> {
        // Hanja readings and katakana guesses are all a name's conversions can leave out.
        let built = if built == Conversions::ALL || east_asian(name) {
            built
        } else {
            Conversions::ALL
        };
        if let Some(known) = self.names.get(name, kind, built) {
            return Arc::clone(known);
        }
        let forms = self.analyzer.analyze_with_case_building(name, kind, built);
        let prepared = Arc::new(PreparedName::of_remembered_forms(name, forms));
        self.names.insert(name, kind, built, &prepared);
        prepared
    }
}

/// Whether `name` may have Han or kana letters. Their UTF-8 leads with 0xE2-0xE9, 0xEF or
/// 0xF0: most names are turned away by their bytes (ASCII a word at a time; Cyrillic, Arabic
/// and Hangul at 0xEA-0xED byte by byte), not read letter by letter.
fn east_asian(name: &str) -> bool {
    !name.is_ascii() && name.bytes().any(|b| matches!(b, 0xE2..=0xE9 | 0xEF | 0xF0))
}

/// Names a [`Comparer`] prepared, by kind and conversions built, then text: a name's analysis
/// depends on nothing else. Full, it keeps what it has and remembers no more.
#[derive(Debug)]
struct NameMemo {
    by_kind_and_conversions:
        [FxHashMap<Box<str>, Arc<PreparedName>>; 4 * cordon_text::NameKind::COUNT],
    len: usize,
    limit: usize,
}

impl NameMemo {
    fn with_limit(limit: usize) -> Self {
        NameMemo {
            by_kind_and_conversions: Default::default(),
            len: 0,
            limit,
        }
    }

    fn slot(kind: cordon_text::NameKind, built: Conversions) -> usize {
        kind.index() * 4
            + usize::from(built.hanja_readings) * 2
            + usize::from(built.katakana_guesses)
    }

    fn get(
        &self,
        name: &str,
        kind: cordon_text::NameKind,
        built: Conversions,
    ) -> Option<&Arc<PreparedName>> {
        self.by_kind_and_conversions[Self::slot(kind, built)].get(name)
    }

    fn insert(
        &mut self,
        name: &str,
        kind: cordon_text::NameKind,
        built: Conversions,
        prepared: &Arc<PreparedName>,
    ) {
        if self.len >= self.limit {
            return;
        }
        self.by_kind_and_conversions[Self::slot(kind, built)]
            .insert(name.into(), Arc::clone(prepared));
        self.len += 1;
    }
}

/// A prepared name of a pair: made for this comparison, or shared with a [`NameMemo`].
enum Prepared {
    Made(PreparedName),
    Remembered(Arc<PreparedName>),
}

impl std::ops::Deref for Prepared {
    type Target = PreparedName;

    fn deref(&self) -> &PreparedName {
        match self {
            Prepared::Made(name) => name,
            Prepared::Remembered(name) => name,
        }
    }
}

/// The comparison of two analysed names.
fn compared(name1: &str, name2: &str, a: &PreparedName, b: &PreparedName) -> Comparison {
    let ns = names::score_and_explain(a, b);
    let score = final_score(ns.score, &[]);
    let rules = names::rules_fired(
        [a.forms.get(ns.query_form), b.forms.get(ns.candidate_form)],
        &ns.alignment,
    );
    Comparison {
        score: names::round3(score),
        is_match: score >= DEFAULT_THRESHOLD,
        name_score: names::round3(ns.score),
        name1: CompactString::from(name1),
        name2: CompactString::from(name2),
        forms: (
            a.forms
                .get(ns.query_form)
                .map(|f| f.text.clone())
                .unwrap_or_default(),
            b.forms
                .get(ns.candidate_form)
                .map(|f| f.text.clone())
                .unwrap_or_default(),
        ),
        method: if ns.korean {
            "korean syllables"
        } else {
            "tokens"
        },
        alignment: ns.alignment,
        rules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Comparer::compare`] of two names each analysed in full, every form built.
    fn compared_in_full(a: &str, b: &str, schema: Option<Schema>) -> Comparison {
        let kind = kind_of(schema);
        compared(
            a,
            b,
            &PreparedName::of_compared_forms(a, cordon_text::analyze_with_case(a, kind)),
            &PreparedName::of_compared_forms(b, cordon_text::analyze_with_case(b, kind)),
        )
    }

    /// `compare` (which builds only the forms it scores) and the comparison of both names
    /// analysed in full, printed, in both orders.
    fn lazy_and_full_both_ways(a: &str, b: &str, schema: Option<Schema>) -> [(String, String); 2] {
        [(a, b), (b, a)].map(|(x, y)| {
            (
                format!("{:?}", compare(x, y, schema)),
                format!("{:?}", compared_in_full(x, y, schema)),
            )
        })
    }

    fn assert_as_in_full(a: &str, b: &str) {
        let schemas = [
            None,
            Some(Schema::Person),
            Some(Schema::Company),
            Some(Schema::LegalEntity),
        ];
        for schema in schemas {
            let full = format!("{:?}", compared_in_full(a, b, schema));
            assert_eq!(format!("{:?}", compare(a, b, schema)), full, "{a} / {b}");
            let mut remembering = Comparer::new();
            for _ in 0..2 {
                assert_eq!(
                    format!("{:?}", remembering.compare(a, b, schema)),
                    full,
                    "{a} / {b}"
                );
            }
        }
    }

    /// A comparison builds a name's Hanja readings only when the relevance rule scores them:
    /// it must answer what the rule gives on both names analysed in full, in either order, for
    /// every kind (Hanja readings against Hangul, romanised Korean, katakana and other names;
    /// two Chinese names; names of six forms, whose last is cut).
    #[test]
    fn regression_forms_not_built_as_not_scored() {
        for a in NAMES_BUILT_IN_PART {
            for b in NAMES_BUILT_IN_PART {
                assert_as_in_full(a, b);
            }
        }
    }

    /// One comparer over every ordered pair of [`NAMES_BUILT_IN_PART`] under every kind: a
    /// name it remembers from an earlier pair, in the other place or built with other
    /// conversions (a Han name's readings left out as second name, needed as first), answers
    /// as [`compare`] does.
    #[test]
    fn regression_remembered_names_answer_as_compare() {
        let mut comparer = Comparer::new();
        for schema in [None, Some(Schema::Person), Some(Schema::Company)] {
            // Each name met first as the second of a name that faces nothing Korean: its
            // Hanja readings and katakana guesses left out, then needed.
            let pairs = NAMES_BUILT_IN_PART
                .iter()
                .map(|b| ("HALEH BAKHTIAR", *b))
                .chain(
                    NAMES_BUILT_IN_PART
                        .iter()
                        .flat_map(|a| NAMES_BUILT_IN_PART.iter().map(move |b| (*a, *b))),
                );
            for (a, b) in pairs {
                assert_eq!(
                    format!("{:?}", comparer.compare(a, b, schema)),
                    format!("{:?}", compare(a, b, schema)),
                    "{a} / {b}"
                );
            }
        }
    }

    /// Names whose comparison builds some conversions and leaves others out, by what the
    /// other name faces.
    const NAMES_BUILT_IN_PART: &[&str] = &[
        "金铁三",
        "(金铁三)",
        "陈诚",
        "王明山",
        "安",
        "朴成哲",
        // Read alike in Korean (성), not in pinyin (cheng, xing).
        "朴星哲",
        "李晓翠",
        "山东裕龙石化有限公司",
        "中國石油(香港)有限公司",
        "朝鮮光鮮銀行",
        "アラビア半島の聖戦アル・カーイダ組織",
        "김철삼",
        "박성철",
        "Kim Chol Sam",
        "PAK Song Chol",
        "Jinsong Joint Bank",
        "WANG Mingshan",
        "Shandong Yulong Petrochemical Co., Ltd.",
        "パク・ジンヒョク",
        "セルゲイ・クゾヴレフ",
        "Ким Чен Ын",
        "Chen Cheng",
        "An",
        // Seven forms, the second pinyin cut: not when the Hanja readings are left out.
        "金行公司",
        "Jin Xinggongsi",
        // Katakana Korean guesses, scored by what the other name faces.
        "ムヘーリシ",
        "HE SI",
        "キム・ジョンシク",
        "KM Jong Sik",
        // Guesses not made for a katakana name that cannot read as Korean.
        "サリム・ヤシン",
        "SNG Rim",
        "ハーレ・バクティヤール",
        "HALEH BAKHTIAR",
        "金正恩・セルゲイ・クゾヴレフ",
    ];

    proptest::proptest! {
        #![proptest_config(cordon_testkit::proptest_cases(64))]
        #[test]
        fn forms_not_built_as_not_scored_arbitrary(
            a in "(金|铁|三|陈|诚|安|朴|成|哲|山|东|公司|有限|株式会社|김|철|삼|Kim|Chol|Sam|An|Chen| |,|\\(|\\)){0,8}",
            b in "(金|铁|三|陈|安|成|김|철|삼|박|Kim|Chol|Sam|Jinsong|Bank|Cheng|パク|チョル|Ким| ){0,6}",
        ) {
            for schema in [None, Some(Schema::Person), Some(Schema::Company)] {
                for (lazy, full) in lazy_and_full_both_ways(&a, &b, schema) {
                    proptest::prop_assert_eq!(lazy, full);
                }
            }
        }
    }

    /// Every katakana name of the labelled pairs (the Japan list's, Korean names and others),
    /// against its own partner and names that face Korean or not, in either order: a
    /// comparison that leaves out the Korean guesses of a katakana name that cannot read as a
    /// Korean person's answers as one on both names in full.
    #[test]
    fn regression_katakana_names_of_the_lists_as_in_full() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pairs.csv");
        let mut rows = csv::Reader::from_path(path).expect("pairs.csv");
        let others = [
            "Kim Jong Un",
            "김정은",
            "KM Jong Sik",
            "HE SI",
            "金正恩",
            "キム・ジョンウン",
        ];
        let mut katakana = 0;
        for row in rows.records() {
            let row = row.expect("csv row");
            if !row[0].starts_with("katakana") {
                continue;
            }
            katakana += 1;
            let (name, partner) = (&row[2], &row[3]);
            for other in others.iter().copied().chain([partner]) {
                for schema in [None, Some(Schema::Person)] {
                    for (lazy, full) in lazy_and_full_both_ways(name, other, schema) {
                        assert_eq!(lazy, full);
                    }
                }
            }
        }
        assert!(katakana > 300, "{katakana} katakana rows");
    }

    /// A katakana name whose kana cut cannot read as a Korean name (`che·un·a·ri`, four
    /// syllables) while its romaji can (`cheun'ari` read `cheun·a·ri`) is Korean-shaped, so its
    /// Korean guesses are scored against any name: `compare` left them unbuilt and scored
    /// `チェウンアリ` / `Un` 0 where the full analysis scores 0.353 (found by
    /// `katakana_guesses_not_built_as_not_scored_arbitrary` at 20,000 cases).
    #[test]
    fn regression_guesses_built_when_the_romaji_reads_as_korean() {
        for schema in [None, Some(Schema::Person)] {
            for (lazy, full) in lazy_and_full_both_ways("チェウンアリ", "Un", schema) {
                assert_eq!(lazy, full);
            }
        }
        assert!(compare("チェウンアリ", "Un", None).score > 0.0);
    }

    proptest::proptest! {
        #![proptest_config(cordon_testkit::proptest_cases(64))]
        /// Arbitrary katakana names, Korean and other, against arbitrary names that face
        /// Korean or not: as on both in full.
        #[test]
        fn katakana_guesses_not_built_as_not_scored_arbitrary(
            a in "(キム|パク|リ|チェ|ジョン|ウン|イル|チョル|ン|ゲン|ホン|セルゲイ|クゾヴレフ|アリ|ハサン|ヤシン|ー|ッ|・| |金|Kim){0,8}",
            b in "(Kim|Jong|Un|KM|Sik|He|Si|Sergei|Ali|Hasan|김|정|은|金|正|恩|キム|ジョン|セルゲイ| ){0,6}",
        ) {
            for schema in [None, Some(Schema::Person), Some(Schema::Company)] {
                for (lazy, full) in lazy_and_full_both_ways(&a, &b, schema) {
                    proptest::prop_assert_eq!(lazy, full);
                }
            }
        }
    }

    /// The explanation's inline strings and rule names must print (`{:?}`, which the
    /// `score_pairs` digest reads) and serialise (`cordon compare --json`, screening results)
    /// exactly as the `String`s they replaced.
    #[test]
    fn regression_explanation_prints_and_serialises_as_strings() {
        // Parts short enough to be inline and long enough to be on the heap.
        let pairs = [
            ("Kim Jong Un", "김정은"),
            (
                "Korea Mining Development Trading Corporation",
                "KOREA MINING DEVELOPMENT TRADING CORP",
            ),
            (
                "Владимир Александрович Смирнов",
                "Vladimir Aleksandrovich Smirnov",
            ),
        ];
        for (a, b) in pairs {
            let c = compare(a, b, None);
            assert!(!c.alignment.is_empty(), "{a} / {b}");
            let json = serde_json::to_value(&c).expect("serialises");
            let as_strings = |s: &str| (format!("{s:?}"), serde_json::Value::from(s));
            for (i, part) in c.alignment.iter().enumerate() {
                for (field, text) in [
                    ("query", part.query.as_str()),
                    ("candidate", part.candidate.as_str()),
                    ("rule", part.rule),
                ] {
                    let (debug, value) = as_strings(text);
                    assert_eq!(json["alignment"][i][field], value, "{a} / {b}");
                    let printed = format!("{part:?}");
                    assert!(printed.contains(&format!("{field}: {debug}")), "{printed}");
                }
            }
            for (i, rule) in c.rules.iter().enumerate() {
                assert_eq!(json["rules"][i], as_strings(rule).1);
            }
            for (field, text) in [("name1", &c.name1), ("name2", &c.name2)] {
                assert_eq!(json[field], as_strings(text).1);
                assert!(format!("{c:?}").contains(&format!("{field}: {:?}", text.as_str())));
            }
            assert_eq!(json["forms"][0], as_strings(&c.forms.0).1);
        }
    }
}
