//! Japan Ministry of Finance list of persons subject to asset freezes (資産凍結等の措置の対象者),
//! the `.xlsx` workbook with one sheet per regime.
//!
//! Every regime sheet has a header row with at least 告示番号 (notice number) and 日本語表記
//! (Japanese name), found among the first rows; the columns after it vary by sheet and are read
//! by their Japanese header. One row is one designation; a row with no notice number and no name
//! continues the row above. Rows whose notice date says 削除 (deleted) are skipped.
//!
//! Ids are `jp-<sheet number>-<notice number>`: the number before the dot in the sheet name
//! (`13` for `13.北朝鮮(決議1695号)`) and the notice number without its cross-reference
//! (`2(*39)` → `2`, `*1` → `1`). Both are the ministry's own and survive re-ingest.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use cordon_model::{DateValue, Diagnostic, Entity, Location, PartialDate, Schema, country, prop};

use crate::ofac_crypto::Wallets;
use crate::util::{date_in_file_name, zip_entry_names};
use crate::{Detection, EntitySink, Format, ListError, ParseOutcome, Role, SourceFile, SourcePlan};

pub(crate) fn sniff(_path: &Path, head: &[u8]) -> Option<Detection> {
    let names = zip_entry_names(head);
    let xlsx = head.starts_with(b"PK\x03\x04")
        && names
            .iter()
            .any(|n| *n == b"[Content_Types].xml" || n.starts_with(b"xl/"));
    xlsx.then(|| Detection {
        format: Format::JpMofXlsx,
        source_id: "jp-mof".into(),
        role: Role::Primary,
    })
}

pub(crate) fn parse(
    plan: &SourcePlan,
    sink: &mut dyn EntitySink,
) -> Result<ParseOutcome, ListError> {
    let mut outcome = ParseOutcome {
        publication_date: None,
        title: Some("Japan MOF asset-freeze list (資産凍結等の措置の対象者)".into()),
    };
    for file in plan.files.iter().filter(|f| f.role == Role::Primary) {
        parse_file(file, sink)?;
        if outcome.publication_date.is_none() {
            outcome.publication_date = date_in_file_name(&file.path);
        }
    }
    Ok(outcome)
}

/// The sheets of a workbook, read whole (the MOF file is about 1 MB; calamine reads sheets whole).
type Sheets = Vec<(String, Vec<Vec<Data>>)>;

fn read_workbook(file: &SourceFile) -> Result<Sheets, ListError> {
    let bytes = file.bytes()?;
    // calamine is third-party code fed with untrusted bytes: a panic in it must not take the
    // whole ingest down, so it is turned into an error for this source.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut wb = Xlsx::new(Cursor::new(&bytes[..]))
            .map_err(|e| format!("not a readable .xlsx workbook: {e}"))?;
        let mut sheets = Vec::new();
        for name in wb.sheet_names() {
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| format!("[{name}] damaged sheet: {e}"))?;
            sheets.push((name, range.rows().map(<[Data]>::to_vec).collect()));
        }
        Ok::<_, String>(sheets)
    }));
    match result {
        Ok(Ok(sheets)) => Ok(sheets),
        Ok(Err(message)) => Err(ListError::syntax(file.loc(), message)),
        Err(_) => Err(ListError::syntax(
            file.loc(),
            "the .xlsx reader failed on damaged data",
        )),
    }
}

fn parse_file(file: &SourceFile, sink: &mut dyn EntitySink) -> Result<(), ListError> {
    let sheets = read_workbook(file)?;
    let mut unrecognised = Vec::new();
    let mut wallets = Wallets::default();
    for (name, rows) in &sheets {
        let Some(header_at) = rows.iter().take(12).position(|r| {
            let has = |h: &str| r.iter().any(|c| clean_header(&cell_text(c)) == h);
            has("告示番号") && has("日本語表記")
        }) else {
            unrecognised.push(name.as_str());
            continue;
        };
        let header: Vec<Col> = rows
            .get(header_at)
            .map(|r| {
                r.iter()
                    .map(|c| column(&clean_header(&cell_text(c))))
                    .collect()
            })
            .unwrap_or_default();
        let sheet = Sheet::new(file, name);
        sheet.read(&header, rows, header_at, &mut wallets, sink)?;
    }
    if !unrecognised.is_empty() {
        sink.diagnostic(Diagnostic::warning(
            "unrecognised-sheet",
            format!(
                "{} sheet(s) have no header row with 告示番号 and 日本語表記 (index or abolished regimes); not read: {}",
                unrecognised.len(),
                unrecognised.join(", ")
            ),
            file.loc(),
        ));
    }
    wallets.emit(sink)
}

/// What a column holds, from its Japanese header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    NoticeDate,
    NoticeNo,
    JaName,
    EnName,
    Alias,
    PreviousName,
    WeakAlias,
    Title,
    Position,
    Dob,
    BirthPlace,
    Nationality,
    Passport,
    IdNumber,
    Address,
    Phone,
    UnRef,
    UnDate,
    Note,
}

