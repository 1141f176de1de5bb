//! Name analysis: one raw name → the forms a matcher compares.
//!
//! A name becomes one or more [`NameForm`]s: the name as written, plus one per script
//! conversion that applies (Hanja readings, katakana romaji, pinyin, Cyrillic/Greek/Arabic
//! transliterations). Each form has [`Token`]s (with an ASCII spelling and a phonetic key) and,
//! when the name reads as a Korean person name, one or two [`KoreanReading`]s: surname and
//! given-name syllables, with the surname position taken from a comma (`KIM, Jong Un`), an
//! upper-case word (`KIM Jong Un`), or the surname table.

use compact_str::CompactString;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use crate::korean::{self, SylSource, Syllable};
use crate::normalize::{self, Script, TokenClass};
use crate::{belarusian, chinese, hanja, kana, russian_org, translit};

/// What kind of thing a name belongs to; decides titles, legal forms and Korean reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// A person.
    Person,
    /// An organisation, company, vessel or other non-person.
    Organization,
    /// Unknown (a query with schema `Any`, or a LegalEntity).
    Unknown,
}

impl NameKind {
    /// How many kinds there are: tables kept per kind have this many slots.
    pub const COUNT: usize = 3;

    /// The kind's slot in a table kept per kind (below [`NameKind::COUNT`]).
    pub const fn index(self) -> usize {
        match self {
            NameKind::Person => 0,
            NameKind::Organization => 1,
            NameKind::Unknown => 2,
        }
    }
}

/// How a form was derived from the written name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    /// The name as written.
    Written,
    /// Hangul readings of Hanja characters (Unihan `kHangul`).
    HanjaReading,
    /// Hepburn romaji of Japanese kana.
    Katakana,
    /// Toneless pinyin of Chinese characters.
    Pinyin,
    /// Organisation words in English, the rest in pinyin (Chinese, [`Script::Han`]) or
    /// transliterated (Russian, [`Script::Cyrillic`]).
    Glossary(Script),
    /// Transliteration of Cyrillic, Greek or Arabic.
    Transliteration(Script),
    /// A Russian-written name read as Belarusian is romanised ([`crate::belarusian`]).
    Belarusian,
    /// The same reading in the Belarusian national Latin alphabet
    /// ([`crate::belarusian::Alphabet::National`]).
    BelarusianLatin,
}

impl Via {
    /// The rule name shown in explanations.
    pub fn label(self) -> &'static str {
        match self {
            Via::Written => "as written",
            Via::HanjaReading => "Hanja reading",
            Via::Katakana => "katakana",
            Via::Pinyin => "pinyin",
            Via::Glossary(Script::Cyrillic) => "Russian organisation words",
            Via::Glossary(_) => "Chinese organisation words",
            Via::Transliteration(Script::Cyrillic) => "Cyrillic transliteration",
            Via::Transliteration(Script::Greek) => "Greek transliteration",
            Via::Transliteration(Script::Arabic) => "Arabic transliteration",
            Via::Transliteration(_) => "transliteration",
            Via::Belarusian => "Belarusian romanization",
            Via::BelarusianLatin => "Belarusian national Latin alphabet",
        }
    }
}

/// One word of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word as normalised, in its own script (`kim`, `cho'ng`, `김정은`).
    pub text: CompactString,
    /// ASCII spelling (diacritics and apostrophes removed; Hangul in Revised Romanization).
    pub latin: CompactString,
    /// Coarse phonetic key of `latin` ([`normalize::phonetic_key`]).
    pub key: CompactString,
    /// What the word is for matching.
    pub class: TokenClass,
    /// The word's Korean syllable keys run together (`kwangson`, `광선` → `KWAQSON`); empty
    /// when the word does not read as Korean.
    pub korean_key: CompactString,
    /// The script the word was written in.
    pub script: Script,
    /// Which letters `latin` contains ([`normalize::letter_mask`]): two words whose masks
    /// differ in more letters than a typo budget cannot be within it.
    pub letters: u32,
}

/// A reading of a name as a Korean person name: its surname syllables (one, or two for
/// 남궁, 황보 …) and given-name syllables, in order ([`KoreanReading::surname`],
/// [`KoreanReading::given`]).
///
/// Kept in one `Vec`, surname first: one allocation per reading, not two (a Korean name's
/// readings were a third of what its analysis allocated and freed).
#[derive(Clone, PartialEq, Eq)]
pub struct KoreanReading {
    syllables: Vec<Syllable>,
    surname_len: usize,
}

impl KoreanReading {
    /// The reading of these surname and given-name syllables.
    pub fn new(surname: &[Syllable], given: &[Syllable]) -> Self {
        let mut syllables = Vec::with_capacity(surname.len() + given.len());
        syllables.extend_from_slice(surname);
        syllables.extend_from_slice(given);
        KoreanReading {
            syllables,
            surname_len: surname.len(),
        }
    }

    /// Surname syllables (one, or two for 남궁, 황보 …).
    pub fn surname(&self) -> &[Syllable] {
        self.syllables.get(..self.surname_len).unwrap_or_default()
    }

    /// Given-name syllables, in order.
    pub fn given(&self) -> &[Syllable] {
        self.syllables.get(self.surname_len..).unwrap_or_default()
    }

    /// Surname and given-name syllables, in that order.
    pub fn syllables(&self) -> &[Syllable] {
        &self.syllables
    }
}

// Written out so that it prints what the derived `Debug` of the two `Vec`s printed: the
// analysis digest (`examples/analysis_digest.rs`) hashes it.
impl std::fmt::Debug for KoreanReading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KoreanReading")
            .field("surname", &self.surname())
            .field("given", &self.given())
            .finish()
    }
}

/// One comparable form of a name.
#[derive(Debug, Clone, PartialEq)]
pub struct NameForm {
    /// How this form was derived.
    pub via: Via,
    /// The form's text (tokens joined by spaces), for explanations.
    pub text: CompactString,
    /// The tokens, in written order.
    pub tokens: Vec<Token>,
    /// Korean person-name readings (empty when the name does not read as Korean).
    pub korean: Vec<KoreanReading>,
    /// The dominant script of the form.
    pub script: Script,
    /// Rules that shaped the form's words without showing in them.
    pub notes: FormNotes,
    /// Bit `t` set: token `t` is a single word in parentheses right after another word of a
    /// person's name, that word's alternative spelling (`Aleksei (Alexey) Lavrinenko`).
    pub alternatives: u16,
    /// Other spellings of the form's words by other rules (a Cyrillic name's transliteration
    /// systems and Belarusian readings), in the order the rules were applied: one form whose
    /// words each carry their spellings, in place of a whole form per rule.
    pub word_alternatives: Vec<WordAlternative>,
}

/// Another spelling of one word of a form ([`NameForm::word_alternatives`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordAlternative {
    /// The index of the form's token it spells.
    pub at: u8,
    /// The rule that spelt it.
    pub via: Via,
    /// The word so spelt.
    pub token: Token,
}

/// Rules that changed which words a form has, or how they read, named in explanations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormNotes {
    /// Titles at an edge of a person's name were dropped (`Major General`, `Sheikh`).
    pub titles_dropped: bool,
    /// An alias marker opening a parenthesis was dropped (`(a.k.a. Maloul)`).
    pub alias_marker: bool,
    /// Arabic-script words with a Persian letter were read as Persian (ض as z).
    pub persian: bool,
    /// Arabic-script words stored in reverse order were put back in reading order
    /// ([`translit::restored_word_order`]).
    pub word_order_restored: bool,
}

impl FormNotes {
    /// The rule names shown in explanations.
    pub fn labels(self) -> impl Iterator<Item = &'static str> {
        [
            (self.titles_dropped, "title dropped"),
            (self.alias_marker, "a.k.a. alternative"),
            (self.persian, "Persian reading"),
            (
                self.word_order_restored,
                "right-to-left word order restored",
            ),
        ]
        .into_iter()
        .filter_map(|(on, label)| on.then_some(label))
    }
}

impl NameForm {
    /// Tokens that carry identity (not legal forms or generic words).
    pub fn strong_tokens(&self) -> impl Iterator<Item = &Token> {
        self.tokens
            .iter()
            .filter(|t| matches!(t.class, TokenClass::Word | TokenClass::Number))
    }
}

/// Which of a name's conversions an analysis builds: a comparison that will not score a
/// conversion against the other name need not make it ([`Analyzer::analyze_pair_building`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversions {
    /// Hangul readings of Hanja ([`Via::HanjaReading`]).
    pub hanja_readings: bool,
    /// A katakana name's Korean guesses ([`Via::Katakana`] forms before its romaji) also when
    /// none of them can read as a Korean person's name: then only a name facing Korean scores
    /// them. When false, the guesses of such a name are not made (it is kana alone, five forms
    /// at most in full: none is cut for their place), and those of any other katakana name are.
    pub katakana_guesses: bool,
}

impl Conversions {
    /// Every conversion that applies.
    pub const ALL: Conversions = Conversions {
        hanja_readings: true,
        katakana_guesses: true,
    };
}

/// At most this many forms per name (written form included).
pub const MAX_FORMS: usize = 6;
/// At most this many Hanja readings per name.
const MAX_HANJA_READINGS: usize = 3;
/// At most this many Korean guesses per katakana name (only these are made).
const MAX_KATAKANA_GUESSES: usize = 3;
/// At most this many tokens per form; longer names are cut.
pub const MAX_TOKENS: usize = 16;

/// Analyses a raw name into its comparable forms; empty when the name has no letters or digits.
///
/// Remembers nothing: a name analysed once should not pay for a memory of its words. To
/// analyse many names, use an [`Analyzer`].
pub fn analyze(raw: &str, kind: NameKind) -> Vec<NameForm> {
    analyze_reusing(
        raw,
        kind,
        true,
        &mut Analyzer::with_word_limit(0),
        Pair::Alone,
        Conversions::ALL,
    )
}

/// Analyses names, remembering what it made of each word so that a word seen in an earlier
/// name is not analysed again: the words of names repeat (three words in four of a pass over
/// the labelled pairs were seen before in the pass; list names share a far smaller
/// vocabulary than their word count).
///
/// The memory is explicit state of this value, never global: every answer is what
/// [`analyze`] gives (property-tested, and `examples/analysis_digest.rs --shared-analyzer`
/// hashes every real list name through one analyzer). It is bounded: after
/// [`Analyzer::DEFAULT_WORD_LIMIT`] words (or the limit given) it stops remembering new ones
/// and keeps serving the ones it has.
///
/// ```
/// use cordon_text::{Analyzer, NameKind, analyze_with_case};
///
/// let mut analyzer = Analyzer::new();
/// for name in ["KIM Jong Un", "Kim Yo Jong", "Ri Yong Ho"] {
///     assert_eq!(
///         analyzer.analyze_with_case(name, NameKind::Person),
///         analyze_with_case(name, NameKind::Person)
///     );
/// }
/// assert_eq!(analyzer.remembered_words(), 7);
/// ```
#[derive(Debug)]
pub struct Analyzer {
    words: WordMemo,
    /// Scratch space of one analysis, kept for the next one.
    buffers: Buffers,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Analyzer {
    /// How many words an analyzer remembers unless told otherwise: the vocabulary of every
    /// name on the lists under one kind fits, at about 200 bytes a word.
    pub const DEFAULT_WORD_LIMIT: usize = 1 << 16;

    /// An analyzer with an empty memory of at most [`Self::DEFAULT_WORD_LIMIT`] words.
    pub fn new() -> Self {
        Self::with_word_limit(Self::DEFAULT_WORD_LIMIT)
    }

    /// An analyzer that remembers at most `limit` words (0: none, as [`analyze`]).
    pub fn with_word_limit(limit: usize) -> Self {
        Analyzer {
            words: WordMemo::with_limit(limit),
            buffers: Buffers::default(),
        }
    }

    /// [`analyze`], remembering words.
    pub fn analyze(&mut self, raw: &str, kind: NameKind) -> Vec<NameForm> {
        analyze_reusing(raw, kind, true, self, Pair::Alone, Conversions::ALL)
    }

    /// [`analyze_with_case`], remembering words.
    pub fn analyze_with_case(&mut self, raw: &str, kind: NameKind) -> Vec<NameForm> {
        self.analyze_with_case_in(raw, kind, Pair::Alone, Conversions::ALL)
    }

    /// [`Analyzer::analyze_with_case`] of the two names of a pair of one kind, each as it
    /// would be alone. A word of the second name that the first name has is copied from the
    /// first name's token, not made again: the two names of a compared pair share words
    /// (`KIM Jong Un` and `Kim Jong Un`, a list name and its transliteration).
    pub fn analyze_pair_with_case(
        &mut self,
        first: &str,
        second: &str,
        kind: NameKind,
    ) -> (Vec<NameForm>, Vec<NameForm>) {
        self.analyze_pair_building(first, second, kind, |_| Conversions::ALL)
    }

    /// [`Analyzer::analyze_pair_with_case`], the second name's conversions limited to those
    /// `second_builds` asks for once it has read the first name's forms. A conversion not
    /// built still counts towards [`MAX_FORMS`], so that the forms built are the ones a full
    /// analysis has, in its order, less those left out.
    pub fn analyze_pair_building(
        &mut self,
        first: &str,
        second: &str,
        kind: NameKind,
        second_builds: impl FnOnce(&[NameForm]) -> Conversions,
    ) -> (Vec<NameForm>, Vec<NameForm>) {
        // While the memory of words has room, the first name's words are in it: records
        // would only repeat them.
        if self.words.len < self.words.limit {
            let a = self.analyze_with_case(first, kind);
            let built = second_builds(&a);
            let b = self.analyze_with_case_in(second, kind, Pair::Alone, built);
            return (a, b);
        }
        let a = self.analyze_with_case_in(first, kind, Pair::First, Conversions::ALL);
        let built = second_builds(&a);
        let b = self.analyze_with_case_in(second, kind, Pair::Second(&a), built);
        (a, b)
    }

    /// [`Analyzer::analyze_with_case`], building only the conversions in `built`: the second
    /// name of a pair as [`Analyzer::analyze_pair_building`] analyses it, for a caller that
    /// remembers whole names and so analyses each name of a pair on its own.
    pub fn analyze_with_case_building(
        &mut self,
        raw: &str,
        kind: NameKind,
        built: Conversions,
    ) -> Vec<NameForm> {
        self.analyze_with_case_in(raw, kind, Pair::Alone, built)
    }

    /// [`Analyzer::analyze_with_case`] as name `pair` of a pair, building `built`.
    fn analyze_with_case_in(
        &mut self,
        raw: &str,
        kind: NameKind,
        pair: Pair<'_>,
        built: Conversions,
    ) -> Vec<NameForm> {
        let mut moved = std::mem::take(&mut self.buffers.moved);
        let forms = if with_surname_first(raw, kind, &mut moved) {
            analyze_reusing(&moved, kind, true, self, pair, built)
        } else {
            analyze_reusing(raw, kind, true, self, pair, built)
        };
        self.buffers.moved = moved;
        forms
    }

    /// How many distinct (word, kind) analyses it holds.
    pub fn remembered_words(&self) -> usize {
        self.words.len
    }
}

/// What [`make_token`] made of words in earlier names, per [`NameKind`]: the token and the
/// Korean syllables it appended. Keyed by the word as folded; the word's script is a function
/// of it, and the kind decides the rest (numbers, legal forms, generic words).
#[derive(Debug, Default)]
struct WordMemo {
    by_kind: [FxHashMap<CompactString, MadeWord>; NameKind::COUNT],
    /// The syllables of every remembered word, one after another.
    syllables: Vec<Syllable>,
    len: usize,
    limit: usize,
}

/// One remembered [`make_token`] result; `syllables` is a range of [`WordMemo::syllables`].
#[derive(Debug)]
struct MadeWord {
    token: Token,
    syllables: Option<(u32, u32)>,
}

impl WordMemo {
    fn with_limit(limit: usize) -> Self {
        WordMemo {
            limit,
            ..WordMemo::default()
        }
    }

