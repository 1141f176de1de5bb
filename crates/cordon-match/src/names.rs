//! Name-to-name scoring: Korean syllable alignment and general token alignment.

use compact_str::CompactString;
use cordon_text::korean::{self, SylSource, Syllable};
use cordon_text::normalize::DIGIT_BITS;
use cordon_text::skeleton::{Scheme, SkeletonLetters, has_skeleton, skeleton};
use cordon_text::{FormNotes, KoreanReading, NameForm, NameKind, Script, Token, TokenClass, Via};
use serde::Serialize;
use smallvec::SmallVec;
use std::sync::OnceLock;

/// A name prepared for comparison: the text as given and its analysed forms.
#[derive(Debug, Clone)]
pub struct PreparedName {
    /// The name as the list or the query wrote it (empty in a name made for one comparison,
    /// [`PreparedName::of_forms_compared_as_given`]).
    pub original: String,
    /// Its comparable forms ([`cordon_text::analyze`]).
    pub forms: Vec<NameForm>,
    /// Per form, its tokens' consonant skeletons under the schemes computed ahead (a list
    /// name: its own script's; a query: either, when a candidate first brings it), so that a
    /// query compares them with every candidate without recomputing them. Empty when no form
    /// has any.
    skeletons: Vec<FormSkeletons>,
    /// Per form, an earlier form it echoes ([`Echoes`]).
    echoes: Echoes,
    /// Whether the name reads as Korean of the usual shape ([`reads_as_korean`]), read once
    /// here rather than at every comparison.
    korean_shaped: bool,
    /// Whether the other name's Hanja readings and katakana Korean guesses can meet it
    /// ([`faces_korean`]).
    korean_facing: bool,
    /// Which forms are katakana Korean guesses ([`korean_guesses`]).
    guesses: u8,
}

/// For each form of a name, the first earlier form with the same words (spelling, phonetic
/// key, class, in order), the same Korean readings or none, read under the same skeleton
/// scheme, and a conversion discount at least as mild: a transliteration or romaji form that
/// spells what the written form already spells (`Роман` and `roman`, `セルゲイ` and
/// `serugei`). Against another form, such a form scores what its original does, discounted
/// more, when their words' texts and Korean keys decide nothing apart
/// ([`Echoes::dominated`]), and the pair is not scored.
#[derive(Debug, Clone, Copy, Default)]
struct Echoes([Option<u8>; cordon_text::name::MAX_FORMS]);

impl Echoes {
    fn of(forms: &[NameForm], guesses: u8) -> Self {
        let mut echoes = Echoes::default();
        for (i, slot) in echoes.0.iter_mut().enumerate() {
            let Some(f) = forms.get(i) else { break };
            *slot = forms
                .get(..i)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .position(|(j, g)| {
                    via_factor(g.via) >= via_factor(f.via)
                        && is_guess(guesses, j) == is_guess(guesses, i)
                        && same_words(g, f)
                        && relevant_beside(g, f)
                })
                .and_then(|j| u8::try_from(j).ok());
        }
        echoes
    }

    /// Whether form `i` of a name, against form `other` of the other name, scores no more
    /// than its echo does against `other`: a pair scored before this one (the echo is an
    /// earlier form), so that this one cannot be the best.
    ///
    /// Both pairs are scored the same way: by Korean readings on both sides (the same), or by
    /// token alignments. A token alignment reads of a word its spelling, phonetic key and
    /// class, which the echo shares; its text only where two texts are equal, which scores 1
    /// as equal spellings do — unless the spellings differ; and its Korean key only where it
    /// equals the other word's. Both are checked here word by word. The echo's discount is at
    /// least as mild, so its score is at least as high.
    fn dominated(&self, forms: &[NameForm], i: usize, other: &NameForm) -> bool {
        let Some(j) = self.0.get(i).copied().flatten() else {
            return false;
        };
        let (Some(f), Some(echo)) = (forms.get(i), forms.get(usize::from(j))) else {
            return false;
        };
        if korean_pair(f, other) {
            return true;
        }
        let text_agrees = |a: &Token, b: &Token| {
            !same(&a.text, &b.text) || (!a.latin.is_empty() && same(&a.latin, &b.latin))
        };
        let korean_key_hit =
            |a: &Token, b: &Token| !a.korean_key.is_empty() && same(&a.korean_key, &b.korean_key);
        aligned_tokens(f)
            .iter()
            .zip(aligned_tokens(echo))
            .all(|(a, e)| {
                aligned_tokens(other).iter().all(|b| {
                    text_agrees(a, b)
                        && text_agrees(e, b)
                        && korean_key_hit(a, b) == korean_key_hit(e, b)
                })
            })
    }
}

/// Whether form `echo` is scored against every name that form `f` is scored against
/// ([`PreparedName::scores_form`]), both Korean guesses of a katakana name or neither, so that
/// it can stand for `f`: a form the relevance rule skips is no echo, and a name compared
/// without it (never analysed, [`crate::Comparer::compare`]) scores as one compared with it.
/// (Guesses echo only guesses for their scoring too: a guess aligns its words in order, which
/// another form does not, so the two may spell the same words and score apart: `wァン` and its
/// guess `wan` against `و`.)
fn relevant_beside(echo: &NameForm, f: &NameForm) -> bool {
    echo.via != Via::HanjaReading || f.via == Via::HanjaReading
}

/// Bit `i` set: form `i` is a katakana name's Korean guess (`パク` read as `pak`, 박), a
/// katakana form before the name's last one, its romaji (the analysis adds the romaji after
/// the guesses).
fn korean_guesses(forms: &[NameForm]) -> u8 {
    let Some(romaji) = forms.iter().rposition(|f| f.via == Via::Katakana) else {
        return 0;
    };
    forms
        .get(..romaji)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.via == Via::Katakana)
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

fn is_guess(guesses: u8, i: usize) -> bool {
    i < 8 && guesses >> i & 1 == 1
}

/// Whether a token alignment reads forms `a` and `b` alike but for their words' texts and
/// Korean keys: the same spellings, phonetic keys and classes in the same order, under the
/// same skeleton scheme; and whether they have the same Korean readings.
fn same_words(a: &NameForm, b: &NameForm) -> bool {
    a.tokens.len() == b.tokens.len()
        && a.tokens.iter().zip(&b.tokens).all(|(x, y)| {
            x.letters == y.letters
                && x.class == y.class
                && same(&x.latin, &y.latin)
                && same(&x.key, &y.key)
        })
        && own_scheme(a) == own_scheme(b)
        && a.korean == b.korean
        && a.alternatives == b.alternatives
        && a.word_alternatives.is_empty()
        && b.word_alternatives.is_empty()
}

/// Consonant skeletons of one form's tokens, per scheme, where computed.
#[derive(Debug, Clone, Default)]
struct FormSkeletons {
    arabic: OnceLock<Box<[String]>>,
    kana: OnceLock<Box<[String]>>,
    /// Whether a scheme's skeletons are made the first time a comparison asks for them, then
    /// kept (a query's: any candidate may bring either scheme, and most screenings meet
    /// neither), rather than left to each comparison.
    on_demand: bool,
}

impl FormSkeletons {
    /// Skeletons made when first asked for.
    fn on_demand() -> Self {
        FormSkeletons {
            on_demand: true,
            ..FormSkeletons::default()
        }
    }

    /// The skeletons of `tokens` (the form's) under `scheme`, where computed or made on demand.
    fn get(&self, scheme: Scheme, tokens: &[Token]) -> Option<&[String]> {
        let cell = self.cell(scheme);
        if self.on_demand {
            Some(cell.get_or_init(|| Self::make(tokens, scheme)))
        } else {
            cell.get().map(|s| &**s)
        }
    }

    fn set(&mut self, scheme: Scheme, tokens: &[Token]) {
        let made = Self::make(tokens, scheme);
        *self.cell_mut(scheme) = OnceLock::from(made);
    }

    fn make(tokens: &[Token], scheme: Scheme) -> Box<[String]> {
        tokens.iter().map(|t| skeleton(&t.latin, scheme)).collect()
    }

    fn cell(&self, scheme: Scheme) -> &OnceLock<Box<[String]>> {
        match scheme {
            Scheme::Arabic => &self.arabic,
            Scheme::Kana => &self.kana,
        }
    }

    fn cell_mut(&mut self, scheme: Scheme) -> &mut OnceLock<Box<[String]>> {
        match scheme {
            Scheme::Arabic => &mut self.arabic,
            Scheme::Kana => &mut self.kana,
        }
    }
}

impl PreparedName {
    /// Analyses a list name: skeletons are kept for the forms in a script that needs them
    /// (Arabic, katakana).
    pub fn new(original: &str, kind: NameKind) -> Self {
        Self::new_with(
            &mut cordon_text::Analyzer::with_word_limit(0),
            original,
            kind,
        )
    }

    /// [`PreparedName::new`] through `analyzer`, which remembers the words of the names it
    /// analysed before.
    pub fn new_with(analyzer: &mut cordon_text::Analyzer, original: &str, kind: NameKind) -> Self {
        let mut name = Self::compared_once(analyzer, original, kind);
        // A list name lives as long as the index, and its forms were pushed one by one (room
        // for four; most names have one or two): most of the 26 MB those vectors took was
        // empty room.
        name.forms.shrink_to_fit();
        if name.forms.iter().any(|f| own_scheme(f).is_some()) {
            name.skeletons = name
                .forms
                .iter()
                .map(|f| {
                    let mut s = FormSkeletons::default();
                    if let Some(sc) = own_scheme(f) {
                        s.set(sc, &f.tokens);
                    }
                    s
                })
                .collect();
        }
        name
    }

    /// Analyses a name that is compared once ([`crate::compare`]): no skeletons ahead; the
    /// comparison computes those of the words that need them.
    pub(crate) fn compared_once(
        analyzer: &mut cordon_text::Analyzer,
        original: &str,
        kind: NameKind,
    ) -> Self {
        let forms = analyzer.analyze_with_case(original, kind);
        Self::of_compared_forms(original, forms)
    }

    /// [`PreparedName::compared_once`] of a name already analysed into `forms`
    /// ([`cordon_text::Analyzer::analyze_pair_with_case`]).
    pub(crate) fn of_compared_forms(original: &str, forms: Vec<NameForm>) -> Self {
        Self::of_forms(original.to_owned(), forms, Vec::new())
    }

    /// [`PreparedName::of_compared_forms`] for [`crate::Comparer::compare`]'s names made for
    /// one comparison, which reads the names as given: no copy of the text is made
    /// (`original` is left empty), which cost an allocation and a free a name.
    pub(crate) fn of_forms_compared_as_given(forms: Vec<NameForm>) -> Self {
        Self::of_forms(String::new(), forms, Vec::new())
    }

    /// [`PreparedName::of_compared_forms`] for a name compared with many: its skeletons are
    /// made when a comparison first asks for them, then kept.
    pub(crate) fn of_remembered_forms(original: &str, forms: Vec<NameForm>) -> Self {
        let skeletons = forms.iter().map(|_| FormSkeletons::on_demand()).collect();
        Self::of_forms(original.to_owned(), forms, skeletons)
    }

    /// A name of these forms and skeletons, with what is read from its forms once.
    fn of_forms(original: String, forms: Vec<NameForm>, skeletons: Vec<FormSkeletons>) -> Self {
        let guesses = korean_guesses(&forms);
        let korean_shaped = reads_as_korean(&forms);
        PreparedName {
            original,
            echoes: Echoes::of(&forms, guesses),
            korean_shaped,
            korean_facing: korean_shaped || has_hangul_form(&forms),
            guesses,
            forms,
            skeletons,
        }
    }

    /// Whether form `i` (`f`) of this name is scored against `other`: the one relevance rule
    /// that both [`crate::compare`] and screening apply. A Hanja reading only against a name
    /// that can meet it ([`faces_korean`]); a katakana name's Korean guesses likewise, unless
    /// the katakana name itself reads as a Korean person's (`セルゲイ・クゾヴレフ` read as
    /// `se reu ge i` is no Korean name; against `Sergei Kuzovlev` its romaji decides).
    fn scores_form(&self, i: usize, f: &NameForm, other: &PreparedName) -> bool {
        (f.via != Via::HanjaReading || other.korean_facing)
            && (!is_guess(self.guesses, i) || self.korean_shaped || other.korean_facing)
    }

    /// Analyses a query name: its skeletons under either scheme are made once, when a
    /// candidate first brings that scheme, and kept for the others.
    pub fn query(original: &str, kind: NameKind) -> Self {
        let forms = cordon_text::analyze_with_case(original, kind);
        let skeletons = forms.iter().map(|_| FormSkeletons::on_demand()).collect();
        Self::of_forms(original.to_owned(), forms, skeletons)
    }

    /// The skeletons of form `form`'s tokens computed ahead.
    fn skeletons(&self, form: usize) -> &FormSkeletons {
        static NONE: FormSkeletons = FormSkeletons {
            arabic: OnceLock::new(),
            kana: OnceLock::new(),
            on_demand: false,
        };
        self.skeletons.get(form).unwrap_or(&NONE)
    }
}

/// The conversions and notes of the two forms compared (query's first), as explanations
/// name them.
pub(crate) fn conversions_of(forms: [Option<&NameForm>; 2]) -> Vec<&'static str> {
    let mut conversions = Vec::new();
    for_each_conversion(forms, |label| conversions.push(label));
    conversions
}

/// Calls `f` with each of [`conversions_of`] in turn.
fn for_each_conversion(forms: [Option<&NameForm>; 2], mut f: impl FnMut(&'static str)) {
    for form in forms.into_iter().flatten() {
        if form.via != Via::Written {
            f(form.via.label());
        }
        // Most forms have no notes: their labels are not looked for.
        if form.notes != FormNotes::default() {
            form.notes.labels().for_each(&mut f);
        }
    }
}

/// The rules an explanation names, each once: the conversions and notes of the two forms
/// compared ([`conversions_of`]), then the rules of the alignment, in order.
pub(crate) fn rules_fired(
    forms: [Option<&NameForm>; 2],
    alignment: &[Aligned],
) -> Vec<&'static str> {
    // Room for the rules of nearly every comparison, made at once: growing the vector past
    // four rules took mimalloc's slow path at each comparison (the larger block's page had
    // emptied since the last one), ~1,300 instructions a growth, a sixth of a katakana name's
    // comparison.
    let mut rules: Vec<&'static str> = Vec::with_capacity(8);
    let mut name = |rule: &'static str| {
        // Compared inline ([`same`]): a comparison names a few rules, each against those
        // before.
        if !rules.iter().any(|named| same(named, rule)) {
            rules.push(rule);
        }
    };
    for_each_conversion(forms, &mut name);
    alignment.iter().for_each(|a| name(a.rule));
    rules
}

/// One aligned pair of name parts, for explanations.
///
/// The parts are `CompactString`s and the rule a name from the code: every comparison returns
/// its explanation, and parts of up to 24 bytes (nearly all) then take no allocation. Both
/// print and serialise as the strings they hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aligned {
    /// The query's part (`""` when the list name has a part the query lacks).
    pub query: CompactString,
    /// The list name's part (`""` when the query has a part the list name lacks).
    pub candidate: CompactString,
    /// Similarity of the two parts, 0–1.
    pub score: f64,
    /// The rule that related them (`exact`, `McCune–Reischauer ↔ RR`, `initial-sound rule` …).
    pub rule: &'static str,
}

/// The best comparison of two names.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameScore {
    /// 0–1.
    pub score: f64,
    /// Index of the query form used.
    pub query_form: usize,
    /// Index of the candidate form used.
    pub candidate_form: usize,
    /// Whether the Korean syllable comparison decided the score.
    pub korean: bool,
    /// When it did, the pair of Korean readings (query's, candidate's) that gave the score, so
    /// that explaining it compares only those again.
    pub reading: Option<(u8, u8)>,
    /// Part alignment (filled only when explaining).
    pub alignment: Vec<Aligned>,
}

/// Discount for a form reached through a script conversion rather than as written.
fn via_factor(v: Via) -> f64 {
    match v {
        Via::Written => 1.0,
        Via::HanjaReading | Via::Katakana => 0.98,
        Via::Pinyin | Via::Glossary(_) | Via::Transliteration(_) => 0.97,
        // Not a spelling of the written name but a reconstruction of another language's
        // (glossary and sound rules): weaker evidence, so a loose word match through it
        // (`yurievich` ~ `yehoravich` by sound) cannot carry a name over the threshold.
        Via::Belarusian | Via::BelarusianLatin => 0.92,
    }
}

/// [`score_names_with`], the query's words read here.
#[cfg(test)]
pub(crate) fn score_names(q: &PreparedName, c: &PreparedName) -> NameScore {
    score_names_with(q, &NameWords::new(q), c)
}

/// The words of a name's forms, read once for all the pairs of forms a comparison aligns
/// (and, for a query, all the candidates it is compared with). One array for all the forms:
/// the words are written where they stay, not moved form by form.
pub(crate) struct NameWords<'a> {
    words: SmallVec<[Word<'a>; 16]>,
    /// Where each form's words end in `words` (each starts where the one before ends).
    ends: SmallVec<[u32; 8]>,
}

impl<'a> NameWords<'a> {
    pub(crate) fn new(n: &'a PreparedName) -> Self {
        let mut words = Self::unread();
        words.read(n);
        words
    }

    /// No words yet ([`NameWords::read`] reads them in place: the array is too large to move
    /// once filled).
    fn unread() -> Self {
        NameWords {
            words: SmallVec::new(),
            ends: SmallVec::new(),
        }
    }

    fn is_unread(&self) -> bool {
        self.ends.is_empty()
    }

    fn read(&mut self, n: &'a PreparedName) {
        self.words.clear();
        self.ends.clear();
        for f in &n.forms {
            self.words.extend(f.tokens.iter().map(Word::from));
            self.ends
                .push(u32::try_from(self.words.len()).unwrap_or(u32::MAX));
        }
    }

    fn form(&self, i: usize) -> &[Word<'a>] {
        let start = match i.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.words
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }
}

/// Scores two prepared names, the query's words read ahead: the best pair of forms. The
/// alignment is left empty; see [`explain_names`].
pub(crate) fn score_names_with<'q>(
    q: &'q PreparedName,
    qw: &NameWords<'q>,
    c: &PreparedName,
) -> NameScore {
    best_form_pair(q, Some(qw), c, 0.0, &mut NoTrace)
}

/// [`score_and_explain`] for a caller that only needs scores of at least `floor` (screening: a
/// name below what can reach the minimum score is not a result): `None` when the score is
/// below `floor`, else exactly what [`score_and_explain`] gives. Pairs of forms whose word
/// similarities bound their alignment below `floor` ([`alignment_ceiling`]) are not aligned;
/// the winning pair, at the floor or above, always is, so that its alignment is kept from
/// scoring rather than made again for the result.
pub(crate) fn score_names_reaching<'q>(
    q: &'q PreparedName,
    qw: &NameWords<'q>,
    c: &PreparedName,
    floor: f64,
) -> Option<NameScore> {
    let mut trace = Trace::new();
    let mut ns = best_form_pair(q, Some(qw), c, floor, &mut trace);
    if ns.score < floor {
        return None;
    }
    explain_scored(q, c, &mut ns, &trace);
    Some(ns)
}

/// Scores two prepared names and explains the score: the winning pair of forms' alignment is
/// kept from scoring, not computed again.
pub(crate) fn score_and_explain(q: &PreparedName, c: &PreparedName) -> NameScore {
    let mut trace = Trace::new();
    let mut ns = best_form_pair(q, None, c, 0.0, &mut trace);
    explain_scored(q, c, &mut ns, &trace);
    ns
}

/// Fills in the part alignment of a score from [`best_form_pair`], `trace` the record it kept.
///
/// A score of 0 stands for the first pair of forms, which scoring may have skipped (two
/// Korean-shaped names compare only forms with Korean readings): `trace` is then empty, and the
/// pair is explained afresh. (A scored pair of forms with words leaves steps in its record; one
/// without words is explained as empty either way.)
fn explain_scored(q: &PreparedName, c: &PreparedName, ns: &mut NameScore, trace: &Trace) {
    let recorded = ns.score > 0.0 || !trace.is_empty();
    match (q.forms.get(ns.query_form), c.forms.get(ns.candidate_form)) {
        // The pair explained was scored by a token alignment: `trace` is its record.
        (Some(qf), Some(cf)) if recorded && !ns.korean && !korean_pair(qf, cf) => {
            ns.alignment = alignment_of(trace, qf, cf);
        }
        // Scoring kept the syllable alignment of the pair of readings explained.
        _ if ns.korean && !ns.alignment.is_empty() => {}
        _ => explain_names(q, c, ns),
    }
}

/// Whether two forms are compared by their Korean readings rather than token by token.
fn korean_pair(q: &NameForm, c: &NameForm) -> bool {
    !q.korean.is_empty() && !c.korean.is_empty()
}

/// Whether a name reads as a Korean person name of the usual shape (a surname and one or two
/// given-name syllables) as written in Hangul, Latin letters or katakana. Chinese characters
/// do not count: their Hangul reading is one guess beside the Chinese one (`金铁三` is Jin
/// Tiesan as often as 김철삼).
fn reads_as_korean(forms: &[NameForm]) -> bool {
    forms
        .iter()
        .filter(|f| !matches!(f.via, Via::HanjaReading | Via::Pinyin | Via::Glossary(_)))
        .flat_map(|f| &f.korean)
        .any(|r| (1..=2).contains(&r.given().len()))
}

/// Whether a name can meet another name's Hanja readings or katakana Korean guesses: it has a
/// Hangul form or reads as a Korean person name. Both are Korean guesses at another script;
/// against a name with neither (a Latin, Cyrillic or Arabic name that is no Korean person's, a
/// Chinese company's English name) the Chinese readings, the romaji and the written form
/// decide. Measured on the dev pairs, four held-out sets and the whole-list dump's winning
/// pairs: no decision such a guess carried against such a name was a true match (for katakana,
/// when the katakana name does not read as Korean itself; `docs/benchmarks/screen.md`, "Form
/// relevance").
pub(crate) fn faces_korean(forms: &[NameForm]) -> bool {
    reads_as_korean(forms) || has_hangul_form(forms)
}

fn has_hangul_form(forms: &[NameForm]) -> bool {
    forms.iter().any(|f| f.script == Script::Hangul)
}

/// Whether the second name of a pair whose first name has these (complete) forms needs its
/// Hanja readings: when the first name can meet them, or has forms whose relevance reads the
/// second name's [`faces_korean`] (Hanja readings, katakana Korean guesses), which the
/// second name's Hanja readings (Hangul) decide.
pub(crate) fn meets_hanja_readings(first: &[NameForm]) -> bool {
    faces_korean(first)
        || korean_guesses(first) != 0
        || first.iter().any(|f| f.via == Via::HanjaReading)
}

/// The best pair of forms, the query's words read ahead (`qw`) or here. `kept` receives the
/// token alignment record of the pair that [`explain_names`] would explain, when that pair
/// was scored by one: the best pair, or the first when no pair scores above 0.
///
/// With a `floor` above 0, a pair of forms that certainly scores below it is not aligned and
/// counts its bound instead (below `floor`): the best pair is the same whenever it scores at
/// least `floor`, since it is then aligned and every bound counted before it is lower.
fn best_form_pair<'q, R: Record>(
    q: &'q PreparedName,
    qw: Option<&NameWords<'q>>,
    c: &PreparedName,
    floor: f64,
    kept: &mut R,
) -> NameScore {
    let mut best = NameScore::default();
    let mut trace = R::default();
    // Words are read when a token alignment first needs them: names compared by their
    // Korean readings alone need none.
    let (mut q_read, mut c_read) = (NameWords::unread(), NameWords::unread());
    // Skeletons made here are kept only for pairs of forms that compare them (a side in
    // Arabic script or katakana): most comparisons never set the stores up.
    let (mut q_lazy, mut c_lazy): (Option<FormsSkeletons>, Option<FormsSkeletons>) = (None, None);
    let (mut q_unread, mut c_unread) = (LazySkeletons::default(), LazySkeletons::default());
    let korean_names = q.korean_shaped && c.korean_shaped;
    for (qi, qf) in q.forms.iter().enumerate() {
        for (ci, cf) in c.forms.iter().enumerate() {
            let factor = via_factor(qf.via) * via_factor(cf.via);
            if factor * 1.0 <= best.score
                || !q.scores_form(qi, qf, c)
                || !c.scores_form(ci, cf, q)
                || (korean_names && !korean_pair(qf, cf))
                || q.echoes.dominated(&q.forms, qi, cf)
                || c.echoes.dominated(&c.forms, ci, qf)
            {
                continue;
            }
            // With Korean readings on both sides, the syllable comparison decides; `reading`
            // is then the pair of readings that gave the score (`None` inside when none scored
            // above 0).
            let (s, reading, parts) = if korean_pair(qf, cf) {
                let (s, reading, parts) = korean_best(qf, cf, R::EXPLAINS);
                (s, Some(reading), parts)
            } else {
                let qw = match qw {
                    Some(qw) => qw,
                    None => {
                        if q_read.is_unread() {
                            q_read.read(q);
                        }
                        &q_read
                    }
                };
                if c_read.is_unread() {
                    c_read.read(c);
                }
                let (q_lazy, c_lazy) = if scheme_of(qf, cf).is_some() {
                    (
                        q_lazy.get_or_insert_with(FormsSkeletons::default).form(qi),
                        c_lazy.get_or_insert_with(FormsSkeletons::default).form(ci),
                    )
                } else {
                    (&mut q_unread, &mut c_unread)
                };
                let q_side = FormSide::new(
                    qf,
                    qw.form(qi),
                    q.skeletons(qi),
                    q_lazy,
                    is_guess(q.guesses, qi),
                );
                let c_side = FormSide::new(
                    cf,
                    c_read.form(ci),
                    c.skeletons(ci),
                    c_lazy,
                    is_guess(c.guesses, ci),
                );
                let s = generic(q_side, c_side, floor / factor, &mut trace);
                (s, None, Vec::new())
            };
            let s = s * factor;
            // The first pair stands until one scores above 0, so its record is kept when it
            // is scored; it may not be (see `explain_scored`).
            let first = qi == 0 && ci == 0;
            if (s > best.score || first) && reading.is_none() {
                std::mem::swap(kept, &mut trace);
            }
            if s > best.score {
                best = NameScore {
                    score: s,
                    query_form: qi,
                    candidate_form: ci,
                    korean: reading.is_some(),
                    reading: reading.flatten(),
                    alignment: parts,
                };
            }
        }
    }
    best
}