fn clean_header(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn column(h: &str) -> Col {
    match h {
        "告示日付" => Col::NoticeDate,
        "告示番号" => Col::NoticeNo,
        "日本語表記" => Col::JaName,
        "英語表記" => Col::EnName,
        "称号" => Col::Title,
        "役職" | "肩書" | "肩書等" => Col::Position,
        "国籍" => Col::Nationality,
        "旅券番号" => Col::Passport,
        "ID番号" | "身分証番号" | "身分登録番号" => Col::IdNumber,
        "電話" | "電話番号" => Col::Phone,
        "国連参照番号" => Col::UnRef,
        "リスト掲載日" => Col::UnDate,
        _ if h.contains("確定に十分でない") => Col::WeakAlias,
        _ if h.contains("別名") || h.contains("別称") => Col::Alias,
        _ if h.contains("旧称") || h.contains("以前") => Col::PreviousName,
        _ if h.contains("生年月日") => Col::Dob,
        _ if h.contains("出生地") => Col::BirthPlace,
        _ if h.contains("住所") || h.contains("所在地") => Col::Address,
        _ if h.contains("指定日") => Col::UnDate,
        _ => Col::Note,
    }
}

/// A cell as text. Whole numbers lose their `.0` (passport numbers are stored as numbers).
fn cell_text(c: &Data) -> String {
    match c {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// A date cell: an Excel serial number (the sheets store most birth dates so), or text.
fn cell_dates(c: &Data) -> Vec<DateValue> {
    let serial = match c {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::DateTime(d) => Some(d.as_f64()),
        _ => None,
    };
    match serial {
        Some(s) => excel_serial(s).into_iter().map(DateValue::Exact).collect(),
        None => jp_dates(&cell_text(c)),
    }
}

/// An Excel (1900 system) serial day number as a date.
fn excel_serial(serial: f64) -> Option<PartialDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Days since 1970-01-01; serial 25569 is 1970-01-01 (Excel's fictitious 1900-02-29 is
    // before every date these lists hold).
    let days = serial.floor() as i64 - 25_569;
    let (y, m, d) = civil_from_days(days);
    PartialDate::new(u16::try_from(y).ok()?, Some(m), Some(d))
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Full-width digits and punctuation to ASCII, so `１９６５年` reads as `1965年`.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '．' => '.',
            _ => c,
        })
        .collect()
}

/// Japanese era years (`昭和40年`, `平成元年`) as Western years (`1965年`).
fn western_era(s: &str) -> String {
    const ERAS: [(&str, i32); 5] = [
        ("明治", 1868),
        ("大正", 1912),
        ("昭和", 1926),
        ("平成", 1989),
        ("令和", 2019),
    ];
    let mut out = s.to_owned();
    for (era, base) in ERAS {
        while let Some(at) = out.find(era) {
            let rest = out.get(at + era.len()..).unwrap_or("");
            let (num, after) = match rest.strip_prefix("元") {
                Some(after) => (1, after),
                None => {
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    match digits.parse::<i32>() {
                        Ok(n) => (n, rest.get(digits.len()..).unwrap_or("")),
                        Err(_) => break,
                    }
                }
            };
            let replaced = format!("{}{}{after}", out.get(..at).unwrap_or(""), base + num - 1);
            out = replaced;
        }
    }
    out
}

/// Every date in a Japanese or Western text: `1965年6月29日`, `昭和40年`, `1965年頃` (circa),
/// `1965年又は1966年` (two dates), `2006.9.19`, `20 August 1941`.
pub(crate) fn jp_dates(text: &str) -> Vec<DateValue> {
    let text = western_era(&ascii_digits(text))
        .replace("又は", ";")
        .replace("もしくは", ";")
        .replace("の間", "")
        .replace("から", "~");
    let mut out = Vec::new();
    for item in split_items(&text) {
        for part in item.split([',', '，', ' ', '\u{3000}']) {
            let part = part.trim().trim_end_matches('生').trim();
            if part.is_empty() {
                continue;
            }
            let (circa, part) = match (part.find('頃'), part.strip_prefix("おおよそ")) {
                (Some(at), _) => (true, part.get(..at).unwrap_or(part)),
                (None, Some(rest)) => (true, rest),
                (None, None) => (false, part),
            };
            // `1955年-1958年`: a range of two Japanese dates.
            let range = part.split_once(['-', '－', '～', '~']).and_then(|(a, b)| {
                let (a, b) = (one_jp_date(a)?, one_jp_date(b)?);
                (a.earliest() <= b.latest()).then_some(DateValue::Range(a, b))
            });
            let date = range
                .or_else(|| one_jp_date(part).map(DateValue::Exact))
                .or_else(|| part.parse().ok());
            if let Some(d) = date {
                let d = match (circa, d) {
                    (true, DateValue::Exact(p)) => DateValue::Circa(p),
                    (_, d) => d,
                };
                if !out.contains(&d) {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// One date: `1965年6月29日`, `1965年`, `2006.9.19`, `1966/2/2`, or a `年` date followed by words.
fn one_jp_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    if let Some(d) = dotted_ymd(s) {
        return Some(d);
    }
    if !s.contains('年') {
        return None;
    }
    // Read up to the last of 日, 月, 年 that closes the date (`1941年8月20日セルビア…` → `1941年8月20日`).
    let end = ['日', '月', '年']
        .iter()
        .find_map(|c| s.find(*c).map(|i| i + c.len_utf8()))?;
    match s.get(..end)?.parse::<DateValue>().ok()? {
        DateValue::Exact(p) => Some(p),
        _ => None,
    }
}

/// `2006.9.19` (year first, as the notice dates are written).
fn dotted_ymd(s: &str) -> Option<PartialDate> {
    let digits: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '/')
        .collect();
    let mut it = digits.split(['.', '/']);
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if y.len() != 4 || it.next().is_some() {
        return None;
    }
    PartialDate::new(
        y.parse().ok()?,
        Some(m.parse().ok()?),
        Some(d.parse().ok()?),
    )
}

/// A country as the sheets write it (Japanese names first, then anything [`country::code`] knows).
fn jp_country(text: &str) -> Option<&'static str> {
    const JA: &[(&str, &str)] = &[
        ("北朝鮮", "kp"),
        ("朝鮮民主主義人民共和国", "kp"),
        ("中華人民共和国", "cn"),
        ("中国", "cn"),
        ("ロシア", "ru"),
        ("ロシア連邦", "ru"),
        ("イギリス", "gb"),
        ("英国", "gb"),
        ("スロバキア共和国", "sk"),
        ("スロバキア", "sk"),
        ("シンガポール", "sg"),
        ("イラン", "ir"),
        ("イラク", "iq"),
        ("シリア", "sy"),
        ("リビア", "ly"),
        ("スーダン", "sd"),
        ("南スーダン", "ss"),
        ("ソマリア", "so"),
        ("イエメン", "ye"),
        ("アフガニスタン", "af"),
        ("パキスタン", "pk"),
        ("サウジアラビア", "sa"),
        ("エジプト", "eg"),
        ("ヨルダン", "jo"),
        ("クウェート", "kw"),
        ("チュニジア", "tn"),
        ("アルジェリア", "dz"),
        ("モロッコ", "ma"),
        ("ベラルーシ", "by"),
        ("ウクライナ", "ua"),
        ("ハイチ", "ht"),
        ("マリ", "ml"),
        ("コンゴ民主共和国", "cd"),
        ("ルワンダ", "rw"),
        ("ウガンダ", "ug"),
        ("中央アフリカ共和国", "cf"),
        ("インドネシア", "id"),
        ("フィリピン", "ph"),
        ("マレーシア", "my"),
        ("トルコ", "tr"),
        ("フランス", "fr"),
        ("ドイツ", "de"),
        ("アメリカ合衆国", "us"),
        ("米国", "us"),
        ("イスラエル", "il"),
        ("レバノン", "lb"),
        ("アラブ首長国連邦", "ae"),
        ("カタール", "qa"),
        ("バーレーン", "bh"),
        ("エリトリア", "er"),
        ("ケニア", "ke"),
        ("ナイジェリア", "ng"),
        ("カナダ", "ca"),
        ("オーストラリア", "au"),
        ("ベトナム", "vn"),
        ("台湾", "tw"),
        ("韓国", "kr"),
        ("大韓民国", "kr"),
        ("セルビア", "rs"),
        ("ボスニア・ヘルツェゴビナ", "ba"),
        ("モーリタニア", "mr"),
        ("タンザニア", "tz"),
        ("パレスチナ", "ps"),
        ("チャド", "td"),
        ("ニジェール", "ne"),
        ("リベリア", "lr"),
        ("コートジボワール", "ci"),
        ("ジンバブエ", "zw"),
        ("ミャンマー", "mm"),
        ("インド", "in"),
        ("バングラデシュ", "bd"),
        ("スリランカ", "lk"),
        ("ウズベキスタン", "uz"),
        ("タジキスタン", "tj"),
        ("カザフスタン", "kz"),
        ("キルギス", "kg"),
        ("トルクメニスタン", "tm"),
        ("アゼルバイジャン", "az"),
        ("ジョージア", "ge"),
        ("グルジア", "ge"),
        ("アルメニア", "am"),
        ("モルドバ", "md"),
        ("ラトビア", "lv"),
        ("リトアニア", "lt"),
        ("エストニア", "ee"),
        ("ポーランド", "pl"),
        ("キプロス", "cy"),
        ("ギリシャ", "gr"),
        ("イタリア", "it"),
        ("スペイン", "es"),
        ("ベルギー", "be"),
        ("オランダ", "nl"),
        ("スイス", "ch"),
        ("オーストリア", "at"),
        ("スウェーデン", "se"),
        ("デンマーク", "dk"),
        ("ノルウェー", "no"),
        ("フィンランド", "fi"),
        ("アイルランド", "ie"),
        ("ブラジル", "br"),
        ("ベネズエラ", "ve"),
        ("ニカラグア", "ni"),
        ("キューバ", "cu"),
        ("メキシコ", "mx"),
        ("コロンビア", "co"),
        ("エチオピア", "et"),
        ("ジブチ", "dj"),
        ("ギニア", "gn"),
        ("ギニアビサウ", "gw"),
        ("カメルーン", "cm"),
        ("ブルンジ", "bi"),
        ("南アフリカ", "za"),
        ("ナミビア", "na"),
        ("アンゴラ", "ao"),
        ("モザンビーク", "mz"),
        ("セネガル", "sn"),
        ("ガーナ", "gh"),
        ("ブルキナファソ", "bf"),
        ("オマーン", "om"),
        ("タイ", "th"),
        ("カンボジア", "kh"),
        ("ラオス", "la"),
        ("モンゴル", "mn"),
        ("ニュージーランド", "nz"),
        ("日本", "jp"),
        ("ボスニア・ヘルツェゴヴィナ", "ba"),
        ("コンゴ共和国", "cg"),
        ("シリア・アラブ共和国", "sy"),
        ("サウディ・アラビア", "sa"),
        ("クウェイト", "kw"),
        ("トリニダード・トバゴ", "tt"),
        ("エリトリア国", "er"),
    ];
    let t = text.trim().trim_end_matches("国籍").trim();
    // `エジプトEgypt`, `リビア Libya`: the Japanese name followed by the English one.
    let japanese: String = t.chars().take_while(|c| !c.is_ascii()).collect();
    // `インドネシア（2003年12月時点）`: a remark in brackets after the name.
    let japanese = japanese.split(['（', '(']).next().unwrap_or("").trim();
    let t = if japanese.is_empty() { t } else { japanese };
    let bare = t.strip_suffix("共和国").unwrap_or(t);
    JA.iter()
        .find(|(n, _)| *n == t || *n == bare)
        .map(|(_, c)| *c)
        .or_else(|| country::code(t))
}

/// Splits a cell of several values (dates, countries, documents): lines, `；` `;` `、`, and `(a)`/`（b）` enumerations.
fn split_items(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if matches!(c, '\n' | '\r' | '；' | ';' | '、') {
            items.push(std::mem::take(&mut cur));
            i += 1;
            continue;
        }
        // (a) / （b） / (aa): an enumeration marker starts a new item.
        if let Some(len) = enumeration_marker(&chars, i) {
            items.push(std::mem::take(&mut cur));
            i += len;
            continue;
        }
        cur.push(c);
        i += 1;
    }
    items.push(cur);
    items
        .into_iter()
        .map(|s| s.trim().trim_matches(['、', ',', '，']).trim().to_owned())
        .filter(|s| !s.is_empty() && !is_unknown(s))
        .collect()
}

/// Splits a cell of names: lines, `；` `;` `、`, and `(a)`/`（b）` enumerations.
///
/// Brackets hold whole lists and remarks, so separators count only outside them:
/// `（別称、株式会社SNSZ）` is one alias with its label, `(a.k.a.: (a)X (b)Y)` a wrapped list,
/// `X (DOB: a)11 Apr. 1960 b)…)` a name with a remark. A line that is a labelled list in brackets
/// is unwrapped first; each item loses its label, its remarks and stray brackets.
fn split_names(text: &str) -> Vec<String> {
    let mut raw = Vec::new();
    for line in text.split(['\n', '\r']) {
        split_line(unwrap_line(line), &mut raw);
    }
    // An item wholly in brackets is a list of its own (`(Yunis al-Mauritani; Younis …)`).
    let mut items = Vec::with_capacity(raw.len());
    for item in raw {
        let t = item.trim();
        let wrapped = t.starts_with(is_open)
            && matching_close(t).is_some_and(|c| {
                c + t
                    .get(c..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8)
                    == t.len()
            });
        match t.chars().next().filter(|_| wrapped) {
            Some(open) => split_line(
                t.get(open.len_utf8()..t.len() - t.chars().last().map_or(1, char::len_utf8))
                    .unwrap_or(""),
                &mut items,
            ),
            None => items.push(item),
        }
    }
    items
        .into_iter()
        .map(|s| clean_item(&s))
        .filter(|s| !s.is_empty() && !is_unknown(s))
        .collect()
}

/// The length in characters of an enumeration marker — `(a)`, `（b）`, `(aa)` — starting at
/// `chars[i]`, if one starts there.
fn enumeration_marker(chars: &[char], i: usize) -> Option<usize> {
    if !chars.get(i).is_some_and(|c| is_open(*c)) {
        return None;
    }
    let letters = chars
        .get(i + 1..)
        .unwrap_or(&[])
        .iter()
        .take_while(|c| c.is_ascii_lowercase())
        .count();
    let closed = chars.get(i + 1 + letters).is_some_and(|c| is_close(*c));
    ((1..=2).contains(&letters) && closed).then_some(letters + 2)
}

fn is_open(c: char) -> bool {
    matches!(c, '(' | '（')
}

fn is_close(c: char) -> bool {
    matches!(c, ')' | '）')
}

/// Labels that introduce other names: `a.k.a.:`, `別称、`.
fn strip_label(s: &str) -> &str {
    let s = s.trim_start();
    for label in ["a.k.a.", "a.k.a", "aka", "別称", "別名"] {
        if let Some(rest) = s.strip_prefix(label) {
            let rest = rest.trim_start_matches([':', '：', '、', ',', ' ', '\u{3000}']);
            // `akaBank` is a name, not a label.
            if rest.len() < s.len() - label.len() || label.starts_with('別') {
                return rest;
            }
        }
    }
    s
}

/// The byte offset of the bracket closing the one that opens `s`.
fn matching_close(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// A line that is one bracketed, labelled list (`(a.k.a.: (a)X (b)Y)`, `（別称、株式会社SNSZ）`)
/// or wholly in brackets, without them; any other line as it is.
fn unwrap_line(line: &str) -> &str {
    let mut line = strip_label(line.trim()).trim();
    while let Some(first) = line.chars().next()
        && is_open(first)
    {
        let body = line.get(first.len_utf8()..).unwrap_or("");
        // `((a)X (b)Y`: an enumeration in brackets is a list too.
        let enumeration = body.starts_with(is_open)
            && body
                .chars()
                .skip(1)
                .take_while(char::is_ascii_lowercase)
                .count()
                .checked_add(1)
                .and_then(|n| body.chars().nth(n))
                .is_some_and(is_close);
        let labelled = enumeration || strip_label(body).len() < body.trim_start().len();
        // A labelled list runs to the line's last bracket (remarks inside it close brackets
        // they never opened: `DOB: a)11 Apr. 1960 b)…`; the sheet's phonetic residue may
        // follow); anything else must be wholly in brackets.
        let close = if labelled {
            // The last bracket closes the list when only blanks follow it, or, after an
            // English list, only the sheet's katakana reading residue (`…Shafiqullah )イゼン`);
            // otherwise the list was never closed.
            let after = |c: usize| {
                line.get(c..)
                    .map(|r| r.chars().skip(1).collect::<String>())
                    .unwrap_or_default()
            };
            let english = body.contains(|c: char| c.is_ascii_alphabetic());
            match line.rfind(is_close) {
                Some(c)
                    if after(c).trim().is_empty()
                        || (english && after(c).chars().all(|ch| !ch.is_ascii())) =>
                {
                    Some(c)
                }
                _ => Some(line.len()),
            }
        } else {
            matching_close(line).filter(|&c| {
                line.get(c..)
                    .is_some_and(|r| r.chars().skip(1).all(char::is_whitespace))
            })
        };
        let Some(close) = close.filter(|&c| c >= first.len_utf8()) else {
            break;
        };
        let inner = line.get(first.len_utf8()..close).unwrap_or("");
        // `（旧称）ABC`-style markers are handled per item.
        let marker =
            (1..=2).contains(&inner.len()) && inner.chars().all(|c| c.is_ascii_lowercase());
        if inner.trim().is_empty() || marker || matches!(inner.trim(), "旧称" | "別称") {
            break;
        }
        line = strip_label(inner).trim();
    }
    line
}

/// Splits one line at separators and enumeration markers outside brackets.
fn split_line(line: &str, items: &mut Vec<String>) {
    let chars: Vec<char> = line.chars().collect();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if depth == 0 && matches!(c, '；' | ';' | '、') {
            items.push(std::mem::take(&mut cur));
            i += 1;
            continue;
        }
        // `NAME (a.k.a.: (a)X (b)Y)`: a labelled list in brackets after a name continues the
        // items.
        if depth == 0 && is_open(c) {
            let rest: String = chars.get(i + 1..).unwrap_or(&[]).iter().collect();
            let unlabelled = strip_label(&rest);
            if unlabelled.len() < rest.trim_start().len() {
                items.push(std::mem::take(&mut cur));
                i = chars.len() - unlabelled.chars().count();
                continue;
            }
        }
        // (a) / （b） / (aa): an enumeration marker starts a new item.
        if depth == 0
            && let Some(len) = enumeration_marker(&chars, i)
        {
            items.push(std::mem::take(&mut cur));
            i += len;
            continue;
        }
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth = depth.saturating_sub(1);
        }
        cur.push(c);
        i += 1;
    }
    items.push(cur);
}

/// Remarks in brackets after a name (birth data, documents, listing history), which run to
/// the end of the item: English ones start the bracket, Japanese ones are in its first clause.
const REMARKS_EN: &[&str] = &[
    "dob",
    "pob",
    "born",
    "nationality",
    "in arabic",
    "previously listed",
    "formerly listed",
];
const REMARKS_JA: &[&str] = &[
    "生年月日",
    "出生地",
    "国籍",
    "以前のリスト",
    "旅券",
    "ID番号",
    "生まれ",
    "において出生",
    "【",
];

fn is_remark(bracketed: &str) -> bool {
    let rest = bracketed.trim_start();
    let lower = rest.to_lowercase();
    let clause = rest
        .split([':', '：', '、', ',', ')', '）'])
        .next()
        .unwrap_or("");
    // `（1948年12月16日、…）`: a date.
    let date = rest.starts_with(|c: char| c.is_numeric()) && clause.contains('年');
    date || REMARKS_EN.iter().any(|r| lower.starts_with(r))
        || REMARKS_JA.iter().any(|r| clause.contains(r))
}

/// An item without its label, the remarks after it and brackets left unbalanced by a split.
fn clean_item(item: &str) -> String {
    let mut s = strip_label(item.trim()).to_owned();
    // `【アラビア語】アブドゥル・ラフマン`: a script tag before the name.
    if s.starts_with('【')
        && let Some(end) = s.find('】')
    {
        s.replace_range(..end + '】'.len_utf8(), "");
    }
    // `(original script: عبد الرحمن السيندي)Abdul Rehman Sindhi`: a note inside the item.
    while let Some(at) = s
        .find("(original script")
        .or_else(|| s.find("（original script"))
    {
        let end = s.get(at..).and_then(matching_close).map_or(s.len(), |c| {
            at + c
                + s.get(at + c..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8)
        });
        s.replace_range(at..end, " ");
    }
    let cut = s
        .char_indices()
        .find(|&(i, c)| is_open(c) && s.get(i + c.len_utf8()..).is_some_and(is_remark));
    if let Some((i, _)) = cut {
        s.truncate(i);
    }
    let count = |s: &str, f: fn(char) -> bool| s.chars().filter(|&c| f(c)).count();
    loop {
        let t = s.trim().trim_matches(['、', ',', '，']).trim();
        let (opens, closes) = (count(t, is_open), count(t, is_close));
        let last_open = t.rfind(is_open);
        let next = if closes > opens && t.ends_with(is_close) {
            t.char_indices()
                .last()
                .map(|(i, _)| t.get(..i).unwrap_or(""))
        } else if closes > opens && t.starts_with(is_close) {
            t.chars()
                .next()
                .map(|c| t.get(c.len_utf8()..).unwrap_or(""))
        } else if opens > closes
            && let Some(at) = last_open
            && t.get(at..)
                .is_some_and(|r| r.chars().count() <= 3 && !r.contains(is_close))
        {
            // A marker cut off by a split: `Riduan(h`.
            t.get(..at)
        } else if opens > closes && t.starts_with(is_open) {
            t.chars()
                .next()
                .map(|c| t.get(c.len_utf8()..).unwrap_or(""))
        } else if opens > closes && t.ends_with(is_open) {
            t.char_indices()
                .last()
                .map(|(i, _)| t.get(..i).unwrap_or(""))
        } else {
            None
        };
        match next {
            Some(n) if n.len() < s.len() => s = n.to_owned(),
            _ => {
                s = t.to_owned();
                break;
            }
        }
    }
    s
}

fn is_unknown(s: &str) -> bool {
    matches!(s.trim(), "不明" | "-" | "－" | "―" | "なし" | "無し")
}

/// A name item, split into the Japanese form and a Latin form it carries in brackets at its end
/// (`フランク・カコレレ（FRANK KAKORERE）`).
fn name_forms(item: &str) -> Vec<String> {
    let item = item.trim();
    let (open, close) = if item.ends_with('）') {
        ('（', '）')
    } else {
        ('(', ')')
    };
    if item.ends_with(close)
        && let Some(at) = item.rfind(open)
    {
        let inner = item
            .get(at + open.len_utf8()..item.len() - close.len_utf8())
            .unwrap_or("");
        let outer = item.get(..at).unwrap_or("").trim();
        let latin = inner.chars().filter(char::is_ascii_alphabetic).count();
        if latin >= 2 && !outer.is_ascii() && !outer.is_empty() {
            // `حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)`: several spellings.
            let mut forms = vec![outer.to_owned()];
            forms.extend(
                inner
                    .split([';', '；'])
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned),
            );
            return forms;
        }
    }
    vec![item.to_owned()]
}