    /// What `make_token(word, kind, …)` made when it was remembered.
    fn get(&self, word: &str, kind: NameKind) -> Option<&MadeWord> {
        if self.len == 0 {
            return None;
        }
        self.by_kind.get(kind.index())?.get(word)
    }

    /// The result of `make_token` that `made` remembers, its syllables appended to
    /// `syllables` as `make_token` would append them.
    fn replay(&self, made: &MadeWord, syllables: &mut Vec<Syllable>) -> (Token, Option<Span>) {
        let span = made.syllables.map(|(from, to)| {
            let at = syllables.len();
            syllables.extend_from_slice(
                self.syllables
                    .get(from as usize..to as usize)
                    .unwrap_or_default(),
            );
            (at, syllables.len())
        });
        (made.token.clone(), span)
    }

    /// Remembers what `make_token` made of `word` (`made_syllables`: the syllables it
    /// appended), unless the memo is full.
    // Inlined: every word a forgetful analyzer makes asks, and its memo is always full (out
    // of line since the closed vocabularies call it too: +90 instructions a Latin pair).
    #[inline(always)]
    /// Keeps a made word's syllables after the others: their range, or `None` inside when it
    /// made none; `None` when the range does not fit in `u32`s (nothing kept).
    fn keep_syllables(&mut self, made: Option<&[Syllable]>) -> Option<Option<(u32, u32)>> {
        let Some(made) = made else {
            return Some(None);
        };
        let from = self.syllables.len();
        self.syllables.extend_from_slice(made);
        match (u32::try_from(from), u32::try_from(self.syllables.len())) {
            (Ok(from), Ok(to)) => Some(Some((from, to))),
            _ => {
                self.syllables.truncate(from);
                None
            }
        }
    }

    fn insert(
        &mut self,
        word: &str,
        kind: NameKind,
        token: &Token,
        made_syllables: Option<&[Syllable]>,
    ) {
        if self.len >= self.limit {
            return;
        }
        let Some(syllables) = self.keep_syllables(made_syllables) else {
            return;
        };
        let Some(map) = self.by_kind.get_mut(kind.index()) else {
            return;
        };
        map.insert(
            CompactString::from(word),
            MadeWord {
                token: token.clone(),
                syllables,
            },
        );
        self.len += 1;
    }
}

/// A closed vocabulary of words that forms write, each word made once per kind
/// ([`vocabulary_word`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vocabulary {
    /// A pinyin form writes one word per Han character, each of about 400 syllables
    /// ([`chinese::PINYIN_SYLLABLES`]).
    Pinyin,
    /// A Chinese organisation form writes the English of its organisation words and the
    /// places' spellings ([`chinese::gloss_words`]).
    ChineseGloss,
    /// A katakana name's Korean guesses write one word per Korean syllable
    /// ([`kana::korean_syllable_words`]).
    KanaKoreanSyllables,
    /// An Arabic name's transliterations write the listed spellings of its common words, the
    /// article and the `abd al-` / `al-din` spellings ([`translit::arabic_vocabulary`]), and
    /// its other words letter by letter.
    ArabicSpellings,
}

impl Vocabulary {
    /// The vocabulary many words of a form `via` are of, if any; `from_kana`: the form
    /// is a katakana name's Korean guess rather than its romaji.
    fn of_form(via: Via, from_kana: bool) -> Option<Self> {
        match via {
            Via::Pinyin => Some(Vocabulary::Pinyin),
            Via::Glossary(Script::Han) => Some(Vocabulary::ChineseGloss),
            Via::Katakana if from_kana => Some(Vocabulary::KanaKoreanSyllables),
            Via::Transliteration(Script::Arabic) => Some(Vocabulary::ArabicSpellings),
            _ => None,
        }
    }
}

/// What [`make_token`] makes of `word` of `kind` when it is a word of `vocabulary`. Each word
/// is made once per kind rather than once per form (making them again was an eighth of a
/// Chinese company name's comparison, and a katakana name's Korean guesses made a syllable
/// for every guess of every analysis).
fn vocabulary_word(
    vocabulary: Vocabulary,
    word: &str,
    kind: NameKind,
) -> Option<(&'static WordMemo, &'static MadeWord)> {
    type ByKind = [OnceLock<WordMemo>; 3];
    static PINYIN: ByKind = [const { OnceLock::new() }; 3];
    static GLOSS: ByKind = [const { OnceLock::new() }; 3];
    static KANA_KOREAN: ByKind = [const { OnceLock::new() }; 3];
    static ARABIC: ByKind = [const { OnceLock::new() }; 3];
    let slot = kind.index();
    let words = match vocabulary {
        Vocabulary::Pinyin => PINYIN
            .get(slot)?
            .get_or_init(|| made_once(chinese::PINYIN_SYLLABLES.iter().copied(), kind)),
        Vocabulary::ChineseGloss => GLOSS
            .get(slot)?
            .get_or_init(|| made_once(chinese::gloss_words().iter().map(String::as_str), kind)),
        Vocabulary::KanaKoreanSyllables => KANA_KOREAN.get(slot)?.get_or_init(|| {
            let syllables = kana::korean_syllable_words();
            made_once(syllables.iter().map(String::as_str), kind)
        }),
        Vocabulary::ArabicSpellings => ARABIC.get(slot)?.get_or_init(|| {
            let spellings = translit::arabic_vocabulary();
            made_once(spellings.iter().map(String::as_str), kind)
        }),
    };
    words.get(word, kind).map(|made| (words, made))
}

/// What [`make_token`] makes of each of `vocabulary`'s words (Latin) of `kind`, remembered by
/// the word.
fn made_once<'a>(vocabulary: impl IntoIterator<Item = &'a str>, kind: NameKind) -> WordMemo {
    let mut memo = WordMemo::default();
    let mut words = FxHashMap::default();
    make_each(vocabulary, kind, &mut memo, |w, made| {
        words.insert(CompactString::from(w), made);
    });
    (memo.len, memo.limit) = (words.len(), words.len());
    if let Some(by_kind) = memo.by_kind.get_mut(kind.index()) {
        *by_kind = words;
    }
    memo
}

/// Makes each of `vocabulary`'s words (Latin) of `kind` with [`make_token`], keeps its
/// syllables in `memo`'s buffer and hands the word and what was made of it to `keep`: a
/// closed vocabulary made once, whatever it is looked up by.
fn make_each<'a>(
    vocabulary: impl IntoIterator<Item = &'a str>,
    kind: NameKind,
    memo: &mut WordMemo,
    mut keep: impl FnMut(&'a str, MadeWord),
) {
    let (mut scratch, mut made) = (String::new(), Vec::new());
    for w in vocabulary {
        made.clear();
        let (token, span) = make_token(w, kind, Script::Latin, &mut scratch, &mut made);
        if let Some(syllables) = memo.keep_syllables(span.and_then(|(from, to)| made.get(from..to)))
        {
            keep(w, MadeWord { token, syllables });
        }
    }
    memo.syllables.shrink_to_fit();
}

/// The words the Korean syllable grammar spells as one syllable
/// ([`korean::latin_syllable_words`]) made once for one kind, by their [`head`]: the closed
/// vocabulary of every form without one of its own ([`latin_syllable_word`]). Every Latin word
/// of those forms is looked up, and most are none of them (an organisation's, a transliterated
/// Russian's): keyed by the head, which is the whole word since none is longer than eight
/// bytes, a word is turned away by one hash of two integers rather than of its text (the
/// text's hash made company pairs 1 % slower).
struct SyllableWords {
    by_head: FxHashMap<(usize, u64), MadeWord>,
    /// The memo they were made into, for its syllables ([`WordMemo::replay`]).
    made: WordMemo,
}

/// The longest word of [`SyllableWords`] (`tchyeong`), in bytes.
const MAX_SYLLABLE_WORD_BYTES: usize = 8;

/// What [`make_token`] makes of the word whose [`head`] is `word_head`, of `kind`, when it is a
/// word the Korean syllable grammar spells as one syllable (nearly every word of a romanised
/// Korean name: `kim`, `jong`, `un`, `choe`), as [`vocabulary_word`] for a vocabulary.
fn latin_syllable_word(
    word_head: (usize, u64),
    kind: NameKind,
) -> Option<(&'static WordMemo, &'static MadeWord)> {
    static BY_KIND: [OnceLock<SyllableWords>; 3] = [const { OnceLock::new() }; 3];
    if word_head.0 > MAX_SYLLABLE_WORD_BYTES {
        return None;
    }
    let words = BY_KIND.get(kind.index())?.get_or_init(|| {
        // Made straight into the map by head (kept for the process's life: no second table),
        // the words' syllables into the memo's one buffer.
        let vocabulary = korean::latin_syllable_words();
        let mut made = WordMemo::default();
        let mut by_head = FxHashMap::with_capacity_and_hasher(vocabulary.len(), Default::default());
        make_each(vocabulary, kind, &mut made, |w, word| {
            by_head.insert(head(w), word);
        });
        SyllableWords { by_head, made }
    });
    words
        .by_head
        .get(&word_head)
        .map(|made| (&words.made, made))
}

/// Which name of a pair an analysis is ([`Analyzer::analyze_pair_with_case`]).
#[derive(Clone, Copy)]
enum Pair<'a> {
    /// A name on its own.
    Alone,
    /// The first name of a pair: every token it makes is recorded for the second.
    First,
    /// The second name: the first name's forms, whose tokens the first
    /// [`Buffers::other_records`] of [`Buffers::made`] record.
    Second(&'a [NameForm]),
}

/// [`analyze`]; `reuse` lets a later form copy the tokens an earlier one made of the same
/// word, and the second name of a pair those of the first (off only in the test that checks
/// it changes nothing); `analyzer` holds the words of earlier names and the buffers of the
/// last analysis; `built`, the conversions made.
fn analyze_reusing(
    raw: &str,
    kind: NameKind,
    reuse: bool,
    analyzer: &mut Analyzer,
    pair: Pair<'_>,
    built: Conversions,
) -> Vec<NameForm> {
    let mut cleaned = std::mem::take(&mut analyzer.buffers.cleaned);
    normalize::clean_into(raw, &mut cleaned);
    let mut alias_marker = false;
    if cleaned.contains('(') {
        if let Some(without) = normalize::drop_alias_markers(&cleaned) {
            cleaned = without;
            alias_marker = true;
        }
        cleaned = cleaned
            .replace("(주)", " 주식회사 ")
            .replace("(유)", " 유한회사 ");
    }
    if kind != NameKind::Person {
        normalize::replace_phrases_in(&mut cleaned);
    }
    // An ASCII name has no Han, kana, Cyrillic, Greek or Arabic letters: one form, Latin.
    let ascii = cleaned.is_ascii();
    let script = if ascii {
        Script::Latin
    } else {
        Script::dominant(&cleaned)
    };
    let mut word_order_restored = false;
    if script == Script::Arabic
        && let Some(restored) = translit::restored_word_order(&cleaned)
    {
        cleaned = restored;
        word_order_restored = true;
    }
    let mut forms = Vec::with_capacity(if ascii { 1 } else { MAX_FORMS });
    // Hanja readings not built, each in the place it would have among the forms: a Hanja
    // reading has Hangul words that no earlier form spells, so a full analysis keeps it.
    let mut readings_left_out = false;
    let Analyzer {
        words: memo,
        buffers,
    } = analyzer;
    // An ASCII name has one form: its records pay only for the second name of a pair.
    let other = match pair {
        Pair::Second(other) => other,
        Pair::Alone | Pair::First => &[],
    };
    buffers.start_name(
        reuse && (!ascii || matches!(pair, Pair::First)),
        matches!(pair, Pair::Second(_)),
    );
    add_form(
        &mut forms,
        &cleaned,
        kind,
        Via::Written,
        false,
        buffers,
        memo,
        other,
    );
    let has_han = !ascii && normalize::has_han(&cleaned);
    let mut glossed = false;
    if has_han
        && kind != NameKind::Person
        && let Some(g) = chinese::organisation_form(&cleaned)
    {
        glossed = true;
        add_form(
            &mut forms,
            &g,
            kind,
            Via::Glossary(Script::Han),
            false,
            buffers,
            memo,
            other,
        );
    }
    if has_han {
        if kind != NameKind::Organization && !built.hanja_readings {
            readings_left_out = true;
        } else if kind != NameKind::Organization {
            for h in hanja::to_hangul_forms(&cleaned)
                .into_iter()
                .take(MAX_HANJA_READINGS)
            {
                add_form(
                    &mut forms,
                    &h,
                    kind,
                    Via::HanjaReading,
                    false,
                    buffers,
                    memo,
                    other,
                );
            }
        }
        // An organisation form spells every run of Han characters it does not gloss in
        // pinyin: the syllables spaced apart changed no decision beside it (dev pairs, four
        // held-out sets, whole list; `docs/benchmarks/screen.md`, "Han and kana names' cost,
        // continued") and cost a quarter of a Chinese company name's comparison.
        let pinyin_forms = if glossed {
            Vec::new()
        } else {
            chinese::pinyin_forms(&cleaned)
        };
        for p in pinyin_forms.into_iter().take(2) {
            if p != cleaned {
                add_form(
                    &mut forms,
                    &p,
                    kind,
                    Via::Pinyin,
                    false,
                    buffers,
                    memo,
                    other,
                );
            }
        }
    }
    if !ascii && kana::has_kana(&cleaned) {
        let guesses = match kind {
            NameKind::Organization => kana::KoreanForms::None,
            _ if built.katakana_guesses => kana::KoreanForms::All,
            // The guesses left out stand before the romaji, which is always made then (a name
            // of kana alone: not all its words are dropped as titles, and none has its text).
            _ => kana::KoreanForms::IfNameShaped,
        };
        let (korean, r) = kana::korean_forms_and_romaji(&cleaned, guesses, MAX_KATAKANA_GUESSES);
        for k in korean {
            add_form(
                &mut forms,
                &k,
                kind,
                Via::Katakana,
                true,
                buffers,
                memo,
                other,
            );
        }
        if r != cleaned {
            add_form(
                &mut forms,
                &r,
                kind,
                Via::Katakana,
                false,
                buffers,
                memo,
                other,
            );
        }
    }
    // A Russian organisation name's glossary form takes the place of its third
    // transliteration: lists translate such names more often than they spell them a third way.
    let glossary = (script == Script::Cyrillic && kind != NameKind::Person)
        .then(|| russian_org::organisation_forms(&cleaned))
        .flatten();
    // Lowered once for the transliterations and the Belarusian reading.
    let lowered = (script == Script::Cyrillic).then(|| translit::lowered_cyrillic(&cleaned));
    let korean_shaped = script == Script::Cyrillic && translit::looks_korean(&cleaned);
    // A Russian name: its other spellings are the written form's words' alternatives where
    // they spell the same words, an organisation's transliterations too; its glossary forms
    // stay whole (they translate words into others, of other classes), and a Korean name's
    // spellings make Korean readings of their own.
    let fold = script == Script::Cyrillic
        && !korean_shaped
        && forms.len() == 1
        && forms.first().is_some_and(|f| f.via == Via::Written);
    // The written form's words are in the order a comma gives (`SURNAME, Given` read as
    // `Given SURNAME`); a reading that drops the comma has them as written.
    let comma_surname = if fold {
        comma_split(&cleaned).map(|(_, _, words_after)| words_after)
    } else {
        None
    };
    // The Belarusian passport reading stays a whole form as well: its words may meet a list's
    // spelling by sound only when the whole name reads Belarusian (`zemtsou` ~ `ziamtsau`),
    // which a word's alternative, mixed with Russian spellings of the other words, may not.
    // `spaces`: its maker wrote `text` as plain words, with spaces there ([`translit::Spelling`]).
    let mut add = |forms: &mut Vec<NameForm>,
                   text: &str,
                   spaces: Option<&translit::Spaces>,
                   via: Via,
                   buffers: &mut Buffers| {
        let folded = fold
            && !matches!(via, Via::Glossary(_))
            && fold_into_written(
                forms,
                text,
                spaces,
                comma_surname,
                kind,
                via,
                buffers,
                memo,
                other,
            );
        if !folded || via == Via::Belarusian {
            add_form(forms, text, kind, via, false, buffers, memo, other);
        }
    };
    if matches!(script, Script::Cyrillic | Script::Greek | Script::Arabic) {
        let via = Via::Transliteration(script);
        let systems = if glossary.is_some() { 2 } else { 3 };
        let known = lowered.as_deref().map(|lowered| translit::KnownCyrillic {
            lowered,
            looks_korean: korean_shaped,
        });
        for l in translit::latin_forms_upto_known(&cleaned, known, systems) {
            if l.text != cleaned {
                add(&mut forms, &l.text, l.spaces.as_ref(), via, buffers);
            }
        }
    }
    if let Some((g, kinds_only)) = glossary {
        let via = Via::Glossary(Script::Cyrillic);
        add(&mut forms, &g, None, via, buffers);
        if let Some(k) = kinds_only {
            add(&mut forms, &k, None, via, buffers);
        }
    } else if let Some(lowered) = &lowered
        && kind != NameKind::Organization
        && !korean_shaped
        && let Some([passport, national]) = belarusian::readings_of_lowered(lowered)
    {
        add(
            &mut forms,
            &passport.text,
            passport.spaces.as_ref(),
            Via::Belarusian,
            buffers,
        );
        add(
            &mut forms,
            &national.text,
            national.spaces.as_ref(),
            Via::BelarusianLatin,
            buffers,
        );
    }
    // The readings left out are counted only where their places can cut a form: most names
    // of Han have three forms besides them.
    let left_out = if readings_left_out && forms.len() + MAX_HANJA_READINGS > MAX_FORMS {
        hanja::hangul_form_count(&cleaned).min(MAX_HANJA_READINGS)
    } else {
        0
    };
    forms.truncate(MAX_FORMS.saturating_sub(left_out));
    if alias_marker || script == Script::Arabic {
        let persian = script == Script::Arabic && translit::reads_as_persian(&cleaned);
        for f in &mut forms {
            f.notes.alias_marker = alias_marker;
            f.notes.persian = persian && f.via == Via::Transliteration(Script::Arabic);
            f.notes.word_order_restored = word_order_restored;
        }
    }
    buffers.cleaned = cleaned;
    forms
}