/// The most [`score_names_with`] can give these two names, whatever their words: every form
/// comparison scores at most 1 before its conversion discount, so the best pair of discounts
/// bounds it. Costs a pass over the forms, against thousands of instructions for the score.
pub(crate) fn score_ceiling(q: &PreparedName, c: &PreparedName) -> f64 {
    let best_factor = |n: &PreparedName| {
        n.forms
            .iter()
            .map(|f| via_factor(f.via))
            .fold(0.0, f64::max)
    };
    best_factor(q) * best_factor(c)
}

/// Fills in the part alignment of a score from [`score_names_with`] on the same names: only the
/// pair of forms that won is compared again.
pub(crate) fn explain_names(q: &PreparedName, c: &PreparedName, ns: &mut NameScore) {
    if let (Some(qf), Some(cf)) = (q.forms.get(ns.query_form), c.forms.get(ns.candidate_form)) {
        ns.alignment = if ns.korean {
            korean_alignment(qf, cf, ns.reading)
        } else {
            let (qw, cw) = (words_of(qf), words_of(cf));
            let mut trace = Trace::new();
            let (mut q_lazy, mut c_lazy) = (LazySkeletons::default(), LazySkeletons::default());
            generic(
                FormSide::new(
                    qf,
                    &qw,
                    q.skeletons(ns.query_form),
                    &mut q_lazy,
                    is_guess(q.guesses, ns.query_form),
                ),
                FormSide::new(
                    cf,
                    &cw,
                    c.skeletons(ns.candidate_form),
                    &mut c_lazy,
                    is_guess(c.guesses, ns.candidate_form),
                ),
                0.0,
                &mut trace,
            );
            alignment_of(&trace, qf, cf)
        };
    }
}

/// The best score over the two forms' pairs of Korean readings, the first pair that gave it
/// (none when every pair scores 0), and, when `explain`, that pair's syllable alignment
/// ([`korean_alignment`]) if it is the first pair, else nothing.
///
/// The first readings of each name (its likeliest) decide most comparisons, so an explained
/// comparison scores that pair with its alignment (a few hundred instructions more) rather
/// than scoring the pair that won a second time to explain it.
fn korean_best(q: &NameForm, c: &NameForm, explain: bool) -> (f64, Option<(u8, u8)>, Vec<Aligned>) {
    let mut best = (0.0, None);
    let mut first_parts = Vec::new();
    'pairs: for (i, qr) in q.korean.iter().enumerate() {
        for (j, cr) in c.korean.iter().enumerate() {
            let s = if explain && i == 0 && j == 0 {
                let (s, parts) = korean_score(qr, cr, true, UNBEATEN);
                first_parts = parts;
                s
            } else {
                korean_score(qr, cr, false, best.0).0
            };
            if s > best.0 {
                best = (s, u8::try_from(i).ok().zip(u8::try_from(j).ok()));
                // No pair scores above 1: the rest cannot replace this one.
                if s >= 1.0 {
                    break 'pairs;
                }
            }
        }
    }
    let parts = if best.1 == Some((0, 0)) {
        first_parts
    } else {
        Vec::new()
    };
    (best.0, best.1, parts)
}

/// The syllable alignment of two forms' best pair of Korean readings, `reading` from
/// [`korean_best`]. With no pair found there (every pair scored 0, or a reading with no
/// syllables), the first pair that reaches the best score and has parts to show explains it.
fn korean_alignment(q: &NameForm, c: &NameForm, reading: Option<(u8, u8)>) -> Vec<Aligned> {
    if let Some((i, j)) = reading
        && let (Some(qr), Some(cr)) = (q.korean.get(usize::from(i)), c.korean.get(usize::from(j)))
    {
        let alignment = korean_score(qr, cr, true, UNBEATEN).1;
        if !alignment.is_empty() {
            return alignment;
        }
    }
    let mut best = (0.0, Vec::new());
    for qr in &q.korean {
        for cr in &c.korean {
            let s = korean_score(qr, cr, false, UNBEATEN).0;
            if s > best.0 || (best.1.is_empty() && s >= best.0) {
                best = korean_score(qr, cr, true, UNBEATEN);
            }
        }
    }
    best.1
}

/// A left-over word at least this close to an aligned word is an alternative of it.
const LIST_ALTERNATIVE: f64 = 0.75;
/// Score factor per substituted word in the token alignment.
const SUBSTITUTION_FACTOR: f64 = 0.85;
/// Score factor of a token alignment whose only agreement between words that carry identity
/// is one pair alike by their phonetic key alone (`Behta` / `Buddha`, `Pegasus` / `Peykasa`,
/// `Synesis LLC` / `Sonis LLC`) or by a short consonant skeleton alone ([`SHORT_SKELETON`]).
/// Whole-list screening found such pairs to be nearly always different names; with this
/// factor none reaches the threshold.
const SOUND_ALIKE_ALONE_FACTOR: f64 = 0.85;
/// Words at least this long on both sides that share their phonetic key are not "alike by
/// sound only".
const LONG_SOUND_ALIKE: usize = 9;
/// The rule of two words whose consonant skeletons agree (or nearly) when their spellings do
/// not: all a katakana or Arabic-script word offers to compare.
const SKELETON_RULE: &str = "consonant skeleton";
/// The rule of words alike by consonant skeleton whose spellings are also an edit or two
/// apart: scored as the skeleton, but alike by spelling as well as by sound.
const SKELETON_AND_SPELLING_RULE: &str = "consonant skeleton, spelling an edit apart";
/// [`skeleton_sim`] of equal skeletons is at least this; of skeletons an edit or two apart,
/// below.
const SAME_SKELETON: f64 = 0.85;
/// A skeleton of at most this many consonant classes, in a word shorter than
/// [`LONG_SOUND_ALIKE`], is "alike by sound only" for [`SOUND_ALIKE_ALONE_FACTOR`]: two or
/// three consonants are shared by many unrelated words (`Jumbo` / `ジムボーイ`, `Turaco` /
/// `タリク`, `Avior` / `アヴロラ`).
const SHORT_SKELETON: usize = 3;
/// The rule of a katakana Korean guess's syllable and a word alike but left over, because
/// aligning them would cross the order of the other pairs ([`keeps_order`]); the score shown
/// is their similarity, which the alignment does not count.
const OUT_OF_ORDER: &str = "alike but out of order (katakana Korean guess; not counted)";
/// The rule of a word left over that spells a word aligned on the other side another way
/// (`Sergei (Sergey) Gavrilov` / `Sergey Gavrilov`): a repetition, which costs nothing.
const REPEATED: &str = "another spelling of an aligned word (costs nothing)";
/// The rule of two words with the same coarse phonetic key and first letter.
const PHONETIC_RULE: &str = "phonetic";
/// Whether words spelt `x` and `y`, of consonant skeletons `sx` and `sy` under `scheme`, start
/// alike: both with a vowel, or both with a consonant of one skeleton class. Spellings of one
/// name do (`Yurievich` / `Yuryevich`); words whose skeletons are an edit apart and that do not
/// are most often two names (`akharian` / `hassan`, `HRN` / `HSN`).
fn start_alike(scheme: Option<Scheme>, x: &[u8], sx: &str, y: &[u8], sy: &str) -> bool {
    first_sounds(scheme, x, sx) & first_sounds(scheme, y, sy) != 0
}

/// The sounds a word spelt `w`, of skeleton `skeleton`, may start with: a bit for a vowel, one
/// per skeleton class. Latin letters write katakana's first sounds several ways: an initial `u`
/// may stand for a `w` or `v` (`ウラジーミル` / `Vladimir`), a `j` for a soft `g` (`ジェルマン` /
/// `Germain`), an `sh` for a French `ch` (`シューマーン` / `Chouman`).
fn first_sounds(scheme: Option<Scheme>, w: &[u8], skeleton: &str) -> u32 {
    const VOWEL: u32 = 1;
    let class = |c: u8| 2u32 << (c.wrapping_sub(b'A') % 26);
    let kana = scheme == Some(Scheme::Kana);
    match w.first() {
        Some(b'u') if kana => VOWEL | class(b'H'),
        Some(b) if b"aeiouy".contains(b) => VOWEL,
        _ => match skeleton.bytes().next() {
            None => 0,
            Some(b'G' | b'D') if kana => class(b'G') | class(b'D'),
            Some(b'T' | b'S') if kana => class(b'T') | class(b'S'),
            Some(c) => class(c),
        },
    }
}

/// Whether words alike by consonant skeleton `skeleton` alone, the shorter of them
/// `shorter_word` letters long, are alike by sound only ([`SHORT_SKELETON`]).
fn short_skeleton(skeleton: &str, shorter_word: usize) -> bool {
    skeleton.len() <= SHORT_SKELETON && shorter_word < LONG_SOUND_ALIKE
}
/// The rule [`SOUND_ALIKE_ALONE_FACTOR`] is named by in explanations.
const SOUND_ALIKE_ALONE: &str = "one word alike by sound only";
/// Weight of the surname relative to one given-name syllable.
const SURNAME_WEIGHT: f64 = 1.0;
/// A syllable below this similarity is a mismatch, which multiplies the score by
/// [`SYLLABLE_MISMATCH_FACTOR`]: one wrong given-name syllable is a different person.
const SYLLABLE_MISMATCH: f64 = 0.75;
const SYLLABLE_MISMATCH_FACTOR: f64 = 0.7;
/// The surname's similarity when a one-letter slip explains it ([`slipped_surname`]): with
/// two given-name syllables written alike, the name scores 0.83 (0.75 with no other evidence,
/// just above the threshold; a conflicting birth date takes it below).
const SLIPPED_SURNAME: f64 = 0.5;
/// The rule [`SLIPPED_SURNAME`] is named by in explanations.
const SLIPPED_SURNAME_RULE: &str = "surname one letter off";
/// Given-name syllables agree for [`slipped_surname`] at this similarity: the same syllable
/// in any romanisation.
const GIVEN_ALIKE: f64 = 0.9;

/// Whether two single-syllable surnames differ by a one-letter slip in Latin letters: their
/// keys one letter apart, one a surname (in Latin letters or Hangul) and the other, written
/// in Latin letters, none (`KIN` / `KIM` or `김`; `SO` / `SON` and `RI` / `RIM` are different
/// real surnames, `CHUN` / `CHOL` no surnames). Only with two given-name syllables alike on
/// both sides: those carry the identity that the slipped surname lost. Katakana is left out
/// (its keys fold sounds together already).
fn slipped_surname(q: &KoreanReading, c: &KoreanReading) -> bool {
    let ([a], [b]) = (q.surname(), c.surname()) else {
        return false;
    };
    // Cheapest tests first: most pairs of readings with different surnames stop at the keys.
    if q.given().len() != 2 || c.given().len() != 2 || !surname_keys_slip(&a.key, &b.key) {
        return false;
    }
    let (slipped, surname) = match (
        korean::is_surname_key(&a.key),
        korean::is_surname_key(&b.key),
    ) {
        (false, true) => (a, b),
        (true, false) => (b, a),
        _ => return false,
    };
    slipped.source == SylSource::Latin
        && surname.source != SylSource::Kana
        && q.given()
            .iter()
            .zip(c.given())
            .all(|(x, y)| syllable_sim(x, y).0 >= GIVEN_ALIKE)
}

/// Whether two surname keys differ by one slip: a letter changed (`kin` / `kim`), or a letter
/// dropped or added (`pek` / `paek`, a vowel letter left out of 백's spelling), both keys of
/// three letters or more. [`slipped_surname`] also requires one of them to be no surname, so
/// that real surnames a letter apart (`pak` / `paek`, `cho` / `choe`) stay different.
fn surname_keys_slip(a: &korean::Key, b: &korean::Key) -> bool {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    korean::one_letter_apart(a, b)
        || (x.len().abs_diff(y.len()) == 1 && x.len().min(y.len()) >= 3 && levenshtein(x, y) == 1)
}

/// The `beat` of a [`korean_score`] that must be exact: every score is at least 0.
const UNBEATEN: f64 = f64::NEG_INFINITY;

/// The syllable score of two Korean readings and, when `explain`, its alignment. A pair whose
/// surname leaves it no chance to score above `beat` stops there, unaligned, and gives its
/// ceiling (at most `beat`) instead: the given names score at most 1 a syllable of the longer
/// one, and add mismatches only, so the given names' alignment, most of the cost, cannot
/// change which pair is best.
fn korean_score(
    q: &KoreanReading,
    c: &KoreanReading,
    explain: bool,
    beat: f64,
) -> (f64, Vec<Aligned>) {
    let mut alignment = Vec::new();
    let mut mismatches = 0;
    // Surname: syllable by syllable when the lengths agree (a compound against a single
    // syllable is a mismatch).
    let mut sur = if q.surname().len() == c.surname().len() {
        let mut total = 0.0;
        for (a, b) in q.surname().iter().zip(c.surname()) {
            let (s, rule) = syllable_sim(a, b);
            total += s;
            if explain {
                alignment.push(aligned(a.text, b.text, s, rule.label(a, b)));
            }
        }
        total / q.surname().len().max(1) as f64
    } else {
        if explain {
            alignment.push(aligned(
                join(q.surname()),
                join(c.surname()),
                0.0,
                "different surname",
            ));
        }
        0.0
    };
    if sur < SYLLABLE_MISMATCH {
        if sur < SLIPPED_SURNAME && slipped_surname(q, c) {
            sur = SLIPPED_SURNAME;
            if let Some(part) = alignment.first_mut() {
                part.score = SLIPPED_SURNAME;
                part.rule = SLIPPED_SURNAME_RULE;
            }
        } else {
            mismatches += 1;
        }
    }
    let n = q.given().len().max(c.given().len()) as f64;
    let mut ceiling = (SURNAME_WEIGHT * sur + n) / (SURNAME_WEIGHT + n);
    if mismatches > 0 {
        ceiling *= SYLLABLE_MISMATCH_FACTOR;
    }
    if ceiling <= beat {
        return (ceiling, alignment);
    }
    let (given_sum, gaps, low) = align_given_or_joined(q, c, explain.then_some(&mut alignment));
    mismatches += gaps + low;
    let base = (SURNAME_WEIGHT * sur + given_sum) / (SURNAME_WEIGHT + n);
    let score = base * SYLLABLE_MISMATCH_FACTOR.powi(mismatches as i32);
    (score, alignment)
}

fn join(s: &[Syllable]) -> String {
    s.iter().map(|s| s.text).collect()
}

/// An aligned pair of parts; a part that is already a `CompactString` (a token's text) is
/// copied whole: a short one is its 24 bytes, not read out and written again.
fn aligned(
    q: impl Into<CompactString>,
    c: impl Into<CompactString>,
    score: f64,
    rule: &'static str,
) -> Aligned {
    Aligned {
        query: q.into(),
        candidate: c.into(),
        score: round3(score),
        rule,
    }
}

/// Rounds to three decimals for output.
pub(crate) fn round3(x: f64) -> f64 {
    round_half_away(x * 1000.0) / 1000.0
}

/// Exactly [`f64::round`] (halves away from zero), without its library call: the baseline
/// x86-64 target has no rounding instruction, and every score and aligned part of an
/// explanation is rounded.
#[inline]
fn round_half_away(y: f64) -> f64 {
    // From 2^52 on every `f64` is a whole number; NaN and the infinities round to themselves.
    const WHOLE_FROM: f64 = 4_503_599_627_370_496.0;
    if y.is_nan() || y.abs() >= WHOLE_FROM {
        return y;
    }
    // The conversion truncates, exactly in this range; the fraction left is exact too.
    let whole = y as i64 as f64;
    let fraction = y - whole;
    let rounded = if fraction >= 0.5 {
        whole + 1.0
    } else if fraction <= -0.5 {
        whole - 1.0
    } else {
        whole
    };
    // A zero keeps the sign of what was rounded (`-0.4` rounds to `-0.0`).
    rounded.copysign(y)
}

/// Like [`align_given`], but when the syllables split differently on the two sides
/// (`Wonuk` read as wo·nuk against `Won Uk`) and their keys run together agree, the given
/// names are the same.
fn align_given_or_joined(
    qr: &KoreanReading,
    cr: &KoreanReading,
    mut alignment: Option<&mut Vec<Aligned>>,
) -> (f64, usize, usize) {
    let (q, c) = (qr.given(), cr.given());
    // The syllables' parts go straight into the alignment, and are taken back should the
    // given names agree as a whole: no second vector to copy them from.
    let syllables_from = alignment.as_deref().map_or(0, Vec::len);
    let r = align_given(q, c, alignment.as_deref_mut());
    if r.1 + r.2 == 0 {
        return r;
    }
    // The comparisons below are of strings run together; they are built on the stack (a few
    // syllables of a few letters).
    let joined = |v: &[Syllable], kana: bool| -> SmallVec<[u8; 32]> {
        let mut out = SmallVec::new();
        for s in v {
            let key = if kana { s.kana_folded() } else { s.key };
            out.extend_from_slice(key.as_bytes());
        }
        out
    };
    let kana = q.iter().chain(c).any(|s| s.source == SylSource::Kana);
    let latin = |v: &[Syllable]| v.iter().all(|s| s.hangul().is_none());
    // Hangul syllable boundaries are certain: two Hangul names never differ only in them.
    if !(latin(q) || latin(c)) {
        return r;
    }
    // Strings of different lengths differ: most pairs are told apart before any is built.
    let length = |v: &[Syllable], of: fn(&Syllable) -> usize| v.iter().map(of).sum::<usize>();
    let same_text = || {
        let of: fn(&Syllable) -> usize = |s| s.text.len();
        length(q, of) == length(c, of) && texts_joined(q) == texts_joined(c)
    };
    let same_keys = || {
        let of: fn(&Syllable) -> usize = |s| s.key.as_bytes().len();
        // Folding for katakana shortens keys: their lengths before say nothing.
        (kana || length(q, of) == length(c, of)) && joined(q, kana) == joined(c, kana)
    };
    let same = if latin(q) && latin(c) {
        same_text() || same_keys()
    } else {
        same_keys()
    };
    let n = q.len().max(c.len()) as f64;
    let (sim, rule) = if !q.is_empty() && same {
        (0.93, "syllable boundary")
    } else if let Some(sim) = given_slip(qr, cr) {
        (sim, GIVEN_SLIP_RULE)
    } else {
        return r;
    };
    if let Some(al) = alignment {
        al.truncate(syllables_from);
        let t = |v: &[Syllable]| v.iter().map(|s| s.text).collect::<Vec<_>>().join("·");
        al.push(aligned(t(q), t(c), sim, rule));
    }
    (sim * n, 0, 0)
}

/// The rule [`given_slip`] is named by in explanations.
const GIVEN_SLIP_RULE: &str = "given name one letter off";

/// The syllables' texts run together, built on the stack (a few syllables of a few letters).
fn texts_joined(v: &[Syllable]) -> SmallVec<[u8; 32]> {
    let mut out = SmallVec::new();
    for s in v {
        out.extend_from_slice(s.text.as_bytes());
    }
    out
}

/// The similarity of two Latin given names, compared with their syllables run together, when
/// one letter added, dropped, changed or two swapped turned a given name into one that
/// no Korean name is read or written as: more than two given-name syllables on a side (`KANG
/// Chol iu` read chol·i·u against chol·su, pinyin `Jiudong` read ji·u·dong against ji·a·dong),
/// or a syllable ending in a lone `g`, `b` or `d` (`Ryog` for `Ryong`): every romanisation
/// writes a syllable's final ㄱ, ㅂ, ㄷ as `k`, `p`, `t` (no word of the 816 names of DPRK
/// designees in the lists ends so but `Oleg`). Such a given name is no Korean one to keep
/// apart syllable by syllable, so the given name
/// gets the ordinary spelling score of one edit, `1 − 0.8/letters`, as a word of a name
/// without a Korean reading would. Given names of the usual shape keep their syllables apart:
/// one letter off there is another name as often as a slip (`Mun` / `Min`, `Yong` / `Tong`).
/// The surname must be written the same: a slip is read as one only where the rest of the
/// name leaves no doubt, and surnames equal by key alone are no such agreement for a name that
/// may not be Korean (`WU Yonghao`, 吳, is not `O Yong Ho`, 오).
fn given_slip(q: &KoreanReading, c: &KoreanReading) -> Option<f64> {
    let latin = |v: &[Syllable]| v.iter().all(|s| s.source == SylSource::Latin);
    let unwritten_final = |v: &[Syllable]| {
        v.iter().any(|s| {
            let t = s.text.as_bytes();
            matches!(t.last(), Some(b'b' | b'd'))
                || (t.last() == Some(&b'g') && t.len() >= 2 && t.get(t.len() - 2) != Some(&b'n'))
        })
    };
    // Cheapest tests first: most pairs of readings that get here differ in the surname, and
    // nearly every one has given names of the usual shape.
    if q.surname().len() != c.surname().len()
        || q.surname()
            .iter()
            .zip(c.surname())
            .any(|(a, b)| a.text != b.text)
        || !latin(q.given())
        || !latin(c.given())
        || (q.given().len().max(c.given().len()) <= 2
            && !unwritten_final(q.given())
            && !unwritten_final(c.given()))
    {
        return None;
    }
    let (qt, ct) = (texts_joined(q.given()), texts_joined(c.given()));
    let m = qt.len().max(ct.len());
    (m >= 4 && osa_within(&qt, &ct, 1) == Some(1)).then(|| 1.0 - 0.8 / m as f64)
}

/// Aligns given-name syllables in order (gaps allowed at either side), returning the sum of
/// similarities, the number of gaps and the number of low-similarity pairs.
fn align_given(
    q: &[Syllable],
    c: &[Syllable],
    alignment: Option<&mut Vec<Aligned>>,
) -> (f64, usize, usize) {
    let (nq, nc) = (q.len(), c.len());
    if nq == nc {
        let mut sum = 0.0;
        let mut low = 0;
        let mut alignment = alignment;
        for (a, b) in q.iter().zip(c) {
            let (s, rule) = syllable_sim(a, b);
            sum += s;
            if s < SYLLABLE_MISMATCH {
                low += 1;
            }
            if let Some(al) = alignment.as_deref_mut() {
                al.push(aligned(a.text, b.text, s, rule.label(a, b)));
            }
        }
        return (sum, 0, low);
    }
    // Small DP (a few syllables a side): maximise total similarity, gaps score 0.
    const SMALL: usize = 8;
    if nq >= SMALL || nc >= SMALL {
        return (0.0, nq.max(nc), 0);
    }
    let mut dp = [[0.0f64; SMALL]; SMALL];
    // Each pair's similarity, at `dp`'s indices: the trace-back reads them again rather than
    // comparing the syllables again.
    let mut sims = [[0.0f64; SMALL]; SMALL];
    for i in 1..=nq {
        for j in 1..=nc {
            let s = match (q.get(i - 1), c.get(j - 1)) {
                (Some(a), Some(b)) => syllable_sim(a, b).0,
                _ => 0.0,
            };
            sims[i][j] = s;
            let diag = dp[i - 1][j - 1] + s;
            dp[i][j] = diag.max(dp[i - 1][j]).max(dp[i][j - 1]);
        }
    }
    // Trace back.
    let (mut i, mut j) = (nq, nc);
    let mut pairs = Vec::new();
    let explain = alignment.is_some();
    let mut low = 0;
    let mut gaps = 0;
    while i > 0 || j > 0 {
        if i > 0 && j > 0 {
            let s = sims[i][j];
            if (dp[i][j] - (dp[i - 1][j - 1] + s)).abs() < 1e-9 && s > 0.0 {
                if s < SYLLABLE_MISMATCH {
                    low += 1;
                }
                if explain {
                    // Only an explanation names the rule: the syllables are compared again for it.
                    let (a, b) = (&q[i - 1], &c[j - 1]);
                    pairs.push(aligned(a.text, b.text, s, syllable_sim(a, b).1.label(a, b)));
                }
                i -= 1;
                j -= 1;
                continue;
            }
        }
        if i > 0 && (j == 0 || dp[i][j] == dp[i - 1][j]) {
            gaps += 1;
            if explain {
                pairs.push(aligned(q[i - 1].text, "", 0.0, "missing syllable"));
            }
            i -= 1;
        } else {
            gaps += 1;
            if explain {
                pairs.push(aligned("", c[j - 1].text, 0.0, "extra syllable"));
            }
            j -= 1;
        }
    }
    if let Some(al) = alignment {
        pairs.reverse();
        al.extend(pairs);
    }
    (dp[nq][nc], gaps, low)
}

/// The rule relating two Korean syllables. Naming the romanisation system takes more work
/// than the score, and only an explanation needs it: [`SyllableRule::label`] does it then.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SyllableRule {
    Named(&'static str),
    /// A Latin spelling of a Hangul syllable: which system wrote it.
    HangulSystem,
    /// Two Latin spellings with the same key: how they differ.
    LatinVariant,
}