/// One regime sheet being read.
struct Sheet<'a> {
    file: &'a SourceFile,
    name: &'a str,
    key: String,
    program: String,
    schema: Schema,
}

impl<'a> Sheet<'a> {
    fn new(file: &'a SourceFile, name: &'a str) -> Self {
        let trimmed = name.trim();
        let (key, title) = match trimmed.split_once(['.', '．']) {
            Some((n, rest)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => {
                (n.to_owned(), rest.trim())
            }
            _ => (
                trimmed.chars().filter(|c| !c.is_whitespace()).collect(),
                trimmed,
            ),
        };
        let schema = if title.contains("個人") {
            Schema::Person
        } else if title.contains("団体") || title.contains("銀行") {
            Schema::Organization
        } else {
            Schema::LegalEntity
        };
        Sheet {
            file,
            name,
            key,
            program: format!("JP-MOF {title}"),
            schema,
        }
    }

    fn read(
        &self,
        header: &[Col],
        rows: &[Vec<Data>],
        header_at: usize,
        wallets: &mut Wallets,
        sink: &mut dyn EntitySink,
    ) -> Result<(), ListError> {
        let mut current: Option<Entity> = None;
        let mut seen: HashMap<String, u32> = HashMap::new();
        for (i, row) in rows.iter().enumerate().skip(header_at + 1) {
            let line = i as u64 + 1;
            let loc = self.file.loc().section(self.name).line(line);
            let get = |col: Col| -> String {
                header
                    .iter()
                    .zip(row.iter())
                    .filter(|(h, _)| **h == col)
                    .map(|(_, c)| cell_text(c).trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            if row.iter().all(|c| cell_text(c).trim().is_empty()) {
                continue;
            }
            let (no, ja, en, date) = (
                get(Col::NoticeNo),
                get(Col::JaName),
                get(Col::EnName),
                get(Col::NoticeDate),
            );
            if no.is_empty() && ja.is_empty() && en.is_empty() {
                // Continues the designation above (long notes split over rows).
                match current.as_mut() {
                    Some(e) => self.fill(e, header, row, &loc, wallets, sink),
                    None => sink.diagnostic(Diagnostic::warning(
                        "orphan-row",
                        "row has no notice number and no name, and no designation above it; ignored",
                        loc,
                    )),
                }
                continue;
            }
            if let Some(done) = current.take() {
                sink.entity(done)?;
            }
            if ja.is_empty() && en.is_empty() {
                if !date.contains("削除") {
                    sink.diagnostic(Diagnostic::warning(
                        "missing-name",
                        format!("notice {no} has no name; skipped"),
                        loc.field("日本語表記"),
                    ));
                }
                continue;
            }
            let mut key: String = no
                .trim()
                .trim_start_matches(['*', '#', '＊', '＃'])
                .split(['(', '（'])
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            if key.is_empty() {
                key = format!("r{line}");
                sink.diagnostic(Diagnostic::warning(
                    "missing-id",
                    format!("row has no notice number; its id uses the row number ({key}), which changes if rows move"),
                    loc.clone().field("告示番号"),
                ));
            }
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                sink.diagnostic(Diagnostic::warning(
                    "duplicate-id",
                    format!("notice number {key} appears again in this sheet; this row gets id suffix -{n}"),
                    loc.clone().field("告示番号"),
                ));
                key = format!("{key}-{n}");
            }
            let mut e = Entity::new(format!("jp-{}-{key}", self.key), self.schema);
            for name in en.lines() {
                match name.split_once("original script") {
                    Some((before, script)) => {
                        e.add(prop::NAME, before.trim().trim_end_matches(['（', '(']));
                        e.add(
                            prop::ALIAS,
                            script
                                .trim_start_matches([':', '：', ' '])
                                .trim_end_matches(['）', ')']),
                        );
                    }
                    None => e.add(prop::NAME, name),
                }
            }
            e.add(prop::NAME, &ja);
            e.add(prop::PROGRAM, &self.program);
            e.add(prop::NOTES, format!("告示番号 {no}"));
            for (j, l) in date.lines().enumerate() {
                let l = l.trim();
                match dotted_ymd(l) {
                    Some(d) if j == 0 => e.add_date(prop::LISTING_DATE, &DateValue::Exact(d)),
                    Some(d) => e.add_date(prop::MODIFIED_AT, &DateValue::Exact(d)),
                    None if !l.is_empty() => sink.diagnostic(Diagnostic::warning(
                        "bad-date",
                        format!("cannot read notice date {l:?}; ignored"),
                        loc.clone().field("告示日付"),
                    )),
                    None => {}
                }
            }
            self.fill(&mut e, header, row, &loc, wallets, sink);
            current = Some(e);
        }
        if let Some(done) = current {
            sink.entity(done)?;
        }
        Ok(())
    }

    /// Adds the non-name columns of a row.
    fn fill(
        &self,
        e: &mut Entity,
        header: &[Col],
        row: &[Data],
        loc: &Location,
        wallets: &mut Wallets,
        sink: &mut dyn EntitySink,
    ) {
        let id = e.id.clone();
        for (col, cell) in header.iter().zip(row.iter()) {
            let text = cell_text(cell);
            let text = text.trim();
            if text.is_empty() || is_unknown(text) {
                continue;
            }
            let field = || loc.clone().field(header_name(*col)).record(id.clone());
            match col {
                Col::Alias | Col::PreviousName | Col::WeakAlias => {
                    let mut previous = *col == Col::PreviousName;
                    for item in split_names(text) {
                        // 別称・旧称 cells mark their former names with （旧称）.
                        let item = if let Some(rest) = item
                            .strip_prefix("（旧称）")
                            .or_else(|| item.strip_prefix("(旧称)"))
                        {
                            previous = true;
                            rest.trim().to_owned()
                        } else if let Some(rest) = item
                            .strip_prefix("（別称）")
                            .or_else(|| item.strip_prefix("(別称)"))
                        {
                            previous = *col == Col::PreviousName;
                            rest.trim().to_owned()
                        } else {
                            item
                        };
                        let p = match col {
                            Col::WeakAlias => prop::WEAK_ALIAS,
                            _ if previous => prop::PREVIOUS_NAME,
                            _ => prop::ALIAS,
                        };
                        for form in name_forms(&item) {
                            e.add(p, form);
                        }
                    }
                }
                Col::Title => e.add(prop::TITLE, text),
                Col::Position => e.add_all(prop::POSITION, text.lines()),
                Col::Dob => {
                    let dates = cell_dates(cell);
                    if dates.is_empty() {
                        sink.diagnostic(Diagnostic::warning(
                            "bad-date",
                            format!("cannot read {text:?} as a date of birth; kept in notes"),
                            field(),
                        ));
                        e.add(prop::NOTES, format!("生年月日: {text}"));
                    }
                    if e.schema == Schema::LegalEntity {
                        e.schema = Schema::Person;
                    }
                    for d in dates {
                        e.add_date(prop::BIRTH_DATE, &d);
                    }
                }
                Col::BirthPlace => e.add(prop::BIRTH_PLACE, text),
                Col::Nationality => {
                    for part in split_items(text)
                        .iter()
                        .flat_map(|p| p.split('/'))
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                    {
                        match jp_country(part) {
                            Some(c) => e.add(prop::NATIONALITY, c),
                            None => {
                                sink.diagnostic(Diagnostic::warning(
                                    "unknown-country",
                                    format!(
                                        "{part:?} is not a country Cordon knows; kept in notes"
                                    ),
                                    field(),
                                ));
                                e.add(prop::NOTES, format!("国籍: {part}"));
                            }
                        }
                    }
                }
                Col::Passport | Col::IdNumber => {
                    let p = if *col == Col::Passport {
                        prop::PASSPORT_NUMBER
                    } else {
                        prop::ID_NUMBER
                    };
                    let numbers = document_numbers(text);
                    e.add_all(p, &numbers);
                    if numbers.is_empty() || !text.is_ascii() {
                        e.add(prop::NOTES, format!("{}: {text}", header_name(*col)));
                    }
                }
                Col::Address => {
                    e.add_all(prop::ADDRESS, text.split(['；', ';', '\n']).map(str::trim))
                }
                Col::Phone => e.add(prop::PHONE, text),
                Col::UnRef => e.add(prop::NOTES, format!("UN reference: {text}")),
                Col::UnDate => {
                    let d: Vec<String> = cell_dates(cell).iter().map(ToString::to_string).collect();
                    let shown = if d.is_empty() {
                        text.to_owned()
                    } else {
                        d.join(", ")
                    };
                    e.add(
                        prop::NOTES,
                        format!("{}{shown}", prop::UN_LISTING_DATE_NOTE),
                    );
                }
                Col::Note => {
                    e.add(prop::NOTES, text);
                    self.read_note(e, text, wallets);
                }
                Col::NoticeDate | Col::NoticeNo | Col::JaName | Col::EnName => {}
            }
        }
    }

    /// Facts the notes column states in `label：value` lines.
    fn read_note(&self, e: &mut Entity, text: &str, wallets: &mut Wallets) {
        let mut in_crypto = false;
        for line in text.lines().map(str::trim) {
            let (label, value) = match line.split_once(['：', ':']) {
                Some((l, v)) => (l.trim(), v.trim()),
                None => ("", line),
            };
            if !label.is_empty() {
                in_crypto = label.contains("暗号資産");
            }
            match label {
                "性別" if value.contains("男") => e.add(prop::GENDER, "male"),
                "性別" if value.contains("女") => e.add(prop::GENDER, "female"),
                "出生地" => e.add(prop::BIRTH_PLACE, value),
                "死亡年月日" => jp_dates(value)
                    .iter()
                    .for_each(|d| e.add_date(prop::DEATH_DATE, d)),
                "生年月日" => {
                    let dates = jp_dates(value);
                    // Sheets that mix people and organisations note a person's birth date here.
                    if !dates.is_empty() && e.schema == Schema::LegalEntity {
                        e.schema = Schema::Person;
                    }
                    dates.iter().for_each(|d| e.add_date(prop::BIRTH_DATE, d));
                }
                l if l.contains("IMO") || l.contains("船舶登録") => {
                    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
                    if digits.len() == 7 {
                        e.add(prop::IMO_NUMBER, format!("IMO{digits}"));
                    }
                }
                l if l.contains("SWIFT") => e.add(prop::SWIFT_BIC, value.replace(' ', "")),
                _ => {}
            }
            if in_crypto {
                for addr in value
                    .split(['；', ';', ' '])
                    .map(str::trim)
                    .filter(|a| a.len() >= 16)
                {
                    let ticker = if addr.starts_with("0x") {
                        "ETH"
                    } else if addr.starts_with('T') && addr.len() == 34 {
                        "TRX"
                    } else {
                        "XBT"
                    };
                    if wallets.add(ticker, addr, Some(&e.id)).is_some() {
                        e.add(
                            prop::NOTES,
                            format!("暗号資産アドレス (crypto address): {addr}"),
                        );
                    }
                }
            }
        }
    }
}

/// Document numbers in a passport or id cell: the leading code of each `；`/`、`-separated part
/// (`645120378（北朝鮮旅券）、旅券失効日：…` → `645120378`).
fn document_numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split(['；', ';', '\n', '、', ',', '，']) {
        let part = part.trim();
        if part.contains("日：") || part.contains("日:") {
            continue;
        }
        let value = part
            .rsplit_once(['：', ':'])
            .map_or(part, |(_, v)| v)
            .trim();
        let code: String = value
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '(' | ')'))
            .collect();
        let code = code.trim_end_matches(['(', '-', '/']).to_owned();
        if code.len() >= 5 && code.chars().any(|c| c.is_ascii_digit()) {
            out.push(code);
        }
    }
    out
}