/// Adds the form of `text` unless it has no words or an earlier form has the same text.
// The name's forms, the buffers, the memory of words and the other name's forms are borrowed
// apart, so that a form can read the ones it reuses while it writes the buffers.
#[allow(clippy::too_many_arguments)]
fn add_form(
    forms: &mut Vec<NameForm>,
    text: &str,
    kind: NameKind,
    via: Via,
    from_kana: bool,
    buffers: &mut Buffers,
    memo: &mut WordMemo,
    other: &[NameForm],
) {
    let made_before_form = buffers.made.len();
    if let Some(f) = form(text, kind, via, from_kana, forms, buffers, memo, other)
        && !forms.iter().any(|g| g.text == f.text)
    {
        forms.push(f);
    } else {
        // A dropped form's tokens are not there to be reused: the records it added.
        buffers.made.truncate(made_before_form);
    }
}

/// Adds the words of `text`, spelt by rule `via`, to the written form (`forms[0]`) as its
/// words' alternative spellings, when `text` has its words one for one: the same number, none
/// a title, each of its token's class. False (nothing added) otherwise. `spaces`: `text` is
/// plain words with spaces there, as its maker wrote it ([`translit::Spelling`]), read without
/// [`split_words`]. `comma_surname`: the written form's words were put in the order
/// `SURNAME, Given` gives ([`split_words`]). A
/// spelling the other name of a pair (`other`) has is copied from it, and each one made is
/// recorded for later forms and the other name to copy, as [`form`]'s tokens are.
#[allow(clippy::too_many_arguments)]
fn fold_into_written(
    forms: &mut [NameForm],
    text: &str,
    spaces: Option<&translit::Spaces>,
    comma_surname: Option<usize>,
    kind: NameKind,
    via: Via,
    buffers: &mut Buffers,
    memo: &mut WordMemo,
    other: &[NameForm],
) -> bool {
    let Some(written) = forms.first_mut() else {
        return false;
    };
    let (words, comma) = match spaces {
        Some(spaces) => words_between(text, spaces),
        None => split_words(text),
    };
    // Word `i` of the written form is word `(i + shift) % words.len()` of the spelling: a
    // spelling without the comma has the surname's words first.
    let shift = match (comma_surname, comma) {
        (Some(k), None) if k <= words.len() => words.len() - k,
        (a, b) if a != b => return false,
        _ => 0,
    };
    if words.len() != written.tokens.len()
        || written.notes.titles_dropped
        || written.alternatives != 0
        || !written.korean.is_empty()
    {
        return false;
    }
    let from = written.word_alternatives.len();
    let (syllables_from, made_from) = (buffers.syllables.len(), buffers.made.len());
    let mut folded_ok = true;
    for i in 0..words.len() {
        let Some(&w) = words.get((i + shift) % words.len()) else {
            folded_ok = false;
            break;
        };
        // A plain word is lower-case ASCII letters and digits: its own folding.
        let folded = if spaces.is_some() {
            w
        } else {
            fold_word(w, &mut buffers.fold)
        };
        let Some(base) = written.tokens.get(i) else {
            folded_ok = false;
            break;
        };
        // A spelling the word or an earlier rule has already: the earlier one scores at
        // least as much. A transliterated word is nearly always letters alone, compared whole.
        let alphanumeric = spaces.is_some() || folded.bytes().all(|b| b.is_ascii_alphanumeric());
        let spelt = |latin: &str| {
            if alphanumeric {
                latin == folded
            } else {
                latin
                    .bytes()
                    .eq(folded.bytes().filter(u8::is_ascii_alphanumeric))
            }
        };
        if spelt(&base.latin)
            || written
                .word_alternatives
                .iter()
                .any(|a| usize::from(a.at) == i && spelt(&a.token.latin))
        {
            continue;
        }
        if normalize::is_title(folded) {
            folded_ok = false;
            break;
        }
        let syllables = &mut buffers.syllables;
        let (token, span) = match memo.get(folded, kind) {
            Some(made) => memo.replay(made, syllables),
            None => {
                let script = if spaces.is_some() {
                    Script::Latin
                } else {
                    Script::dominant(folded)
                };
                let other_made = buffers.made.get(..buffers.other_records);
                let copied = (buffers.other_records > 0
                    && buffers.other_heads & head_bit(head(folded)) != 0)
                    .then(|| {
                        made_before(folded, head(folded), script, other, other_made?, syllables)
                    })
                    .flatten();
                match copied {
                    Some(copy) => copy,
                    None => {
                        let (token, span) =
                            make_token(folded, kind, script, &mut buffers.scratch, syllables);
                        let made = span.map(|(f, t)| syllables.get(f..t).unwrap_or_default());
                        memo.insert(folded, kind, &token, made);
                        (token, span)
                    }
                }
            }
        };
        // An organisation keeps no syllables ([`form`]).
        let span = match span {
            Some((f, _)) if kind == NameKind::Organization => {
                syllables.truncate(f);
                None
            }
            span => span,
        };
        let Ok(at) = u8::try_from(i) else {
            folded_ok = false;
            break;
        };
        if token.latin.is_empty() || token.class != base.class {
            folded_ok = false;
            break;
        }
        if buffers.record_made {
            buffers.made.push(Made {
                head: head(folded),
                form: 0,
                token: written.word_alternatives.len(),
                span,
                alternative: true,
            });
        }
        written
            .word_alternatives
            .push(WordAlternative { at, via, token });
    }
    if !folded_ok {
        written.word_alternatives.truncate(from);
        buffers.syllables.truncate(syllables_from);
        buffers.made.truncate(made_from);
    }
    folded_ok
}

/// The words of a name, at most [`MAX_TOKENS`], with the surname position a comma gives.
type Words<'a> = smallvec::SmallVec<[&'a str; MAX_TOKENS]>;

/// Raw words with the position hint: `SURNAME, Given` is read as `Given SURNAME`, with the
/// surname's word index.
#[inline(always)]
fn split_words(s: &str) -> (Words<'_>, Option<usize>) {
    let mut words = Words::new();
    let surname_at = split_words_into(s, &mut words);
    (words, surname_at)
}

/// [`split_words`] into `words` (empty), returning the surname position: [`form`] fills its
/// own vector, where one returned was copied (some 270 bytes a form).
// Inlined: every form starts with it.
#[inline(always)]
fn split_words_into<'a>(s: &'a str, words: &mut Words<'a>) -> Option<usize> {
    let (first, second, surname_at) = match comma_split(s) {
        Some((before, after, words_after)) => (after, before, Some(words_after)),
        None => (s, "", None),
    };
    push_words(first, words);
    if !second.is_empty() {
        push_words(second, words);
    }
    surname_at
}

/// `SURNAME, Given` ([`split_words`]): one comma, a short part before it; the parts before and
/// after it and the number of words after it (the surname's word index once they are read
/// first). Asked alone where only the surname position is wanted: the words are not split.
// Inlined into `split_words_into`, where it was written, which every form starts with.
#[inline(always)]
fn comma_split(s: &str) -> Option<(&str, &str, usize)> {
    let (before, after) = s.split_once(',')?;
    (!after.contains(',')
        && before.split_whitespace().count() <= 2
        && !after.trim().is_empty()
        && !before.trim().is_empty())
    .then(|| {
        (
            before,
            after,
            after.split(is_sep).filter(|w| !w.is_empty()).count(),
        )
    })
}