impl SyllableRule {
    /// The rule's name for the syllables `a` and `b` it was found for.
    pub(crate) fn label(self, a: &Syllable, b: &Syllable) -> &'static str {
        match self {
            SyllableRule::Named(rule) => rule,
            SyllableRule::HangulSystem => {
                let (h, latin) = match (a.hangul(), b.hangul()) {
                    (Some(h), _) => (h, b),
                    (None, Some(h)) => (h, a),
                    (None, None) => return "romanisation variant",
                };
                hangul_rule(korean::system_of(h, latin.text))
            }
            SyllableRule::LatinVariant => latin_rule(a, b),
        }
    }
}

/// Similarity of two Korean syllables and the rule that relates them.
pub(crate) fn syllable_sim(a: &Syllable, b: &Syllable) -> (f64, SyllableRule) {
    use SyllableRule::Named;
    match (a.hangul(), b.hangul()) {
        (Some(x), Some(y)) => {
            if x == y {
                return (1.0, Named("exact"));
            }
            let (dx, dy) = (korean::decompose(x), korean::decompose(y));
            if a.key == b.key {
                // Same key from different Hangul: the initial-sound rule (리/이) is the same
                // name; a vowel difference (정/종) is a different syllable.
                if let (Some((_, mx, fx)), Some((_, my, fy))) = (dx, dy)
                    && mx == my
                    && fx == fy
                {
                    return (0.95, Named("initial-sound rule"));
                }
                return (0.3, Named("different Hangul vowel"));
            }
            (0.5 * key_sim(a, b), Named("different syllable"))
        }
        (Some(h), None) | (None, Some(h)) => {
            let latin = if a.hangul().is_some() { b } else { a };
            if a.key == b.key {
                if latin.source == SylSource::Kana {
                    return (0.95, Named("katakana"));
                }
                let changed = a.initial_rule != b.initial_rule
                    || (a.initial_rule && latin_initial_differs(h, latin.text));
                if changed {
                    return (0.96, Named("initial-sound rule"));
                }
                return (0.97, SyllableRule::HangulSystem);
            }
            if latin.source == SylSource::Kana && a.kana_folded() == b.kana_folded() {
                return (0.9, Named("katakana"));
            }
            (0.5 * key_sim(a, b), Named("different syllable"))
        }
        (None, None) => {
            if a.text == b.text {
                return (1.0, Named("exact"));
            }
            if a.key == b.key {
                if a.source == SylSource::Kana || b.source == SylSource::Kana {
                    return (0.95, Named("katakana"));
                }
                return (0.96, SyllableRule::LatinVariant);
            }
            if (a.source == SylSource::Kana || b.source == SylSource::Kana)
                && a.kana_folded() == b.kana_folded()
            {
                return (0.9, Named("katakana"));
            }
            (0.5 * key_sim(a, b), Named("different syllable"))
        }
    }
}

/// Whether a Latin spelling of a Hangul syllable with initial ㄹ/ㄴ left that initial out or
/// changed it (`이` written `ri`, `리` written `yi`).
fn latin_initial_differs(h: char, latin: &str) -> bool {
    let Some(j) = korean::initial_jamo(h) else {
        return false;
    };
    let first = latin.chars().next().unwrap_or(' ');
    match j {
        'ㄹ' => !matches!(first, 'r' | 'l'),
        'ㄴ' => first != 'n',
        'ㅇ' => matches!(first, 'r' | 'l' | 'n'),
        _ => false,
    }
}

fn hangul_rule(system: &str) -> &'static str {
    match system {
        "Revised Romanization" => "Hangul ↔ Revised Romanization",
        "McCune–Reischauer" => "Hangul ↔ McCune–Reischauer",
        "DPRK spelling" => "Hangul ↔ DPRK spelling",
        _ => "Hangul ↔ passport spelling",
    }
}

const PASSPORT_SPELLINGS: &[&str] = &[
    "lee", "rhee", "yi", "park", "bak", "choi", "chung", "jung", "yoo", "you", "yoon", "youn",
    "shin", "ahn", "oh", "sohn", "koh", "noh", "roh", "moon", "woo", "joo", "hur", "huh", "suh",
    "kwon", "chun", "cheon", "hyun", "byun", "baik", "paik", "lim", "rim", "yim",
];

fn latin_rule(a: &Syllable, b: &Syllable) -> &'static str {
    if a.initial_rule != b.initial_rule {
        return "initial-sound rule";
    }
    let (x, y) = (a.text, b.text);
    if PASSPORT_SPELLINGS.contains(&x) || PASSPORT_SPELLINGS.contains(&y) {
        return "passport spelling";
    }
    let rr_like = |s: &str| s.contains("eo") || s.contains("eu") || s.starts_with(['g', 'd', 'b']);
    let mr_like = |s: &str| s.starts_with(['k', 't', 'p']) || s.starts_with("ch");
    if (rr_like(x) && mr_like(y)) || (rr_like(y) && mr_like(x)) || rr_like(x) != rr_like(y) {
        return "McCune–Reischauer ↔ RR";
    }
    "romanisation variant"
}

/// Edit similarity of two syllable keys, 0–1.
fn key_sim(a: &Syllable, b: &Syllable) -> f64 {
    let (x, y) = (a.key.as_bytes(), b.key.as_bytes());
    let m = x.len().max(y.len());
    if m == 0 {
        return 0.0;
    }
    1.0 - levenshtein(x, y) as f64 / m as f64
}

/// Levenshtein distance over bytes (keys and ASCII spellings).
pub fn levenshtein(a: &[u8], b: &[u8]) -> usize {
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    // Syllable keys and words, which most calls compare: one narrow row.
    if a.len() < 128 && b.len() < 16 {
        return short_levenshtein(a, b);
    }
    // Two short rows on the stack for names of ordinary length.
    if a.len() < 1024 && b.len() < 64 {
        let (mut prev, mut cur) = ([0u16; 64], [0u16; 64]);
        lev_rows(a, b, &mut prev, &mut cur)
    } else {
        let (mut prev, mut cur) = (vec![0usize; b.len() + 1], vec![0usize; b.len() + 1]);
        lev_rows(a, b, &mut prev, &mut cur)
    }
}

/// [`levenshtein`] of a word of fewer than 128 letters and one of fewer than 16, in one row of
/// bytes (no distance exceeds the longer length).
fn short_levenshtein(a: &[u8], b: &[u8]) -> usize {
    let mut row = [0u8; 16];
    let b = b.get(..b.len().min(15)).unwrap_or_default();
    for (j, cell) in row.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j as u8;
    }
    for (i, &ca) in a.iter().enumerate() {
        // `diag` is the cell above-left of the one being filled, `left` the one before it.
        let mut diag = row[0];
        let mut left = (i + 1).min(255) as u8;
        row[0] = left;
        for (cell, &cb) in row[1..].iter_mut().zip(b) {
            let up = *cell;
            left = if ca == cb {
                diag
            } else {
                diag.min(up).min(left) + 1
            };
            diag = up;
            *cell = left;
        }
    }
    usize::from(row[b.len()])
}

fn lev_rows<T>(a: &[u8], b: &[u8], prev: &mut [T], cur: &mut [T]) -> usize
where
    T: Copy + Ord + TryFrom<usize> + Into<usize> + std::ops::Add<Output = T> + From<bool>,
{
    let num = |n: usize| T::try_from(n).ok();
    let (Some(one), Some(_)) = (num(1), num(a.len() + b.len())) else {
        return a.len().max(b.len());
    };
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        if let Some(v) = num(j) {
            *p = v;
        }
    }
    let (mut prev, mut cur) = (prev, cur);
    for (i, ca) in a.iter().enumerate() {
        if let (Some(c0), Some(v)) = (cur.first_mut(), num(i + 1)) {
            *c0 = v;
        }
        for (j, cb) in b.iter().enumerate() {
            let (Some(&p_sub), Some(&p_del), Some(&c_ins)) =
                (prev.get(j), prev.get(j + 1), cur.get(j))
            else {
                continue;
            };
            let sub = p_sub + T::from(ca != cb);
            let del = p_del + one;
            let ins = c_ins + one;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.get(b.len()).map_or(0, |&v| v.into())
}

/// The Levenshtein distance of `a` and `b` if it is at most `k`: only the diagonal band of
/// width `2k + 1` is filled, and the work stops as soon as a row exceeds `k`.
fn levenshtein_within(a: &[u8], b: &[u8], k: usize) -> Option<usize> {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > k {
        return None;
    }
    if la == 0 || lb == 0 {
        return Some(la.max(lb));
    }
    if let Some(bits) = PatternBits::of(a) {
        let d = bit_parallel_distance(&bits, la, b, false);
        return (d <= k).then_some(d);
    }
    levenshtein_within_banded(a, b, k)
}

/// [`levenshtein_within`] by the banded table (the pattern is too long for one machine word,
/// or two of its bytes share a slot of [`PatternBits`]).
fn levenshtein_within_banded(a: &[u8], b: &[u8], k: usize) -> Option<usize> {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > k {
        return None;
    }
    if la == 0 || lb == 0 {
        return Some(la.max(lb));
    }
    // Two rows on the stack for words and names of ordinary length.
    if lb < 128 && k < 1000 {
        let (mut prev, mut cur) = ([0u16; 128], [0u16; 128]);
        band_rows(a, b, k, &mut prev, &mut cur)
    } else {
        let (mut prev, mut cur) = (vec![0usize; lb + 1], vec![0usize; lb + 1]);
        band_rows(a, b, k, &mut prev, &mut cur)
    }
}

/// The banded rows of [`levenshtein_within`]; cells outside the band hold `k + 1`, which
/// stands for "more than k". The rows are swapped by reference, not copied.
fn band_rows<T>(a: &[u8], b: &[u8], k: usize, prev: &mut [T], cur: &mut [T]) -> Option<usize>
where
    T: Copy + Ord + TryFrom<usize> + Into<usize> + std::ops::Add<Output = T> + From<bool>,
{
    let (la, lb) = (a.len(), b.len());
    let num = |n: usize| T::try_from(n).ok();
    let (Some(one), Some(over)) = (num(1), num(k + 1)) else {
        return None;
    };
    let (Some(prev_row), Some(cur_row)) = (prev.get_mut(..=lb), cur.get_mut(..=lb)) else {
        return None;
    };
    let (mut prev, mut cur) = (prev_row, cur_row);
    for (j, p) in prev.iter_mut().enumerate() {
        *p = num(j).unwrap_or(over).min(over);
    }
    for i in 1..=la {
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(lb);
        let first = num(i).unwrap_or(over).min(over);
        cur[0] = first;
        cur[lo - 1] = if lo == 1 { first } else { over };
        let mut row_min = cur[lo - 1];
        let ca = a[i - 1];
        for j in lo..=hi {
            let sub = prev[j - 1] + T::from(ca != b[j - 1]);
            let v = sub.min(prev[j] + one).min(cur[j - 1] + one).min(over);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if let Some(c) = cur.get_mut(hi + 1) {
            *c = over;
        }
        if row_min.into() > k {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d: usize = prev[lb].into();
    (d <= k).then_some(d)
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions) for short
/// words; longer inputs fall back to [`levenshtein`].
fn osa(a: &[u8], b: &[u8]) -> usize {
    if a.len() >= 63 || b.len() >= 63 {
        return levenshtein(a, b);
    }
    // Row i lives in rows[i % 3]; row 0 is the distance from the empty prefix of `a`.
    let mut rows = [[0u8; 64]; 3];
    for (j, c) in rows[0].iter_mut().enumerate().take(b.len() + 1) {
        *c = j as u8;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i as u8;
        for j in 1..=b.len() {
            rows[cur][j] = osa_cell(&rows, a, b, i, j, (cur, prev, prev2));
        }
    }
    usize::from(rows[a.len() % 3][b.len()])
}

/// Cell (`i`, `j`) of the optimal-string-alignment table (1-based), from the three rows kept:
/// `rows[cur]` (row `i`, filled up to `j - 1`), `rows[prev]` and `rows[prev2]`.
#[inline]
fn osa_cell(
    rows: &[[u8; 64]; 3],
    a: &[u8],
    b: &[u8],
    i: usize,
    j: usize,
    (cur, prev, prev2): (usize, usize, usize),
) -> u8 {
    let cost = u8::from(a[i - 1] != b[j - 1]);
    let d = (rows[prev][j] + 1)
        .min(rows[cur][j - 1] + 1)
        .min(rows[prev][j - 1] + cost);
    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
        d.min(rows[prev2][j - 2] + 1)
    } else {
        d
    }
}

/// The optimal-string-alignment distance of `a` and `b` if it is at most `k`: only the
/// diagonal band of width `2k + 1` is filled, and the work stops at the first row whose
/// every cell exceeds `k` (no later cell can come back under it: a transposition reaches
/// back two rows, but the row between holds a cell at most one more than its source).
/// Words of 63 letters or more fall back to [`osa`]; the distance of shorter words is found
/// a machine word at a time ([`bit_parallel_distance`]).
fn osa_within(a: &[u8], b: &[u8], k: usize) -> Option<usize> {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > k {
        return None;
    }
    if la >= 63 || lb >= 63 || k >= 63 {
        let d = osa(a, b);
        return (d <= k).then_some(d);
    }
    if la == 0 {
        return Some(lb);
    }
    if let Some(bits) = PatternBits::of(a) {
        let d = bit_parallel_distance(&bits, la, b, true);
        return (d <= k).then_some(d);
    }
    osa_within_banded(a, b, k)
}

/// [`osa_within`] by the banded table: only the diagonal band of width `2k + 1` is filled,
/// and the work stops at the first row whose every cell exceeds `k`. For words whose bytes
/// share a slot of [`PatternBits`].
fn osa_within_banded(a: &[u8], b: &[u8], k: usize) -> Option<usize> {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > k {
        return None;
    }
    if la >= 63 || lb >= 63 || k >= 63 {
        let d = osa(a, b);
        return (d <= k).then_some(d);
    }
    // Cells outside the band hold `over`, which stands for "more than k".
    let over = (k + 1) as u8;
    let mut rows = [[over; 64]; 3];
    for (j, c) in rows[0].iter_mut().enumerate().take(lb.min(k) + 1) {
        *c = j as u8;
    }
    for i in 1..=la {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(lb);
        rows[cur][lo - 1] = if lo == 1 { (i as u8).min(over) } else { over };
        let mut row_min = rows[cur][lo - 1];
        for j in lo..=hi {
            let d = osa_cell(&rows, a, b, i, j, (cur, prev, prev2)).min(over);
            rows[cur][j] = d;
            row_min = row_min.min(d);
        }
        if hi < lb {
            rows[cur][hi + 1] = over;
        }
        if row_min > k as u8 {
            return None;
        }
    }
    let d = usize::from(rows[la % 3][lb]);
    (d <= k).then_some(d)
}

/// Where each byte occurs in a pattern of at most 64 bytes, a bit per position, for the
/// bit-parallel distances: a word pair costs a few instructions per letter instead of a band
/// of table cells per letter. Found by the byte's low five bits, which tell apart every
/// lower-case letter, and every digit from the other digits.
struct PatternBits {
    masks: [u64; 32],
    owners: [u8; 32],
}

impl PatternBits {
    /// `None` when the pattern is empty or longer than 64 bytes, or two of its bytes share a
    /// slot (a letter and a digit, or a capital and a small letter: the banded tables take
    /// those). Inlined, so that the table is built where it is used, not copied there.
    #[inline(always)]
    fn of(pattern: &[u8]) -> Option<Self> {
        if pattern.is_empty() || pattern.len() > 64 {
            return None;
        }
        let mut bits = PatternBits {
            masks: [0; 32],
            owners: [0; 32],
        };
        for (i, &c) in pattern.iter().enumerate() {
            let slot = usize::from(c & 31);
            let (Some(mask), Some(owner)) = (bits.masks.get_mut(slot), bits.owners.get_mut(slot))
            else {
                return None;
            };
            if *mask != 0 && *owner != c {
                return None;
            }
            *owner = c;
            *mask |= 1 << i;
        }
        Some(bits)
    }

    /// The positions of `c` in the pattern.
    #[inline]
    fn of_byte(&self, c: u8) -> u64 {
        let slot = usize::from(c & 31);
        match (self.masks.get(slot), self.owners.get(slot)) {
            (Some(&mask), Some(&owner)) if owner == c => mask,
            _ => 0,
        }
    }
}

/// The Levenshtein distance of a pattern of `m` bytes (1 to 64, `bits`) and `text`, with
/// adjacent transpositions counted as one edit when `transpositions` (the
/// optimal-string-alignment distance): Myers' bit-vector algorithm, with Hyyrö's
/// transposition term. One column of the table is held in two machine words (vertical
/// differences +1 / −1), updated once per byte of `text`; the distance is tracked at the
/// pattern's last row.
fn bit_parallel_distance(bits: &PatternBits, m: usize, text: &[u8], transpositions: bool) -> usize {
    let (mut vp, mut vn, mut d0, mut pm_before) = (u64::MAX, 0u64, 0u64, 0u64);
    let last = 1u64 << (m.clamp(1, 64) - 1);
    let mut dist = m;
    for &c in text {
        let pm = bits.of_byte(c);
        let transposed = if transpositions {
            ((!d0 & pm) << 1) & pm_before
        } else {
            0
        };
        d0 = ((((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn) | transposed;
        let hp = vn | !(d0 | vp);
        let hn = d0 & vp;
        dist += usize::from(hp & last != 0);
        dist -= usize::from(hn & last != 0);
        let hp = (hp << 1) | 1;
        let hn = hn << 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
        pm_before = pm;
    }
    dist
}

/// Weight of a token in the general alignment. In a name made only of weak words
/// (`Korea Mining Development Trading Corp`), every generic word counts fully.
#[inline]
fn token_weight(t: &Word<'_>, all_weak: bool, scheme: Option<Scheme>) -> f64 {
    // The Arabic article (`al-`, `el-`) is written, dropped or joined at will.
    if scheme.is_some() && matches!(t.latin, "al" | "el" | "ul" | "il") {
        return 0.1;
    }
    // Legal forms stay weak even then: `Corp` against `Corporation LLC` is no difference.
    if all_weak && t.class != TokenClass::LegalForm {
        return 1.0 + 0.1 * t.latin.len().min(10) as f64;
    }
    match t.class {
        TokenClass::Word => 1.0 + 0.1 * t.latin.len().min(10) as f64,
        TokenClass::Number => 1.5,
        TokenClass::Generic => 0.3,
        TokenClass::LegalForm => 0.1,
    }
}

/// A token's strings as plain slices: an alignment compares every word of one name with
/// every word of the other, and reading the inline strings once per word instead of once per
/// pair is most of what a comparison costs.
#[derive(Clone, Copy)]
struct Word<'a> {
    class: TokenClass,
    text: &'a str,
    latin: &'a str,
    key: &'a str,
    korean_key: &'a str,
    letters: u32,
}

type Words<'a> = SmallVec<[Word<'a>; 8]>;

fn words_of(f: &NameForm) -> Words<'_> {
    f.tokens.iter().map(Word::from).collect()
}

/// One form of a name as a token alignment reads it: its words, the skeletons computed ahead
/// and those computed so far.
struct FormSide<'a> {
    form: &'a NameForm,
    words: &'a [Word<'a>],
    skeletons: &'a FormSkeletons,
    lazy: &'a mut LazySkeletons,
    /// The form is a katakana name's Korean guess ([`korean_guesses`]): its words are
    /// syllables in the order the katakana spells them.
    korean_guess: bool,
}

impl<'a> FormSide<'a> {
    fn new(
        form: &'a NameForm,
        words: &'a [Word<'a>],
        skeletons: &'a FormSkeletons,
        lazy: &'a mut LazySkeletons,
        korean_guess: bool,
    ) -> Self {
        FormSide {
            form,
            words,
            skeletons,
            lazy,
            korean_guess,
        }
    }
}

impl<'a> From<&'a Token> for Word<'a> {
    fn from(t: &'a Token) -> Self {
        Word {
            class: t.class,
            text: &t.text,
            latin: &t.latin,
            key: &t.key,
            korean_key: &t.korean_key,
            letters: t.letters,
        }
    }
}