fn header_name(col: Col) -> &'static str {
    match col {
        Col::NoticeDate => "告示日付",
        Col::NoticeNo => "告示番号",
        Col::JaName => "日本語表記",
        Col::EnName => "英語表記",
        Col::Alias => "別称・別名",
        Col::PreviousName => "旧称",
        Col::WeakAlias => "確定に十分でない別名",
        Col::Title => "称号",
        Col::Position => "役職",
        Col::Dob => "生年月日",
        Col::BirthPlace => "出生地",
        Col::Nationality => "国籍",
        Col::Passport => "旅券番号",
        Col::IdNumber => "ID番号",
        Col::Address => "住所",
        Col::Phone => "電話",
        Col::UnRef => "国連参照番号",
        Col::UnDate => "リスト掲載日",
        Col::Note => "その他の情報",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(s: &str) -> Vec<String> {
        jp_dates(s).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn japanese_dates() {
        assert_eq!(dates("1965年6月29日"), ["1965-06-29"]);
        assert_eq!(dates("昭和40年6月29日"), ["1965-06-29"]);
        assert_eq!(dates("平成元年1月8日"), ["1989-01-08"]);
        assert_eq!(dates("１９５０年"), ["1950"]);
        assert_eq!(dates("1965年又は1966年"), ["1965", "1966"]);
        assert_eq!(
            dates("1984年8月15日；\r\n1984年10月18日"),
            ["1984-08-15", "1984-10-18"]
        );
        assert_eq!(dates("1970年生\r\nBorn 1970"), ["1970"]);
        assert_eq!(dates("1960年頃"), ["~1960"]);
        assert_eq!(
            dates("1941年8月20日セルビア共和国ポジャレヴァッツ生"),
            ["1941-08-20"]
        );
        assert!(dates("不明").is_empty());
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(
            excel_serial(25569.0).map(|d| d.to_string()).as_deref(),
            Some("1970-01-01")
        );
        // Kim Jong Un's listed birth date, 8 January 1984.
        assert_eq!(
            excel_serial(30689.0).map(|d| d.to_string()).as_deref(),
            Some("1984-01-08")
        );
        assert_eq!(excel_serial(-5.0), None);
    }

    #[test]
    fn regression_names_split_inside_brackets_are_whole_again() {
        // The real workbook's alias cells: labelled lists in brackets, remarks, enumerations
        // inside a wrapper; splitting at every `、` or line left `（別称` and `株式会社SNSZ）`.
        assert_eq!(
            split_names(
                "（別称、株式会社SNSZ）\r\n(a.k.a. Joint Stock Company SNSZ; a.k.a. “JSC SNSZ”)"
            ),
            ["株式会社SNSZ", "Joint Stock Company SNSZ", "“JSC SNSZ”"]
        );
        assert_eq!(
            split_names(
                "(a)ムハンマド・ユスフ(b)アミヌッラー・アミン）\r\n (a.k.a.: (a)Muhammad Yusuf (b)Aminullah Amin)"
            ),
            [
                "ムハンマド・ユスフ",
                "アミヌッラー・アミン",
                "Muhammad Yusuf",
                "Aminullah Amin"
            ]
        );
        assert_eq!(
            split_names(
                "(a.k.a.: (a) Sayf-Al Adl (DOB: 11 Apr. 1963. In Arabic: سيف العدل )  (b)Muhamad Makkawi (DOB: a)11 Apr. 1960 b)11 Apr. 1963) (c)Ibrahim al-Madani)"
            ),
            ["Sayf-Al Adl", "Muhamad Makkawi", "Ibrahim al-Madani"]
        );
        assert_eq!(
            split_names(
                "(a.k.a.:(a)Mohammad Shafiq Ahmadi(previously listed as) (b)Mullah Shafiqullah )イゼンキサイ"
            ),
            ["Mohammad Shafiq Ahmadi", "Mullah Shafiqullah"]
        );
        assert_eq!(
            split_names("THE ORGANIZATION (a.k.a.: (a)AQIM (b)AQMI)"),
            ["THE ORGANIZATION", "AQIM", "AQMI"]
        );
        assert_eq!(
            split_names(
                "(b) \r\n(Yunis al-Mauritani; Younis al-Mauritani)  (c)Salih the Mauritanian"
            ),
            [
                "Yunis al-Mauritani",
                "Younis al-Mauritani",
                "Salih the Mauritanian"
            ]
        );
        assert_eq!(
            name_forms("حسن غول (Hassan Ghul; Hassan Gul)"),
            ["حسن غول", "Hassan Ghul", "Hassan Gul"]
        );
        // The markers of former and other names stay for the caller.
        assert_eq!(split_names("（旧称）ABC商事"), ["（旧称）ABC商事"]);
    }

    #[test]
    fn items_and_forms() {
        assert_eq!(
            split_items(
                "(a)フランク・カコレレ（FRANK KAKORERE）、(b)エーグル・ブラン（AIGLE BLANC） "
            ),
            [
                "フランク・カコレレ（FRANK KAKORERE）",
                "エーグル・ブラン（AIGLE BLANC）"
            ]
        );
        assert_eq!(
            name_forms("エーグル・ブラン（AIGLE BLANC）"),
            ["エーグル・ブラン", "AIGLE BLANC"]
        );
        assert_eq!(
            split_items("ヒドゥン・コブラ；オフィス９１\r\nHidden Cobra; Office 91"),
            [
                "ヒドゥン・コブラ",
                "オフィス９１",
                "Hidden Cobra",
                "Office 91"
            ]
        );
        assert_eq!(
            document_numbers(
                "108220348（北朝鮮旅券）、旅券失効日：2023年5月18日; 745220480（北朝鮮旅券）"
            ),
            ["108220348", "745220480"]
        );
    }

    #[test]
    fn countries() {
        assert_eq!(jp_country("北朝鮮"), Some("kp"));
        assert_eq!(jp_country("スロバキア共和国"), Some("sk"));
        assert_eq!(jp_country("ロシア連邦"), Some("ru"));
    }
}