/// The words of `text` written as plain words with single spaces (and at most one comma) at
/// byte offsets `spaces` ([`translit::Spelling`]): [`split_words`] of it, the surname position
/// a comma gives included, without reading its letters.
fn words_between<'a>(text: &'a str, spaces: &translit::Spaces) -> (Words<'a>, Option<usize>) {
    let mut words = Words::new();
    // `split_words`' rule: one or two words before the comma, one at least after it, read
    // after the others. They are held apart at the comma and put after the others at the end,
    // not moved there. Seven offsets at most leave every word within `MAX_TOKENS`.
    let mut held: ([&'a str; 2], usize) = ([""; 2], 0);
    let mut from = 0;
    for (i, to) in spaces
        .as_slice()
        .iter()
        .map(|&at| usize::from(at))
        .chain([text.len()])
        .enumerate()
    {
        if let Some(w) = text.get(from..to).filter(|w| !w.is_empty())
            && words.len() < MAX_TOKENS
        {
            words.push(w);
        }
        if spaces.comma() == Some(i)
            && let Some(slots) = held.0.get_mut(..words.len())
            && !slots.is_empty()
        {
            slots.copy_from_slice(&words);
            held.1 = words.len();
            words.clear();
        }
        from = to + 1;
    }
    let before = held.0.get(..held.1).unwrap_or_default();
    let after = words.len();
    words.extend_from_slice(before);
    (words, (after > 0 && !before.is_empty()).then_some(after))
}

/// Appends the words of `s` (runs between separators, apostrophes trimmed) while there is
/// room for them.
fn push_words<'a>(s: &'a str, words: &mut Words<'a>) {
    if s.is_ascii() {
        push_ascii_words(s, words);
        return;
    }
    let mut push = |w: &'a str| {
        let w = w.trim_matches(|c| matches!(c, '\'' | '’' | '‘' | '`'));
        if !w.is_empty() && words.len() < MAX_TOKENS {
            words.push(w);
        }
    };
    let mut start = None;
    for (i, c) in s.char_indices() {
        if is_sep(c) {
            if let Some(w) = start.take().and_then(|st| s.get(st..i)) {
                push(w);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(w) = start.and_then(|st| s.get(st..)) {
        push(w);
    }
}

/// [`push_words`] of ASCII text, byte by byte (most forms are ASCII: Latin names and every
/// romanisation).
fn push_ascii_words<'a>(s: &'a str, words: &mut Words<'a>) {
    let b = s.as_bytes();
    let is_sep_at = |i: usize| b.get(i).is_some_and(|&c| normalize::is_ascii_separator(c));
    let is_apostrophe_at = |i: usize| b.get(i).is_some_and(|&c| matches!(c, b'\'' | b'`'));
    let mut i = 0;
    while i < b.len() && words.len() < MAX_TOKENS {
        while is_sep_at(i) {
            i += 1;
        }
        let mut from = i;
        while i < b.len() && !is_sep_at(i) {
            i += 1;
        }
        let mut to = i;
        while from < to && is_apostrophe_at(from) {
            from += 1;
        }
        while to > from && is_apostrophe_at(to - 1) {
            to -= 1;
        }
        if let Some(w) = s.get(from..to).filter(|w| !w.is_empty()) {
            words.push(w);
        }
    }
}

fn is_sep(c: char) -> bool {
    normalize::is_separator(c)
}

/// Text buffers one name's forms reuse (and the next name, through an [`Analyzer`]).
#[derive(Debug, Default)]
struct Buffers {
    /// The name as cleaned ([`normalize::clean`]).
    cleaned: String,
    /// The name with its surname moved first ([`with_surname_first`]).
    moved: String,
    /// A word folded to lower-case ASCII.
    fold: String,
    /// Spellings and keys as [`make_token`] builds them.
    scratch: String,
    /// The Korean syllables of a form's Latin words, one after another.
    syllables: Vec<Syllable>,
    /// Per token of a form, where its syllables are in `syllables` (`None`: the word does not
    /// read as Korean).
    spans: Vec<Option<Span>>,
    /// The tokens of the name's forms so far that [`make_token`] made from a word of the
    /// written order, for later forms to reuse.
    made: smallvec::SmallVec<[Made; 24]>,
    /// Whether the name may have more than one form (it is not ASCII), or is the first of a
    /// pair, so that recording its tokens for reuse can pay.
    record_made: bool,
    /// While the second name of a pair is analysed, how many of `made` (the first ones) are
    /// the first name's, their syllables kept in `syllables`.
    other_records: usize,
    /// The [`head_bit`]s of those records: most words of the second name are not in the
    /// first, and are turned away without a look at its records.
    other_heads: u64,
}

impl Buffers {
    /// Empties what belongs to the last name; `record_made`: whether this one's tokens are
    /// recorded for reuse; `second`: the name is the second of a pair, and the first name's
    /// records and syllables stay.
    fn start_name(&mut self, record_made: bool, second: bool) {
        self.spans.clear();
        self.record_made = record_made;
        if second {
            self.other_records = self.made.len();
            self.other_heads = self
                .made
                .iter()
                .fold(0, |heads, m| heads | head_bit(m.head));
        } else {
            self.syllables.clear();
            self.made.clear();
            self.other_records = 0;
        }
    }
}

/// A range of [`Buffers::syllables`].
type Span = (usize, usize);

/// A token that [`make_token`] made: the form (its index in the name's forms) and token it is,
/// and where its syllables are in [`Buffers::syllables`].
#[derive(Debug, Clone, Copy)]
struct Made {
    /// The word's length and first eight bytes, compared before its text is looked at.
    head: (usize, u64),
    form: usize,
    token: usize,
    span: Option<Span>,
    /// `token` is an index into the form's [`NameForm::word_alternatives`]: a later form (the
    /// Belarusian passport reading) and the other name of a pair spell words as they do.
    alternative: bool,
}

/// One bit of 64 for a word's [`head`].
fn head_bit((len, first): (usize, u64)) -> u64 {
    let mixed = (first ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    1 << (mixed >> 58)
}

/// A word's length and first eight bytes (zeros past its end).
fn head(w: &str) -> (usize, u64) {
    let bytes = w.as_bytes();
    let first = match bytes.first_chunk::<8>() {
        Some(eight) => u64::from_le_bytes(*eight),
        // Shifted in byte by byte: copied into an array, a short word was a `memcpy` call.
        None => bytes
            .iter()
            .rev()
            .fold(0, |first, &b| first << 8 | u64::from(b)),
    };
    (w.len(), first)
}

/// The token [`make_token`] would make of `w` in `script`, copied from one of `forms` whose
/// records are `made` — the name's earlier forms (a name's forms share most words: Hanja
/// readings differ in a syllable, transliteration systems in a letter or two; a katakana
/// name's romaji may spell a word as its Korean guesses do), or the first name's of a pair —
/// its syllables copied to the end of `syllables`.
fn made_before(
    w: &str,
    w_head: (usize, u64),
    script: Script,
    forms: &[NameForm],
    made: &[Made],
    syllables: &mut Vec<Syllable>,
) -> Option<(Token, Option<Span>)> {
    let (token, span) = made.iter().filter(|m| m.head == w_head).find_map(|m| {
        let f = forms.get(m.form)?;
        let t = if m.alternative {
            &f.word_alternatives.get(m.token)?.token
        } else {
            f.tokens.get(m.token)?
        };
        (t.script == script && t.text == w).then_some((t, m.span))
    })?;
    let span = match span {
        Some((from, to)) if from <= to && to <= syllables.len() => {
            let at = syllables.len();
            syllables.extend_from_within(from..to);
            // Parsed syllables are Latin; a katakana form marks its own copies.
            if let Some(copies) = syllables.get_mut(at..) {
                for s in copies {
                    s.source = SylSource::Latin;
                }
            }
            Some((at, syllables.len()))
        }
        _ => None,
    };
    Some((token.clone(), span))
}

/// The form of `text`; `earlier` are the name's forms made before it, and `other` the forms of
/// the first name of a pair, whose tokens it reuses (borrowed apart, as in [`add_form`]).
#[allow(clippy::too_many_arguments)]
fn form(
    text: &str,
    kind: NameKind,
    via: Via,
    from_kana: bool,
    earlier: &[NameForm],
    buffers: &mut Buffers,
    memo: &mut WordMemo,
    other: &[NameForm],
) -> Option<NameForm> {
    // A comma (`SURNAME, Given`) and a parenthesis (`(Alexey)`) are rare: looked for in one
    // pass, where `split_once` and `contains` each read the text.
    let comma_or_parenthesis = normalize::has_either_byte(text, b',', b'(');
    let mut words = Words::new();
    let comma_surname = if comma_or_parenthesis {
        split_words_into(text, &mut words)
    } else {
        push_words(text, &mut words);
        None
    };
    // The words of ASCII text, and the tokens made of them, are Latin.
    let ascii = text.is_ascii();
    let mut tokens: Vec<Token> = Vec::with_capacity(words.len());
    // The Korean syllables of each Latin word, parsed once for the token's key and reused for
    // the name's Korean reading (which an organisation name does not have). The buffer holds
    // the syllables of all the name's forms: a reused token's are copied from there.
    let keep_syllables = kind != NameKind::Organization;
    let Buffers {
        cleaned: _,
        moved: _,
        fold: fold_buffer,
        scratch,
        syllables,
        spans,
        made,
        record_made,
        other_records,
        other_heads,
    } = buffers;
    spans.clear();
    let form_syllables = syllables.len();
    let made_before_form = made.len();
    let n_words = words.len();
    let mut titles_dropped = false;
    // Bit `i`: word `i` is a title. Each word is asked once: in turn by the loop, and the words
    // after it all at once when a long word asks whether the name has a title (a name with a
    // long word asked every word twice).
    let (mut titles_so_far, mut titles, mut title_fold): (u32, Option<u32>, String) =
        (0, None, String::new());
    let parenthesised =
        if kind != NameKind::Organization && comma_or_parenthesis && text.contains('(') {
            parenthesised_words(text, &words)
        } else {
            0
        };
    let mut alternatives: u16 = 0;
    // Whether a token was made of part of a word, which need not be in the word's script.
    let mut parts_of_words = false;
    let vocabulary = Vocabulary::of_form(via, from_kana);
    // Lower-case ASCII and words in other scripts than Latin (nearly every word of a cleaned
    // name, every word a conversion writes) are their own folding: asked once of the whole
    // text, whose words are slices of it, rather than of each word where it is folded.
    let text_folds_to_itself = normalize::folds_to_itself(text);
    for (i, &w) in words.iter().enumerate() {
        let folded = if text_folds_to_itself {
            w
        } else {
            fold_word(w, fold_buffer)
        };
        // A word remembered from an earlier name took the path below that ends in
        // `make_token` (the path is a function of kind, word and the word's script): its
        // script and token are known.
        let remembered = memo.get(folded, kind);
        let script = match remembered {
            Some(made) => made.token.script,
            None if ascii => Script::Latin,
            None => Script::dominant(folded),
        };
        // A name of unknown kind may be an organisation's (`General Bureau`): its edge titles
        // stay, as weak words, so that it still meets a person's name without them.
        // A misspelt title counts only beside one spelt right: whether the name has one is
        // asked once, and only of a name with a word that is not a title.
        let edge_title = kind != NameKind::Organization
            && n_words > 1
            && (match titles {
                Some(bits) => bits >> i & 1 == 1,
                None => {
                    let title = normalize::is_title(folded);
                    titles_so_far |= u32::from(title) << i;
                    title
                }
            } || (folded.len() >= normalize::MISSPELT_TITLE_MIN_LEN
                && *titles.get_or_insert_with(|| {
                    words
                        .iter()
                        .enumerate()
                        .skip(i + 1)
                        .fold(titles_so_far, |bits, (j, &w)| {
                            let title = normalize::is_title(if text_folds_to_itself {
                                w
                            } else {
                                fold_word(w, &mut title_fold)
                            });
                            bits | u32::from(title) << j
                        })
                }) != 0
                && normalize::is_misspelt_title(folded)))
            && in_edge_title_run(&words, i);
        if edge_title && kind == NameKind::Person {
            titles_dropped = true;
            continue;
        }
        if kind != NameKind::Person
            && matches!(script, Script::Han | Script::Hangul)
            && !normalize::is_legal_form(folded)
        {
            parts_of_words = true;
            let (core, affix) = normalize::split_cjk_legal_form(folded);
            if script == Script::Hangul {
                for (part, gloss) in normalize::split_hangul_glossary(core) {
                    tokens.push(match gloss {
                        Some(g) => gloss_token(part, g),
                        None => make_token(part, kind, script, scratch, syllables).0,
                    });
                    spans.push(None);
                }
            } else {
                tokens.push(make_token(core, kind, script, scratch, syllables).0);
                spans.push(None);
            }
            if let Some(a) = affix {
                tokens.push(make_token(a, kind, script, scratch, syllables).0);
                spans.push(None);
            }
            continue;
        }
        let word_head = head(folded);
        let other_made = made.get(..*other_records).unwrap_or_default();
        let earlier_made = made
            .get(*other_records..made_before_form)
            .unwrap_or_default();
        let found = if let Some(made) = remembered {
            Some(memo.replay(made, syllables))
        } else if vocabulary == Some(Vocabulary::KanaKoreanSyllables) {
            // A Korean guess's words are syllables of its vocabulary, looked up there at once:
            // searching the earlier forms' records first (where the guess before it has most of
            // them) cost more than it spared (katakana pairs −1.1 %).
            None
        } else {
            let own = if earlier_made.is_empty() {
                None
            } else {
                made_before(folded, word_head, script, earlier, earlier_made, syllables)
            };
            own.or_else(|| {
                (*other_records > 0 && *other_heads & head_bit(word_head) != 0)
                    .then(|| made_before(folded, word_head, script, other, other_made, syllables))
                    .flatten()
            })
        };
        let (mut token, span) = match found {
            Some(copy) => copy,
            None => {
                let known = match vocabulary {
                    _ if script != Script::Latin => None,
                    Some(vocabulary) => vocabulary_word(vocabulary, folded, kind),
                    None => latin_syllable_word(word_head, kind),
                };
                let (token, span) = match known {
                    Some((words, made)) => words.replay(made, syllables),
                    None => make_token(folded, kind, script, scratch, syllables),
                };
                let made_syllables =
                    span.map(|(from, to)| syllables.get(from..to).unwrap_or_default());
                memo.insert(folded, kind, &token, made_syllables);
                (token, span)
            }
        };
        if edge_title && token.class == TokenClass::Word {
            token.class = TokenClass::Generic;
        }
        if let Some((from, _)) = span
            && !keep_syllables
        {
            syllables.truncate(from);
        }
        let span = span.filter(|_| keep_syllables);
        // An organisation word split in two can take a name past 16 tokens: no bit then.
        if parenthesised >> i & 1 == 1
            && !tokens.is_empty()
            && let Some(bit) = u32::try_from(tokens.len())
                .ok()
                .and_then(|t| 1u16.checked_shl(t))
        {
            alternatives |= bit;
        }
        // A weakened title is not the token `make_token` makes of its word.
        if *record_made && !edge_title {
            made.push(Made {
                head: word_head,
                form: earlier.len(),
                token: tokens.len(),
                span,
                alternative: false,
            });
        }
        tokens.push(token);
        spans.push(span);
    }
    if tokens
        .iter()
        .any(|t| t.latin.is_empty() && t.text.is_empty())
    {
        let keep: Vec<bool> = tokens
            .iter()
            .map(|t| !t.latin.is_empty() || !t.text.is_empty())
            .collect();
        let mut k = keep.iter();
        tokens.retain(|_| k.next().copied().unwrap_or(false));
        let mut k = keep.iter();
        spans.retain(|_| k.next().copied().unwrap_or(false));
        // The token numbers changed (rare: a word of apostrophes only).
        made.truncate(made_before_form);
        alternatives = 0;
    }
    if let Via::Glossary(script) = via {
        // Not the tokens `make_token` made any more.
        made.truncate(made_before_form);
        let is_gloss = match script {
            Script::Cyrillic => russian_org::is_org_gloss,
            _ => chinese::is_org_gloss,
        };
        for t in &mut tokens {
            if t.class == TokenClass::Word && is_gloss(&t.latin) {
                t.class = TokenClass::Generic;
            }
        }
    }
    if tokens.is_empty() {
        made.truncate(made_before_form);
        return None;
    }
    // A comma names the surname position only if no title was dropped before it.
    let surname_hint = comma_surname.filter(|&i| i < tokens.len() && tokens.len() == n_words);
    let korean = if kind == NameKind::Organization {
        Vec::new()
    } else {
        let this_form = syllables.get_mut(form_syllables..).unwrap_or_default();
        korean_readings(
            &tokens,
            this_form,
            form_syllables,
            spans,
            surname_hint,
            from_kana,
        )
    };
    // Joined in the scratch `String` first: a `CompactString` checks where it lives at every
    // push.
    scratch.clear();
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            scratch.push(' ');
        }
        scratch.push_str(&t.text);
    }
    // A token of a whole word is in the script of most of the word's letters. Counts add up:
    // when every token is in one script, so is the text (the words joined by spaces), which
    // is not read again for it.
    let script = match tokens.split_first() {
        _ if ascii => Script::Latin,
        Some((first, rest)) if !parts_of_words && rest.iter().all(|t| t.script == first.script) => {
            first.script
        }
        _ => Script::dominant(scratch),
    };
    Some(NameForm {
        via,
        script,
        text: CompactString::from(scratch.as_str()),
        tokens,
        korean,
        notes: FormNotes {
            titles_dropped,
            ..FormNotes::default()
        },
        alternatives,
        word_alternatives: Vec::new(),
    })
}

/// Bit `i` set: word `i` (a slice of `text`) stands alone in parentheses (`(Alexey)`), after
/// another word.
fn parenthesised_words(text: &str, words: &[&str]) -> u16 {
    let mut mask = 0;
    for (i, w) in words.iter().enumerate().skip(1).take(16) {
        // Words are slices of `text`: the offset says where.
        let at = (w.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
        let (Some(before), Some(after)) = (text.get(..at), text.get(at + w.len()..)) else {
            continue;
        };
        if before.trim_end().ends_with('(') && after.trim_start().starts_with(')') {
            mask |= 1 << i;
        }
    }
    mask
}

/// Like [`analyze`], but first looks at letter case: in a mixed-case name such as
/// `KIM Jong Un` or `Jong Un KIM`, the single all-capitals word is moved first and marked as
/// the surname (as a comma would).
pub fn analyze_with_case(raw: &str, kind: NameKind) -> Vec<NameForm> {
    let mut moved = String::new();
    if with_surname_first(raw, kind, &mut moved) {
        analyze(&moved, kind)
    } else {
        analyze(raw, kind)
    }
}

/// Whether the letter case marks a single all-capitals word of `raw` as the surname
/// ([`analyze_with_case`]); if so, `moved` is set to `raw` with that word moved first behind a
/// comma.
fn with_surname_first(raw: &str, kind: NameKind, moved: &mut String) -> bool {
    if kind == NameKind::Organization {
        return false;
    }
    if raw.is_ascii() {
        // Most names: one pass over the bytes, without collecting the words; the surname's
        // neighbours are read again only to move it.
        let Some((from, to)) = ascii_surname_at(raw) else {
            return false;
        };
        // The surname is the first or the last word: the others are the text after or
        // before it.
        let (Some(sur), Some(before), Some(after)) =
            (raw.get(from..to), raw.get(..from), raw.get(to..))
        else {
            return false;
        };
        moved.clear();
        moved.push_str(sur);
        moved.push(',');
        for rest in [before, after] {
            let mut word = None;
            for (i, &b) in rest.as_bytes().iter().enumerate() {
                if ascii_class(b) & ASCII_SPACE == 0 {
                    word.get_or_insert(i);
                } else if let Some(from) = word.take() {
                    moved.push(' ');
                    moved.push_str(rest.get(from..i).unwrap_or_default());
                }
            }
            if let Some(from) = word {
                moved.push(' ');
                moved.push_str(rest.get(from..).unwrap_or_default());
            }
        }
        return true;
    }
    with_surname_first_by_chars(raw, moved)
}

/// Whether a byte of UTF-8 text is ASCII other than a letter, or of a character of
/// U+3000-U+9FFF (Han and kana: leads 0xE3-0xE9), which have no case: a name of such bytes
/// alone has no word in capitals, told without reading its characters.
fn caseless_byte(b: u8) -> bool {
    match b {
        0x80..=0xBF | 0xE3..=0xE9 => true,
        0..=0x7F => !b.is_ascii_alphabetic(),
        _ => false,
    }
}

/// [`with_surname_first`] of a name of any kind but an organisation's, character by character.
fn with_surname_first_by_chars(raw: &str, moved: &mut String) -> bool {
    if raw.contains(',') || raw.bytes().all(caseless_byte) {
        return false;
    }
    // All capitals: an upper-case letter, no lower-case one, two letters at least. The words
    // (as `split_whitespace` gives them) are kept for the move, not split out again.
    let mut words: smallvec::SmallVec<[&str; MAX_TOKENS]> = smallvec::SmallVec::new();
    let (mut uppers, mut upper_at, mut has_lower) = (0, 0, false);
    for w in raw.split_whitespace() {
        let (mut lower, mut upper) = (false, false);
        for c in w.chars() {
            let (l, u) = case_of(c);
            lower |= l;
            upper |= u;
        }
        if !lower && upper && w.chars().filter(|&c| normalize::is_letter(c)).count() >= 2 {
            uppers += 1;
            upper_at = words.len();
        }
        has_lower |= lower;
        words.push(w);
    }
    let n_words = words.len();
    if uppers == 1
        && has_lower
        && n_words >= 2
        && (upper_at == 0 || upper_at + 1 == n_words)
        && words.get(upper_at).is_some_and(|sur| !sur.contains('-'))
    {
        moved.clear();
        moved.push_str(words.get(upper_at).copied().unwrap_or_default());
        moved.push(',');
        for (i, w) in words.iter().enumerate() {
            if i != upper_at {
                moved.push(' ');
                moved.push_str(w);
            }
        }
        return true;
    }
    false
}

/// Where the surname is (its bytes' range) by [`with_surname_first`]'s rule on ASCII text: a
/// word ends at the whitespace `split_whitespace` sees in ASCII (with the vertical tab that
/// `u8::is_ascii_whitespace` leaves out) or at the end, and a byte's classes come from one
/// table look-up, or-ed together over a word in a loop of the word's own (one loop that asked
/// at every byte whether a word began or ended cost twice as much).
fn ascii_surname_at(raw: &str) -> Option<(usize, usize)> {
    let mut capitals = Capitals::default();
    let bytes = raw.as_bytes();
    let is_space_at = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|&b| ascii_class(b) & ASCII_SPACE != 0)
    };
    let mut i = 0;
    loop {
        while is_space_at(i) {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let from = i;
        let (mut seen, mut letters) = (0u8, 0usize);
        while let Some(&b) = bytes.get(i) {
            let class = ascii_class(b);
            if class & ASCII_SPACE != 0 {
                break;
            }
            seen |= class;
            letters += usize::from(class & ASCII_ALPHA);
            i += 1;
        }
        // The name gives its surname's place itself.
        if seen & ASCII_COMMA != 0 {
            return None;
        }
        capitals.end_word((from, i), seen, letters);
        // The surname is the first or the last word: when the first is not in capitals, a
        // last word not in capitals either (most names are written `Given Surname`, or in
        // one case) answers without the words between.
        if capitals.n_words == 1 && capitals.uppers == 0 && !last_word_in_capitals(bytes) {
            return None;
        }
    }
    (capitals.uppers == 1
        && capitals.has_lower
        && capitals.n_words >= 2
        && (capitals.at == 0 || capitals.at + 1 == capitals.n_words)
        && capitals.sur_classes & ASCII_HYPHEN == 0)
        .then_some(capitals.sur)
}

/// Whether the last word of ASCII `bytes` is in capitals by [`Capitals::end_word`]'s rule,
/// read from its start up to its first lower-case letter.
fn last_word_in_capitals(bytes: &[u8]) -> bool {
    let is_space = |b: &u8| ascii_class(*b) & ASCII_SPACE != 0;
    let end = bytes
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(0, |at| at + 1);
    let before_end = bytes.get(..end).unwrap_or_default();
    let last = before_end
        .iter()
        .rposition(is_space)
        .map_or(before_end, |at| {
            before_end.get(at + 1..).unwrap_or_default()
        });
    let (mut seen, mut letters) = (0u8, 0usize);
    for &b in last {
        let class = ascii_class(b);
        if class & ASCII_LOWER != 0 {
            return false;
        }
        seen |= class;
        letters += usize::from(class & ASCII_ALPHA);
    }
    in_capitals(seen, letters)
}

/// Whether a word of the classes `seen` with `letters` letters is in capitals: an upper-case
/// letter, no lower-case one, two letters at least.
#[inline]
fn in_capitals(seen: u8, letters: usize) -> bool {
    seen & ASCII_LOWER == 0 && seen & ASCII_UPPER != 0 && letters >= 2
}

/// What [`ascii_surname_at`] has read of a name's words so far.
#[derive(Default)]
struct Capitals {
    n_words: usize,
    /// Words in capitals, the last of them word `at` with byte range `sur` and classes
    /// `sur_classes`.
    uppers: usize,
    at: usize,
    sur: (usize, usize),
    sur_classes: u8,
    has_lower: bool,
}

impl Capitals {
    /// Reads the word at `range` of the classes `seen`, with `letters` letters.
    #[inline]
    fn end_word(&mut self, range: (usize, usize), seen: u8, letters: usize) {
        if in_capitals(seen, letters) {
            self.uppers += 1;
            self.at = self.n_words;
            self.sur = range;
            self.sur_classes = seen;
        }
        self.has_lower |= seen & ASCII_LOWER != 0;
        self.n_words += 1;
    }
}

/// The case rule's classes of an ASCII byte ([`ASCII_CASE_CLASSES`]).
#[inline]
fn ascii_class(b: u8) -> u8 {
    ASCII_CASE_CLASSES.get(usize::from(b)).copied().unwrap_or(0)
}

/// Classes of an ASCII byte for the case rule ([`ASCII_CASE_CLASSES`]).
const ASCII_ALPHA: u8 = 1;
const ASCII_LOWER: u8 = 2;
const ASCII_UPPER: u8 = 4;
/// The whitespace `split_whitespace` sees in ASCII: `u8::is_ascii_whitespace` and the
/// vertical tab.
const ASCII_SPACE: u8 = 8;
/// A comma: the name gives its surname's place itself.
const ASCII_COMMA: u8 = 16;
/// A hyphen: a hyphenated word in capitals is not taken for the surname.
const ASCII_HYPHEN: u8 = 32;

/// The case rule's classes of every ASCII byte.
// Every byte has an entry (none beyond ASCII's), so that a byte is looked up unchecked.
static ASCII_CASE_CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0u8;
    while b < 128 {
        table[b as usize] = if matches!(b, b'\t'..=b'\r' | b' ') {
            ASCII_SPACE
        } else if b == b',' {
            ASCII_COMMA
        } else if b == b'-' {
            ASCII_HYPHEN
        } else if b.is_ascii_lowercase() {
            ASCII_ALPHA | ASCII_LOWER
        } else if b.is_ascii_uppercase() {
            ASCII_ALPHA | ASCII_UPPER
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Whether `c` is lower and upper case as the case rule reads it: a character of a caseless
/// block ([`is_caseless`]) is neither. The Russian alphabet (nearly every Cyrillic name) is
/// answered without the Unicode tables (exhaustively tested).
fn case_of(c: char) -> (bool, bool) {
    // The caseless blocks first, as the rule asked before (Han, kana and Hangul names pay
    // nothing more); every one of them lies above the Russian alphabet.
    if c >= '\u{0600}' && is_caseless(c) {
        return (false, false);
    }
    match c {
        'a'..='z' | '\u{0430}'..='\u{045F}' => (true, false),
        'A'..='Z' | '\u{0400}'..='\u{042F}' => (false, true),
        _ => (c.is_lowercase(), c.is_uppercase()),
    }
}

/// Whether `c` is in a block of letters without case (Arabic, kana, CJK, Hangul), so that the
/// case rule need not ask the Unicode tables (exhaustively tested).
fn is_caseless(c: char) -> bool {
    matches!(
        c,
        '\u{0600}'..='\u{06FF}'
            | '\u{1100}'..='\u{11FF}'
            | '\u{3040}'..='\u{30FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{AC00}'..='\u{D7AF}'
    )
}

/// Whether a word of a name is a title.
#[derive(Clone, Copy, PartialEq)]
enum Title {
    No,
    /// A long title misspelt by one letter ([`normalize::is_misspelt_title`]).
    Misspelt,
    Exact,
}

/// Raw word `w` folded, through `fold` when it is not its own folding.
fn fold_word<'a>(w: &'a str, fold: &'a mut String) -> &'a str {
    if normalize::folds_to_itself(w) {
        w
    } else {
        fold.clear();
        normalize::fold_latin_into(w, fold);
        fold.as_str()
    }
}

/// Whether raw word `w` is a title.
fn title_of(w: &str, fold: &mut String) -> Title {
    let folded = fold_word(w, fold);
    if normalize::is_title(folded) {
        Title::Exact
    } else if normalize::is_misspelt_title(folded) {
        Title::Misspelt
    } else {
        Title::No
    }
}

/// Whether word `at` (a title) belongs to a run of titles at an edge of the name that leaves
/// another word: `Dr` in `Dr Ali Hassan`, `Major` and `General` in `Major General Ahmed
/// AL-JARROUCHEH`, never a middle word (`Ali General Hassan`), and never every word. A long
/// title misspelt by a letter counts beside a title spelt right (`Brigadierr General`), never
/// alone (`John Marshall` keeps his surname).
fn in_edge_title_run(words: &[&str], at: usize) -> bool {
    let mut fold = String::new();
    let titles: smallvec::SmallVec<[Title; MAX_TOKENS]> =
        words.iter().map(|w| title_of(w, &mut fold)).collect();
    let is_title = |t: &Title| *t != Title::No;
    let (Some(before), Some(here), Some(after)) =
        (titles.get(..at), titles.get(at), titles.get(at + 1..))
    else {
        return false;
    };
    if !is_title(here) {
        return false;
    }
    // The run of titles around `at`, which must hold one spelt right.
    let run_has_exact = |run: &[Title]| run.contains(&Title::Exact);
    if before.iter().all(is_title) {
        let run_end = after.iter().position(|t| !is_title(t));
        // The rest of the name must have a word that is not a title.
        return run_end
            .is_some_and(|end| run_has_exact(titles.get(..=at + end).unwrap_or_default()));
    }
    if after.iter().all(is_title) {
        let run_start = before
            .iter()
            .rposition(|t| !is_title(t))
            .map_or(0, |p| p + 1);
        return run_has_exact(titles.get(run_start..).unwrap_or_default());
    }
    false
}

/// A token, and when it is a Latin word that reads as romanised Korean, where its syllables
/// were appended to `syllables`.
fn make_token(
    w: &str,
    kind: NameKind,
    script: Script,
    scratch: &mut String,
    syllables: &mut Vec<Syllable>,
) -> (Token, Option<Span>) {
    scratch.clear();
    // Nearly every Latin word (every transliterated one) is letters and digits only: its own
    // spelling, read where it is rather than copied. One pass over its bytes tells that and
    // which letters and digits it has (its letter mask, whether it may be a number).
    let written_letters =
        matches!(script, Script::Latin | Script::Digit).then(|| normalize::letter_mask(w));
    let own_spelling = written_letters.is_some_and(|m| m & normalize::OTHER_BYTE_BIT == 0);
    match script {
        _ if own_spelling => {}
        Script::Hangul => korean::romanize_into(w, scratch),
        Script::Latin | Script::Digit if w.is_ascii() => {
            scratch.extend(w.bytes().filter(u8::is_ascii_alphanumeric).map(char::from))
        }
        Script::Latin | Script::Digit => scratch.extend(w.chars().filter(|c| c.is_alphanumeric())),
        // `any_ascii` letter by letter into the scratch buffer: the whole word's `String` was
        // an allocation per kana, Han, Cyrillic or Arabic word.
        _ => {
            let spellings = AsciiSpellings::get();
            for c in w.chars() {
                match spellings.of(c) {
                    Some(spelt) => scratch.extend(spelt.iter().map(|&b| char::from(b))),
                    None => push_ascii_spelling(c, |b| scratch.push(char::from(b))),
                }
            }
        }
    }
    let latin = if own_spelling { w } else { scratch.as_str() };
    let letters = match written_letters {
        Some(letters) if own_spelling => letters,
        _ => normalize::letter_mask(latin),
    };
    // Roman numerals are ordinals in organisation and vessel names (`Chon Ma San II`); for a
    // name of unknown kind only the unambiguous ones (a lone `i`, `v` or `x` is more often an
    // initial or a Korean syllable).
    let roman = kind == NameKind::Organization || (kind == NameKind::Unknown && latin.len() >= 2);
    // A number read with `roman` set or not is the same number.
    // Asked first: most words have no digit and none of those letters.
    let number = (letters & normalize::NUMBER_BITS != 0)
        .then(|| normalize::number_of(latin, roman))
        .flatten();
    let class = if number.is_some() {
        TokenClass::Number
    } else if kind != NameKind::Person && normalize::is_legal_form(w) {
        TokenClass::LegalForm
    } else if kind != NameKind::Person && normalize::is_generic(latin) {
        TokenClass::Generic
    } else {
        TokenClass::Word
    };
    // A word that is its own spelling and no number is the same text: copied whole, not built
    // again.
    let text_is_latin = own_spelling && number.is_none();
    let latin = number.map_or_else(|| CompactString::from(latin), CompactString::from);
    let text = if text_is_latin {
        latin.clone()
    } else {
        CompactString::from(w)
    };
    let mut span = None;
    let korean_key = match (class, script) {
        // The syllables are read into the name's buffer and dropped from it again: collected
        // on their own, they were an allocation per Hangul word.
        (TokenClass::Word, Script::Hangul) => {
            let from = syllables.len();
            syllables.extend(w.chars().filter_map(korean::hangul_syllable));
            let key = korean::joined_keys(syllables.get(from..).unwrap_or_default());
            syllables.truncate(from);
            key
        }
        (TokenClass::Word, Script::Latin) => {
            let from = syllables.len();
            if korean::parse_latin_into(w, syllables) {
                span = Some((from, syllables.len()));
                korean::joined_keys(syllables.get(from..).unwrap_or(&[]))
            } else {
                CompactString::default()
            }
        }
        _ => CompactString::default(),
    };
    scratch.clear();
    normalize::phonetic_key_into(&latin, scratch);
    let token = Token {
        key: CompactString::from(scratch.as_str()),
        // A number's spelling is its digits, not the word's letters.
        letters: if class == TokenClass::Number {
            normalize::letter_mask(&latin)
        } else {
            letters
        },
        text,
        latin,
        class,
        script,
        korean_key,
    };
    (token, span)
}

/// Hands on the letters and digits of `any_ascii`'s spelling of `c`, lower-cased: the
/// spelling of a non-Latin word, letter by letter.
fn push_ascii_spelling(c: char, mut push: impl FnMut(u8)) {
    let mut own = [0u8; 4];
    let ascii = if c.is_ascii() {
        c.encode_utf8(&mut own).as_bytes()
    } else {
        any_ascii::any_ascii_char(c).as_bytes()
    };
    for &b in ascii {
        if b.is_ascii_alphanumeric() {
            push(b.to_ascii_lowercase());
        }
    }
}

/// [`push_ascii_spelling`] of every character of two bytes of UTF-8 (up to U+07FF: Cyrillic,
/// Greek, Arabic) and of kana, made once: a Cyrillic or Arabic word's letters were each looked
/// up in `any_ascii`'s tables and filtered byte by byte.
struct AsciiSpellings {
    /// Per character, its spelling's length and up to [`SPELLING_BYTES`] bytes; a longer one is
    /// [`NOT_TABLED`] and spelt as `any_ascii` spells it.
    below_0800: Vec<[u8; SPELLING_BYTES + 1]>,
    kana: Vec<[u8; SPELLING_BYTES + 1]>,
}

/// The longest spelling [`AsciiSpellings`] holds.
const SPELLING_BYTES: usize = 7;
/// The length of a spelling [`AsciiSpellings`] does not hold.
const NOT_TABLED: u8 = u8::MAX;
/// The kana block, U+3040-U+30FF.
const KANA_BLOCK: std::ops::RangeInclusive<u32> = 0x3040..=0x30FF;

impl AsciiSpellings {
    fn get() -> &'static Self {
        static SPELLINGS: OnceLock<AsciiSpellings> = OnceLock::new();
        SPELLINGS.get_or_init(|| {
            let table = |codes: std::ops::RangeInclusive<u32>| {
                codes
                    .map(|code| {
                        let (mut entry, mut len) = ([0u8; SPELLING_BYTES + 1], 0usize);
                        // Every code of the two ranges is a character.
                        if let Some(c) = char::from_u32(code) {
                            push_ascii_spelling(c, |b| {
                                if let Some(slot) = entry.get_mut(len + 1) {
                                    *slot = b;
                                }
                                len += 1;
                            });
                        }
                        if let Some(first) = entry.first_mut() {
                            *first = u8::try_from(len)
                                .ok()
                                .filter(|&len| usize::from(len) <= SPELLING_BYTES)
                                .unwrap_or(NOT_TABLED);
                        }
                        entry
                    })
                    .collect()
            };
            AsciiSpellings {
                below_0800: table(0..=0x7FF),
                kana: table(KANA_BLOCK),
            }
        })
    }

    /// The spelling of `c`, when the table holds it.
    #[inline]
    fn of(&self, c: char) -> Option<&[u8]> {
        let code = u32::from(c);
        let entry = if code < 0x800 {
            self.below_0800.get(code as usize)
        } else if KANA_BLOCK.contains(&code) {
            self.kana.get((code - KANA_BLOCK.start()) as usize)
        } else {
            None
        }?;
        let (&len, letters) = entry.split_first()?;
        letters.get(..usize::from(len))
    }
}

/// A Hangul organisation word with a known English equivalent (`은행` → `bank`).
fn gloss_token(hangul: &str, english: &str) -> Token {
    let class = if normalize::is_legal_form(english) {
        TokenClass::LegalForm
    } else {
        TokenClass::Generic
    };
    Token {
        text: hangul.into(),
        letters: normalize::letter_mask(english),
        latin: english.into(),
        key: normalize::phonetic_key(english).into(),
        class,
        script: Script::Hangul,
        korean_key: CompactString::default(),
    }
}

/// Korean readings of a tokenised name: Hangul names split by the surname table, Latin names
/// parsed syllable by syllable with the surname first or last.
fn korean_readings(
    tokens: &[Token],
    syllables: &mut [Syllable],
    first_syllable: usize,
    spans: &[Option<Span>],
    hint: Option<usize>,
    from_kana: bool,
) -> Vec<KoreanReading> {
    if tokens.is_empty() || tokens.len() > 4 {
        return Vec::new();
    }
    if tokens.iter().all(|t| t.script == Script::Hangul) {
        return hangul_reading(tokens).into_iter().collect();
    }
    if !tokens
        .iter()
        .all(|t| t.script == Script::Latin && t.class == TokenClass::Word)
    {
        return Vec::new();
    }
    // At most four words here.
    let mut parsed: smallvec::SmallVec<[&[Syllable]; 4]> = smallvec::SmallVec::new();
    if spans.iter().any(Option::is_none) {
        return Vec::new();
    }
    if from_kana {
        for s in syllables.iter_mut() {
            s.source = SylSource::Kana;
        }
    }
    for &(from, to) in spans.iter().flatten() {
        let (from, to) = (
            from.saturating_sub(first_syllable),
            to.saturating_sub(first_syllable),
        );
        parsed.push(syllables.get(from..to).unwrap_or(&[]));
    }
    let is_surname = |syls: &[Syllable]| match syls {
        [s] => korean::is_surname_key(&s.key),
        [_, _] => korean::compound_surname_keys(syls),
        _ => false,
    };
    // Asked of the first word up to three times (hint, edge, slip): looked up once per word.
    let mut known_surnames: [Option<bool>; 4] = [None; 4];
    let mut is_surname_at = |i: usize| match known_surnames.get_mut(i) {
        Some(Some(known)) => *known,
        Some(slot) => *slot.insert(parsed.get(i).is_some_and(|s| is_surname(s))),
        None => parsed.get(i).is_some_and(|s| is_surname(s)),
    };
    // The hinted surname (comma, capitals) first; the first and last words stay possible, as
    // lists and queries disagree on order conventions (`Kang Sun NAM`, `Sun Nam Kang`).
    let mut candidates: smallvec::SmallVec<[usize; 3]> = smallvec::SmallVec::new();
    if let Some(h) = hint
        && is_surname_at(h)
    {
        candidates.push(h);
    }
    let last = parsed.len() - 1;
    for i in [0, last] {
        if !candidates.contains(&i) && is_surname_at(i) {
            candidates.push(i);
        }
    }
    // A one-letter slip in a romanised surname (`KIN Jong Un`) leaves a syllable no surname
    // has: the hinted word (comma, capitals), else the first (the last when the first is no
    // surname), is read as the surname too when it is one letter from a surname and two
    // given-name syllables remain (the matcher's "surname one letter off" compares it). Only
    // in a name already read as Korean: a reading of its own would move a name that is not
    // (`THITAR Myo`) from word by word comparison to syllables.
    if !candidates.is_empty() {
        let syllables_in = |i: usize| parsed.get(i).map_or(0, |s| s.len());
        let all_syllables: usize = parsed.iter().map(|s| s.len()).sum();
        let first_is_surname = is_surname_at(0);
        let unhinted = match (hint, first_is_surname) {
            (Some(_), _) => [None, None],
            (None, true) => [Some(0), None],
            (None, false) => [Some(0), Some(last)],
        };
        for i in hint.into_iter().chain(unhinted.into_iter().flatten()) {
            if !candidates.contains(&i)
                && all_syllables - syllables_in(i) == 2
                && let Some([s]) = parsed.get(i).copied()
                && korean::is_slipped_surname_key(&s.key)
            {
                candidates.push(i);
            }
        }
    }
    // A single word (`Kimjongun`) may hold surname and given name together.
    if parsed.len() == 1
        && let Some(syls) = parsed.first()
        && (2..=4).contains(&syls.len())
        && syls.first().is_some_and(|s| korean::is_surname_key(&s.key))
    {
        return vec![KoreanReading {
            syllables: syls.to_vec(),
            surname_len: 1,
        }];
    }
    readings_with_surname_at(&parsed, &candidates)
}

/// The readings of a name's parsed words with the surname word at each of `candidates` in
/// turn and the other words' syllables as the given name (one to three syllables).
fn readings_with_surname_at(parsed: &[&[Syllable]], candidates: &[usize]) -> Vec<KoreanReading> {
    let mut readings = Vec::with_capacity(candidates.len());
    for &si in candidates {
        let Some(surname) = parsed.get(si) else {
            continue;
        };
        // The given name's length is known before its syllables are copied: a reading it
        // rules out costs no allocation.
        let others = || parsed.iter().enumerate().filter(move |(i, _)| *i != si);
        let given_len: usize = others().map(|(_, s)| s.len()).sum();
        if !(1..=3).contains(&given_len) {
            continue;
        }
        let mut syllables = Vec::with_capacity(surname.len() + given_len);
        syllables.extend_from_slice(surname);
        for (_, s) in others() {
            syllables.extend_from_slice(s);
        }
        readings.push(KoreanReading {
            syllables,
            surname_len: surname.len(),
        });
    }
    readings
}

fn hangul_reading(tokens: &[Token]) -> Option<KoreanReading> {
    let joined: String = tokens.iter().map(|t| t.text.as_str()).collect();
    if !joined.chars().all(korean::is_hangul_syllable) {
        return None;
    }
    let n = joined.chars().count();
    let (surname, given) = match tokens {
        [one] if (2..=5).contains(&n) => korean::split_hangul_name(&one.text),
        [first, _rest @ ..] if korean::is_hangul_surname(&first.text) => {
            let rest_len = first.text.len();
            (&joined[..rest_len], &joined[rest_len..])
        }
        _ => return None,
    };
    if !korean::is_hangul_surname(surname) || given.is_empty() || given.chars().count() > 3 {
        return None;
    }
    let mut syllables = korean::hangul_keys(surname);
    let surname_len = syllables.len();
    syllables.extend(given.chars().filter_map(korean::hangul_syllable));
    Some(KoreanReading {
        syllables,
        surname_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readings(s: &str) -> Vec<(String, String)> {
        analyze_with_case(s, NameKind::Person)
            .first()
            .map(|f| {
                f.korean
                    .iter()
                    .map(|r| {
                        let k = |v: &[Syllable]| {
                            v.iter()
                                .map(|s| s.key.to_string())
                                .collect::<Vec<_>>()
                                .join(".")
                        };
                        (k(r.surname()), k(r.given()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A name of Han and kana is told to have no word in capitals by its bytes.
    #[test]
    fn regression_han_and_kana_leads_have_no_case() {
        // Every character whose bytes `caseless_byte` lets through has no case (fails if its
        // leads took in 0xEA, where Latin Extended-D has cased letters, or ASCII letters).
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if c.encode_utf8(&mut buf).bytes().all(caseless_byte) {
                assert!(!c.is_lowercase() && !c.is_uppercase(), "{c:?}");
            }
        }
        let mut moved = String::new();
        assert!(with_surname_first(
            "金正恩 Jong Un KIM",
            NameKind::Person,
            &mut moved
        ));
        assert!(!with_surname_first(
            "キム・ジョンウン",
            NameKind::Person,
            &mut moved
        ));
    }

    /// [`case_of`] against the Unicode tables it stands in for, for every character.
    #[test]
    fn case_of_is_the_unicode_case_outside_caseless_blocks() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let want = if is_caseless(c) {
                (false, false)
            } else {
                (c.is_lowercase(), c.is_uppercase())
            };
            assert_eq!(case_of(c), want, "{c:?}");
        }
    }

    /// The transliterations and the Belarusian reading share one lowering of the name
    /// (`translit::lowered_cyrillic`, which reads Latin look-alike letters inside Cyrillic words
    /// as Cyrillic): each form must be the one its function makes of the cleaned name alone.
    #[test]
    fn regression_cyrillic_forms_from_one_lowering_as_each_alone() {
        for raw in [
            "Aлексей Ниĸолаевич ПЕТРОВ",
            "Оксана Васильевна ДЕМЯШЕВА",
            "Ирина Bасильевна ПРАДУН",
            "Ким Чен Ын",
            "Юрий Викторович ЧИЖ",
        ] {
            let cleaned = normalize::clean(raw);
            let forms = analyze(raw, NameKind::Person);
            // A rule's reading is a whole form of its own, or the written form's words each
            // spelt as the reading spells it (the word itself, or an alternative by this rule
            // or an earlier one that spells it alike).
            let spelt = |via: Via, reading: &str| {
                let whole = forms.iter().any(|f| f.via == via && f.text == reading);
                let words: Vec<&str> = reading.split_whitespace().collect();
                let written = &forms[0];
                let by_word = written.tokens.len() == words.len()
                    && written.tokens.iter().enumerate().all(|(k, t)| {
                        let w: String = words[k].chars().filter(|c| c.is_alphanumeric()).collect();
                        t.latin == w
                            || written
                                .word_alternatives
                                .iter()
                                .any(|a| usize::from(a.at) == k && a.token.latin == w)
                    });
                whole || by_word
            };
            let wholes = |via: Via| forms.iter().filter(|f| f.via == via).count();
            let want: Vec<String> = translit::latin_forms_upto(&cleaned, 3)
                .into_iter()
                .filter(|l| *l != cleaned)
                .collect();
            let via = Via::Transliteration(Script::Cyrillic);
            assert!(want.iter().all(|l| spelt(via, l)), "{raw}");
            assert!(wholes(via) <= want.len(), "{raw}");
            let belarusian = (!translit::looks_korean(&cleaned))
                .then(|| belarusian::latin_reading(&cleaned))
                .flatten()
                .filter(|b| !want.contains(b));
            assert!(
                belarusian.iter().all(|b| spelt(Via::Belarusian, b)),
                "{raw}"
            );
            assert!(
                wholes(Via::Belarusian) <= usize::from(belarusian.is_some()),
                "{raw}"
            );
            let national = (!translit::looks_korean(&cleaned))
                .then(|| belarusian::national_latin_reading(&cleaned))
                .flatten();
            assert!(
                national.iter().all(|n| spelt(Via::BelarusianLatin, n)),
                "{raw}"
            );
        }
    }

    /// A Russian organisation with glossary words is one written form whose words carry the
    /// systems' spellings, beside its glossary forms (whole: they translate words into others,
    /// of other classes).
    #[test]
    fn regression_russian_organisation_spelt_by_the_systems_word_by_word_beside_its_glossary() {
        let forms = analyze("Брянский электромеханический завод", NameKind::Organization);
        let vias: Vec<Via> = forms.iter().map(|f| f.via).collect();
        let glossary = Via::Glossary(Script::Cyrillic);
        assert_eq!(vias, [Via::Written, glossary, glossary], "{forms:?}");
        // Each system's word is the written word's spelling or one of its alternatives.
        let written = &forms[0];
        for system in translit::latin_forms_upto("брянский электромеханический завод", 2)
        {
            for (k, w) in system.split(' ').enumerate() {
                let spelt = written.tokens[k].latin == w
                    || written.word_alternatives.iter().any(|a| {
                        usize::from(a.at) == k
                            && a.via == Via::Transliteration(Script::Cyrillic)
                            && a.token.latin == w
                    });
                assert!(spelt, "{system}: {w} in {written:?}");
            }
        }
        assert!(!written.word_alternatives.is_empty());
        assert_eq!(forms[1].text, "bryansk electromechanical plant");
    }

    #[test]
    fn korean_person_names_in_every_spelling() {
        let want = [("KIM".to_owned(), "JOQ.ON".to_owned())];
        for s in [
            "김정은",
            "Kim Jong Un",
            "KIM, Jong-un",
            "Kim Jongun",
            "Kim Chŏng-ŭn",
            "KIM Jong Un",
            "Jong Un KIM",
            "Gim Jeong-eun",
            "Kimjongun",
        ] {
            let r = readings(s);
            assert!(r.contains(&want[0]), "{s}: {r:?}");
        }
    }

    #[test]
    fn compound_surname_split() {
        assert_eq!(
            readings("남궁민수"),
            vec![("NAM.KOQ".to_owned(), "MIN.SO".to_owned())]
        );
    }

    #[test]
    fn a_slipped_surname_is_read_as_the_surname_too() {
        let slipped = ("KIN".to_owned(), "JOQ.ON".to_owned());
        for s in ["KIN Jong Un", "Kin Jong Un", "KIN, Jong-un", "Jong Un KIN"] {
            assert!(readings(s).contains(&slipped), "{s}: {:?}", readings(s));
        }
        // Not when the capitals or the first word name a real surname elsewhere, nor in a
        // name with no reading of its own.
        assert!(readings("Chol Sok KIM").iter().all(|r| r.0 != "JOL"));
        let kim = readings("KIM Chol Sok");
        assert!(kim.iter().all(|r| r.0 != "JOL"), "{kim:?}");
        assert!(readings("Kin Tan").is_empty());
    }

    #[test]
    fn non_korean_names_have_no_reading() {
        assert!(readings("John Smith").is_empty());
        assert!(readings("Mohammed Ali Hassan").is_empty());
    }

    #[test]
    fn org_legal_forms_are_weak() {
        let f = analyze("Korea Kwangson Banking Corp.", NameKind::Organization);
        let classes: Vec<TokenClass> = f[0].tokens.iter().map(|t| t.class).collect();
        assert_eq!(
            classes,
            [
                TokenClass::Generic,
                TokenClass::Word,
                TokenClass::Generic,
                TokenClass::LegalForm
            ]
        );
        let f = analyze("(주)조선광선은행", NameKind::Organization);
        assert_eq!(f[0].tokens[0].class, TokenClass::LegalForm);
        let latin: Vec<&str> = f[0].tokens.iter().map(|t| t.latin.as_str()).collect();
        assert_eq!(latin, ["jusikhoesa", "korea", "gwangseon", "bank"]);
        assert_eq!(f[0].tokens[2].korean_key, "KWAQSON");
    }

    #[test]
    fn titles_dropped_hyphens_split() {
        let f = analyze("Dr. Ri Yong-ho", NameKind::Person);
        let t: Vec<&str> = f[0].tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(t, ["ri", "yong", "ho"]);
    }

    fn words_of(s: &str) -> Vec<String> {
        analyze_with_case(s, NameKind::Person)
            .first()
            .map(|f| f.tokens.iter().map(|t| t.text.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn runs_of_titles_at_the_edges_are_dropped() {
        assert_eq!(
            words_of("Major General Ahmed AL-JARROUCHEH"),
            ["ahmed", "al", "jarroucheh"]
        );
        assert_eq!(words_of("Brigadier General Taha TAHA"), ["taha", "taha"]);
        assert_eq!(words_of("Ali Hassan, Colonel General"), ["ali", "hassan"]);
        assert_eq!(words_of("شیخ محمد خالد"), ["محمد", "خالد"]);
        // Not a middle word, and not every word of a name made of titles only.
        assert_eq!(words_of("Ali General Hassan"), ["ali", "general", "hassan"]);
        assert_eq!(words_of("Major General"), ["major", "general"]);
        // Organisations keep them; a name of unknown kind keeps them as weak words.
        let f = analyze("General Directorate", NameKind::Organization);
        assert_eq!(f[0].tokens.len(), 2);
        let f = analyze("Brigadier General Ghassan AFIF", NameKind::Unknown);
        let classes: Vec<TokenClass> = f[0].tokens.iter().map(|t| t.class).collect();
        assert_eq!(
            classes,
            [
                TokenClass::Generic,
                TokenClass::Generic,
                TokenClass::Word,
                TokenClass::Word
            ]
        );
    }

    #[test]
    fn parenthesised_alternatives_are_marked() {
        let f = analyze_with_case("Aleksei (Alexey) Tkachev (Tkachov)", NameKind::Person);
        assert_eq!(f[0].alternatives, 0b1010);
        // Not a phrase in parentheses, not a first word, not an organisation's acronym.
        let f = analyze_with_case("Sergei (Sergey Ivanovich) Ivanov", NameKind::Person);
        assert_eq!(f[0].alternatives, 0);
        assert_eq!(analyze("(Ali) Hassan", NameKind::Person)[0].alternatives, 0);
        let f = analyze(
            "Islamic Revolutionary Guard Corps (IRGC)",
            NameKind::Organization,
        );
        assert_eq!(f[0].alternatives, 0);
        // `SURNAME, Given`: the surname's words come last but keep their own parentheses.
        let f = analyze("KIM, Jong (Chong) Un", NameKind::Person);
        assert_eq!(f[0].alternatives, 0b10);
    }

    /// Word splitting as first written: the comma case rebuilt as a new string.
    fn split_words_by_copy(s: &str) -> (Vec<String>, Option<usize>) {
        let mut surname_at = None;
        let mut text = s.to_owned();
        if let Some((before, after)) = s.split_once(',')
            && !after.contains(',')
            && before.split_whitespace().count() <= 2
            && !after.trim().is_empty()
            && !before.trim().is_empty()
        {
            surname_at = Some(after.split(is_sep).filter(|w| !w.is_empty()).count());
            text = format!("{} {}", after.trim(), before.trim());
        }
        let words = text
            .split(is_sep)
            .filter(|w| !w.is_empty())
            .map(|w| {
                w.trim_matches(|c| matches!(c, '\'' | '’' | '‘' | '`'))
                    .to_owned()
            })
            .filter(|w| !w.is_empty())
            .take(MAX_TOKENS)
            .collect();
        (words, surname_at)
    }

    /// Korean readings as first written: every candidate's given name collected, then kept
    /// when it has one to three syllables.
    fn readings_as_first_written(
        parsed: &[&[Syllable]],
        candidates: &[usize],
    ) -> Vec<KoreanReading> {
        candidates
            .iter()
            .filter_map(|&si| {
                let surname = parsed.get(si)?.to_vec();
                let given: Vec<Syllable> = parsed
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != si)
                    .flat_map(|(_, s)| s.iter().cloned())
                    .collect();
                (1..=3)
                    .contains(&given.len())
                    .then(|| KoreanReading::new(&surname, &given))
            })
            .collect()
    }

    proptest::proptest! {
        /// A non-Latin word is spelt `any_ascii` of the whole word, letters and digits
        /// lower-cased, as when that `String` was made per word (`make_token` now reads the
        /// word letter by letter).
        #[test]
        fn non_latin_words_spelt_as_any_ascii_of_the_word(
            w in "[ァ-ヺー一-龥а-яА-Яا-يα-ωΑ-Ωa-zA-Z'・-]{1,12}",
        ) {
            for script in [Script::Kana, Script::Han, Script::Cyrillic, Script::Arabic, Script::Greek] {
                let (mut scratch, mut syllables) = (String::new(), Vec::new());
                let (t, _) = make_token(&w, NameKind::Person, script, &mut scratch, &mut syllables);
                let whole: String = any_ascii::any_ascii(&w)
                    .bytes()
                    .filter(u8::is_ascii_alphanumeric)
                    .map(|b| char::from(b.to_ascii_lowercase()))
                    .collect();
                proptest::prop_assert_eq!(t.latin.as_str(), whole.as_str());
            }
        }
    }

    /// Every character the table of spellings holds is spelt as `any_ascii` spells it, letter
    /// by letter, and the characters it leaves out are spelt that way.
    #[test]
    fn tabled_spellings_as_any_ascii_spells_them() {
        let spellings = AsciiSpellings::get();
        let mut tabled = 0;
        for c in (0..=0x7FF).chain(KANA_BLOCK).filter_map(char::from_u32) {
            let mut plain = Vec::new();
            push_ascii_spelling(c, |b| plain.push(b));
            if let Some(spelt) = spellings.of(c) {
                assert_eq!(spelt, plain.as_slice(), "{c:?}");
                tabled += 1;
            } else {
                assert!(plain.len() > SPELLING_BYTES, "{c:?}");
            }
        }
        assert!(tabled > 2000, "{tabled}");
    }

    proptest::proptest! {
        /// Readings whose given names are measured before they are copied are the readings
        /// first written.
        #[test]
        fn readings_as_first_written_agree(
            words in proptest::collection::vec("(kim|ri|pak|jong|un|yong|ho|sol|namgung|chol|a|x)", 0..5),
            candidates in proptest::collection::vec(0usize..6, 0..4),
        ) {
            let syllables: Vec<Vec<Syllable>> = words
                .iter()
                .map(|w| korean::parse_latin(w).unwrap_or_default())
                .collect();
            let parsed: Vec<&[Syllable]> = syllables.iter().map(Vec::as_slice).collect();
            proptest::prop_assert_eq!(
                readings_with_surname_at(&parsed, &candidates),
                readings_as_first_written(&parsed, &candidates)
            );
        }
    }

    /// The case rule as first written: the capitalised surname moved by building word lists.
    fn analyze_with_case_by_copy(raw: &str, kind: NameKind) -> Vec<NameForm> {
        if kind != NameKind::Organization && !raw.contains(',') {
            let words: Vec<&str> = raw.split_whitespace().collect();
            let is_upper = |w: &str| {
                w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && w.chars().all(|c| !c.is_lowercase())
                    && w.chars().any(|c| c.is_uppercase())
            };
            let uppers: Vec<usize> = (0..words.len()).filter(|&i| is_upper(words[i])).collect();
            let has_lower = words.iter().any(|w| w.chars().any(|c| c.is_lowercase()));
            if let [u] = uppers.as_slice()
                && has_lower
                && words.len() >= 2
                && (*u == 0 || *u + 1 == words.len())
                && !words[*u].contains('-')
            {
                let mut rest = words.clone();
                let sur = rest.remove(*u);
                return analyze(&format!("{sur}, {}", rest.join(" ")), kind);
            }
        }
        analyze(raw, kind)
    }

    proptest::proptest! {
        #[test]
        fn words_and_case_rule_as_first_written(
            s in proptest::prop_oneof![
                "\\PC{0,30}",
                "[a-zA-Z ,'’-]{0,30}",
                "[a-zA-Z0-9 \t,.;:/&()'`-]{0,30}",
                "(KIM|Kim|kim|JONG-UN|Jong|un|Ri|RI|Dr\\.|,| |  |'|-){0,7}",
                "(KIM|Kim|Jong|UN|K|\\x0B|\\x0C|\\x1C|\\t|\\r|\\n| |Ü|ÉA){0,7}",
                "(ЛЯБИХОВ|Роман|РОМАН|Ёж|ЁЖ|Ѐ|ѐ|Џ|џ|Ґ|ґ|Ѡ|Ж1|,| |-|Ω|ω){0,7}",
            ]
        ) {
            let (words, at) = split_words(&s);
            let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
            proptest::prop_assert_eq!((words, at), split_words_by_copy(&s));
            for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
                proptest::prop_assert_eq!(
                    analyze_with_case(&s, kind),
                    analyze_with_case_by_copy(&s, kind)
                );
            }
        }
    }

    proptest::proptest! {
        /// The case rule's pass over an ASCII name's bytes moves what the rule read
        /// character by character moves.
        #[test]
        fn case_rule_on_ascii_bytes_as_by_characters(
            s in proptest::prop_oneof![
                "[ -~\t\n\x0B\x0C\r\x1C]{0,30}",
                "(KIM|Kim|kim|JONG-UN|K-|Jong|UN|K|A1|,|-|\x0B|\x1C|\t| |  ){0,7}",
            ]
        ) {
            let (mut fast, mut slow) = (String::from("left over"), String::new());
            let moves = with_surname_first(&s, NameKind::Person, &mut fast);
            proptest::prop_assert_eq!(moves, with_surname_first_by_chars(&s, &mut slow));
            if moves {
                proptest::prop_assert_eq!(fast, slow);
            }
        }
    }

    proptest::proptest! {
        /// A form's script, taken from its tokens' when they share one, is the script of most
        /// of its text's letters, as it is read from the text otherwise: words of mixed
        /// scripts, digits and letters of no script among them.
        #[test]
        fn form_scripts_as_read_from_their_text(
            s in proptest::prop_oneof![
                "\\PC{0,24}",
                "[a-cж-иκ-μ가-각金正キム0-9ـ'%· ,()-]{0,24}",
                "(Ким|KIM|김정은|金正恩|キム|ジョン|abcжж|жжab|αβж|12|株式会社|은행|,| ){0,7}",
            ]
        ) {
            for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
                for f in analyze(&s, kind) {
                    proptest::prop_assert_eq!(f.script, Script::dominant(&f.text), "{:?}", f.text);
                }
            }
        }
    }

    proptest::proptest! {
        /// A token copied from an earlier form is the token `make_token` would have made.
        #[test]
        fn reused_tokens_as_made(
            s in proptest::prop_oneof![
                "\\PC{0,24}",
                "[а-яА-ЯёЁ ,.-]{0,30}",
                "(キム|ジョン|ウン|ジン|セルゲイ|パク|ン|ヴ|・| ){0,8}",
                "(金|正|恩|李|朴|山|东|有限公司|株式会社|\\(|\\)| ){0,8}",
                "[ء-ي ]{0,24}",
                "[α-ωΑ-Ω ]{0,24}",
                "(Ким|Чен|Ын|Пак|ЛЯБИХОВ|Роман|,| ){0,6}",
            ]
        ) {
            for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
                proptest::prop_assert_eq!(
                    analyze_reusing(&s, kind, true, &mut Analyzer::with_word_limit(0), Pair::Alone, Conversions::ALL),
                    analyze_reusing(&s, kind, false, &mut Analyzer::with_word_limit(0), Pair::Alone, Conversions::ALL)
                );
            }
        }
    }

    /// `キム・ジン`: the romaji form reuses `jin` from a Korean katakana form, whose syllables
    /// are marked as read from kana; the copies must be Latin again.
    #[test]
    fn reused_tokens_in_names_of_many_forms() {
        for s in [
            "セルゲイ・クゾヴレフ",
            "キム・ジョンウン",
            "パク・ジンヒョク",
            "キム・ジン",
            "Роман Михайлович ЛЯБИХОВ",
            "Ким Чен Ын",
            "金正恩",
            "朝鮮光鮮銀行",
            "محمد رضا محمد",
        ] {
            for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
                assert_eq!(
                    analyze_reusing(
                        s,
                        kind,
                        true,
                        &mut Analyzer::with_word_limit(0),
                        Pair::Alone,
                        Conversions::ALL,
                    ),
                    analyze_reusing(
                        s,
                        kind,
                        false,
                        &mut Analyzer::with_word_limit(0),
                        Pair::Alone,
                        Conversions::ALL,
                    ),
                    "{s}"
                );
            }
        }
    }

    /// Names whose words recur across names with different neighbours: titles at an edge
    /// and in the middle, Korean syllables, kinds, scripts, case, legal forms.
    const RECURRING_WORDS: &[&str] = &[
        "Kim Jong Un",
        "KIM Jong Un",
        "Dr Kim Jong",
        "Kim Dr Jong",
        "Jong Kim Dr",
        "Ri Yong Ho",
        "이용호",
        "김정은",
        "Kimjongun",
        "Korea Kwangson Banking Corp.",
        "Kwangson Korea",
        "(주)조선광선은행",
        "조선광선은행",
        "Chon Ma San II",
        "II Chon",
        "Роман Михайлович ЛЯБИХОВ",
        "Ким Чен Ын",
        "キム・ジョンウン",
        "キム・ジン",
        "金正恩",
        "朝鮮光鮮銀行",
        "محمد رضا محمد",
        "Mohammed Ali Hassan",
        "Sŏn Ŭn",
        "SON, Un",
        "Mr. Pak",
        "Pak Mr",
    ];

    /// Both names of a pair as each alone, in either order, through a forgetful analyzer and
    /// one that remembers words, and a name analysed alone after a pair as alone (no record of
    /// the pair is left for it).
    fn assert_pairs_as_alone(a: &str, b: &str) {
        for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
            let alone = (analyze_with_case(a, kind), analyze_with_case(b, kind));
            // A full memory (2 words) leaves the pair's records to serve the words it lacks.
            for limit in [0, 2, Analyzer::DEFAULT_WORD_LIMIT] {
                let mut analyzer = Analyzer::with_word_limit(limit);
                assert_eq!(
                    analyzer.analyze_pair_with_case(a, b, kind),
                    alone,
                    "{a} / {b} {kind:?}"
                );
                let swapped = analyzer.analyze_pair_with_case(b, a, kind);
                assert_eq!(
                    (&swapped.1, &swapped.0),
                    (&alone.0, &alone.1),
                    "{b} / {a} {kind:?}"
                );
                assert_eq!(
                    analyzer.analyze_with_case(b, kind),
                    alone.1,
                    "{b} {kind:?} after a pair"
                );
            }
        }
    }

    /// The second name of a pair copies the first name's tokens, syllables included, from any
    /// of its forms: romanised words, kana-read syllables, words dropped or weakened as titles
    /// and organisation glossary words on one side only.
    #[test]
    fn regression_pair_words_as_made() {
        for (a, b) in [
            ("KIM Jong Un", "Kim Jong Un"),
            ("Kim Jong Un", "김정은"),
            ("キム・ジョンウン", "Kim Jong Un"),
            ("キム・ジン", "jin kim"),
            ("Kim Jong Un", "キム・ジョンウン"),
            ("Ким Чен Ын", "Kim Chen Yn"),
            ("Роман Михайлович ЛЯБИХОВ", "Roman Mikhaylovich LYABIKHOV"),
            ("金正恩", "jin zheng en"),
            ("朝鮮光鮮銀行", "Korea Kwangson Bank"),
            ("Dr Kim Jong", "Kim Dr Jong"),
            ("General Bureau", "General Kim"),
            ("ООО Бамгрупп", "Bamgroup LLC"),
            ("محمد رضا محمد", "mohammad reza"),
            ("Chon Ma San II", "II Chon"),
            ("Aleksei (Alexey) Lavrinenko", "Alexey Lavrinenko"),
            ("", "Kim"),
            ("Kim", ""),
        ] {
            assert_pairs_as_alone(a, b);
        }
    }

    proptest::proptest! {
        /// Arbitrary pairs of names that share words: as each alone.
        #[test]
        fn pair_words_as_made_arbitrary(
            names in proptest::collection::vec(proptest::prop_oneof![
                "\\PC{0,24}",
                "(Kim|KIM|kim|Jong|JONG|Un|un|jin|Ri|Dr|Mr\\.|II|Co|Ltd|Bank| |, |-|\\(|\\)){0,6}",
                "(김|정|은|이|용|호|조선|은행|주식회사|\\(주\\)| ){0,6}",
                "(キム|ジョン|ウン|ジン|・|金|正|恩|李|有限公司| ){0,6}",
                "(Ким|Чен|Ын|Пак|ЛЯБИХОВ|Роман|Kim|Pak|محمد|رضا|mohammad|α|Ω|,| ){0,6}",
            ], 2..3),
        ) {
            if let [a, b] = names.as_slice() {
                assert_pairs_as_alone(a, b);
            }
        }
    }

    /// A Chinese organisation name with an organisation form has no spaced pinyin form (the
    /// organisation form spells its other words in pinyin); a name without one keeps it, and
    /// so does a person's name.
    #[test]
    fn regression_glossed_chinese_organisation_has_no_spaced_pinyin_form() {
        let vias =
            |name: &str, kind| -> Vec<Via> { analyze(name, kind).iter().map(|f| f.via).collect() };
        for kind in [NameKind::Unknown, NameKind::Organization] {
            let glossed = vias("山东裕龙石化有限公司", kind);
            assert!(glossed.contains(&Via::Glossary(Script::Han)), "{glossed:?}");
            assert!(!glossed.contains(&Via::Pinyin), "{kind:?} {glossed:?}");
            let plain = vias("瑞丰新材", kind);
            assert!(!plain.contains(&Via::Glossary(Script::Han)), "{plain:?}");
            assert!(plain.contains(&Via::Pinyin), "{kind:?} {plain:?}");
        }
        assert!(vias("山东裕龙石化有限公司", NameKind::Person).contains(&Via::Pinyin));
    }

    /// A word of a closed vocabulary (pinyin syllables, the Chinese organisation form's
    /// English words and places, the Korean syllables of katakana, the Arabic forms' listed
    /// spellings), made once, is what
    /// `make_token` makes of it in a form: same token, same Korean syllables.
    #[test]
    fn vocabulary_words_as_made() {
        let gloss = chinese::gloss_words();
        let kana_syllables = kana::korean_syllable_words();
        let arabic_spellings = translit::arabic_vocabulary();
        let vocabularies = [
            (Vocabulary::Pinyin, chinese::PINYIN_SYLLABLES.to_vec()),
            (
                Vocabulary::ChineseGloss,
                gloss.iter().map(String::as_str).collect(),
            ),
            (
                Vocabulary::KanaKoreanSyllables,
                kana_syllables.iter().map(String::as_str).collect(),
            ),
            (
                Vocabulary::ArabicSpellings,
                arabic_spellings.iter().map(String::as_str).collect(),
            ),
        ];
        for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
            for (vocabulary, words) in &vocabularies {
                for &w in words {
                    let (mut scratch, mut made, mut replayed) =
                        (String::new(), Vec::new(), Vec::new());
                    let (token, span) = make_token(w, kind, Script::Latin, &mut scratch, &mut made);
                    let Some((memo, remembered)) = vocabulary_word(*vocabulary, w, kind) else {
                        panic!("{w} {kind:?} {vocabulary:?} not made once");
                    };
                    let (again, again_span) = memo.replay(remembered, &mut replayed);
                    assert_eq!(again, token, "{w} {kind:?} {vocabulary:?}");
                    assert_eq!(again_span, span, "{w} {kind:?} {vocabulary:?}");
                    assert_eq!(replayed, made, "{w} {kind:?} {vocabulary:?}");
                }
                assert!(vocabulary_word(*vocabulary, "zhengen", kind).is_none());
            }
        }
        assert_eq!(Vocabulary::of_form(Via::Written, false), None);
        assert_eq!(Vocabulary::of_form(Via::Katakana, false), None);
        assert!(gloss.iter().any(|w| w == "shenzhen") && gloss.iter().any(|w| w == "ltd"));
        assert!(
            ["kim", "jong", "un", "choe", "kwang"]
                .iter()
                .all(|w| kana_syllables.iter().any(|s| s == w))
        );
        assert!(
            ["muhammad", "mohamed", "abdul", "al", "el", "din"]
                .iter()
                .all(|w| arabic_spellings.iter().any(|s| s == w))
        );
    }

    /// A word the Korean syllable grammar spells as one syllable, made once, is what
    /// `make_token` makes of it: same token, same Korean syllables; any other word is not
    /// found.
    #[test]
    fn latin_syllable_words_as_made() {
        let words = korean::latin_syllable_words();
        assert!(
            ["kim", "jong", "un", "ri", "pak", "choe", "tchyeong"]
                .iter()
                .all(|w| words.contains(w))
        );
        for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
            for &w in &words {
                let (mut scratch, mut made, mut replayed) = (String::new(), Vec::new(), Vec::new());
                let (token, span) = make_token(w, kind, Script::Latin, &mut scratch, &mut made);
                let Some((memo, remembered)) = latin_syllable_word(head(w), kind) else {
                    panic!("{w} {kind:?} not made once");
                };
                let (again, again_span) = memo.replay(remembered, &mut replayed);
                assert_eq!(again, token, "{w} {kind:?}");
                assert_eq!(again_span, span, "{w} {kind:?}");
                assert_eq!(replayed, made, "{w} {kind:?}");
            }
            for other in ["jongun", "kimm", "smith", "tchyeongs", "kim\0", "ltd", ""] {
                assert!(latin_syllable_word(head(other), kind).is_none(), "{other}");
            }
        }
    }

    /// Every name through one analyzer gives what it gives alone; so does an analyzer whose
    /// memory filled up after a few words.
    #[test]
    fn remembered_words_as_made() {
        for limit in [Analyzer::DEFAULT_WORD_LIMIT, 5, 0] {
            let mut analyzer = Analyzer::with_word_limit(limit);
            for round in 0..2 {
                for s in RECURRING_WORDS {
                    for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
                        assert_eq!(
                            analyzer.analyze_with_case(s, kind),
                            analyze_with_case(s, kind),
                            "{s} {kind:?} round {round} limit {limit}"
                        );
                    }
                }
            }
            assert!(analyzer.remembered_words() <= limit);
        }
    }

    proptest::proptest! {
        /// A word remembered from an earlier name is analysed as if it were new.
        #[test]
        fn remembered_words_as_made_arbitrary(
            names in proptest::collection::vec(proptest::prop_oneof![
                "\\PC{0,24}",
                "(Kim|KIM|kim|Jong|JONG|Un|un|Ri|Dr|Mr\\.|II|Co|Ltd|Bank| |, |-){0,6}",
                "(김|정|은|이|용|호|조선|은행|주식회사|\\(주\\)| ){0,6}",
                "(キム|ジョン|ウン|ジン|・|金|正|恩|李|有限公司| ){0,6}",
                "(Ким|Чен|Ын|Пак|ЛЯБИХОВ|Роман|محمد|رضا|α|Ω|,| ){0,6}",
            ], 1..12),
            limit in 0usize..8,
        ) {
            let mut unbounded = Analyzer::new();
            let mut bounded = Analyzer::with_word_limit(limit);
            for s in names.iter().chain(&names) {
                for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
                    let alone = analyze_with_case(s, kind);
                    proptest::prop_assert_eq!(&unbounded.analyze_with_case(s, kind), &alone);
                    proptest::prop_assert_eq!(&bounded.analyze_with_case(s, kind), &alone);
                }
            }
            proptest::prop_assert!(bounded.remembered_words() <= limit);
        }
    }

    /// `name` analysed without the Korean guesses of a katakana name that cannot read as a
    /// Korean person's: either as in full, or as in full less its guesses (the katakana forms
    /// before the last, its romaji), none of which reads as a surname and one or two given
    /// syllables. Whether guesses were left out.
    fn guesses_left_out_as_not_korean(name: &str, kind: NameKind) -> bool {
        let full = analyze_with_case(name, kind);
        let lazy = Analyzer::with_word_limit(0).analyze_with_case_in(
            name,
            kind,
            Pair::Alone,
            Conversions {
                katakana_guesses: false,
                ..Conversions::ALL
            },
        );
        if lazy == full {
            return false;
        }
        let romaji = full.iter().rposition(|f| f.via == Via::Katakana);
        let is_guess = |(i, f): &(usize, &NameForm)| f.via == Via::Katakana && Some(*i) != romaji;
        let rest: Vec<NameForm> = full
            .iter()
            .enumerate()
            .filter(|f| !is_guess(f))
            .map(|(_, f)| f.clone())
            .collect();
        assert_eq!(lazy, rest, "{name} {kind:?}");
        for (_, g) in full.iter().enumerate().filter(is_guess) {
            assert!(
                g.korean.iter().all(|r| !(1..=2).contains(&r.given().len())),
                "{name} {kind:?}: {g:?}"
            );
        }
        true
    }

    /// A katakana name's Korean guesses are left out only when none reads as a Korean name:
    /// not a Korean name's (`キム・ジョンウン`), nor one of three syllables (`アリ・ハン`), nor
    /// one whose first or last syllables spell a title (`ゲン`, `ホン`) or whose romaji could
    /// spell a guess (one-syllable words); a long foreign name's are, also when its romaji is
    /// titles or a title stands inside it.
    #[test]
    fn regression_katakana_guesses_left_out_only_when_not_korean() {
        for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
            for name in [
                "キム・ジョンウン",
                "パク・ジンヒョク",
                "リ・ホンソプ",
                "キム・ジョンシク",
                "アリ・ハン",
                "ゲン・ホン・ジョンウン",
                "キム・ジョンウン・ゲン",
                "ナ・ミ・ホ・ア",
                "ナ・ミ・ホ・ン・ア",
                "ア・イ・ウ・エ・オ",
                "キム・ジョンウン・APT38",
                "金正恩・キム",
                "ーッ・ン",
                "",
            ] {
                assert!(
                    !guesses_left_out_as_not_korean(name, kind),
                    "{name} {kind:?}"
                );
            }
        }
        for name in [
            "セルゲイ・クゾヴレフ",
            "ムヘーリシ",
            "サリム・ヤシン",
            "ハーレ・バクティヤール",
            "アブドゥル・サラム・ハナフィー・アリ・マルダン・クル",
            "ハジ・ダメ",
            "セルゲイ・ゲン・クゾヴレフ",
        ] {
            for kind in [NameKind::Person, NameKind::Unknown] {
                assert!(
                    guesses_left_out_as_not_korean(name, kind),
                    "{name} {kind:?}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Arbitrary katakana (Korean and foreign syllables, titles, marks, separators, other
        /// text): guesses left out only as the rule allows.
        #[test]
        fn katakana_guesses_left_out_as_not_korean_arbitrary(
            syllables in "(キム|パク|リ|チェ|ペク|ジョン|ウン|イル|チョル|ヒョク|ン|ゲン|ホン|ハジ|ダメ|サン|セルゲイ|アリ|ー|ッ|ム|ク|ル|プ|ナ|ミ|・| |　){0,10}",
            letters in "[ァ-ヺー・]{0,24}",
            mixed in "(キム|ジョン|ウン|セルゲイ|ヴ|・|金|Kim|-|\\.|,|\\(|\\)){0,8}",
        ) {
            for kind in [NameKind::Person, NameKind::Unknown, NameKind::Organization] {
                for name in [&syllables, &letters, &mixed] {
                    guesses_left_out_as_not_korean(name, kind);
                }
            }
        }
    }

    #[test]
    fn caseless_blocks_have_no_case() {
        for c in (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| is_caseless(c))
        {
            assert!(!c.is_lowercase() && !c.is_uppercase(), "{c:?}");
        }
    }

    /// Hangul words split into glossary parts give more tokens than words: a word in
    /// parentheses past the sixteenth token has no alternative bit, and no shift overflows.
    #[test]
    fn regression_parenthesised_word_past_sixteen_tokens() {
        let name = format!("{} (x)", "조선광선은행 ".repeat(15));
        for kind in [NameKind::Unknown, NameKind::Person] {
            let _ = analyze_with_case(&name, kind);
        }
    }

    /// A name of more words than a form holds keeps its first sixteen, whichever part of a
    /// `SURNAME, Given` name they come from, and words of apostrophes only are no words.
    #[test]
    fn regression_words_past_sixteen_are_cut_as_first_written() {
        let many = (1..=20)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        for name in [
            many.clone(),
            format!("kim, {many}"),
            format!("kim jong, {}", "a ".repeat(15)),
            format!("kim jong, {}", "a ".repeat(16)),
            format!("'' `kim' ''a'' {many} ''"),
        ] {
            let (words, at) = split_words(&name);
            let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
            assert_eq!((words, at), split_words_by_copy(&name), "{name}");
        }
    }

    #[test]
    fn regression_a_misspelt_title_beside_a_title_is_dropped_too() {
        // `Brigadierr General Yousef ISMAIL` kept `brigadierr` and `general` while its list
        // spelling dropped both titles: a one-letter typo cost the pair its match.
        let words = |s: &str| {
            analyze(s, NameKind::Person)[0]
                .tokens
                .iter()
                .map(|t| t.text.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            words("Brigadierr General Yousef ISMAIL"),
            ["yousef", "ismail"]
        );
        assert_eq!(
            words("Brigadier Generall Yousef ISMAIL"),
            ["yousef", "ismail"]
        );
        // Never without a title spelt right, never a name made of titles.
        assert_eq!(words("John Marshall"), ["john", "marshall"]);
        assert_eq!(words("Generall Yousef"), ["generall", "yousef"]);
        assert_eq!(words("Brigadierr General"), ["brigadierr", "general"]);
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "",
            " ",
            "\u{0}\u{1}",
            ",",
            ", ,",
            "-",
            "(주)",
            "''",
            &"x".repeat(10_000),
        ] {
            let _ = analyze_with_case(s, NameKind::Unknown);
        }
        assert!(analyze("", NameKind::Person).is_empty());
    }

    proptest::proptest! {
        /// The spellings their makers write as plain words (a Cyrillic name's transliterations,
        /// its Belarusian readings) have the words [`split_words`] finds in them, in its order
        /// and with the surname position it reads from a comma, each lower-case ASCII letters
        /// and digits (its own folding), as [`fold_into_written`] takes them.
        #[test]
        fn plain_spellings_have_the_words_split_words_finds(
            s in proptest::prop_oneof![
                "[а-яёА-ЯЁіїєґўђҷ҂ \t'’ʼ`ʹ]{0,24}",
                "[а-яА-Я ,]{0,24}",
                "[а-яёА-ЯЁіўa-zA-Z0-9 \t'’,.-]{0,24}",
            ],
        ) {
            let lowered = translit::lowered_cyrillic(&s);
            let known = translit::KnownCyrillic {
                lowered: &lowered,
                looks_korean: translit::looks_korean(&s),
            };
            let readings = belarusian::readings_of_lowered(&lowered).into_iter().flatten();
            let spellings = translit::latin_forms_upto_known(&s, Some(known), usize::MAX);
            for spelling in spellings.into_iter().chain(readings) {
                let Some(spaces) = &spelling.spaces else {
                    continue;
                };
                let (words, comma) = words_between(&spelling.text, spaces);
                let (split, split_comma) = split_words(&spelling.text);
                proptest::prop_assert_eq!(&words, &split, "{:?}", spelling.text);
                proptest::prop_assert_eq!(comma, split_comma, "{:?}", spelling.text);
                for w in words {
                    proptest::prop_assert!(
                        w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                        "{:?}",
                        w
                    );
                    let mut fold = String::new();
                    proptest::prop_assert_eq!(fold_word(w, &mut fold), w);
                }
            }
        }
    }
}