/// Similarity of two tokens (word `i` of side `qs`, word `j` of side `cs`) and the rule that
/// relates them; the sides give the words' consonant skeletons when one side of the
/// comparison is Arabic script or katakana.
// Inlined into the alignment's loop over word pairs, as it was before it took the sides
// (measured: a call per word pair cost screening 2 % more instructions).
#[inline(always)]
fn token_sim_with(
    a: &Word<'_>,
    b: &Word<'_>,
    (qs, i): (&mut Side<'_>, usize),
    (cs, j): (&mut Side<'_>, usize),
    scheme: Option<Scheme>,
) -> (f64, &'static str) {
    if a.class == TokenClass::Number || b.class == TokenClass::Number {
        return if a.latin == b.latin && a.class == b.class {
            (1.0, "same number")
        } else {
            (0.0, "different number")
        };
    }
    let same_text = same(a.text, b.text);
    if same_text || (!a.latin.is_empty() && same(a.latin, b.latin)) {
        return (1.0, if same_text { "exact" } else { "same letters" });
    }
    // Codes and hull numbers (`F91`, `YV2565`, `99th`) name one thing each: a digit apart is
    // another vessel, aircraft or unit, not a typo.
    if (a.letters | b.letters) & DIGIT_BITS != 0 {
        return (0.0, "different number");
    }
    if !a.korean_key.is_empty() && same(a.korean_key, b.korean_key) {
        return (0.95, "romanisation variant");
    }
    let (x, y) = (a.latin.as_bytes(), b.latin.as_bytes());
    let m = x.len().max(y.len());
    if m == 0 {
        return (0.0, "no letters");
    }
    // `bank` / `banking`, `trade` / `trading`: one common word in two forms.
    if a.class == TokenClass::Generic
        && b.class == TokenClass::Generic
        && x.len().min(y.len()) >= 4
        && x.get(..4) == y.get(..4)
    {
        return (0.9, "same word stem");
    }
    // Typo budget grows with length: none for words of 3 letters or fewer (Korean syllables,
    // initials), one edit up to 7, then one per four letters.
    let budget = if m <= 3 { 0 } else { (m / 4).max(1) };
    // The length difference and the letters one word has and the other lacks bound the
    // distance from below: most pairs stop here.
    let d = if x.len().abs_diff(y.len()) > budget
        || cordon_text::normalize::letters_apart(a.letters, b.letters) > budget
    {
        budget + 1
    } else {
        osa_within(x, y, budget).unwrap_or(budget + 1)
    };
    // A spelling an edit or two apart scores by its length; but where a script leaves vowels
    // unwritten or adds its own (a skeleton scheme), its skeleton's score counts when higher,
    // under a rule of its own: the spelling agrees too, so the words are not alike by sound
    // only. Without it a closer spelling scored below a farther one (`abbas` / `abas` 0.84
    // by spelling, `abbas` / `bas` 0.9 by skeleton).
    let spelling = (d <= budget).then(|| 1.0 - 0.8 * d as f64 / m as f64);
    if scheme.is_some()
        && a.class == TokenClass::Word
        && b.class == TokenClass::Word
        && let (Some(sa), Some(sb)) = (qs.skeleton(i), cs.skeleton(j))
        // Skeletons of lengths far apart are not close.
        && sa.len().abs_diff(sb.len()) <= 2
    {
        let s = skeleton_sim(sa, sb, x.len(), y.len());
        // A short skeleton is shared by many words; beside a spelling that agrees it adds
        // nothing the spelling did not say.
        let shorter = x.len().min(y.len());
        let beats_spelling = spelling
            .is_none_or(|p| s > p && !short_skeleton(sa, shorter) && !short_skeleton(sb, shorter));
        // Katakana writes the vowels Latin does (and adds some): `Timur` is not `タマーラ`.
        // Read after the skeletons, which a comparison keeps for every pair of words (a
        // query's and a remembered name's for good), and which few pairs share. Skeletons an
        // edit apart whose words start unlike are two names (`hammud` / `محمود`, `marble` /
        // `کربلا`, `zakharova` / `シュヴァロヴァ`).
        if s > 0.0
            && beats_spelling
            && (scheme != Some(Scheme::Kana) || vowels_agree(x, y))
            && (s >= SAME_SKELETON || start_alike(scheme, x, sa, y, sb))
        {
            return (
                s,
                if spelling.is_some() {
                    SKELETON_AND_SPELLING_RULE
                } else {
                    SKELETON_RULE
                },
            );
        }
    }
    if let Some(s) = spelling {
        return (s, "spelling (edit distance)");
    }
    // The phonetic key keeps only the class of the first letter; `Bagheri` is not `Faqir`
    // (initial vowels stay interchangeable: `Iray`, `Airui`). An initial `ph` is the letter f
    // (`Photon` / `Foton`, `Philipp` / `Filip`).
    let vowel = |c: Option<&u8>| c.is_some_and(|c| b"aeiouy".contains(c));
    let first = |w: &'_ [u8]| {
        if w.starts_with(b"ph") {
            Some(b'f')
        } else {
            w.first().copied()
        }
    };
    // Read only for the pairs no spelling or skeleton decided; the first letters only where
    // the keys agree (few pairs).
    if m > 3 && a.key.len() >= 2 && same(a.key, b.key) && {
        let (fx, fy) = (first(x), first(y));
        fx == fy || (vowel(fx.as_ref()) && vowel(fy.as_ref()))
    } {
        return (0.8, PHONETIC_RULE);
    }
    // Cheapest tests first: most pairs of short words stop before the names are compared or
    // the words parsed as Korean.
    if m <= 3
        && (short_word_typo(a, b) || two_letter_slip(a, b))
        && rest_agrees(qs.words, i, cs.words, j)
        && !(one_korean_syllable(a) && one_korean_syllable(b))
    {
        return (SHORT_WORD_TYPO, SHORT_WORD_TYPO_RULE);
    }
    // `J.` against `John`: an initial.
    if (x.len() == 1 && y.first() == x.first()) || (y.len() == 1 && x.first() == y.first()) {
        return (0.6, "initial");
    }
    (0.0, "different")
}

/// Similarity of two words of two or three letters one edit apart that [`short_word_typo`]
/// reads as a slip: below [`LIST_ALTERNATIVE`], so such a word never stands as an alternative
/// of another, and low enough that the rest of the name has to agree for the pair to match.
const SHORT_WORD_TYPO: f64 = 0.6;
/// The rule [`SHORT_WORD_TYPO`] is named by in explanations.
const SHORT_WORD_TYPO_RULE: &str = "short word one letter off";

/// Whether two words of two or three letters that are not the same read as one slip of the
/// keys rather than two different words: one edit apart (a letter added, dropped, changed or
/// two swapped: `ZA` / `ZAW`, `AAG` / `AG`, `Aui` / `Ali`, `BAU` / `ABU`) and with at least
/// three letters on one side — in two letters one edit changes half the word. Two Roman
/// numbers are different ordinals (`XII` / `XIV`); the Arabic article is no name part to slip
/// in (`Al` / `Ali`), but a letter of it written twice is a slip (`ALL-MIQDAD`, and Korean
/// `Ill` for 일 `Il`). The caller also keeps apart two words that each read as one Korean
/// syllable ([`one_korean_syllable`]): different syllables, the identity of a Korean name
/// (`Jo` / `Ho`, `Kim` / `Kum`).
fn short_word_typo(a: &Word<'_>, b: &Word<'_>) -> bool {
    let (x, y) = (a.latin.as_bytes(), b.latin.as_bytes());
    let article = |w: &str| matches!(w, "al" | "el" | "ul" | "il");
    x.len().max(y.len()) == 3
        && x.len().min(y.len()) >= 2
        && a.class == TokenClass::Word
        && b.class == TokenClass::Word
        && (!(article(a.latin) || article(b.latin)) || doubled_letter(x, y))
        && cordon_text::normalize::letters_apart(a.letters, b.letters) <= 1
        && osa_within(x, y, 1) == Some(1)
        && !(roman_number(x) && roman_number(y))
}

/// Whether a short lower-case word is a Roman number as written (`xii`, `iv`; not `il`,
/// `ill`: the Korean syllable 일 and its slip).
fn roman_number(w: &[u8]) -> bool {
    const DIGITS: [&[&[u8]]; 3] = [
        &[
            b"", b"i", b"ii", b"iii", b"iv", b"v", b"vi", b"vii", b"viii", b"ix",
        ],
        &[
            b"", b"x", b"xx", b"xxx", b"xl", b"l", b"lx", b"lxx", b"lxxx", b"xc",
        ],
        &[
            b"", b"c", b"cc", b"ccc", b"cd", b"d", b"dc", b"dcc", b"dccc", b"cm",
        ],
    ];
    // Read from the right: units, tens, hundreds, then thousands; the longest digit first.
    let mut rest = w;
    for digits in DIGITS {
        if let Some(d) = digits
            .iter()
            .rev()
            .filter(|d| !d.is_empty() && rest.ends_with(d))
            .max_by_key(|d| d.len())
        {
            rest = &rest[..rest.len() - d.len()];
        }
    }
    !w.is_empty() && rest.len() <= 3 && rest.iter().all(|&c| c == b'm')
}

/// Whether two words of two letters read as a slip in a Korean syllable: one letter changed or
/// the two swapped, and one of them no romanisation of Korean writes (`Rk`, `uS`) while the
/// other reads as Korean (`Ri`, `Su`). Two words that both read as Korean are two
/// syllables (`Ho` / `Oh`, `Jo` / `Ju`), and two words that neither does are codes and
/// initials more often than names; the caller also asks the rest of the name to agree.
fn two_letter_slip(a: &Word<'_>, b: &Word<'_>) -> bool {
    let (x, y) = (a.latin.as_bytes(), b.latin.as_bytes());
    x.len() == 2
        && y.len() == 2
        && a.class == TokenClass::Word
        && b.class == TokenClass::Word
        && a.korean_key.is_empty() != b.korean_key.is_empty()
        && osa_within(x, y, 1) == Some(1)
}

/// Whether one word is the other with one of its letters written twice (`ALL` / `AL`, `Ill` /
/// `Il`): a slip of the key, never another word.
fn doubled_letter(x: &[u8], y: &[u8]) -> bool {
    let (long, short) = if x.len() > y.len() { (x, y) } else { (y, x) };
    long.len() == short.len() + 1
        && long
            .windows(2)
            .enumerate()
            .any(|(i, w)| w[0] == w[1] && long[..i] == short[..i] && long[i + 1..] == short[i..])
}

/// Whether every word of two names but word `i` of `q` and word `j` of `c` is written the same
/// on the other side, two of them at least no legal form: only then does a one-letter
/// difference in a short word read as a slip ([`short_word_typo`]). A name that differs
/// elsewhere too, or has one other word only (`YK-AQA` / `YK-AQG`, `Shun Ji` / `Jie Shun`,
/// `BICENTENARIO XII` / `BICENTENARIO XVI`, sister companies `OSTEC-EC LTD` / `OSTEC-ETC
/// LTD`), keeps its short words apart.
fn rest_agrees(q: &[Word<'_>], i: usize, c: &[Word<'_>], j: usize) -> bool {
    let found_in = |w: &Word<'_>, other: &[Word<'_>], skip: usize| {
        !w.latin.is_empty()
            && other
                .iter()
                .enumerate()
                .any(|(k, o)| k != skip && same(w.latin, o.latin))
    };
    q.len() == c.len()
        && q.iter()
            .enumerate()
            .filter(|&(k, w)| k != i && w.class != TokenClass::LegalForm)
            .count()
            >= 2
        && q.iter()
            .enumerate()
            .all(|(k, w)| k == i || found_in(w, c, j))
        && c.iter()
            .enumerate()
            .all(|(k, w)| k == j || found_in(w, q, i))
}

/// Whether a word reads as a single Korean syllable (`kim`, `jo`, `un`); `ali` reads as two
/// (a·li), as most short words of other languages that parse at all do.
fn one_korean_syllable(w: &Word<'_>) -> bool {
    !w.korean_key.is_empty() && korean::parse_latin(w.latin).is_some_and(|s| s.len() == 1)
}

/// String equality for the short words of names, compared inline: the library call behind
/// `==` costs more than the comparison itself, and a word is compared with every word of
/// every candidate.
#[inline]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() > 16 {
        return a == b;
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// The skeleton scheme for a pair of forms: one side written in (or transliterated from)
/// Arabic script or katakana.
fn scheme_of(q: &NameForm, c: &NameForm) -> Option<Scheme> {
    own_scheme(q).or_else(|| own_scheme(c))
}

/// The skeleton scheme a form brings itself: written in (or transliterated from) Arabic
/// script or katakana.
fn own_scheme(f: &NameForm) -> Option<Scheme> {
    match (f.via, f.script) {
        (Via::Transliteration(Script::Arabic), _) | (_, Script::Arabic) => Some(Scheme::Arabic),
        (Via::Katakana, _) | (_, Script::Kana) => Some(Scheme::Kana),
        _ => None,
    }
}

/// Whether the vowels of two spellings agree, as a katakana transcription and a Latin
/// spelling of one name do: the shorter vowel sequence is, but for one vowel when it has three
/// or more, a subsequence of the longer (katakana adds vowels after consonants, and writes
/// some vowels differently: `Mohammed`, `モハンマド`).
fn vowels_agree(a: &[u8], b: &[u8]) -> bool {
    // This runs for most word pairs of a katakana name against a Latin one: the vowels are
    // packed in a word, and most pairs are settled by one pass over them.
    let (Some(va), Some(vb)) = (Vowels::of(a), Vowels::of(b)) else {
        return vowels_agree_long(a, b);
    };
    let (short, long) = if va.len <= vb.len { (va, vb) } else { (vb, va) };
    if short.is_subsequence_of(long) {
        return true;
    }
    // Not all of the shorter sequence: one vowel may be missing when it has three or more.
    short.len >= 3 && short.lcs(long) + 1 >= usize::from(short.len)
}

/// A word's vowel classes in order ([`vowel_class`]), two bits each, for words of at most
/// [`Vowels::MAX`] vowels.
#[derive(Clone, Copy)]
struct Vowels {
    classes: u64,
    len: u8,
}

impl Vowels {
    const MAX: u8 = 32;

    fn of(w: &[u8]) -> Option<Self> {
        let mut v = Vowels { classes: 0, len: 0 };
        for &c in w {
            if let Some(class) = vowel_class(c) {
                if v.len == Self::MAX {
                    return None;
                }
                v.classes |= u64::from(class) << (2 * v.len);
                v.len += 1;
            }
        }
        Some(v)
    }

    fn get(self, i: u8) -> u8 {
        ((self.classes >> (2 * i)) & 3) as u8
    }

    fn is_subsequence_of(self, long: Vowels) -> bool {
        let mut i = 0;
        for j in 0..long.len {
            if i < self.len && self.get(i) == long.get(j) {
                i += 1;
            }
        }
        i == self.len
    }

    /// Length of the longest common subsequence, one row.
    fn lcs(self, long: Vowels) -> usize {
        let mut row = [0u8; Self::MAX as usize + 1];
        for i in 0..self.len {
            let s = self.get(i);
            let mut diag = 0;
            for j in 0..usize::from(long.len) {
                let up = row[j + 1];
                row[j + 1] = if s == long.get(j as u8) {
                    diag + 1
                } else {
                    up.max(row[j])
                };
                diag = up;
            }
        }
        usize::from(row[usize::from(long.len)])
    }
}

/// The class of a vowel as [`vowels_agree`] compares them (1 to 3), none for other letters.
/// Transcriptions swap o/u and e/i freely (`Moallem`, `ムアッリム`); a and the two pairs are
/// what they keep apart.
fn vowel_class(c: u8) -> Option<u8> {
    // A table: this runs for every letter of both words of a pair.
    const CLASSES: [u8; 256] = {
        let mut t = [0u8; 256];
        t[b'a' as usize] = 1;
        t[b'e' as usize] = 2;
        t[b'i' as usize] = 2;
        t[b'o' as usize] = 3;
        t[b'u' as usize] = 3;
        t
    };
    let class = CLASSES[usize::from(c)];
    (class != 0).then_some(class)
}

/// [`vowels_agree`] for words of more than [`Vowels::MAX`] vowels.
#[cold]
fn vowels_agree_long(a: &[u8], b: &[u8]) -> bool {
    let classes = |w: &[u8]| -> Vec<u8> { w.iter().filter_map(|&c| vowel_class(c)).collect() };
    let (va, vb) = (classes(a), classes(b));
    let (short, long) = if va.len() <= vb.len() {
        (va, vb)
    } else {
        (vb, va)
    };
    let mut row = vec![0usize; long.len() + 1];
    for &s in &short {
        let mut diag = 0;
        for (j, &l) in long.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if s == l { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    let lcs = row.last().copied().unwrap_or(0);
    short.len() - lcs <= usize::from(short.len() >= 3)
}

/// Similarity of two words (of `a_len` and `b_len` letters) by consonant skeleton: equal
/// skeletons are the same name spelled across scripts; one class letter off in a long
/// skeleton is still close.
fn skeleton_sim(x: &str, y: &str, a_len: usize, b_len: usize) -> f64 {
    let n = x.len().min(y.len());
    if n == 0 {
        return 0.0;
    }
    if x == y {
        // A one-consonant skeleton (`Ali`) says little unless both words are short.
        return if n >= 2 {
            0.9
        } else if a_len <= 6 && b_len <= 6 {
            0.85
        } else {
            0.0
        };
    }
    // One edit counts in a skeleton of three classes or more, two in one of six or more.
    // Most pairs of skeletons are neither: a pass over the bytes tells one edit without a
    // distance table, which only two edits need.
    let (x, y) = (x.as_bytes(), y.as_bytes());
    if n < 3 {
        0.0
    } else if one_edit_apart(x, y) {
        0.82
    } else if n >= 6 && levenshtein_within(x, y, 2) == Some(2) {
        0.78
    } else {
        0.0
    }
}

/// Whether two byte strings are exactly one edit apart: a byte changed, added or dropped.
fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let same_start = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 => same_start < short.len() && short.get(same_start + 1..) == long.get(same_start + 1..),
        1 => short.get(same_start..) == long.get(same_start + 1..),
        _ => false,
    }
}

/// Per-token flags of one side of an alignment, a bit per token: an alignment looks at the
/// first [`ALIGNED_TOKENS`] tokens of a form.
#[derive(Debug, Clone, Copy, Default)]
struct Flags(u64);

/// The tokens of form `f` that a token alignment looks at.
fn aligned_tokens(f: &NameForm) -> &[Token] {
    f.tokens.get(..ALIGNED_TOKENS).unwrap_or(&f.tokens)
}

/// Tokens of a form the token alignment looks at. Forms hold at most
/// [`cordon_text::MAX_TOKENS`] words; only a Hangul organisation name split into many
/// glossary words can have more.
const ALIGNED_TOKENS: usize = 64;

impl Flags {
    fn get(self, i: usize) -> bool {
        i < ALIGNED_TOKENS && (self.0 >> i) & 1 == 1
    }

    fn set(&mut self, i: usize) {
        if i < ALIGNED_TOKENS {
            self.0 |= 1 << i;
        }
    }

    /// The flags of tokens `0..len` (at most [`ALIGNED_TOKENS`]).
    fn mask(len: usize) -> u64 {
        if len >= ALIGNED_TOKENS {
            u64::MAX
        } else {
            (1u64 << len) - 1
        }
    }

    /// Whether all of tokens `0..len` are set.
    fn all(self, len: usize) -> bool {
        self.0 & Self::mask(len) == Self::mask(len)
    }

    /// Bit `i` set for each `i` where tokens `i` and `i + 1` (both below `len`) are unset.
    fn adjacent_unset(self, len: usize) -> u64 {
        let unset = !self.0 & Self::mask(len);
        unset & (unset >> 1)
    }
}
/// Consonant skeletons of one side's tokens: computed ahead, or here, word by word when a
/// word pair first needs them (most pairs are settled before: by spelling, or by the vowels).
enum Skeletons<'a> {
    None,
    Ahead(&'a [String]),
    Here(&'a mut LazySkeletons),
}

/// The skeletons of one form's words computed so far under one scheme, kept across the pairs
/// of forms a name comparison scores (a Latin name's words meet every katakana form of the
/// other name under the same scheme).
#[derive(Default)]
struct LazySkeletons {
    scheme: Option<Scheme>,
    /// Per word, where its skeleton is in `text` ([`NOT_MADE`] until needed); filled (to the
    /// form's length) when the first is needed.
    spans: SmallVec<[(u32, u32); 16]>,
    /// The skeletons made so far, one after another: one buffer per form, not a `String` per
    /// word (an allocation and a free cost more than most skeletons).
    text: String,
}

/// The span of a skeleton not made yet.
const NOT_MADE: (u32, u32) = (u32::MAX, u32::MAX);

impl LazySkeletons {
    /// Forgets the skeletons made under another scheme.
    fn start(&mut self, scheme: Scheme) {
        if self.scheme != Some(scheme) {
            self.scheme = Some(scheme);
            self.spans.clear();
            self.text.clear();
        }
    }

    /// The skeleton of word `i` of `words`, made now if it was not before.
    // Inlined into the alignment's loop over word pairs, which asks for a word's skeleton
    // again at each pair; making one stays a call ([`LazySkeletons::make`]).
    #[inline(always)]
    fn get(&mut self, words: &[Word<'_>], i: usize) -> Option<&str> {
        let (from, to) = match self.spans.get(i) {
            Some(&slot) if slot != NOT_MADE => slot,
            _ => self.make(words, i)?,
        };
        self.text.get(from as usize..to as usize)
    }

    /// Makes the skeleton of word `i` of `words` and says where it is in `text`.
    #[inline(never)]
    fn make(&mut self, words: &[Word<'_>], i: usize) -> Option<(u32, u32)> {
        if self.spans.is_empty() {
            self.spans.resize(words.len(), NOT_MADE);
        }
        let scheme = self.scheme?;
        let slot = self.spans.get_mut(i)?;
        if *slot == NOT_MADE {
            let from = self.text.len();
            cordon_text::skeleton::skeleton_into(words.get(i)?.latin, scheme, &mut self.text);
            *slot = (
                u32::try_from(from).ok()?,
                u32::try_from(self.text.len()).ok()?,
            );
        }
        Some(*slot)
    }
}

/// One [`LazySkeletons`] per form of a name.
#[derive(Default)]
struct FormsSkeletons([LazySkeletons; cordon_text::name::MAX_FORMS], LazySkeletons);

impl FormsSkeletons {
    /// Form `i`'s; past the forms analysis gives, a scratch one.
    fn form(&mut self, i: usize) -> &mut LazySkeletons {
        match self.0.get_mut(i) {
            Some(lazy) => lazy,
            None => {
                self.1 = LazySkeletons::default();
                &mut self.1
            }
        }
    }
}

/// One side of a token alignment.
struct Side<'a> {
    words: &'a [Word<'a>],
    scheme: Option<Scheme>,
    /// All words weak (`Joint Stock Company`): every word then counts fully.
    all_weak: bool,
    skeletons: Skeletons<'a>,
    used: Flags,
}

impl<'a> Side<'a> {
    /// `ahead`: the words' skeletons under `scheme` computed ahead, if they were.
    fn new(
        words: &'a [Word<'a>],
        scheme: Option<Scheme>,
        ahead: Option<&'a [String]>,
        lazy: &'a mut LazySkeletons,
    ) -> Self {
        Side {
            words,
            scheme,
            all_weak: words
                .iter()
                .all(|t| matches!(t.class, TokenClass::Generic | TokenClass::LegalForm)),
            skeletons: match scheme {
                Some(sc) => match ahead {
                    Some(s) => Skeletons::Ahead(s),
                    None => {
                        lazy.start(sc);
                        Skeletons::Here(lazy)
                    }
                },
                None => Skeletons::None,
            },
            used: Flags::default(),
        }
    }

    // Inlined: the alignment's loop asks for each word's skeleton at every pair it is in.
    #[inline(always)]
    fn skeleton(&mut self, i: usize) -> Option<&str> {
        match &mut self.skeletons {
            Skeletons::None => None,
            Skeletons::Ahead(s) => s.get(i).map(String::as_str),
            Skeletons::Here(lazy) => lazy.get(self.words, i),
        }
    }
}

/// One step of a token alignment, in the order the alignment took it; token indices are
/// below [`ALIGNED_TOKENS`]. Scoring records them (a few bytes each) so that explaining the
/// winning pair of forms needs no second alignment.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Query token `i` aligned with list token `j`.
    Pair {
        i: u8,
        j: u8,
        score: f64,
        rule: &'static str,
        /// The alternative spellings of each word that gave the score, as indices into the
        /// forms' [`NameForm::word_alternatives`] plus one (0: the word as the form has it).
        alt: (u8, u8),
    },
    /// Token `x` of one side against tokens `y` and `y + 1` of the other run together; the
    /// query is the side with the pair when `swapped`.
    Merged {
        x: u8,
        y: u8,
        score: f64,
        swapped: bool,
    },
    /// Token `t` of the list name (of the query when `swapped`) is the alternative in
    /// parentheses of the word before it, which aligned.
    Alternative { t: u8, swapped: bool },
    /// Query token left over.
    Missing(u8),
    /// List token left over.
    Extra(u8),
    /// Query token `i` or list token `j` left over, alike at `score` with the other, which
    /// aligned: another spelling of it, which costs nothing.
    Repeated { i: u8, j: u8, score: f64 },
    /// Query token `i` and list token `j`, alike at `score`, both left over because a
    /// katakana Korean guess's syllables align only in order ([`keeps_order`]).
    OutOfOrder { i: u8, j: u8, score: f64 },
    /// The names compared run together as whole strings, which replaced the alignment.
    Joined(f64),
    /// The whole alignment's score multiplied by `factor` under `rule`.
    Scaled { factor: f64, rule: &'static str },
}

type Trace = SmallVec<[Step; 8]>;

/// Where a token alignment records its steps: a [`Trace`] when the alignment will be
/// explained, [`NoTrace`] when only its score counts (screening scores many candidates and
/// explains a few).
trait Record: Default {
    /// Whether the comparison is explained: a pair of Korean readings is then scored with
    /// its alignment where that is likely to be the one explained ([`korean_best`]).
    const EXPLAINS: bool;
    fn clear(&mut self);
    fn push(&mut self, step: Step);
}

impl Record for Trace {
    const EXPLAINS: bool = true;

    fn clear(&mut self) {
        SmallVec::clear(self);
    }

    fn push(&mut self, step: Step) {
        SmallVec::push(self, step);
    }
}

#[derive(Default)]
struct NoTrace;

impl Record for NoTrace {
    const EXPLAINS: bool = false;

    fn clear(&mut self) {}

    fn push(&mut self, _: Step) {}
}

/// The text of token `i` of form `f`.
fn token_text(f: &NameForm, i: u8) -> CompactString {
    f.tokens
        .get(usize::from(i))
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// Token `t` of form `f` as alternative `a` of [`Step::Pair`] spells it, and the rule that
/// spelt it ([`Via::Written`]: as the form has it). A word written in another script shows
/// with the spelling that matched (`сергей (sergei)`): the spelling alone would not say which
/// word of the list name it is, the word alone not what was compared.
fn spelt_part(f: &NameForm, t: u8, a: u8) -> (CompactString, Via) {
    let written = f.tokens.get(usize::from(t));
    match usize::from(a).checked_sub(1) {
        Some(k) => match (f.word_alternatives.get(k), written) {
            (Some(w), Some(word)) if word.script != Script::Latin => {
                // Pushed, not formatted: `format_compact!` cost a Cyrillic pair ≈ 240
                // instructions (+1.3 % names prepared).
                let mut part =
                    CompactString::with_capacity(word.text.len() + w.token.text.len() + 3);
                for piece in [word.text.as_str(), " (", w.token.text.as_str(), ")"] {
                    part.push_str(piece);
                }
                (part, w.via)
            }
            (Some(w), _) => (w.token.text.clone(), w.via),
            (None, _) => (CompactString::default(), Via::Written),
        },
        None => (
            written.map(|word| word.text.clone()).unwrap_or_default(),
            Via::Written,
        ),
    }
}

/// The readable alignment of query form `q` and list form `c` from the record of their token
/// alignment.
fn alignment_of(trace: &[Step], q: &NameForm, c: &NameForm) -> Vec<Aligned> {
    let text = token_text;
    let two = |f: &NameForm, i: u8| format!("{} {}", text(f, i), text(f, i.saturating_add(1)));
    // Extending an empty `Vec` gives it room for at least four parts, as the pushes this
    // replaced did; collected at their exact (often one or two) lengths, the alignments took
    // a block size little else uses, and mimalloc retired and refetched its page at nearly
    // every comparison (measured: +4 % instructions per `compare`).
    let mut alignment = Vec::new();
    alignment.extend(trace.iter().map(|step| match *step {
        Step::Pair {
            i,
            j,
            score,
            rule,
            alt: (0, 0),
        } => aligned(text(q, i), text(c, j), score, rule),
        Step::Pair {
            i,
            j,
            score,
            alt: (qa, ca),
            ..
        } => {
            // The spelling rule that gave the word names the part.
            let ((qt, qv), (ct, cv)) = (spelt_part(q, i, qa), spelt_part(c, j, ca));
            let via = if cv != Via::Written { cv } else { qv };
            aligned(qt, ct, score, via.label())
        }
        Step::Merged {
            x,
            y,
            score,
            swapped: false,
        } => aligned(text(q, x), two(c, y), score, "words joined"),
        Step::Merged {
            x,
            y,
            score,
            swapped: true,
        } => aligned(two(q, y), text(c, x), score, "words joined"),
        Step::Alternative { t, swapped: false } => {
            aligned("", text(c, t), 1.0, "alternative in parentheses")
        }
        Step::Alternative { t, swapped: true } => {
            aligned(text(q, t), "", 1.0, "alternative in parentheses")
        }
        Step::Missing(i) => aligned(text(q, i), "", 0.0, "missing in list name"),
        Step::Extra(j) => aligned("", text(c, j), 0.0, "extra in list name"),
        Step::OutOfOrder { i, j, score } => aligned(text(q, i), text(c, j), score, OUT_OF_ORDER),
        Step::Repeated { i, j, score } => aligned(text(q, i), text(c, j), score, REPEATED),
        Step::Scaled { factor, rule } => aligned("", "", factor, rule),
        Step::Joined(score) => {
            // Words' letters run together.
            let joined =
                |f: &NameForm| -> String { f.strong_tokens().map(|t| t.latin.as_str()).collect() };
            aligned(joined(q), joined(c), score, "words joined")
        }
    }));
    alignment
}

/// General token alignment: greedy best pairs, weighted, with unmatched parts penalised (list
/// parts the query lacks count half). `trace` receives the steps taken. When the word pairs'
/// similarities bound the score below `floor` ([`alignment_ceiling`]), the alignment is not
/// made and that bound (below `floor`) is returned instead.
fn generic(q_side: FormSide<'_>, c_side: FormSide<'_>, floor: f64, trace: &mut impl Record) -> f64 {
    trace.clear();
    let FormSide {
        form: q,
        words: q_words,
        skeletons: q_ahead,
        lazy: q_lazy,
        korean_guess: q_guess,
    } = q_side;
    let FormSide {
        form: c,
        words: c_words,
        skeletons: c_ahead,
        lazy: c_lazy,
        korean_guess: c_guess,
    } = c_side;
    let (qt, ct) = (aligned_tokens(q), aligned_tokens(c));
    if qt.is_empty() || ct.is_empty() {
        return 0.0;
    }
    let scheme = scheme_of(q, c);
    let qw = q_words.get(..qt.len()).unwrap_or(q_words);
    let cw = c_words.get(..ct.len()).unwrap_or(c_words);
    let mut qs = Side::new(
        qw,
        scheme,
        scheme.and_then(|sc| q_ahead.get(sc, &q.tokens)),
        q_lazy,
    );
    let mut cs = Side::new(
        cw,
        scheme,
        scheme.and_then(|sc| c_ahead.get(sc, &c.tokens)),
        c_lazy,
    );
    let (wq, wc) = (qs.all_weak, cs.all_weak);
    // Pairs in (query, list) order; the stable sort keeps that order among equal scores.
    let mut pairs: SmallVec<[(f64, usize, usize, &'static str); 32]> = SmallVec::new();
    // The words of each side with a pair above 0.
    let mut paired = [Flags::default(); 2];
    for (i, a) in qw.iter().enumerate() {
        for (j, b) in cw.iter().enumerate() {
            let (s, rule) = token_sim_with(a, b, (&mut qs, i), (&mut cs, j), scheme);
            if s > 0.0 {
                pairs.push((s, i, j, rule));
                paired[0].set(i);
                paired[1].set(j);
            }
        }
    }
    // The word pairs an alternative spelling scored, and the alternatives (`Step::Pair`'s).
    let mut spelt = Spelt::new();
    if !(q.word_alternatives.is_empty() && c.word_alternatives.is_empty()) {
        alternative_pairs(
            [q, c],
            [&mut qs, &mut cs],
            &mut pairs,
            &mut paired,
            &mut spelt,
        );
    }
    // Whole names run together can replace the alignment's score; they do not depend on it.
    // Read here when a floor may stop the alignment, else once it is scored: most alignments
    // score more than any names run together can ([`run_together`]).
    let joined_first = (floor > 0.0).then(|| run_together(q_words, c_words, 0.0));
    if let Some(joined) = joined_first
        && joined.unwrap_or(0.0) + FLOOR_MARGIN < floor
        && let Some(ceiling) = alignment_below(&qs, &cs, paired, scheme, [q, c], floor)
    {
        return ceiling.max(joined.unwrap_or(0.0));
    }
    if spelt.is_empty() {
        pairs.sort_by(|x, y| y.0.total_cmp(&x.0));
    } else {
        // Pairs an alternative added came last: among equal scores (query, list) order.
        pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    }
    let mut num = 0.0;
    let mut den = 0.0;
    let mut number_conflict = false;
    // Pairs of words aligned (legal forms aside), and whether all of them are alike by sound
    // alone.
    let (mut strong_pairs, mut sound_alike_only) = (0u32, true);
    // The strongest discount of the rules whose spellings aligned, and its rule.
    let mut rules_discount = (1.0, "");
    // A katakana name's Korean guess spells syllables in the katakana's order, and its words
    // split the name where the guess did (`アントン・ゲッタ` read as `ang tong ge ta`): aligned
    // crosswise, its syllables meet unrelated names (`TAE DONG GANG` at 0.71). Its pairs keep
    // the order of both names, but for the surname moved to the other end (a rotation).
    let korean_order = q_guess || c_guess;
    let mut in_order: SmallVec<[(u8, u8); 8]> = SmallVec::new();
    let mut out_of_order: SmallVec<[(u8, u8, f64); 4]> = SmallVec::new();
    for &(s, i, j, rule) in &pairs {
        if qs.used.get(i) || cs.used.get(j) {
            continue;
        }
        if korean_order {
            let pair = (i as u8, j as u8);
            if !keeps_order(&in_order, pair) {
                if !out_of_order
                    .iter()
                    .any(|&(x, y, _)| x == pair.0 || y == pair.1)
                {
                    out_of_order.push((pair.0, pair.1, s));
                }
                continue;
            }
            in_order.push(pair);
        }
        qs.used.set(i);
        cs.used.set(j);
        let (a, b) = (&qw[i], &cw[j]);
        // Legal forms agree between any two companies (`Synesis LLC` / `Sonis LLC`); a
        // generic word agreeing (`Alice Components` / `Ailisi Components`) is some evidence.
        if a.class != TokenClass::LegalForm || b.class != TokenClass::LegalForm {
            strong_pairs += 1;
            // A consonant skeleton is all a katakana or Arabic-script word offers to compare
            // (`マティーウッラー` / `MATIULLAH`), but two or three consonants of a short word
            // are shared by many words (`Jumbo` / `ジムボーイ`); a phonetic key stands beside
            // a spelling that did not agree, which in long words is a spelling variant more
            // than a coincidence (`NIIGraphite` / `NIIGRAFIT`).
            sound_alike_only &= match rule {
                PHONETIC_RULE => a.latin.len().min(b.latin.len()) < LONG_SOUND_ALIKE,
                SKELETON_RULE => {
                    let shorter = a.latin.len().min(b.latin.len());
                    let short = |s: Option<&str>| s.is_some_and(|s| short_skeleton(s, shorter));
                    short(qs.skeleton(i)) || short(cs.skeleton(j))
                }
                _ => false,
            };
        }
        // A word spelt by another rule counts as that rule's form would count it: its
        // similarity in full, and the rule's discount on the whole name below.
        let (s, alt) = match spelt.iter().find(|p| (p.i, p.j) == (i, j)) {
            Some(p) => {
                if p.factor < rules_discount.0 {
                    rules_discount = (p.factor, p.rule);
                }
                (s / p.factor, p.alt)
            }
            None => (s, (0, 0)),
        };
        let w = token_weight(a, wq, scheme) + token_weight(b, wc, scheme);
        num += s * w;
        den += w;
        trace.push(Step::Pair {
            i: i as u8,
            j: j as u8,
            score: s,
            rule,
            alt,
        });
    }
    // Two adjacent words of one side run together on the other (`MURILLORafael`).
    let mut acc = (num, den);
    let mut merged = Merges::default();
    merge_pass(&mut qs, &mut cs, &mut acc, &mut merged, trace, false);
    merge_pass(&mut cs, &mut qs, &mut acc, &mut merged, trace, true);
    // Words run together are a pair of the alignment, alike by sound only when a short
    // skeleton alone joined them (`TURACO` / `トゥルキー` read as `tul ki`).
    strong_pairs += merged.all;
    sound_alike_only &= merged.all == merged.by_short_skeleton;
    let (num, mut den) = acc;
    // A left-over word that closely matches a word already aligned on the other side is a
    // repetition or an alternative spelling (`Sergei (Sergey) Gavrilov`, `ООО «Гаусс» (ООО
    // «Гаусс»)`), not a missing part.
    let (mut q_alt, mut c_alt) = (Flags::default(), Flags::default());
    // Those alike only by consonant skeletons an edit apart (`shatun` / `anton`).
    let (mut q_loose, mut c_loose) = (Flags::default(), Flags::default());
    // The pair that made each word an alternative, for the explanation.
    let mut repeats: SmallVec<[(u8, u8, f64, bool); 4]> = SmallVec::new();
    for &(s, i, j, rule) in &pairs {
        if s < LIST_ALTERNATIVE {
            break;
        }
        let loose = rule == SKELETON_RULE && s < SAME_SKELETON;
        // Spellings of one name start alike (`Yurievich` / `Yuryevich`); skeletons an edit
        // apart whose words do not (`akharian` / `hassan`, `shatun` / `anton`) are two names.
        // `token_sim_with` asked this of the words it compared; a pair scored through another
        // spelling of a word (`alternative_pairs`) is asked it of the words themselves here.
        if loose
            && let (Some(sx), Some(sy)) = (qs.skeleton(i), cs.skeleton(j))
            && !start_alike(
                scheme,
                qw[i].latin.as_bytes(),
                sx,
                cw[j].latin.as_bytes(),
                sy,
            )
        {
            continue;
        }
        let (qu, cu) = (qs.used.get(i), cs.used.get(j));
        // Lists give alternatives (`Vladimir (Volodymyr)`), and queries copy them.
        if !qu && cu && !q_alt.get(i) {
            q_alt.set(i);
            if loose {
                q_loose.set(i);
            }
            repeats.push((i as u8, j as u8, s, false));
        }
        if qu && !cu && !c_alt.get(j) {
            c_alt.set(j);
            if loose {
                c_loose.set(j);
            }
            repeats.push((i as u8, j as u8, s, true));
        }
    }
    // But a word that is a name part of its own is missing when the other name has a word
    // left over it could stand for (`Khudr KHUDR` / `Khodr ORFALI`), and so is a word alike
    // only by a skeleton an edit apart (`Anton Shatun` / `アントン・ゲッタ`: `shatun` is no
    // spelling of `anton`, `ゲッタ` is the surname it meets).
    if q_alt.0 | c_alt.0 != 0 {
        let q_left = strong_word_left(qw, Flags(qs.used.0 | q_alt.0));
        let c_left = strong_word_left(cw, Flags(cs.used.0 | c_alt.0));
        let own_parts = |f: &NameForm, words: &[Word<'_>], alt: Flags, used: Flags| {
            (0..words.len().min(ALIGNED_TOKENS))
                .filter(|&i| alt.get(i) && own_name_part(f, words, i, used))
                .fold(0u64, |bits, i| bits | (1 << i))
        };
        if c_left {
            q_alt.0 &= !(own_parts(q, qw, q_alt, qs.used) | q_loose.0);
        }
        if q_left {
            c_alt.0 &= !(own_parts(c, cw, c_alt, cs.used) | c_loose.0);
        }
    }
    qs.used.0 |= q_alt.0;
    cs.used.0 |= c_alt.0;
    for &(i, j, score, list) in &repeats {
        if (list && c_alt.get(usize::from(j))) || (!list && q_alt.get(usize::from(i))) {
            trace.push(Step::Repeated { i, j, score });
        }
    }
    // A word in parentheses after a word that aligned is that word's alternative spelling
    // (`Aleksei (Alexey) Lavrinenko`), however unlike the other name's spelling it is —
    // unless the other name has a word left over that it could stand for (`Foundation
    // (Kenya)` against `Foundation (Tanzania)` is a substitution).
    let paren = |f: &NameForm, used: Flags| u64::from(f.alternatives) & (used.0 << 1) & !used.0;
    let word_left = |words: &[Word<'_>], used: Flags| {
        words
            .iter()
            .enumerate()
            .any(|(i, w)| !used.get(i) && w.class != TokenClass::LegalForm)
    };
    let (mut q_paren, mut c_paren) = (paren(q, qs.used), paren(c, cs.used));
    if q_paren | c_paren != 0 {
        if word_left(cw, cs.used) {
            q_paren = 0;
        }
        if word_left(qw, qs.used) {
            c_paren = 0;
        }
    }
    if q_paren | c_paren != 0 {
        qs.used.0 |= q_paren;
        cs.used.0 |= c_paren;
        for (bits, swapped) in [(q_paren, true), (c_paren, false)] {
            for t in (0..ALIGNED_TOKENS).filter(|&t| bits & (1 << t) != 0) {
                trace.push(Step::Alternative {
                    t: t as u8,
                    swapped,
                });
            }
        }
    }
    // A pair left out for its order, both words of which are still left over, is shown as
    // such in place of the two left-over words.
    let (mut q_crossed, mut c_crossed) = (Flags::default(), Flags::default());
    for &(i, j, score) in &out_of_order {
        let (i, j) = (usize::from(i), usize::from(j));
        if !qs.used.get(i) && !cs.used.get(j) {
            q_crossed.set(i);
            c_crossed.set(j);
            trace.push(Step::OutOfOrder {
                i: i as u8,
                j: j as u8,
                score,
            });
        }
    }
    let (mut q_left, mut c_left) = (LeftOver::default(), LeftOver::default());
    for (i, a) in qw.iter().enumerate() {
        if !qs.used.get(i) {
            den += token_weight(a, wq, scheme);
            number_conflict |=
                a.class == TokenClass::Number && cw.iter().any(|b| b.class == TokenClass::Number);
            q_left.count(a);
            if !q_crossed.get(i) {
                trace.push(Step::Missing(i as u8));
            }
        }
    }
    for (j, b) in cw.iter().enumerate() {
        if !cs.used.get(j) {
            den += 0.5 * token_weight(b, wc, scheme);
            c_left.count(b);
            if !c_crossed.get(j) {
                trace.push(Step::Extra(j as u8));
            }
        }
    }
    // A hull number or code left over on both sides (`FU YUAN YU 8650` / `FU YUAN YU F91`)
    // is a different one, as two numbers are.
    number_conflict |= q_left.code && c_left.code;
    let mut score = if den > 0.0 { num / den } else { 0.0 };
    // A word of the query and a word of the list name both left over is a substitution
    // (`Hani` for `Rafi`), which says more against identity than an omission; so is a common
    // word of an organisation's trade (`Veles Management` / `Veles Trust`, `Saman Bank` /
    // `Saman Shipping`). Only words of one class substitute for each other: a Chinese name's
    // reading keeps its trade words as words (`Mosite Fazhan` / `Most Development`). Trade
    // words translated from another script are loose (`Производственно-Техническая` is
    // `Production and Technical` or `Industrial and Technical`): only names written in Latin
    // letters on both sides substitute them.
    let written = q.via == Via::Written && c.via == Via::Written;
    let subs = q_left.words.min(c_left.words)
        + if written {
            q_left.trade_words.min(c_left.trade_words)
        } else {
            0
        };
    score *= SUBSTITUTION_FACTOR.powi(subs as i32);
    if number_conflict {
        score *= 0.5;
    }
    if strong_pairs == 1 && sound_alike_only {
        score *= SOUND_ALIKE_ALONE_FACTOR;
        trace.push(Step::Scaled {
            factor: SOUND_ALIKE_ALONE_FACTOR,
            rule: SOUND_ALIKE_ALONE,
        });
    }
    if rules_discount.0 < 1.0 {
        score *= rules_discount.0;
        trace.push(Step::Scaled {
            factor: rules_discount.0,
            rule: rules_discount.1,
        });
    }
    let joined = match joined_first {
        Some(joined) => joined.filter(|&s| s > score),
        None => run_together(q_words, c_words, score),
    };
    if let Some(s) = joined {
        score = s;
        trace.clear();
        trace.push(Step::Joined(s));
    }
    score
}

/// Whether word pair `(i, j)` (query's, list's) can join the pairs `taken` of an alignment
/// that keeps both names' order: read in the query's order, the list words follow each
/// other, or do so from one point on and then start again from the list name's beginning
/// without passing the first (a rotation: `Jong Un KIM` / `kim jong un`).
fn keeps_order(taken: &[(u8, u8)], (i, j): (u8, u8)) -> bool {
    let mut list: SmallVec<[(u8, u8); 9]> = taken.iter().copied().collect();
    list.push((i, j));
    list.sort_unstable();
    let falls = list.windows(2).filter(|w| w[1].1 < w[0].1).count();
    match (falls, list.first(), list.last()) {
        (0, ..) => true,
        (1, Some(first), Some(last)) => last.1 < first.1,
        _ => false,
    }
}

/// Word pairs (query's, list's) whose score an alternative spelling gave, and the
/// alternatives ([`Step::Pair`]'s `alt`).
type Spelt = SmallVec<[SpeltPair; 4]>;

/// A word pair (query's `i`, list's `j`) an alternative spelling scored: the alternatives
/// (`Step::Pair`'s `alt`), the discount of the rule that spelt them against their forms', and
/// that rule's name.
#[derive(Clone, Copy)]
struct SpeltPair {
    i: usize,
    j: usize,
    alt: (u8, u8),
    factor: f64,
    rule: &'static str,
}

/// Every word pair's score raised to what the words' alternative spellings give
/// ([`best_alternative`]), recorded in `spelt`; a pair that only an alternative scores above
/// 0 is added to `pairs` and `paired`.
#[inline(never)]
fn alternative_pairs(
    [q, c]: [&NameForm; 2],
    [qs, cs]: [&mut Side<'_>; 2],
    pairs: &mut SmallVec<[(f64, usize, usize, &'static str); 32]>,
    paired: &mut [Flags; 2],
    spelt: &mut Spelt,
) {
    let (qw, cw) = (qs.words, cs.words);
    let (mut q_spellings, mut c_spellings) = (Spellings::default(), Spellings::default());
    q_spellings.read(q);
    c_spellings.read(c);
    let (q_spelt, c_spelt) = (q_spellings.words(), c_spellings.words());
    for (i, a) in qw.iter().enumerate() {
        let a_spellings = q_spellings.of_word(i);
        for (j, b) in cw.iter().enumerate() {
            // Two words neither of which has another spelling have nothing to raise their
            // score ([`best_alternative`] scores only pairs of spellings with one
            // alternative): most pairs of a name with a few alternatives.
            if !q_spelt.get(i) && !c_spelt.get(j) {
                continue;
            }
            let at = pairs.iter().position(|&(_, x, y, _)| (x, y) == (i, j));
            let s = at.and_then(|k| pairs.get(k)).map_or(0.0, |p| p.0);
            if s >= 1.0 {
                continue;
            }
            let Some((t, rule, pair)) = best_alternative(
                [(a, a_spellings), (b, c_spellings.of_word(j))],
                ((qs, i), (cs, j)),
                s,
            ) else {
                continue;
            };
            spelt.push(pair);
            match at.and_then(|k| pairs.get_mut(k)) {
                Some(p) => (p.0, p.3) = (t, rule),
                None => {
                    pairs.push((t, i, j, rule));
                    paired[0].set(i);
                    paired[1].set(j);
                }
            }
        }
    }
}

/// One alternative spelling of a word ([`NameForm::word_alternatives`]) as a pair of words
/// reads it.
struct Spelling<'w> {
    /// The word of the form it spells.
    at: u8,
    /// Its index in the form's alternatives plus one (0 stands for the word itself).
    index: u8,
    /// The discount of its rule against its form's.
    factor: f64,
    via: Via,
    word: Word<'w>,
}

/// A form's alternative spellings ([`NameForm::word_alternatives`], listed rule by rule)
/// grouped by the word they spell, each word's in the form's order: read once per
/// alignment, so that a pair of words reads only its own alternatives, each ready.
#[derive(Default)]
struct Spellings<'w>(SmallVec<[Spelling<'w>; 8]>);

impl<'w> Spellings<'w> {
    /// Form `f`'s alternatives, read into a grouping made empty where it stays (the inline
    /// room is too large to move once filled).
    fn read(&mut self, f: &'w NameForm) {
        let base = via_factor(f.via);
        let by_word = &mut self.0;
        for (k, w) in f.word_alternatives.iter().enumerate() {
            // Alternatives past 255 have no index (nor have those after them).
            let Ok(index) = u8::try_from(k + 1) else {
                break;
            };
            by_word.push(Spelling {
                at: w.at,
                index,
                factor: via_factor(w.via) / base,
                via: w.via,
                word: Word::from(&w.token),
            });
        }
        by_word.sort_by_key(|s| s.at);
    }

    /// The words with alternatives, a bit per word.
    fn words(&self) -> Flags {
        let mut spelt = Flags::default();
        for s in &self.0 {
            spelt.set(usize::from(s.at));
        }
        spelt
    }

    /// Word `at`'s alternatives, in the form's order.
    fn of_word(&self, at: usize) -> &[Spelling<'w>] {
        let start = self.0.partition_point(|s| usize::from(s.at) < at);
        let rest = self.0.get(start..).unwrap_or_default();
        let len = rest.partition_point(|s| usize::from(s.at) == at);
        rest.get(..len).unwrap_or_default()
    }
}

/// The rules of [`token_sim_with`] by which two words are spelt alike (within a typo budget).
const SPELT_ALIKE: [&str; 3] = ["exact", "same letters", "spelling (edit distance)"];

/// The best score of query word `a` against list word `b` (words `i` and `j` of their forms,
/// each with its alternatives from [`Spellings::of_word`]) that their alternative spellings
/// give above `score`, each discounted by its rule against its form's
/// ([`NameForm::word_alternatives`]): the score, the similarity rule and the pair's
/// alternatives (indices plus one, 0 for the word itself) with the discount and name of the
/// rule that discounts most.
// Inlined into `alternative_pairs` (apart from the alignment's loop, which names without
// alternatives run as before): a call per pair of words cost more than most pairs' scoring.
#[inline(always)]
fn best_alternative(
    [(a, a_alts), (b, b_alts)]: [(&Word<'_>, &[Spelling<'_>]); 2],
    ((qs, i), (cs, j)): ((&mut Side<'_>, usize), (&mut Side<'_>, usize)),
    score: f64,
) -> Option<(f64, &'static str, SpeltPair)> {
    // Spelling `k` of a word: itself (0, discount 1), then its alternatives.
    fn spelling<'r, 'w>(
        own: &'r Word<'w>,
        alts: &'r [Spelling<'w>],
        k: usize,
    ) -> Option<(u8, f64, Via, &'r Word<'w>)> {
        match k.checked_sub(1) {
            None => Some((0, 1.0, Via::Written, own)),
            Some(k) => alts.get(k).map(|s| (s.index, s.factor, s.via, &s.word)),
        }
    }
    let mut best = None;
    let mut score = score;
    for kx in 0..=a_alts.len() {
        let Some((x, fx, vx, wx)) = spelling(a, a_alts, kx) else {
            continue;
        };
        for ky in 0..=b_alts.len() {
            let Some((y, fy, vy, wy)) = spelling(b, b_alts, ky) else {
                continue;
            };
            let factor = fx * fy;
            if (x, y) == (0, 0) || factor <= score {
                continue;
            }
            // Skeletons are the words' own: an alternative is compared by its letters.
            let (s, rule) = token_sim_with(wx, wy, (&mut *qs, i), (&mut *cs, j), None);
            // A reconstruction of another language's name is evidence where it spells the
            // word, not where it only sounds like it (`yehoravich` ~ `yurievich`): beside the
            // name's other words spelt as written, a sound would carry it over the threshold.
            let reconstructed = |v: Via| matches!(v, Via::Belarusian | Via::BelarusianLatin);
            if (reconstructed(vx) || reconstructed(vy)) && !SPELT_ALIKE.contains(&rule) {
                continue;
            }
            if s * factor > score {
                score = s * factor;
                let via = if fx <= fy { vx } else { vy };
                let pair = SpeltPair {
                    i,
                    j,
                    alt: (x, y),
                    factor,
                    rule: via.label(),
                };
                best = Some((score, rule, pair));
            }
        }
    }
    best
}

/// How far below a floor an alignment's ceiling must be for the alignment to be skipped: far
/// above the rounding of the sums that make either.
const FLOOR_MARGIN: f64 = 1e-9;

/// Whether a token alignment of the words of `qs` and `cs` certainly scores below `floor`, read
/// from which words have a pair scoring above 0 (`paired`, a bit per word of each side) before
/// the alignment is made: then `Some` of a bound of its score (below `floor`).
///
/// The alignment's score is `num / den`, then only multiplied by factors below 1 or replaced by
/// the names run together (the caller's part). A word adds to `den` its weight when paired or
/// merged with words of the other side (and at most as much to `num`: similarities are at most
/// 1), its weight (a list word: half of it) when left over, and nothing when excused as an
/// alternative. A word with no pair, no possible merge and no parentheses is certainly left
/// over: its part `u` of `den` is fixed. The others add at most their largest weight `n` to
/// both; `num / den ≤ n / (n + u)`.
fn alignment_below(
    qs: &Side<'_>,
    cs: &Side<'_>,
    paired: [Flags; 2],
    scheme: Option<Scheme>,
    [q, c]: [&NameForm; 2],
    floor: f64,
) -> Option<f64> {
    // A word in parentheses may be excused (`Aleksei (Alexey)`).
    let mut open = [
        paired[0].0 | u64::from(q.alternatives),
        paired[1].0 | u64::from(c.alternatives),
    ];
    // A word's part of `n` when it may pair or merge (merged words weigh as without a scheme:
    // `al` is light only with one), and of `u` when it is certainly left over.
    let parts = |side: &Side<'_>, w: &Word<'_>, left_over_share: f64| {
        let weight = token_weight(w, side.all_weak, scheme);
        let open = match scheme {
            Some(_) => weight.max(token_weight(w, side.all_weak, None)),
            None => weight,
        };
        (open, left_over_share * weight)
    };
    let (mut n, mut u) = (0.0, 0.0);
    for (side, open, left_over_share) in [(qs, open[0], 1.0), (cs, open[1], 0.5)] {
        for (i, w) in side.words.iter().enumerate() {
            let (o, l) = parts(side, w, left_over_share);
            if Flags(open).get(i) {
                n += o;
            } else {
                u += l;
            }
        }
    }
    let ceiling = |n: f64, u: f64| if n + u > 0.0 { n / (n + u) } else { 0.0 };
    // The margin keeps float rounding from ever pruning a score at the floor.
    let below = |ceiling: f64| ceiling + FLOOR_MARGIN < floor;
    // Merges are looked for only when the words paired leave the alignment below the floor.
    let unmerged = ceiling(n, u);
    if !below(unmerged) {
        return None;
    }
    let before = open;
    for_possible_merges(qs, cs, |i, j| {
        open[0] |= 1 << i;
        open[1] |= 0b11 << j;
    });
    for_possible_merges(cs, qs, |j, i| {
        open[1] |= 1 << j;
        open[0] |= 0b11 << i;
    });
    if open == before {
        return Some(unmerged);
    }
    // The words a merge opens move from `u` to `n`; the others keep their parts.
    for (side, opened, left_over_share) in [
        (qs, open[0] & !before[0], 1.0),
        (cs, open[1] & !before[1], 0.5),
    ] {
        for (i, w) in side.words.iter().enumerate() {
            if Flags(opened).get(i) {
                let (o, l) = parts(side, w, left_over_share);
                n += o;
                u -= l;
            }
        }
    }
    Some(ceiling(n, u)).filter(|&c| below(c))
}

/// What one side of a token alignment has left over, counted as the words are charged.
#[derive(Default)]
struct LeftOver {
    /// Words of three letters or more.
    words: u32,
    /// Generic words of four letters or more (`management`, `shipping`; not `the`, `and`).
    trade_words: u32,
    /// Whether a token with a digit is among them.
    code: bool,
}

impl LeftOver {
    fn count(&mut self, w: &Word<'_>) {
        match w.class {
            TokenClass::Word if w.latin.len() >= 3 => self.words += 1,
            TokenClass::Generic if w.latin.len() >= 4 => self.trade_words += 1,
            _ => {}
        }
        self.code |= w.letters & DIGIT_BITS != 0;
    }
}

/// Whether a word that carries identity is left over.
fn strong_word_left(words: &[Word<'_>], used: Flags) -> bool {
    words
        .iter()
        .enumerate()
        .any(|(i, w)| !used.get(i) && w.class == TokenClass::Word)
}

/// Endings that make a surname of a given name: the Persian and Arabic `-i` (`Mohammadi`,
/// `Bagheri`, `Hosseini`), the Slavic `-ov`, `-ev`, `-in` and their feminine forms
/// (`Vladimirov`, `Dmitrieva`).
const SURNAME_ENDINGS: [&str; 7] = ["i", "ov", "ev", "in", "ova", "eva", "ina"];

/// Whether left-over word `i` of form `f` repeats an aligned word of that name or is one with
/// a surname ending (`Khudr KHUDR`, `Vladimir … VLADIMIROV`, `Mohammad … MOHAMMADI`): a name
/// part of its own, not another spelling of the word it resembles. Words in parentheses are
/// alternatives (`Igorj (Igor)`, `Evkurov (evkurov)`), and so are the words of a name given
/// twice; an organisation repeats its name in parentheses (`АО «Мотозавод» (АО «Мотозавод»)`):
/// names with a legal form are left alone.
fn own_name_part(f: &NameForm, words: &[Word<'_>], i: usize, used: Flags) -> bool {
    let Some(w) = words.get(i) else {
        return false;
    };
    // A name given twice (`X (a.k.a. Y)`, or in two scripts) repeats its words as
    // alternatives.
    let repeated = |k: usize| words.iter().take(k).any(|o| o.latin == words[k].latin);
    if f.notes.alias_marker
        || words.iter().any(|o| o.class == TokenClass::LegalForm)
        || (0..words.len()).filter(|&k| repeated(k)).nth(1).is_some()
    {
        return false;
    }
    let in_parentheses = |k: usize| k < 16 && f.alternatives & (1 << k) != 0;
    words.iter().enumerate().any(|(k, o)| {
        k != i
            && used.get(k)
            && !in_parentheses(i)
            && !in_parentheses(k)
            && o.latin.len() >= 3
            && w.latin
                .strip_prefix(o.latin)
                .is_some_and(|ending| ending.is_empty() || SURNAME_ENDINGS.contains(&ending))
    })
}

/// Whole names run together on one side (`Kimjongun`, `JSC ARGUMENT` / `JSCARGUMENT`),
/// compared as one string (the list may put the surname last where the query puts it
/// first): the score when it beats `score`.
fn run_together(q: &[Word<'_>], c: &[Word<'_>], score: f64) -> Option<f64> {
    // Names run together score at most this, and most alignments score it or more.
    if score >= RUN_TOGETHER_SIMILARITY {
        return None;
    }
    // The strong words' letters and number, in one pass over each side.
    let strong = |f: &[Word<'_>]| {
        strong_words(f).fold((0usize, 0usize), |(letters, n), w| {
            (letters + w.latin.len(), n + 1)
        })
    };
    let ((lq, nq), (lc, nc)) = (strong(q), strong(c));
    if nq == nc {
        return boundary_moved(q, c, lq, lc, nc).filter(|&s| s > score);
    }
    // Words run together leave one side with fewer words (`Russian Venture Company` and
    // `Russian Export-Import Bank` share one word, not a spelling). Most pairs fail on the
    // lengths alone; the strings are built only for the rest.
    if lq < 6 || lc < 6 || nq == nc || lq.abs_diff(lc) > lq.max(lc) / 8 {
        return None;
    }
    // The letters one name has and the other lacks bound the distance from below (in either
    // word order).
    let letters = |f: &[Word<'_>]| strong_words(f).fold(0, |m, w| m | w.letters);
    if cordon_text::normalize::letters_apart(letters(q), letters(c)) > lq.max(lc) / 8 {
        return None;
    }
    // Built on the stack (names of ordinary length run together fit), not as strings.
    fn run<'w>(latins: impl Iterator<Item = &'w str>) -> SmallVec<[u8; 64]> {
        let mut out = SmallVec::new();
        for l in latins {
            out.extend_from_slice(l.as_bytes());
        }
        out
    }
    let jq = run(strong_words(q).map(|w| w.latin));
    let jc = run(strong_words(c).map(|w| w.latin));
    let jc_rot = {
        let strong: SmallVec<[&str; 16]> = strong_words(c).map(|w| w.latin).collect();
        match strong.split_last() {
            Some((last, rest)) => run(std::iter::once(*last).chain(rest.iter().copied())),
            None => SmallVec::new(),
        }
    };
    let m = jq.len().max(jc.len());
    let within = |b: &[u8]| levenshtein_within(&jq, b, m / 8);
    let d = match (within(&jc), within(&jc_rot)) {
        (Some(a), Some(b)) => a.min(b),
        (Some(d), None) | (None, Some(d)) => d,
        (None, None) => return None,
    };
    // `DECISIONS5` is not `DECISIONS 6`: codes agree to the digit (a Roman numeral's reading
    // is no written digit: `SealionI` is `Sealion I`).
    let written_digit =
        |f: &[Word<'_>]| strong_words(f).any(|w| w.text.bytes().any(|b| b.is_ascii_digit()));
    if d > 0 && (written_digit(q) || written_digit(c)) {
        return None;
    }
    let s = RUN_TOGETHER_SIMILARITY * (1.0 - 0.8 * d as f64 / m as f64);
    (s > score).then_some(s)
}

/// The most names run together score ([`run_together`]): as much as the same letters with no
/// edit and no boundary moved.
const RUN_TOGETHER_SIMILARITY: f64 = 0.95;

/// The same letters on both sides split into words at other places (`Al iReza` / `Ali Reza`,
/// `ChunS-an` / `Chun-San`; the list may put the surname last): a slip that moved a word
/// boundary, scored as one edit of the names run together. `lq`, `lc`: the letters of each
/// side's strong words, which stop most pairs; `n`: how many strong words `c` has.
fn boundary_moved(q: &[Word<'_>], c: &[Word<'_>], lq: usize, lc: usize, n: usize) -> Option<f64> {
    if lq != lc || lq < 6 {
        return None;
    }
    let rest = n.saturating_sub(1);
    let rotated = || strong_words(c).skip(rest).chain(strong_words(c).take(rest));
    (split_elsewhere(strong_words(q), strong_words(c))
        || split_elsewhere(strong_words(q), rotated()))
    .then(|| RUN_TOGETHER_SIMILARITY * (1.0 - 0.8 / lq as f64))
}

/// Whether two sequences of words hold the same letters in words of other lengths: the same
/// words in the same places are no moved boundary (the alignment scores them). Read in place:
/// a screening asks this of most pairs of names with as many letters.
fn split_elsewhere<'w, 'a: 'w>(
    x: impl Iterator<Item = &'w Word<'a>> + Clone,
    y: impl Iterator<Item = &'w Word<'a>> + Clone,
) -> bool {
    fn first<'w, 'a: 'w>(mut words: impl Iterator<Item = &'w Word<'a>>) -> Option<u8> {
        words.next().and_then(|w| w.latin.bytes().next())
    }
    first(x.clone()) == first(y.clone())
        && x.clone()
            .map(|w| w.latin.len())
            .ne(y.clone().map(|w| w.latin.len()))
        && x.flat_map(|w| w.latin.bytes())
            .eq(y.flat_map(|w| w.latin.bytes()))
}

/// The words that carry identity ([`NameForm::strong_tokens`]'s).
fn strong_words<'w, 'a>(words: &'w [Word<'a>]) -> impl Iterator<Item = &'w Word<'a>> + Clone {
    words
        .iter()
        .filter(|w| matches!(w.class, TokenClass::Word | TokenClass::Number))
}

/// The most a word scores against two words run together ([`merge_pass`]).
const MERGED_SIMILARITY: f64 = 0.95;

/// Whether word `x` is close enough to `y1` and `y2` run together for their edit distance to
/// be within an eighth of the longer: the lengths and the letters one side has and the other
/// lacks bound the distance from below.
fn joined_close(x: &Word<'_>, y1: &Word<'_>, y2: &Word<'_>) -> bool {
    let jl = y1.latin.len() + y2.latin.len();
    let m = jl.max(x.latin.len());
    jl.abs_diff(x.latin.len()) <= m / 8
        && cordon_text::normalize::letters_apart(x.letters, y1.letters | y2.letters) <= m / 8
}

/// Whether the three words are all plain words (not generic, legal forms or numbers): only
/// those are compared by consonant skeletons when run together.
fn all_words(x: &Word<'_>, y1: &Word<'_>, y2: &Word<'_>) -> bool {
    [x, y1, y2].iter().all(|w| w.class == TokenClass::Word)
}

/// Calls `f(i, j)` for each word `i` of `xs` that [`merge_pass`] could match with words `j` and
/// `j + 1` of `ys` run together, whichever words are used: its tests but the skeleton's length.
fn for_possible_merges(xs: &Side<'_>, ys: &Side<'_>, mut f: impl FnMut(usize, usize)) {
    let skeletons = xs.scheme.is_some();
    for (i, x) in xs.words.iter().enumerate() {
        if x.latin.len() < 5 {
            continue;
        }
        for (j, pair) in ys.words.windows(2).enumerate() {
            let [y1, y2] = pair else { continue };
            if joined_close(x, y1, y2) || (skeletons && all_words(x, y1, y2)) {
                f(i, j);
            }
        }
    }
}

/// Matches each unused token of `xs` against two adjacent unused tokens of `ys` run together;
/// `acc` is the alignment's (numerator, denominator), `merges` counts the pairs made.
fn merge_pass(
    xs: &mut Side<'_>,
    ys: &mut Side<'_>,
    acc: &mut (f64, f64),
    merges: &mut Merges,
    trace: &mut impl Record,
    swapped: bool,
) {
    // Two adjacent tokens of `ys` both left over, and one of `xs`: most alignments have none.
    if xs.used.all(xs.words.len()) || ys.used.adjacent_unset(ys.words.len()) == 0 {
        return;
    }
    for (i, x) in xs.words.iter().enumerate() {
        if xs.used.get(i) || x.latin.len() < 5 {
            continue;
        }
        // What the letters of two words run together need for `x`'s skeleton, when it has
        // three classes or more to find there: read when a pair of words first needs it, then
        // kept for the others.
        let mut x_skeleton: Option<Option<SkeletonLetters>> = None;
        // The pairs of adjacent words of `ys` both left over, first to last.
        let mut pairs = ys.used.adjacent_unset(ys.words.len());
        while pairs != 0 {
            let j = pairs.trailing_zeros() as usize;
            pairs &= pairs - 1;
            let (Some(y1), Some(y2)) = (ys.words.get(j), ys.words.get(j + 1)) else {
                continue;
            };
            let jl = y1.latin.len() + y2.latin.len();
            let m = jl.max(x.latin.len());
            let close = joined_close(x, y1, y2);
            // Two words whose letters rule out `x`'s skeleton are not read for it (most pairs).
            let skeletons = all_words(x, y1, y2)
                && xs.scheme.is_some_and(|sc| {
                    x_skeleton
                        .get_or_insert_with(|| {
                            let sx = xs.skeleton(i).filter(|sx| sx.len() >= 3)?;
                            Some(SkeletonLetters::of(sx, sc))
                        })
                        .as_ref()
                        .is_some_and(|x_letters| x_letters.admits(y1.letters | y2.letters))
                });
            // Far apart in spelling and no skeleton to compare: nothing to find.
            if !(close || skeletons) {
                continue;
            }
            let mut joined: SmallVec<[u8; 64]> = SmallVec::with_capacity(jl);
            joined.extend_from_slice(y1.latin.as_bytes());
            joined.extend_from_slice(y2.latin.as_bytes());
            let d = if close {
                levenshtein_within(x.latin.as_bytes(), &joined, m / 8)
            } else {
                None
            };
            // `DECISIONS5` is not `DECISIONS 6`: codes agree to the digit.
            let codes = (x.letters | y1.letters | y2.letters) & DIGIT_BITS != 0;
            let sim = if let Some(d) = d
                && (d == 0 || !codes)
            {
                MERGED_SIMILARITY * (1.0 - 0.8 * d as f64 / m as f64)
            } else if let Some(sc) = xs.scheme
                && skeletons
                && let Some(sx) = xs.skeleton(i)
                && has_skeleton(&joined, sc, sx)
            {
                // `Nezamoldin` / `nizam al-din`, `Allah-Karam` / `اللهکرم`.
                if short_skeleton(sx, x.latin.len().min(jl)) {
                    merges.by_short_skeleton += 1;
                }
                0.88
            } else {
                continue;
            };
            merges.all += 1;
            let w = token_weight(x, xs.all_weak, None)
                + token_weight(y1, ys.all_weak, None)
                + token_weight(y2, ys.all_weak, None);
            acc.0 += sim * w;
            acc.1 += w;
            xs.used.set(i);
            ys.used.set(j);
            ys.used.set(j + 1);
            trace.push(Step::Merged {
                x: i as u8,
                y: j as u8,
                score: sim,
                swapped,
            });
            break;
        }
    }
}

/// The words [`merge_pass`] ran together: how many pairs, and how many of them only a short
/// consonant skeleton joined ([`SHORT_SKELETON`]).
#[derive(Default)]
struct Merges {
    all: u32,
    by_short_skeleton: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name that scores 0 is explained by its written forms, part by part, whether or not
    /// scoring compared them: `kim kim` and `Чен un` are both Korean-shaped, so only forms with
    /// Korean readings are compared, and the Cyrillic written form has none; the pair of
    /// written forms was never scored, the kept trace was empty, and the comparison came back
    /// with no reasons at all (found by `floor_keeps_scores_of_arbitrary_word_names` in CI).
    #[test]
    fn regression_zero_score_is_explained_even_when_its_forms_were_not_scored() {
        for kind in [NameKind::Person, NameKind::Organization] {
            let (q, c) = (
                PreparedName::query("kim kim", kind),
                PreparedName::new("Чен un", kind),
            );
            let scored = score_and_explain(&q, &c);
            let mut explained = score_names(&q, &c);
            explain_names(&q, &c, &mut explained);
            assert_eq!(scored.alignment, explained.alignment, "{kind:?}");
            assert!(!scored.alignment.is_empty(), "{kind:?}: {scored:?}");
            assert_floor_keeps_scores("kim kim", "Чен un", kind);
        }
    }

    /// The matcher skips scoring a name whose ceiling cannot beat its entity's best so far:
    /// an answer changes if the ceiling is ever below the score.
    #[test]
    fn korean_shaped_readings_decide_but_not_chinese_characters() {
        let person = |n: &str| PreparedName::new(n, NameKind::Person);
        for n in [
            "ムン・チョンチョル",
            "MIN BYONG CHOL",
            "김정은",
            "Kim Jong Un",
        ] {
            assert!(person(n).korean_shaped, "{n}");
        }
        // Chinese characters' Hangul reading is a guess; three given syllables or none are
        // not the usual Korean shape.
        for n in ["金铁三", "Jin Tiesan", "MATIULLAH", "Ivan Petrov"] {
            assert!(!person(n).korean_shaped, "{n}");
        }
    }

    /// A Hanja reading is a Korean guess at Chinese characters. Against a name that is neither
    /// in Hangul nor a Korean person's, it made only false matches on the whole lists: `陈诚`
    /// (Chen Cheng, read 진성 `jin seong`) matched the bank `Jinsong Joint Bank` at 0.715.
    #[test]
    fn regression_hanja_reading_not_scored_against_a_name_that_is_not_korean() {
        let c = crate::compare("Jinsong Joint Bank", "陈诚", None);
        assert!(!c.is_match, "{c:?}");
        assert!(!c.rules.contains(&"Hanja reading"), "{c:?}");
        let mut e = cordon_model::Entity::new("eu-chen", cordon_model::Schema::Person);
        e.add(cordon_model::prop::NAME, "陈诚");
        let m = crate::Matcher::build(vec![e]);
        let q = crate::Query::new("Jinsong Joint Bank").expect("query");
        let hits = m.screen(&q, &crate::Options::default());
        assert!(hits.iter().all(|h| !h.is_match), "{hits:?}");
        // Against a Korean name, in Hangul or romanised, the reading still decides and is named.
        for (a, b) in [("金铁三", "김철삼"), ("(金铁三)", "Kim Chol Sam")] {
            let c = crate::compare(a, b, Some(cordon_model::Schema::Person));
            assert!(c.is_match && c.rules.contains(&"Hanja reading"), "{c:?}");
        }
    }

    /// A katakana name that is no Korean person's (`ムヘーリシ`, Muhairishi) has Korean
    /// guesses (`mu he ri si`) that matched the Chinese `HE SI` at 0.706 on the whole lists:
    /// against a name that is not Korean either, its romaji decides. A katakana name that
    /// reads as Korean keeps its guesses against a misspelt romanisation (`KM Jong Sik`).
    #[test]
    fn regression_katakana_korean_guesses_not_scored_between_names_that_are_not_korean() {
        let c = crate::compare("HE SI", "ムヘーリシ", None);
        assert!(!c.is_match, "{c:?}");
        let mut e = cordon_model::Entity::new("jp-2-554", cordon_model::Schema::Person);
        e.add(cordon_model::prop::NAME, "ムヘーリシ");
        let m = crate::Matcher::build(vec![e]);
        let hits = m.screen(
            &crate::Query::new("HE SI").expect("query"),
            &crate::Options::default(),
        );
        assert!(hits.iter().all(|h| !h.is_match), "{hits:?}");
        for (a, b) in [
            ("KM Jong Sik", "キム・ジョンシク"),
            ("Park Jin Hyok", "パク・ジンヒョク"),
        ] {
            let c = crate::compare(a, b, None);
            assert!(c.is_match && c.rules.contains(&"katakana"), "{c:?}");
        }
    }

    /// A katakana name's Korean guess aligned crosswise met unrelated names on the whole
    /// lists: `TAE DONG GANG` / `アントン・ゲッタ` (`ang tong ge ta`, tae~ta, dong~tong,
    /// gang~ang) at 0.712, `Km Yong Nam` / `キム・ナムウン` (`kim nam ung`) at 0.823. A guess
    /// aligns only in order, with the surname moved to the other end allowed, and the pair
    /// left out is named in the explanation.
    #[test]
    fn regression_katakana_korean_guess_aligned_only_in_order() {
        assert_compared(
            &[
                ("TAE DONG GANG", "アントン・ゲッタ"),
                ("Km Yong Nam", "キム・ナムウン"),
                ("CH Yon Chun", "チェ・チュンヨン"),
            ],
            |c| !c.is_match,
        );
        assert_compared(&[("TAE DONG GANG", "アントン・ゲッタ")], |c| {
            c.rules.contains(&OUT_OF_ORDER)
        });
        assert_compared(
            &[
                ("Kim Jong Un", "キム・ジョンウン"),
                ("Jong Un KIM", "キム・ジョンウン"),
                ("KM Jong Sik", "キム・ジョンシク"),
                ("Park Jin Hyok", "パク・ジンヒョク"),
            ],
            |c| c.is_match && !c.rules.contains(&OUT_OF_ORDER),
        );
    }

    /// Asserts `holds` of [`crate::compare`] on each pair of names.
    fn assert_compared(pairs: &[(&str, &str)], holds: impl Fn(&crate::Comparison) -> bool) {
        for (a, b) in pairs {
            let c = crate::compare(a, b, None);
            assert!(holds(&c), "{a} / {b}: {c:?}");
        }
    }

    /// Under a skeleton scheme a word whose spelling was an edit from the other's scored by
    /// that spelling (`ドミートリー` / `dmitri` 0.84) while a word spelt farther apart scored by
    /// its skeleton (`チホノフ` / `tikhonov` 0.9): a closer spelling never scores below the
    /// skeleton both share. A short skeleton beside a spelling adds nothing (it would make the
    /// pair "alike by sound only"): `ファイズ` / `FAIZ` keeps its spelling's score and matches.
    #[test]
    fn regression_a_closer_spelling_never_scores_below_the_skeleton_it_shares() {
        for (katakana, latin, close) in [
            ("ドミートリー・チホノフ", "Dmitri Tikhonov", "dmitri"),
            ("ラムザン・カディロフ", "Ramzan Kadyrov", "ramzan"),
        ] {
            let c = crate::compare(katakana, latin, None);
            let word = |w: &str| {
                c.alignment
                    .iter()
                    .find(|a| a.candidate == w)
                    .map(|a| (a.score, a.rule))
            };
            assert_eq!(
                word(close),
                Some((0.9, SKELETON_AND_SPELLING_RULE)),
                "{c:?}"
            );
            assert!(c.is_match, "{c:?}");
        }
        let c = crate::compare("ファイズ", "FAIZ", None);
        assert!(c.is_match, "{c:?}");
        assert!(
            c.alignment
                .iter()
                .all(|a| a.rule == "spelling (edit distance)"),
            "{c:?}"
        );
    }

    /// A left-over word alike by a consonant skeleton an edit apart with a word that aligned
    /// was taken for its other spelling and cost nothing, and was not shown: `Anton Shatun` /
    /// `アントン・ゲッタ` (`shatun` and `anton`: `STN` / `NTN`) matched at 0.720 on the whole
    /// lists, the list's surname left over. Such a word is another spelling only when the other
    /// name has no word left over; every word taken for another spelling is shown.
    #[test]
    fn regression_a_word_a_skeleton_edit_apart_is_no_other_spelling_beside_a_word_left_over() {
        let c = crate::compare("Anton Shatun", "アントン・ゲッタ", None);
        assert!(!c.is_match, "{c:?}");
        assert!(
            c.alignment
                .iter()
                .any(|a| a.query == "shatun" && a.candidate.is_empty()),
            "{c:?}"
        );
        let c = crate::compare(
            "Artem (Artyom) Kirjyanov (Kiriyanov)",
            "アルチョム・キリヤノフ",
            None,
        );
        assert!(c.is_match && c.rules.contains(&REPEATED), "{c:?}");
        let c = crate::compare(
            "Aleksandr (Alexander) KURENKOV",
            "KURENKOV Alexander Vyacheslavovich",
            None,
        );
        assert!(
            c.is_match
                && c.alignment
                    .iter()
                    .any(|a| a.query == "aleksandr" && a.rule == REPEATED),
            "{c:?}"
        );
    }

    /// A left-over word whose skeleton is an edit from an aligned word's, taken for its other
    /// spelling when the other name had no word left, matched one-word list names on the whole
    /// lists: `akharian hassan` / `ハッサン` at 0.882 (`HRN` / `HSN`), `Mohamed SADEGHI` /
    /// `محمد حمدي محمد صادق الأهدل` at 0.746 (`hamdi` for `mohamed`). Spellings of one name start
    /// alike: words that start with a vowel and a consonant, or with consonants of two classes,
    /// are two names.
    #[test]
    fn regression_words_that_start_unlike_are_no_other_spelling() {
        let left_over = |c: &crate::Comparison, query: &str, candidate: &str| {
            c.alignment
                .iter()
                .any(|a| a.query == query && a.candidate == candidate && a.score == 0.0)
        };
        assert_compared(&[("akharian hassan", "ハッサン")], |c| {
            !c.is_match && left_over(c, "akharian", "")
        });
        assert_compared(
            &[("Mohamed SADEGHI", "محمد حمدي محمد صادق الأهدل")],
            |c| !c.is_match && left_over(c, "", "hmdi"),
        );
        // Spellings that start alike still stand for one another.
        assert_compared(
            &[(
                "Artem (Artyom) Kirjyanov (Kiriyanov)",
                "アルチョム・キリヤノフ",
            )],
            |c| c.is_match && c.rules.contains(&REPEATED),
        );
    }

    /// Arabic-script and katakana words whose skeletons are an edit from a Latin word's were
    /// alike however they started: on the whole lists `Ali HAMMUD` / `علي محمود عباس` matched at
    /// 0.707 (`hammud` / `mahmud`), `MARBLE` / `کربلا` at 0.738, `Zakharova Maria` /
    /// `マリア・シュヴァロヴァ` at 0.808, `Ivan OKOROKOV` / `イヴァン・クブラコフ` at 0.791. Latin
    /// letters write katakana's first sounds several ways, which still start alike.
    #[test]
    fn regression_words_that_start_unlike_are_not_alike_by_a_skeleton_edit() {
        assert_compared(
            &[
                ("Ali HAMMUD", "علي محمود عباس"),
                ("MARBLE", "کربلا"),
                ("Zakharova Maria", "マリア・シュヴァロヴァ"),
                ("Ivan OKOROKOV", "イヴァン・クブラコフ"),
            ],
            |c| !c.is_match,
        );
        assert_compared(
            &[
                ("ウラジーミル・サヴェロフ", "Vladimir SAVELOV"),
                ("ジェルマン・カタンガ", "GERMAIN KATANGA"),
            ],
            |c| c.is_match && c.rules.contains(&SKELETON_RULE),
        );
    }

    /// Two words of a katakana Korean guess run together, joined to a query word by a short
    /// consonant skeleton alone, matched unrelated names on the whole lists at 0.776
    /// (`TURACO` / `トゥルキー` read as `tul ki`, `TRK` / `TLK`; `VESNA` / `フサン`): words
    /// run together count as a pair alike by sound only, as a single word pair does.
    #[test]
    fn regression_words_run_together_by_a_short_skeleton_alone_are_alike_by_sound_only() {
        assert_compared(
            &[
                ("TURACO", "トゥルキー"),
                ("VESNA", "フサン"),
                ("TUVOR", "トフェール"),
            ],
            |c| !c.is_match && c.rules.contains(&SOUND_ALIKE_ALONE),
        );
        // Spelt alike when run together, or beside another pair: no factor.
        assert_compared(
            &[
                ("PAKMUN IL", "パク・ムンイル"),
                ("JananAgha", "ジャナン・アガ"),
            ],
            |c| c.is_match && !c.rules.contains(&SOUND_ALIKE_ALONE),
        );
    }

    #[test]
    fn keeps_order_allows_one_rotation() {
        let taken = |js: &[u8]| -> Vec<(u8, u8)> {
            js.iter().enumerate().map(|(i, &j)| (i as u8, j)).collect()
        };
        // In order, and rotations: the surname moved to the end or to the front.
        assert!(keeps_order(&taken(&[0, 1]), (2, 2)));
        assert!(keeps_order(&taken(&[1, 2]), (2, 0)));
        assert!(keeps_order(&taken(&[2, 0]), (2, 1)));
        assert!(keeps_order(&[], (3, 0)));
        // Gaps on either side keep the order.
        assert!(keeps_order(&[(0, 1), (3, 4)], (5, 6)));
        // Crosswise: reversed, or a rotation that passes its start.
        assert!(!keeps_order(&taken(&[3, 1]), (2, 0)));
        assert!(!keeps_order(&taken(&[0, 2]), (2, 1)));
        assert!(!keeps_order(&taken(&[1, 0]), (2, 2)));
    }

    fn assert_ceiling_holds(a: &str, b: &str, kind: NameKind) {
        let q = PreparedName::query(a, kind);
        let c = PreparedName::new(b, kind);
        let score = score_names(&q, &c).score;
        let ceiling = score_ceiling(&q, &c);
        assert!(
            score <= ceiling,
            "{a:?} / {b:?}: {score} > ceiling {ceiling}"
        );
    }

    /// Words for names that exercise every step of a token alignment.
    const FLOOR_WORDS: &[&str] = &[
        "kim",
        "jong",
        "un",
        "kimjong",
        "jongun",
        "murillo",
        "rafael",
        "murillorafael",
        "nizam",
        "al",
        "din",
        "nezamoldin",
        "aleksei",
        "(alexey)",
        "alexey",
        "lavrinenko",
        "bank",
        "banking",
        "trading",
        "llc",
        "corp",
        "8650",
        "f91",
        "yu",
        "sergei",
        "(sergey)",
        "gavrilov",
        "khudr",
        "khodr",
        "mohammad",
        "mohammadi",
        "j.",
        "john",
        "マティーウッラー",
        "matiullah",
        "نظام",
        "الدين",
        "김정은",
        "Ким",
        "Чен",
        "金正恩",
        "the",
        "of",
    ];

    /// Scoring for a floor gives exactly the full score from the floor up, and nothing below.
    fn assert_floor_keeps_scores(a: &str, b: &str, kind: NameKind) {
        let q = PreparedName::query(a, kind);
        let c = PreparedName::new(b, kind);
        let full = score_names(&q, &c);
        for floor in [0.0, 0.2, 0.4, 0.5 / 0.9, 0.6, 0.7, 0.8, 0.9, full.score] {
            let reached = score_names_reaching(&q, &NameWords::new(&q), &c, floor);
            if full.score >= floor {
                let r = reached.unwrap_or_else(|| panic!("{a:?} / {b:?} at {floor}: lost"));
                assert_eq!(
                    (r.score, r.query_form, r.candidate_form, r.korean, r.reading),
                    (
                        full.score,
                        full.query_form,
                        full.candidate_form,
                        full.korean,
                        full.reading
                    ),
                    "{a:?} / {b:?} at {floor}"
                );
                let mut explained = full.clone();
                explain_names(&q, &c, &mut explained);
                assert_eq!(r.alignment, explained.alignment, "{a:?} / {b:?} at {floor}");
            } else {
                assert!(reached.is_none(), "{a:?} / {b:?} at {floor}: {reached:?}");
            }
        }
    }

    /// `Spellings` gives each word exactly its alternatives, in the form's order and with
    /// their indices plus one (`best_alternative` names them so, and among equal scores keeps
    /// the first), and flags exactly the words that have some: `alternative_pairs` skips the
    /// others, where `best_alternative` would find nothing.
    #[test]
    fn spellings_are_each_words_alternatives_in_order() {
        // Forms with a word spelt otherwise: the samples must have some.
        let with_alternatives = std::cell::Cell::new(0);
        for_every_sample_pair(|a, b, kind| {
            for n in [PreparedName::new(a, kind), PreparedName::new(b, kind)] {
                for f in &n.forms {
                    let mut spellings = Spellings::default();
                    spellings.read(f);
                    if !f.word_alternatives.is_empty() {
                        with_alternatives.set(with_alternatives.get() + 1);
                    }
                    for i in 0..f.tokens.len() {
                        let grouped: Vec<(u8, &str)> = spellings
                            .of_word(i)
                            .iter()
                            .map(|s| (s.index, s.word.text))
                            .collect();
                        let listed: Vec<(u8, &str)> = (1u8..)
                            .zip(&f.word_alternatives)
                            .filter(|(_, w)| usize::from(w.at) == i)
                            .map(|(index, w)| (index, w.token.text.as_str()))
                            .collect();
                        assert_eq!(grouped, listed, "{a} / {b} ({kind:?}): word {i}");
                        assert_eq!(spellings.words().get(i), !listed.is_empty());
                    }
                }
            }
        });
        assert!(with_alternatives.get() > 0);
    }

    /// A query's skeletons are made on demand, a list name's ahead for its own scheme only:
    /// either way each is its word's skeleton.
    #[test]
    fn skeletons_on_demand_are_the_words_skeletons() {
        for n in SAMPLE_NAMES {
            for kind in [NameKind::Person, NameKind::Organization] {
                let (query, listed) = (PreparedName::query(n, kind), PreparedName::new(n, kind));
                for (i, f) in query.forms.iter().enumerate() {
                    for scheme in [Scheme::Arabic, Scheme::Kana] {
                        let want: Vec<String> = f
                            .tokens
                            .iter()
                            .map(|t| skeleton(&t.latin, scheme))
                            .collect();
                        // Asked twice: made once, then kept.
                        for _ in 0..2 {
                            let got = query.skeletons(i).get(scheme, &f.tokens);
                            assert_eq!(got, Some(&want[..]), "{n:?} form {i} {scheme:?}");
                        }
                        let ahead = listed.skeletons(i).get(scheme, &f.tokens);
                        if own_scheme(f) == Some(scheme) {
                            assert_eq!(ahead, Some(&want[..]), "{n:?} form {i} {scheme:?}");
                        } else {
                            assert_eq!(ahead, None, "{n:?} form {i} {scheme:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn regression_floor_keeps_every_score_it_reaches() {
        for_every_sample_pair(assert_floor_keeps_scores);
    }

    /// Names in every script and shape the scorer treats apart (Korean in Hangul and Latin,
    /// kana, Cyrillic, Arabic, Han, organisations, words run together, alternatives, empty).
    const SAMPLE_NAMES: &[&str] = &[
        "Kim Jong Un",
        "김정은",
        "金正恩",
        "KIM Jong Il",
        "キム・ジョンウン",
        "セルゲイ・クゾヴレフ",
        "Sergei Kuzovlev",
        "Ким Чен Ын",
        "محمد علي حسن",
        "Mohammed Ali Hassan",
        "Kimjongun",
        "MURILLORafael",
        "Murillo Rafael",
        "Korea Mining Development Trading Corp",
        "조선광업개발무역회사",
        "通用技术集团大连机床有限责任公司",
        "General Technology Group Dalian Machine Tool Co., Ltd",
        "ООО «Гаусс» (ООО «Гаусс»)",
        "JSC ARGUMENT",
        "Sergei (Sergey) Gavrilov",
        "",
    ];

    /// Runs `check` on every ordered pair of [`SAMPLE_NAMES`] under every name kind.
    fn for_every_sample_pair(check: impl Fn(&str, &str, NameKind)) {
        for a in SAMPLE_NAMES {
            for b in SAMPLE_NAMES {
                for kind in [NameKind::Person, NameKind::Organization, NameKind::Unknown] {
                    check(a, b, kind);
                }
            }
        }
    }

    /// [`korean_best`] stops at the first pair of readings that scores 1, and skips the given
    /// names of pairs whose surnames leave them below the best so far; scanning every pair
    /// must give the same score and the same pair, and no pair may score above 1.
    fn assert_korean_best_stops_only_at_the_ceiling(a: &str, b: &str, kind: NameKind) {
        let (q, c) = (PreparedName::new(a, kind), PreparedName::new(b, kind));
        for qf in &q.forms {
            for cf in &c.forms {
                let mut scanned = (0.0, None);
                for (i, qr) in qf.korean.iter().enumerate() {
                    for (j, cr) in cf.korean.iter().enumerate() {
                        let s = korean_score(qr, cr, false, UNBEATEN).0;
                        assert!(s <= 1.0, "{a} / {b}: {s}");
                        // A pair stopped at its surname gives no more than it had to beat;
                        // every other pair is scored in full.
                        for beat in [0.0, 0.5, 0.75, s, s - 1e-9] {
                            let stopped = korean_score(qr, cr, false, beat).0;
                            if s > beat {
                                assert_eq!(stopped, s, "{a} / {b} beating {beat}");
                            } else {
                                assert!(stopped <= beat, "{a} / {b}: {stopped} over {beat}");
                            }
                        }
                        if s > scanned.0 {
                            scanned = (s, u8::try_from(i).ok().zip(u8::try_from(j).ok()));
                        }
                    }
                }
                for explain in [false, true] {
                    let (s, reading, _) = korean_best(qf, cf, explain);
                    assert_eq!((s, reading), scanned, "{a} / {b} ({kind:?})");
                }
            }
        }
    }

    #[test]
    fn regression_korean_best_stops_only_at_the_ceiling() {
        for_every_sample_pair(assert_korean_best_stops_only_at_the_ceiling);
        // Katakana against Latin: several pairs of readings score, the best not first.
        for (a, b) in [
            ("チョ・チョルソン", "JO CHOL SONG"),
            ("チャン・ヨンソン", "JANG YONG SON"),
        ] {
            for kind in [NameKind::Person, NameKind::Unknown] {
                assert_korean_best_stops_only_at_the_ceiling(a, b, kind);
            }
        }
    }

    #[test]
    fn regression_score_ceiling_bounds_every_script() {
        for_every_sample_pair(assert_ceiling_holds);
    }

    #[test]
    fn regression_alignment_of_a_form_with_more_tokens_than_flag_bits() {
        // Hangul organisation words split into glossary words: far more tokens than words.
        let long = vec!["조선은행무역회사광업개발총회사"; 40].join(" ");
        for kind in [NameKind::Organization, NameKind::Unknown] {
            let q = PreparedName::query(&long, kind);
            let c = PreparedName::new(&long, kind);
            let ns = score_names(&q, &c);
            assert!(ns.score >= 0.99, "{kind:?}: {}", ns.score);
        }
    }

    /// What `compare` explains from the record kept while scoring is what explaining the
    /// score afterwards finds; the Korean alignment of the pair of readings kept is that of the
    /// first best pair.
    fn assert_kept_explanation_holds(a: &str, b: &str, kind: NameKind) {
        let q = PreparedName::compared_once(&mut cordon_text::Analyzer::new(), a, kind);
        let c = PreparedName::new(b, kind);
        let kept = score_and_explain(&q, &c);
        let mut again = score_names(&q, &c);
        explain_names(&q, &c, &mut again);
        assert_eq!(kept.score, again.score, "{a:?} / {b:?}");
        assert_eq!(kept.alignment, again.alignment, "{a:?} / {b:?}");
        for qf in &q.forms {
            for cf in &c.forms {
                let (_, reading, parts) = korean_best(qf, cf, true);
                if !parts.is_empty() {
                    assert_eq!(parts, korean_alignment(qf, cf, reading), "{a:?} / {b:?}");
                }
                assert_eq!(
                    korean_alignment(qf, cf, reading),
                    korean_alignment(qf, cf, None),
                    "{a:?} / {b:?}"
                );
            }
        }
    }

    #[test]
    fn regression_explanation_kept_from_scoring() {
        for_every_sample_pair(assert_kept_explanation_holds);
    }

    /// Form `i` of a name as a name of its own, with the facts of the whole name that the
    /// relevance rule reads (`scores_form`): in a comparison the rule judges the whole name,
    /// and alone a form could judge otherwise (the pinyin form `가 en` of `가-恩` has no
    /// Hangul form of its own to face `G 正`'s Hanja reading `g 정` with, which the whole name
    /// has).
    fn only_form(n: &PreparedName, i: usize) -> PreparedName {
        let mut one =
            PreparedName::of_forms(n.original.clone(), vec![n.forms[i].clone()], Vec::new());
        one.korean_shaped = n.korean_shaped;
        one.korean_facing = n.korean_facing;
        one.guesses = u8::from(is_guess(n.guesses, i));
        one
    }

    /// A pair of forms left unscored because one form echoes an earlier one scores, scored
    /// alone, what the echo's pair scores before their discounts, and no more after them.
    fn assert_echoes_dominated(a: &str, b: &str, kind: NameKind) {
        assert_echoes_dominated_in(
            &PreparedName::compared_once(&mut cordon_text::Analyzer::new(), a, kind),
            &PreparedName::compared_once(&mut cordon_text::Analyzer::new(), b, kind),
        );
    }

    fn assert_echoes_dominated_in(q: &PreparedName, c: &PreparedName) {
        let (a, b) = (&q.original, &c.original);
        for (name, other, query_side) in [(q, c, true), (c, q, false)] {
            for i in 0..name.forms.len() {
                for k in 0..other.forms.len() {
                    if !name.echoes.dominated(&name.forms, i, &other.forms[k]) {
                        continue;
                    }
                    let Some(j) = name.echoes.0[i] else {
                        panic!("{a:?} / {b:?}: form {i} dominated with no echo");
                    };
                    let other_k = only_form(other, k);
                    let score = |f: usize| {
                        let named = only_form(name, f);
                        let s = if query_side {
                            score_names(&named, &other_k).score
                        } else {
                            score_names(&other_k, &named).score
                        };
                        let factor = via_factor(name.forms[f].via) * via_factor(other.forms[k].via);
                        (s, s / factor)
                    };
                    let ((s_form, raw_form), (s_echo, raw_echo)) =
                        (score(i), score(usize::from(j)));
                    assert!(s_form <= s_echo, "{a:?} / {b:?}: {i} vs echo {j}");
                    assert!(
                        (raw_form - raw_echo).abs() < 1e-12,
                        "{a:?} / {b:?}: {i} vs echo {j}: {raw_form} / {raw_echo}"
                    );
                }
            }
        }
    }

    #[test]
    fn regression_echoed_forms_score_no_more_than_their_original() {
        // Not empty: a Greek name's written form is spelled as its transliteration (a Russian
        // name's other spellings are its words' alternatives, in the written form), and a
        // katakana name's as its romaji.
        let n = PreparedName::compared_once(
            &mut cordon_text::Analyzer::new(),
            "Νίκος Παππάς",
            NameKind::Person,
        );
        assert!(n.echoes.0.iter().any(Option::is_some), "{:?}", n.echoes);
        let n = PreparedName::compared_once(
            &mut cordon_text::Analyzer::new(),
            "セルゲイ・クゾヴレフ",
            NameKind::Person,
        );
        assert!(n.echoes.0.iter().any(Option::is_some), "{:?}", n.echoes);
        for_every_sample_pair(assert_echoes_dominated);
        // A katakana name's Korean guess spelt as its written form (`wan`) echoed it, but a
        // guess aligns in order and scored 0 against `و` where the written form scored 0.6
        // (found by the property test below at 20,000 cases).
        for kind in [NameKind::Person, NameKind::Unknown] {
            assert_echoes_dominated("و ", "wァン", kind);
        }
        for (a, b) in [
            ("Роман Михайлович ЛЯБИХОВ", "Roman Mikhailovich LYABIKHOV"),
            ("Роман Михайлович ЛЯБИХОВ", "роман"),
            // Korean keys: the transliteration's `roman` reads as Korean (`NOMAN`), the written
            // word does not.
            ("Роман Михайлович ЛЯБИХОВ", "Noman Lyabikhov"),
            ("セルゲイ・クゾヴレフ", "Sergei Kuzovlev"),
            ("セルゲイ・クゾヴレフ", "serugei"),
            ("Νίκος Παππάς", "Nikos Pappas"),
        ] {
            assert_echoes_dominated(a, b, NameKind::Person);
            assert_echoes_dominated(b, a, NameKind::Person);
        }
        for (a, b) in [
            ("Роман механический завод", "Roman Mechanical Plant"),
            ("Роман механический завод", "Noman Mekhanicheskiy Zavod"),
        ] {
            assert_echoes_dominated(a, b, NameKind::Organization);
            assert_echoes_dominated(b, a, NameKind::Organization);
        }
    }

    #[test]
    fn regression_echo_with_a_text_the_other_name_shares_is_scored() {
        // Analysis gives equal texts equal spellings; forms built here do not, so that the
        // text of the later form (`abc`, spelled `xyz`) equals the other name's word while
        // its echo's does not: the later form scores 1, the echo 0.
        let token = |text: &str, latin: &str| Token {
            text: text.into(),
            latin: latin.into(),
            key: "".into(),
            class: TokenClass::Word,
            korean_key: "".into(),
            script: Script::Latin,
            letters: cordon_text::normalize::letter_mask(latin),
        };
        let form = |via: Via, t: Token| NameForm {
            via,
            text: t.text.clone(),
            tokens: vec![t],
            korean: Vec::new(),
            script: Script::Latin,
            notes: Default::default(),
            alternatives: 0,
            word_alternatives: Vec::new(),
        };
        let name = |forms: Vec<NameForm>| {
            PreparedName::of_forms(forms[0].text.to_string(), forms, Vec::new())
        };
        let q = name(vec![
            form(Via::Written, token("qqq", "xyz")),
            form(Via::Transliteration(Script::Cyrillic), token("abc", "xyz")),
        ]);
        let c = name(vec![form(Via::Written, token("abc", "abc"))]);
        assert_eq!(q.echoes.0[1], Some(0));
        assert!(!q.echoes.dominated(&q.forms, 1, &c.forms[0]));
        assert_echoes_dominated_in(&q, &c);
        assert!(score_names(&q, &c).score > 0.9);
    }

    /// The vowel comparison as first written (vowel sequences collected, a fresh row).
    fn vowels_agree_reference(a: &[u8], b: &[u8]) -> bool {
        let vowels = |w: &[u8]| -> Vec<u8> {
            w.iter()
                .filter_map(|c| match c {
                    b'a' => Some(b'a'),
                    b'e' | b'i' => Some(b'i'),
                    b'o' | b'u' => Some(b'u'),
                    _ => None,
                })
                .collect()
        };
        let (va, vb) = (vowels(a), vowels(b));
        let (short, long) = if va.len() <= vb.len() {
            (va, vb)
        } else {
            (vb, va)
        };
        let mut row = vec![0usize; long.len() + 1];
        for &s in &short {
            let mut diag = 0;
            for (j, &l) in long.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if s == l { diag + 1 } else { up.max(row[j]) };
                diag = up;
            }
        }
        short.len() - row[long.len()] <= usize::from(short.len() >= 3)
    }

    proptest::proptest! {
        /// Word pairs taken in any order are kept in order exactly when the list words, read
        /// in the query's order, are a rotation of an increasing run.
        #[test]
        fn keeps_order_accepts_exactly_rotations(
            js in proptest::sample::subsequence((0u8..12).collect::<Vec<_>>(), 1..8),
            shift in 0usize..8,
            shuffle in proptest::bool::ANY,
            order in proptest::collection::vec(0usize..8, 8),
        ) {
            let n = js.len();
            let mut rotated: Vec<u8> = js.clone();
            rotated.rotate_left(shift % n);
            if shuffle {
                for (k, &o) in order.iter().enumerate().take(n) {
                    rotated.swap(k, o % n);
                }
            }
            let is_rotation = (0..n).any(|r| {
                let mut back = rotated.clone();
                back.rotate_left(r);
                back == js
            });
            let pairs: Vec<(u8, u8)> = rotated.iter().enumerate().map(|(i, &j)| (i as u8, j)).collect();
            // Taken one pair at a time in any order, as the alignment takes them.
            let mut taken: Vec<(u8, u8)> = Vec::new();
            let mut all_kept = true;
            for k in 0..n {
                let p = pairs[(k * 5 + shift) % n];
                if !taken.contains(&p) {
                    all_kept &= keeps_order(&taken, p);
                    taken.push(p);
                }
            }
            let last = *pairs.last().expect("one pair at least");
            let rest: Vec<(u8, u8)> = pairs.iter().copied().filter(|&p| p != last).collect();
            proptest::prop_assert_eq!(keeps_order(&rest, last), is_rotation);
            if is_rotation {
                proptest::prop_assert!(all_kept);
            }
        }

        /// Short and long words (past the stack buffers) alike.
        #[test]
        fn vowels_agree_as_first_written(
            a in proptest::collection::vec(proptest::sample::select(b"aeiouxy".to_vec()), 0..80),
            b in proptest::collection::vec(proptest::sample::select(b"aeiouxy".to_vec()), 0..80),
        ) {
            proptest::prop_assert_eq!(vowels_agree(&a, &b), vowels_agree_reference(&a, &b));
        }

        /// The one-row distance of short words is the full table's.
        #[test]
        fn short_levenshtein_agrees_with_the_full_table(
            a in proptest::collection::vec(b'a'..b'e', 0..130),
            b in proptest::collection::vec(b'a'..b'e', 0..16),
        ) {
            let mut prev: Vec<usize> = (0..=b.len()).collect();
            for (i, ca) in a.iter().enumerate() {
                let mut cur = vec![i + 1; b.len() + 1];
                for (j, cb) in b.iter().enumerate() {
                    cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
                }
                prev = cur;
            }
            proptest::prop_assert_eq!(levenshtein(&a, &b), prev[b.len()]);
            if a.len() < 128 && b.len() < 16 {
                proptest::prop_assert_eq!(short_levenshtein(&a, &b), prev[b.len()]);
            }
        }

        /// The bit-parallel distances are the tables' on words of any bytes and lengths up
        /// to the pattern's 64 (and past them, where the tables take over).
        #[test]
        fn bit_parallel_distances_agree_with_the_tables(
            (a, b) in proptest::prop_oneof![
                // Bytes of distinct slots: the bit-parallel path.
                (proptest::collection::vec(proptest::sample::select(b"abcxyz".to_vec()), 0..70),
                 proptest::collection::vec(proptest::sample::select(b"abcxyz".to_vec()), 0..70)),
                // `a`/`A`, `p`/`0`, `q`/`1` share slots: the tables take some words.
                (proptest::collection::vec(proptest::sample::select(b"abcdepq0129AZ-".to_vec()), 0..70),
                 proptest::collection::vec(proptest::sample::select(b"abcdepq0129AZ-".to_vec()), 0..70)),
            ],
            k in 0usize..70,
        ) {
            let d = osa(&a, &b);
            proptest::prop_assert_eq!(osa_within(&a, &b, k), (d <= k).then_some(d));
            proptest::prop_assert_eq!(osa_within(&a, &b, k), osa_within_banded(&a, &b, k));
            let d = levenshtein(&a, &b);
            proptest::prop_assert_eq!(levenshtein_within(&a, &b, k), (d <= k).then_some(d));
            proptest::prop_assert_eq!(
                levenshtein_within(&a, &b, k),
                levenshtein_within_banded(&a, &b, k)
            );
        }

        /// Rounding without the library call rounds every `f64` as the library does: any
        /// bits, and halves and their neighbours, where rounding turns.
        #[test]
        fn round_half_away_is_the_library_round(
            any in proptest::num::f64::ANY,
            whole in -1_000_000i64..1_000_000,
            ulps in -2i64..=2,
        ) {
            let near_half = f64::from_bits(((whole as f64 + 0.5).to_bits() as i64 + ulps) as u64);
            for y in [any, near_half, any * 1000.0] {
                if y.is_nan() {
                    proptest::prop_assert!(round_half_away(y).is_nan());
                } else {
                    proptest::prop_assert_eq!(round_half_away(y).to_bits(), y.round().to_bits());
                }
            }
        }

        /// A pass over the bytes tells one edit as the distance table does.
        #[test]
        fn one_edit_apart_is_levenshtein_one(
            a in "[a-d]{0,9}",
            b in "[a-d]{0,9}",
        ) {
            proptest::prop_assert_eq!(
                one_edit_apart(a.as_bytes(), b.as_bytes()),
                levenshtein(a.as_bytes(), b.as_bytes()) == 1
            );
        }

        /// Skeleton similarity of unequal skeletons as first written, from the edit distance
        /// within the budget, against the pass that tells one edit apart first.
        #[test]
        fn skeleton_sim_agrees_with_the_distance_table(
            x in "[A-E]{0,9}",
            y in "[A-E]{0,9}",
            a_len in 0usize..12,
            b_len in 0usize..12,
        ) {
            // Equal skeletons are decided before any distance.
            proptest::prop_assume!(x != y);
            let n = x.len().min(y.len());
            let first_written = if n == 0 {
                0.0
            } else {
                let d = levenshtein_within(x.as_bytes(), y.as_bytes(), if n >= 6 { 2 } else { 1 });
                match (d.unwrap_or(usize::MAX), n) {
                    (1, 3..) => 0.82,
                    (2, 6..) => 0.78,
                    _ => 0.0,
                }
            };
            proptest::prop_assert_eq!(skeleton_sim(&x, &y, a_len, b_len), first_written);
        }

        /// The banded distance is the full one wherever that is within the budget.
        #[test]
        fn osa_within_agrees_with_osa(
            a in proptest::collection::vec(b'a'..b'e', 0..20),
            b in proptest::collection::vec(b'a'..b'e', 0..20),
            k in 0usize..6,
        ) {
            let d = osa(&a, &b);
            proptest::prop_assert_eq!(osa_within(&a, &b, k), (d <= k).then_some(d));
        }

        /// Skeletons kept one after another in one buffer, made in any order and under
        /// either scheme in turn, are each word's own `skeleton`.
        #[test]
        fn lazy_skeletons_are_the_words_skeletons(
            latins in proptest::collection::vec("[a-zA-Z'\\-]{0,12}", 0..10),
            order in proptest::collection::vec((0usize..12, proptest::bool::ANY), 0..30),
        ) {
            let words: Vec<Word<'_>> = latins
                .iter()
                .map(|l| Word {
                    class: TokenClass::Word,
                    text: l,
                    latin: l,
                    key: "",
                    korean_key: "",
                    letters: 0,
                })
                .collect();
            let mut lazy = LazySkeletons::default();
            for (i, kana) in order {
                let scheme = if kana { Scheme::Kana } else { Scheme::Arabic };
                lazy.start(scheme);
                let want = latins.get(i).map(|l| skeleton(l, scheme));
                proptest::prop_assert_eq!(lazy.get(&words, i).map(str::to_owned), want);
            }
        }

        /// Names of words that pair, run together, stand in parentheses, carry an article or a
        /// number, in Latin letters and in scripts with a skeleton scheme: scoring for any
        /// floor keeps every score it reaches, exactly.
        #[test]
        fn floor_keeps_scores_of_arbitrary_word_names(
            a in proptest::collection::vec(proptest::sample::select(FLOOR_WORDS), 1..6),
            b in proptest::collection::vec(proptest::sample::select(FLOOR_WORDS), 1..6),
        ) {
            for kind in [NameKind::Person, NameKind::Organization] {
                assert_floor_keeps_scores(&a.join(" "), &b.join(" "), kind);
            }
        }

        /// The score never exceeds its ceiling, and the explanation kept while scoring is the
        /// one found afterwards.
        #[test]
        fn scoring_invariants_hold_on_arbitrary_names(
            a in "[a-zA-Z가-힣ァ-ヶа-яا-ي金正恩 .\\-]{0,24}",
            b in "[a-zA-Z가-힣ァ-ヶа-яا-ي金正恩 .\\-]{0,24}",
        ) {
            for kind in [NameKind::Person, NameKind::Organization] {
                assert_ceiling_holds(&a, &b, kind);
                assert_kept_explanation_holds(&a, &b, kind);
                assert_echoes_dominated(&a, &b, kind);
                assert_floor_keeps_scores(&a, &b, kind);
                assert_korean_best_stops_only_at_the_ceiling(&a, &b, kind);
            }
        }
    }

    fn s(a: &str, b: &str) -> f64 {
        let q = PreparedName::new(a, NameKind::Person);
        let c = PreparedName::new(b, NameKind::Person);
        score_names(&q, &c).score
    }

    /// [`s`] for organisation names.
    fn org(a: &str, b: &str) -> f64 {
        let q = PreparedName::new(a, NameKind::Organization);
        let c = PreparedName::new(b, NameKind::Organization);
        score_names(&q, &c).score
    }

    #[test]
    fn round_half_away_at_the_edges() {
        let largest_below_half = 0.5 - f64::EPSILON / 4.0;
        for y in [
            0.5,
            -0.5,
            2.5,
            -2.5,
            largest_below_half,
            -largest_below_half,
            0.0,
            -0.0,
            -0.4,
            4_503_599_627_370_497.0,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(round_half_away(y).to_bits(), y.round().to_bits(), "{y}");
        }
        assert!(round_half_away(f64::NAN).is_nan());
    }

    #[test]
    fn levenshtein_basics() {
        assert_eq!(levenshtein(b"kitten", b"sitting"), 3);
        assert_eq!(levenshtein(b"", b"abc"), 3);
        assert_eq!(levenshtein(&[b'a'; 100], &[b'a'; 99]), 1);
        assert_eq!(osa(b"ecmi", b"ecim"), 1);
        assert_eq!(osa(b"kitten", b"sitting"), 3);
    }

    #[test]
    fn banded_levenshtein_agrees_with_the_full_table() {
        let words: [&[u8]; 9] = [
            b"",
            b"a",
            b"kimjongun",
            b"kimjongil",
            b"jongunkim",
            b"murillorafael",
            b"murilorafael",
            b"jscargument",
            b"argumentjsc",
        ];
        for a in words {
            for b in words {
                let d = levenshtein(a, b);
                for k in 0..12 {
                    let want = (d <= k).then_some(d);
                    assert_eq!(levenshtein_within(a, b, k), want, "{a:?} {b:?} {k}");
                }
            }
        }
    }

    #[test]
    fn regression_katakana_skeletons_need_the_vowels_too() {
        for (a, b, lo, hi) in [
            ("Timur Ivanov", "タマーラ・フロロヴァ", 0.0, 0.6),
            ("Royal Shune Lei", "リ・スヨン", 0.0, 0.7),
            ("Kuzovlev", "クゾヴレフ", 0.8, 1.0),
        ] {
            let v = s(a, b);
            assert!((lo..hi).contains(&v), "{a} / {b}: {v}");
        }
        assert!(vowels_agree(b"mohammed", b"mohanmado"));
        assert!(!vowels_agree(b"timur", b"tamara"));
    }

    #[test]
    fn regression_shared_word_is_not_words_run_together() {
        let v = org("Russian Venture Company", "Russian Export-Import Bank");
        assert!(v < 0.8, "{v}");
        assert!(s("Kimjongun", "Kim Jong Un") > 0.85);
    }

    #[test]
    fn slipped_surname_needs_a_real_surname_and_the_given_name_alike() {
        let slipped = |a: &str, b: &str| {
            let (q, c) = (
                PreparedName::new(a, NameKind::Person),
                PreparedName::new(b, NameKind::Person),
            );
            let mut ns = score_names(&q, &c);
            explain_names(&q, &c, &mut ns);
            let fired = ns.alignment.iter().any(|p| p.rule == SLIPPED_SURNAME_RULE);
            (ns.score, fired)
        };
        let (score, fired) = slipped("KIN Jong Un", "KIM Jong Un");
        assert!(fired && (0.8..0.85).contains(&score), "{score}");
        // Both real surnames, one given syllable, a given syllable off, a 2-letter surname.
        for (a, b) in [
            ("SO Mun San", "SON Mun San"),
            ("KIN Jong", "KIM Jong"),
            ("KIN Jong Il", "KIM Jong Un"),
            ("TI Yong Bok", "JI Yong Bok"),
        ] {
            let (score, fired) = slipped(a, b);
            assert!(!fired && score < 0.75, "{a} / {b}: {score}");
        }
    }

    #[test]
    fn surname_keys_slip_is_one_letter_changed_dropped_or_added() {
        let key = |w: &str| {
            let syllables = korean::parse_latin(w).unwrap_or_default();
            assert_eq!(syllables.len(), 1, "{w}");
            syllables[0].key
        };
        for (a, b) in [("kin", "kim"), ("pek", "paek"), ("jon", "jong")] {
            assert!(surname_keys_slip(&key(a), &key(b)), "{a} / {b}");
            assert!(surname_keys_slip(&key(b), &key(a)), "{b} / {a}");
        }
        // Two letters apart, or a key of two letters: `o` / `on` are one letter from most
        // syllables.
        for (a, b) in [
            ("kim", "kang"),
            ("ri", "rim"),
            ("o", "on"),
            ("pek", "pyong"),
        ] {
            assert!(!surname_keys_slip(&key(a), &key(b)), "{a} / {b}");
        }
    }

    #[test]
    fn given_slip_needs_a_reading_no_korean_name_has_and_the_surname_as_written() {
        let reading = |surname: &str, given: &[&str]| {
            KoreanReading::new(
                &korean::parse_latin(surname).unwrap_or_default(),
                &given
                    .iter()
                    .flat_map(|w| korean::parse_latin(w).unwrap_or_default())
                    .collect::<Vec<_>>(),
            )
        };
        let slip = given_slip;
        // chol·i·u against chol·su: three given-name syllables on one side.
        let s = slip(
            &reading("kang", &["chol", "iu"]),
            &reading("kang", &["chol", "su"]),
        );
        assert!(
            s.is_some_and(|s| (s - (1.0 - 0.8 / 6.0)).abs() < 1e-9),
            "{s:?}"
        );
        assert!(slip(&reading("li", &["jiudong"]), &reading("li", &["jiadong"])).is_some());
        // The usual shape: one letter is another syllable (`Mun` / `Min`).
        assert!(
            slip(
                &reading("kim", &["mun", "chol"]),
                &reading("kim", &["min", "chol"])
            )
            .is_none()
        );
        // A final written as no romanisation writes it: `ryog` is `ryong` with the n dropped.
        assert!(
            slip(
                &reading("kim", &["ryog", "chol"]),
                &reading("kim", &["ryong", "chol"])
            )
            .is_some()
        );
        assert!(
            slip(
                &reading("kim", &["ryok", "chol"]),
                &reading("kim", &["ryong", "chol"])
            )
            .is_none()
        );
        // Surnames alike by key only (吳 `wu`, 오 `o`), or two letters off.
        assert!(slip(&reading("wu", &["yonghao"]), &reading("o", &["yong", "ho"])).is_none());
        assert!(slip(&reading("li", &["jiudong"]), &reading("li", &["jiadang"])).is_none());
    }

    #[test]
    fn two_letter_slip_needs_one_word_no_korean_syllable() {
        // `Rk` and `uS` are no Korean syllables; `Ri` and `Su` are.
        assert!(s("PAK Yong Rk", "PAK Yong Ri") > s("PAK Yong Ra", "PAK Yong Ri"));
        assert!(s("HAN uS Man", "HAN Su Man") > 0.8);
        // Two syllables (`Oh` / `Ho`); neither word Korean (`Ef` / `Ex`) scores as two
        // different words do.
        assert!(s("KIM Yong Oh", "KIM Yong Ho") < 0.75);
        assert_eq!(
            s("Ali Omar Ef", "Ali Omar Ex"),
            s("Ali Omar Ef", "Ali Omar Qz")
        );
    }

    #[test]
    fn doubled_letter_is_one_letter_written_twice() {
        for (a, b) in [("all", "al"), ("il", "ill"), ("aag", "ag"), ("imm", "im")] {
            assert!(doubled_letter(a.as_bytes(), b.as_bytes()), "{a} / {b}");
        }
        for (a, b) in [
            ("ali", "al"),
            ("all", "all"),
            ("abu", "bau"),
            ("al", "alal"),
        ] {
            assert!(!doubled_letter(a.as_bytes(), b.as_bytes()), "{a} / {b}");
        }
    }

    #[test]
    fn roman_number_as_written() {
        for w in [
            "i", "iv", "ix", "xii", "xiv", "xl", "lix", "mcm", "civ", "mmm",
        ] {
            assert!(roman_number(w.as_bytes()), "{w}");
        }
        for w in ["", "il", "ill", "iiii", "vx", "mil", "dim", "xm"] {
            assert!(!roman_number(w.as_bytes()), "{w}");
        }
    }

    #[test]
    fn regression_initial_ph_is_the_letter_f() {
        // `Photon` / `Foton` once agreed through the Latin Korean grammar (f read as ㅍ); with
        // f no Korean letter, the phonetic key must know an initial ph for an f.
        assert!(org("Photon Pro", "FOTON PRO") > 0.85);
        assert!(s("Philipp Schmidt", "Filip Schmidt") > 0.85);
        // Other first letters still differ: `Bagheri` is not `Faqir`.
        assert!(s("Bagheri", "Faqir") < 0.5);
    }

    #[test]
    fn regression_capitals_hint_does_not_rule_out_the_other_order() {
        // A held-out split's order variants scored 0.017: the capitalised last word was taken
        // as the only possible surname.
        assert!(s("Sun Nam Kang", "Kang Sun NAM") > 0.9);
        assert!(s("U'N So'Ng Ri", "RI U'N SO'NG") > 0.9);
        assert!(s("Kim Jong Un", "KIM Jong Il") < 0.6);
    }

    #[test]
    fn regression_generic_only_names_and_roman_ordinals() {
        let any = |a: &str, b: &str| {
            let q = PreparedName::new(a, NameKind::Unknown);
            let c = PreparedName::new(b, NameKind::Unknown);
            score_names(&q, &c).score
        };
        let org = any(
            "KOREA MINING DEVELOPMENT TRADING CORP",
            "Korea Mining Development Trading Corporation LLC",
        );
        assert!(org > 0.9, "{org}");
        assert!(any("Chon Ma San 2", "Chon Ma San II") > 0.9);
        assert!(any("Chon Ma San 2", "Chon Ma San 3") < 0.7);
    }

    #[test]
    fn regression_osa_counts_leading_letters_of_the_list_word() {
        // Row 0 used to be all zeros, so letters before the match in the second word were
        // free: `ivan` equalled `divan`.
        assert_eq!(osa(b"ab", b"xab"), 1);
        assert_eq!(osa(b"ivan", b"divan"), 1);
        assert_eq!(osa(b"divan", b"ivan"), 1);
        assert!(s("Ivan Petrov", "Divan Petrov") < s("Ivan Petrov", "Ivan Petrov"));
    }

    /// Name score of two names of kind `kind`.
    fn scored(a: &str, b: &str, kind: NameKind) -> f64 {
        score_names(&PreparedName::new(a, kind), &PreparedName::new(b, kind)).score
    }

    /// The name score at which a bare name reaches the 0.70 threshold.
    const MATCHING: f64 = 0.70 / 0.9;

    /// Asserts that each pair of names of kind `kind` scores below the threshold.
    fn below_threshold(pairs: &[(&str, &str)], kind: NameKind) {
        for (a, b) in pairs {
            let v = scored(a, b, kind);
            assert!(v < MATCHING, "{a} / {b}: {v}");
        }
    }

    /// Asserts that each pair of names of kind `kind` reaches the threshold.
    fn matching(pairs: &[(&str, &str)], kind: NameKind) {
        for (a, b) in pairs {
            let v = scored(a, b, kind);
            assert!(v >= MATCHING, "{a} / {b}: {v}");
        }
    }

    #[test]
    fn a_moved_word_boundary_is_one_edit() {
        matching(
            &[
                ("Nas serKarimi Ahmad", "Nasser Karimi Ahmad"),
                ("Karimi Na sser", "Nasser Karimi"),
                ("KyongS-ok Ri", "Kyong-Sok Ri"),
            ],
            NameKind::Person,
        );
        // Other letters, or the same letters in another order, are no moved boundary.
        assert_eq!(boundary_moved_of("Nas serKarimi", "Nasser Karimy"), None);
        assert_eq!(
            boundary_moved_of("Karimi Nasser", "Nasser Karimi Ali"),
            None
        );
        assert_eq!(boundary_moved_of("Ab Cdefg", "Cd Abefg"), None);
        assert!(boundary_moved_of("Ab Cdefg", "Abc Defg").is_some());
    }

    fn boundary_moved_of(a: &str, b: &str) -> Option<f64> {
        let (q, c) = (
            PreparedName::new(a, NameKind::Person),
            PreparedName::new(b, NameKind::Person),
        );
        let (Some(qf), Some(cf)) = (q.forms.first(), c.forms.first()) else {
            return None;
        };
        let (qw, cw) = (words_of(qf), words_of(cf));
        let letters = |w: &[Word<'_>]| strong_words(w).map(|w| w.latin.len()).sum();
        let n = strong_words(&cw).count();
        boundary_moved(&qw, &cw, letters(&qw), letters(&cw), n)
    }

    proptest::proptest! {
        #![proptest_config(cordon_testkit::proptest_cases(256))]
        /// [`run_together`] against a score is its answer against none, kept when it beats
        /// that score: the alignment asks only once it is scored, and a score of
        /// [`RUN_TOGETHER_SIMILARITY`] or more stops it before the names are read.
        #[test]
        fn run_together_against_a_score_is_run_together_filtered(
            a in "(Kim|Jong|Un|Kimjong|Ongun|ARGUMENT|JSC|Argu|ment|Al|Ireza|Ali|Reza|5|F9|Co| ){1,6}",
            b in "(Kim|Jong|Un|Kimjongun|JSCARGUMENT|JSC|Argument|Al|Ireza|Alireza|Reza|6|Ltd| ){1,6}",
            thousandths in 0u32..=1000,
            kind in proptest::sample::select(vec![NameKind::Person, NameKind::Organization]),
        ) {
            let plain = run_together_of(&a, &b, kind, 0.0);
            // The scores the plain answer gives, and those a step either side of them.
            let mut scores = vec![f64::from(thousandths) / 1000.0, RUN_TOGETHER_SIMILARITY];
            if let Some(s) = plain {
                scores.extend([s, s.next_down(), s.next_up()]);
            }
            for score in scores {
                proptest::prop_assert_eq!(
                    run_together_of(&a, &b, kind, score),
                    plain.filter(|&s| s > score),
                    "{} / {} against {}", a, b, score
                );
            }
        }
    }

    /// Names run together score up to [`RUN_TOGETHER_SIMILARITY`], never above.
    #[test]
    fn run_together_scores_at_most_its_similarity() {
        for (a, b) in [
            ("Kimjongun", "Kim Jong Un"),
            ("JSC ARGUMENT", "JSCARGUMENT"),
            ("Al iReza", "Ali Reza"),
        ] {
            let s = run_together_of(a, b, NameKind::Person, 0.0);
            assert!(
                s.is_some_and(|s| s <= RUN_TOGETHER_SIMILARITY),
                "{a} / {b}: {s:?}"
            );
        }
        assert_eq!(
            run_together_of("JSC ARGUMENT", "JSCARGUMENT", NameKind::Person, 0.0),
            Some(RUN_TOGETHER_SIMILARITY)
        );
    }

    /// [`run_together`] of the first forms of `a` and `b` against `score`.
    fn run_together_of(a: &str, b: &str, kind: NameKind, score: f64) -> Option<f64> {
        let (q, c) = (PreparedName::new(a, kind), PreparedName::new(b, kind));
        let (qf, cf) = (q.forms.first()?, c.forms.first()?);
        run_together(&words_of(qf), &words_of(cf), score)
    }

    #[test]
    fn short_word_slip_needs_the_rest_of_the_name_written_alike() {
        // A letter added, dropped, changed or two swapped in a word of two or three letters.
        matching(
            &[
                ("Khalid Ubu Hamdan", "Khalid Abu Hamdan"),
                ("BAU Tariq Hamdan", "ABU Tariq Hamdan"),
                ("Myo Za Naing", "Myo Zaw Naing"),
                ("Yusuf AAB Tariq", "Yusuf AB Tariq"),
                ("Sin Kyu Anm", "Sin Kyu Nam"),
            ],
            NameKind::Person,
        );
        matching(
            &[("Asia Sn Shipping", "Asia Sun Shipping")],
            NameKind::Organization,
        );
        // Two single Korean syllables are different syllables; the article is no name part;
        // two letters changed by one; only one other word; another word differing too;
        // Roman numbers and codes; one other word beside a legal form.
        below_threshold(
            &[
                ("Nasser Kim Karimi", "Nasser Kum Karimi"),
                ("Tariq Al Hamdan", "Tariq Ali Hamdan"),
                ("Yusuf Ab Tariq", "Yusuf Ad Tariq"),
                ("Shun Ji", "Shun Jie"),
                ("Khalid Ubu Hamdani", "Khalid Abu Hamdan"),
            ],
            NameKind::Person,
        );
        below_threshold(
            &[
                ("YK-AQA", "YK-AQG"),
                ("Star Bicentenario XII", "Star Bicentenario XIV"),
                ("OSTEC-EC LTD", "OSTEC-ETC LTD"),
            ],
            NameKind::Organization,
        );
    }

    #[test]
    fn one_word_alike_by_sound_only_does_not_carry_a_name() {
        below_threshold(
            &[
                ("Behta", "Buddha"),
                ("Pegasus", "Peykasa"),
                ("Galaxy", "Glaucus"),
            ],
            NameKind::Unknown,
        );
        // Legal forms agreeing add nothing.
        below_threshold(&[("LLC Synesis", "LLC Sonis")], NameKind::Organization);
        // Nor does a short skeleton of a short word alone: whole-list screening matched these
        // (different names) at 0.81 before.
        below_threshold(
            &[
                ("Jumbo", "ジムボーイ"),
                ("TURACO", "タリク"),
                ("avior", "アヴロラ"),
                ("voyager", "ファイカル"),
                ("kados", "قدس"),
            ],
            NameKind::Unknown,
        );
        // A generic word agreeing is evidence, and so is a consonant skeleton (all a katakana
        // word offers) of a long word or of four consonants or more, or a long word's phonetic
        // key.
        matching(
            &[
                ("Ailisi Components", "Alice Components"),
                ("NIIGraphite", "NIIGRAFIT AO"),
            ],
            NameKind::Organization,
        );
        matching(
            &[
                ("マティーウッラー", "MATIULLAH"),
                ("シロニクス", "SYRONICS"),
                ("Suwaid Joseph", "Sweid Joseph"),
            ],
            NameKind::Person,
        );
    }

    #[test]
    fn codes_agree_to_the_digit() {
        below_threshold(
            &[
                ("FU YUAN YU 8650", "FU YUAN YU F91"),
                ("FU YUAN YU F91", "FU YUAN YU 7876"),
                ("YV2565", "YV2965"),
                ("Investment Decisions5", "Investment Decisions 6"),
            ],
            NameKind::Unknown,
        );
        matching(
            &[
                ("FU YUAN YU 8650", "FU YUAN YU 8650"),
                ("Investment Decisions5", "Investment Decisions 5"),
                ("SealionI", "Sealion I"),
            ],
            NameKind::Organization,
        );
    }

    #[test]
    fn a_repeated_or_derived_name_part_is_not_an_alternative() {
        below_threshold(
            &[
                (
                    "vladimir vladimirovich plyakin",
                    "Vladimir Vladimirovich VLADIMIROV",
                ),
                ("MEHDIPUR Mohammad Reza", "MOHAMMADI Mohammad Reza"),
                ("Hilal HILAL", "Sheikh Musa Hilal"),
            ],
            NameKind::Unknown,
        );
        // Alternatives stay alternatives: in parentheses, in a name given twice, with nothing
        // left over on the other side.
        matching(
            &[
                ("Igorj (Igor) Antropenko", "ANTROPENKO Igor Aleksandrovich"),
                ("Sergei (Sergey) Gavrilov", "Sergey Gavrilov"),
                ("Khudr KHUDR", "Khudr"),
                (
                    "mikheychik vladimir vladimirovich",
                    "Vladimir Mikheychik (a.k.a. Vladimir Mikheichik)",
                ),
            ],
            NameKind::Unknown,
        );
    }

    #[test]
    fn trade_words_substitute_between_written_names() {
        below_threshold(
            &[
                ("Veles Management Ltd", "LLC Veles Trust"),
                ("Saman Bank", "Saman Shipping Company Limited"),
                (
                    "Kunlun Holding Company Ltd.",
                    "Kunlun Shipping Company Limited",
                ),
            ],
            NameKind::Organization,
        );
        matching(
            &[
                // A translation's trade words are loose.
                (
                    "Акционерное Общество «Специальная Производственно-Техническая База Звездочка»",
                    "Joint Stock Company Special Industrial and Technical Base Zvezdochka",
                ),
                // Function words are no trade.
                (
                    "Korea Daesong General Trading Corporation",
                    "Korea Daesong Trading Corporation",
                ),
            ],
            NameKind::Organization,
        );
    }

    #[test]
    fn korean_anchor_cases() {
        let un = s("Kim Jong Un", "김정은");
        assert!(un > 0.9, "{un}");
        assert!(s("이용호", "RI Yong Ho") > 0.9);
        let il = s("Kim Jong Un", "Kim Jong Il");
        for variant in [
            "Kim Jong-un",
            "KIM Jong Un",
            "Kim Chŏng-ŭn",
            "Gim Jeong-eun",
            "Kim Jongun",
            "김정은",
        ] {
            assert!(s("Kim Jong Un", variant) > il + 0.3, "{variant}");
        }
        assert!(s("김정은", "김종은") < 0.7);
        assert!(s("Kim Jong Un", "Kim Yo Jong") < 0.5);
    }
}
