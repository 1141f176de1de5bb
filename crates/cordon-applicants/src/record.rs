//! The applicant/account record (`docs/applicants.md`) and its JSON-lines and CSV readers.
//!
//! Reading is lenient per value and strict per record: a malformed e-mail, phone, IP, date or
//! country is dropped with a warning and the record is still screened; a line that is not a
//! JSON object, is not UTF-8, has no `id` or repeats an earlier `id` is rejected with an error.
//! Either way the diagnostic names the line, the record and the field.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::net::IpAddr;

use cordon_model::{Diagnostic, Location, PartialDate};
use jiff::Timestamp;
use rustc_hash::FxHashSet;
use serde::Serialize;
use serde_json::{Map, Value};

/// Limits on what one record may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Longest résumé kept, in bytes (longer ones are cut at a character boundary, with a
    /// warning): a 10 MB paste is read, not refused.
    pub max_resume_bytes: usize,
    /// Longest input line, in bytes (longer lines are rejected unread).
    pub max_line_bytes: usize,
    /// Most logins kept per record.
    pub max_logins: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_resume_bytes: 1 << 20,
            max_line_bytes: 64 << 20,
            max_logins: 100_000,
        }
    }
}

/// A postal address with its role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    /// `home`, `shipping`, `billing`… (lower case; `home` when not given).
    pub kind: String,
    /// The address as written.
    pub text: String,
    /// ISO alpha-2 country (upper case), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct IdDocument {
    /// `passport`, `national_id`, `driving_licence`…
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    /// The number.
    pub number: Option<String>,
    /// Issuing country (ISO alpha-2, upper case).
    pub country: Option<String>,
}

/// Where the applicant asks to be paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PayoutAccount {
    /// Account number, IBAN, payment handle or crypto address.
    pub number: String,
    /// `bank`, `paypal`, `payoneer`, `crypto`… when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Country of the bank (given, or the IBAN's first two letters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Account holder's name, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
}

/// One login or activity event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Login {
    /// When (UTC).
    pub time: Option<Timestamp>,
    /// From which address.
    pub ip: Option<IpAddr>,
    /// Browser user agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Device fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// UI / Accept-Language locale (`ko-KR`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// A job or client in the work history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Employment {
    /// Employer or client name.
    pub employer: String,
    /// Its website, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Start year, when given (written as `start`, as read).
    #[serde(
        rename = "start",
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_year"
    )]
    pub start_year: Option<u16>,
}

/// Interview metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Interview {
    /// Whether the camera was on (`false` = refused or "broken").
    pub camera_on: Option<bool>,
    /// Video interviews declined or cut short for "technical problems".
    pub video_declined: u32,
}

/// One applicant or platform account.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Applicant {
    /// The caller's id (required, unique in a batch).
    pub id: String,
    /// Names, first the main one.
    pub names: Vec<String>,
    /// Date of birth.
    #[serde(serialize_with = "ser_date")]
    pub date_of_birth: Option<PartialDate>,
    /// Nationality (ISO alpha-2, upper case).
    pub nationality: Option<String>,
    /// E-mail addresses as given (valid ones only).
    pub emails: Vec<String>,
    /// Phone numbers in E.164 (valid ones only).
    pub phones: Vec<String>,
    /// Addresses.
    pub addresses: Vec<Address>,
    /// Identity documents.
    pub id_documents: Vec<IdDocument>,
    /// Payout accounts.
    pub payout_accounts: Vec<PayoutAccount>,
    /// Crypto wallet addresses.
    pub wallets: Vec<String>,
    /// Login events.
    pub logins: Vec<Login>,
    /// Claimed country of residence (ISO alpha-2, upper case).
    pub claimed_country: Option<String>,
    /// Claimed time zone (IANA name or fixed offset such as `+05:30`).
    pub claimed_timezone: Option<String>,
    /// Résumé or proposal text.
    pub resume: Option<String>,
    /// Profile photo perceptual hash (64-bit; written as 16 hex digits, as read).
    #[serde(serialize_with = "ser_phash")]
    pub photo_phash: Option<u64>,
    /// Code-hosting and social handles.
    pub handles: Vec<String>,
    /// Work history.
    pub employment: Vec<Employment>,
    /// Education (school names).
    pub education: Vec<String>,
    /// Interview metadata.
    pub interview: Option<Interview>,
    /// Websites (portfolio, personal site).
    pub websites: Vec<String>,
    /// Fields this format does not know, kept as read (and written back beside the others).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl Applicant {
    /// Writes the record as one JSON line of the input format (it reads back equal).
    pub fn write_line(&self, w: impl std::io::Write) -> std::io::Result<()> {
        crate::json_line(self, w)
    }
}

fn ser_phash<S: serde::Serializer>(h: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match h {
        Some(h) => s.serialize_str(&format!("{h:016x}")),
        None => s.serialize_none(),
    }
}

fn ser_year<S: serde::Serializer>(y: &Option<u16>, s: S) -> Result<S::Ok, S::Error> {
    match y {
        Some(y) => s.serialize_str(&y.to_string()),
        None => s.serialize_none(),
    }
}

fn ser_date<S: serde::Serializer>(d: &Option<PartialDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

/// A record read from a line, or why it could not be.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Records read (each with its 1-based line).
    pub records: Vec<(u64, Applicant)>,
    /// Warnings (value dropped, record kept) and errors (record rejected).
    pub diagnostics: Vec<Diagnostic>,
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    JsonLines,
    /// CSV with a header of field names; lists separated by `;`.
    Csv,
}

impl Format {
    /// The format a file name suggests (`.csv` is CSV, anything else JSON lines).
    pub fn from_path(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::JsonLines,
        }
    }
}

/// Reads records in the given format. Never fails: unreadable lines become diagnostics.
pub fn read_records(
    input: impl BufRead,
    format: Format,
    file: Option<&std::path::Path>,
    limits: &ReadLimits,
) -> ReadOutcome {
    let mut ctx = Ctx::new(file, limits);
    match format {
        Format::JsonLines => read_json_lines(input, &mut ctx, &mut |_| {}),
        Format::Csv => read_csv(input, &mut ctx, &mut |_| {}),
    }
    ctx.out
}

/// [`read_records`] in chunks: `each` gets every `chunk` records (the last chunk may be
/// smaller) with the diagnostics of the lines read since the previous one, so a file need not
/// be held in memory. Ids are checked for repeats across the whole input.
pub fn read_records_chunked(
    input: impl BufRead,
    format: Format,
    file: Option<&std::path::Path>,
    limits: &ReadLimits,
    chunk: usize,
    each: &mut dyn FnMut(ReadOutcome),
) {
    let mut ctx = Ctx::new(file, limits);
    let chunk = chunk.max(1);
    let mut flush = |out: &mut ReadOutcome| {
        if out.records.len() >= chunk {
            each(std::mem::take(out));
        }
    };
    match format {
        Format::JsonLines => read_json_lines(input, &mut ctx, &mut flush),
        Format::Csv => read_csv(input, &mut ctx, &mut flush),
    }
    if !ctx.out.records.is_empty() || !ctx.out.diagnostics.is_empty() {
        each(ctx.out);
    }
}

/// Parses one JSON object (an HTTP request body) into a record.
pub fn parse_record(value: &Value, limits: &ReadLimits) -> (Option<Applicant>, Vec<Diagnostic>) {
    let mut ctx = Ctx::new(None, limits);
    ctx.object(0, value);
    (ctx.out.records.pop().map(|(_, a)| a), ctx.out.diagnostics)
}

/// Reads the records of an HTTP request body: one JSON object, or an array of them (a batch).
///
/// The same checks as [`read_records`]; a diagnostic of an array item names it by its JSON
/// path (`section` `[3]`), and the records carry their 1-based item number instead of a line.
pub fn records_from_json(value: &Value, limits: &ReadLimits) -> ReadOutcome {
    let mut ctx = Ctx::new(None, limits);
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let before = ctx.out.diagnostics.len();
                let n = i as u64 + 1;
                ctx.object(0, item);
                if let Some((line, _)) = ctx.out.records.last_mut()
                    && *line == 0
                {
                    *line = n;
                }
                for d in ctx.out.diagnostics.iter_mut().skip(before) {
                    d.location.section = Some(format!("[{i}]"));
                }
            }
        }
        v => ctx.object(0, v),
    }
    ctx.out
}

struct Ctx {
    out: ReadOutcome,
    seen: FxHashSet<String>,
    file: Option<std::path::PathBuf>,
    limits: ReadLimits,
}

impl Ctx {
    fn new(file: Option<&std::path::Path>, limits: &ReadLimits) -> Ctx {
        Ctx {
            out: ReadOutcome {
                records: Vec::new(),
                diagnostics: Vec::new(),
            },
            seen: FxHashSet::default(),
            file: file.map(std::path::Path::to_path_buf),
            limits: *limits,
        }
    }

    fn loc(&self, line: u64, id: Option<&str>, field: Option<&str>) -> Location {
        let mut l = Location::default();
        l.file.clone_from(&self.file);
        if line > 0 {
            l.line = Some(line);
        }
        l.record = id.map(str::to_owned);
        l.field = field.map(str::to_owned);
        l
    }

    fn error(&mut self, line: u64, id: Option<&str>, field: Option<&str>, code: &str, msg: String) {
        let loc = self.loc(line, id, field);
        self.out.diagnostics.push(Diagnostic::error(code, msg, loc));
    }

    fn warn(&mut self, line: u64, id: &str, field: &str, code: &str, msg: String) {
        let loc = self.loc(line, Some(id), Some(field));
        self.out
            .diagnostics
            .push(Diagnostic::warning(code, msg, loc));
    }

    /// Converts one JSON object into a record.
    fn object(&mut self, line: u64, value: &Value) {
        let Some(obj) = value.as_object() else {
            self.error(
                line,
                None,
                None,
                "not-an-object",
                "a record must be a JSON object".into(),
            );
            return;
        };
        let id = match obj.get("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => {
                self.error(
                    line,
                    None,
                    Some("id"),
                    "bad-id",
                    "`id` must be a non-empty string".into(),
                );
                return;
            }
            None => {
                self.error(
                    line,
                    None,
                    Some("id"),
                    "missing-id",
                    "the record has no `id`".into(),
                );
                return;
            }
        };
        if !self.seen.insert(id.clone()) {
            self.error(
                line,
                Some(&id),
                Some("id"),
                "duplicate-id",
                format!("id {id:?} was already used by an earlier record; this one is skipped"),
            );
            return;
        }
        let mut a = Applicant {
            id: id.clone(),
            ..Applicant::default()
        };
        for (key, v) in obj {
            if v.is_null() {
                continue;
            }
            self.field(line, &mut a, key, v, obj);
        }
        self.out.records.push((line, a));
    }

    fn strings(&mut self, line: u64, id: &str, field: &str, v: &Value) -> Vec<String> {
        match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    match it {
                        Value::String(s) => out.push(s.clone()),
                        Value::Number(n) => out.push(n.to_string()),
                        Value::Null => {}
                        _ => self.warn(
                            line,
                            id,
                            field,
                            "bad-type",
                            format!("`{field}` items must be strings; one was dropped"),
                        ),
                    }
                }
                out
            }
            Value::Number(n) => vec![n.to_string()],
            _ => {
                self.warn(
                    line,
                    id,
                    field,
                    "bad-type",
                    format!("`{field}` must be a string or a list of strings"),
                );
                Vec::new()
            }
        }
    }

    fn string(&mut self, line: u64, id: &str, field: &str, v: &Value) -> Option<String> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::String(_) => None,
            Value::Number(n) => Some(n.to_string()),
            _ => {
                self.warn(
                    line,
                    id,
                    field,
                    "bad-type",
                    format!("`{field}` must be a string"),
                );
                None
            }
        }
    }

    fn country(&mut self, line: u64, id: &str, field: &str, v: &str) -> Option<String> {
        let c = country_code(v);
        if c.is_none() {
            self.warn(
                line,
                id,
                field,
                "bad-country",
                format!("{v:?} is not a known country; ignored"),
            );
        }
        c
    }

    fn field(
        &mut self,
        line: u64,
        a: &mut Applicant,
        key: &str,
        v: &Value,
        obj: &Map<String, Value>,
    ) {
        let id = a.id.clone();
        let id = id.as_str();
        match key {
            "id" => {}
            "names" | "name" => a.names.extend(
                self.strings(line, id, key, v)
                    .into_iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
            ),
            "date_of_birth" => {
                if let Some(s) = self.string(line, id, key, v) {
                    match parse_birth_date(&s) {
                        Ok(d) => a.date_of_birth = Some(d),
                        Err(why) => self.warn(line, id, key, "bad-date", why),
                    }
                }
            }
            "nationality" => {
                if let Some(s) = self.string(line, id, key, v) {
                    a.nationality = self.country(line, id, key, &s);
                }
            }
            "claimed_country" => {
                if let Some(s) = self.string(line, id, key, v) {
                    a.claimed_country = self.country(line, id, key, &s);
                }
            }
            "claimed_timezone" => {
                if let Some(s) = self.string(line, id, key, v) {
                    if parse_tz(&s).is_some() {
                        a.claimed_timezone = Some(s);
                    } else {
                        self.warn(
                            line,
                            id,
                            key,
                            "bad-timezone",
                            format!("{s:?} is neither an IANA time zone nor an offset like +05:30"),
                        );
                    }
                }
            }
            "emails" | "email" => {
                for e in self.strings(line, id, key, v) {
                    if cordon_er::normalize::email(&e).is_some() {
                        a.emails.push(e.trim().to_owned());
                    } else {
                        self.warn(
                            line,
                            id,
                            key,
                            "bad-email",
                            format!("{e:?} is not an e-mail address; dropped"),
                        );
                    }
                }
            }
            "phones" | "phone" => {
                let region = obj
                    .get("claimed_country")
                    .and_then(Value::as_str)
                    .and_then(country_code);
                for p in self.strings(line, id, key, v) {
                    match crate::phone::e164(&p, region.as_deref()) {
                        Some(n) => a.phones.push(n),
                        None => self.warn(
                            line,
                            id,
                            key,
                            "bad-phone",
                            format!("{p:?} is not a valid phone number; dropped"),
                        ),
                    }
                }
            }
            "websites" | "website" => a.websites.extend(self.strings(line, id, key, v)),
            "wallets" => a.wallets.extend(
                self.strings(line, id, key, v)
                    .into_iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
            ),
            "handles" => a.handles.extend(self.strings(line, id, key, v)),
            "education" => {
                if let Value::Array(items) = v {
                    for it in items {
                        match it {
                            Value::String(s) => a.education.push(s.clone()),
                            Value::Object(o) => {
                                if let Some(s) = o.get("school").and_then(Value::as_str) {
                                    a.education.push(s.to_owned());
                                }
                            }
                            _ => {}
                        }
                    }
                } else {
                    a.education.extend(self.strings(line, id, key, v));
                }
            }
            "resume" => {
                if let Some(mut s) = self.string(line, id, key, v) {
                    if s.len() > self.limits.max_resume_bytes {
                        let mut cut = self.limits.max_resume_bytes;
                        while !s.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        self.warn(
                            line,
                            id,
                            key,
                            "resume-too-long",
                            format!("résumé of {} bytes cut to its first {cut} bytes", s.len()),
                        );
                        s.truncate(cut);
                    }
                    a.resume = Some(s);
                }
            }
            "photo_phash" => {
                if let Some(s) = self.string(line, id, key, v) {
                    match cordon_er::normalize::phash(&s) {
                        Some(h) => a.photo_phash = Some(h),
                        None => self.warn(
                            line,
                            id,
                            key,
                            "bad-phash",
                            format!("{s:?} is not a 64-bit hash in 16 hex digits; ignored"),
                        ),
                    }
                }
            }
            "addresses" => self.addresses(line, a, v),
            "id_documents" => self.id_documents(line, a, v),
            "payout_accounts" => self.payouts(line, a, v),
            "logins" => self.logins(line, a, v),
            "employment" => self.employment(line, a, v),
            "interview" => {
                if let Value::Object(o) = v {
                    a.interview = Some(Interview {
                        camera_on: o.get("camera_on").and_then(Value::as_bool),
                        video_declined: o
                            .get("video_declined")
                            .and_then(Value::as_u64)
                            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
                    });
                } else {
                    self.warn(
                        line,
                        id,
                        key,
                        "bad-type",
                        "`interview` must be an object".into(),
                    );
                }
            }
            _ => {
                a.extra.insert(key.to_owned(), v.clone());
            }
        }
    }

    fn objects<'v>(&mut self, line: u64, id: &str, field: &str, v: &'v Value) -> Vec<&'v Value> {
        match v {
            Value::Array(items) => items.iter().filter(|x| !x.is_null()).collect(),
            Value::Object(_) | Value::String(_) => vec![v],
            _ => {
                self.warn(
                    line,
                    id,
                    field,
                    "bad-type",
                    format!("`{field}` must be a list"),
                );
                Vec::new()
            }
        }
    }

    fn addresses(&mut self, line: u64, a: &mut Applicant, v: &Value) {
        let id = a.id.clone();
        for it in self.objects(line, &id, "addresses", v) {
            let (kind, text, country) = match it {
                Value::String(s) => ("home".to_owned(), s.clone(), None),
                Value::Object(o) => (
                    field_text(o, "kind").map_or_else(|| "home".to_owned(), |k| k.to_lowercase()),
                    field_text(o, "text").unwrap_or_default(),
                    field_text(o, "country"),
                ),
                _ => continue,
            };
            if text.trim().is_empty() {
                self.warn(
                    line,
                    &id,
                    "addresses",
                    "missing-field",
                    "an address has no `text`; dropped".into(),
                );
                continue;
            }
            let country = country.and_then(|c| self.country(line, &id, "addresses.country", &c));
            a.addresses.push(Address {
                kind,
                text: text.trim().to_owned(),
                country,
            });
        }
    }

    fn id_documents(&mut self, line: u64, a: &mut Applicant, v: &Value) {
        let id = a.id.clone();
        for it in self.objects(line, &id, "id_documents", v) {
            let Value::Object(o) = it else {
                self.warn(
                    line,
                    &id,
                    "id_documents",
                    "bad-type",
                    "an id document must be an object".into(),
                );
                continue;
            };
            let country = field_text(o, "country")
                .and_then(|c| self.country(line, &id, "id_documents.country", &c));
            a.id_documents.push(IdDocument {
                doc_type: field_text(o, "type"),
                number: field_text(o, "number"),
                country,
            });
        }
    }

    fn payouts(&mut self, line: u64, a: &mut Applicant, v: &Value) {
        let id = a.id.clone();
        for it in self.objects(line, &id, "payout_accounts", v) {
            let mut p = match it {
                Value::String(s) => PayoutAccount {
                    number: s.trim().to_owned(),
                    ..PayoutAccount::default()
                },
                Value::Object(o) => PayoutAccount {
                    number: field_text(o, "number").unwrap_or_default(),
                    method: field_text(o, "method").map(|m| m.to_lowercase()),
                    country: field_text(o, "country"),
                    holder: field_text(o, "holder"),
                },
                _ => continue,
            };
            if p.number.is_empty() {
                self.warn(
                    line,
                    &id,
                    "payout_accounts",
                    "missing-field",
                    "a payout account has no `number`; dropped".into(),
                );
                continue;
            }
            p.country = match p.country.take() {
                Some(c) => self.country(line, &id, "payout_accounts.country", &c),
                None => iban_country(&p.number),
            };
            a.payout_accounts.push(p);
        }
    }

    fn logins(&mut self, line: u64, a: &mut Applicant, v: &Value) {
        let id = a.id.clone();
        let items = self.objects(line, &id, "logins", v);
        if items.len() > self.limits.max_logins {
            self.warn(
                line,
                &id,
                "logins",
                "too-many-logins",
                format!(
                    "{} logins; only the first {} are used",
                    items.len(),
                    self.limits.max_logins
                ),
            );
        }
        let (mut bad_ip, mut bad_time) = (0usize, 0usize);
        let mut first_bad: Option<String> = None;
        for it in items.into_iter().take(self.limits.max_logins) {
            let Value::Object(o) = it else {
                self.warn(
                    line,
                    &id,
                    "logins",
                    "bad-type",
                    "a login must be an object".into(),
                );
                continue;
            };
            let time = match o.get("time") {
                Some(Value::Number(n)) => n.as_i64().and_then(|t| Timestamp::from_second(t).ok()),
                Some(Value::String(t)) => {
                    let p = parse_time(t);
                    if p.is_none() {
                        bad_time += 1;
                        first_bad.get_or_insert_with(|| format!("time {t:?}"));
                    }
                    p
                }
                _ => None,
            };
            let ip = match field_text(o, "ip") {
                Some(t) => {
                    let p = t.parse::<IpAddr>().ok();
                    if p.is_none() {
                        bad_ip += 1;
                        first_bad.get_or_insert_with(|| format!("ip {t:?}"));
                    }
                    p
                }
                None => None,
            };
            a.logins.push(Login {
                time,
                ip,
                user_agent: field_text(o, "user_agent"),
                device: field_text(o, "device"),
                locale: field_text(o, "locale"),
            });
        }
        if bad_ip > 0 {
            self.warn(
                line,
                &id,
                "logins.ip",
                "bad-ip",
                format!(
                    "{bad_ip} login IP(s) malformed and ignored (first: {})",
                    first_bad.clone().unwrap_or_default()
                ),
            );
        }
        if bad_time > 0 {
            self.warn(
                line,
                &id,
                "logins.time",
                "bad-date",
                format!(
                    "{bad_time} login time(s) unreadable or impossible and ignored (first: {})",
                    first_bad.unwrap_or_default()
                ),
            );
        }
    }

    fn employment(&mut self, line: u64, a: &mut Applicant, v: &Value) {
        let id = a.id.clone();
        for it in self.objects(line, &id, "employment", v) {
            match it {
                Value::String(s) if !s.trim().is_empty() => a.employment.push(Employment {
                    employer: s.trim().to_owned(),
                    ..Employment::default()
                }),
                Value::Object(o) => {
                    let Some(employer) = field_text(o, "employer")
                        .or_else(|| field_text(o, "client"))
                        .or_else(|| field_text(o, "name"))
                    else {
                        self.warn(
                            line,
                            &id,
                            "employment",
                            "missing-field",
                            "a job has no `employer`; dropped".into(),
                        );
                        continue;
                    };
                    let start_year = field_text(o, "start")
                        .and_then(|d| d.get(..4).and_then(|y| y.parse().ok()));
                    a.employment.push(Employment {
                        employer,
                        website: field_text(o, "website"),
                        start_year,
                    });
                }
                _ => {}
            }
        }
    }
}

/// `after_line` sees what was read so far after each line (to hand out chunks).
fn read_json_lines(
    mut input: impl BufRead,
    ctx: &mut Ctx,
    after_line: &mut dyn FnMut(&mut ReadOutcome),
) {
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                ctx.error(
                    line + 1,
                    None,
                    None,
                    "read-error",
                    format!("cannot read: {e}"),
                );
                break;
            }
        }
        line += 1;
        if buf.len() > ctx.limits.max_line_bytes {
            ctx.error(
                line,
                None,
                None,
                "line-too-long",
                format!(
                    "line of {} bytes exceeds {}",
                    buf.len(),
                    ctx.limits.max_line_bytes
                ),
            );
            continue;
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t,
            Err(e) => {
                ctx.error(
                    line,
                    None,
                    None,
                    "invalid-utf8",
                    format!(
                        "not UTF-8 at byte {} of the line; record skipped",
                        e.valid_up_to()
                    ),
                );
                continue;
            }
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(text) {
            Ok(v) => ctx.object(line, &v),
            Err(e) => ctx.error(line, None, None, "bad-json", format!("not JSON: {e}")),
        }
        after_line(&mut ctx.out);
    }
}

/// Fields whose CSV cell holds several values separated by `;`.
const CSV_LISTS: [&str; 8] = [
    "names",
    "emails",
    "phones",
    "wallets",
    "handles",
    "education",
    "websites",
    "payout_accounts",
];

fn read_csv(input: impl BufRead, ctx: &mut Ctx, after_line: &mut dyn FnMut(&mut ReadOutcome)) {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers: Vec<String> = match rdr.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_owned())
            .collect(),
        Err(e) => {
            ctx.error(
                1,
                None,
                None,
                "bad-csv",
                format!("cannot read the header: {e}"),
            );
            return;
        }
    };
    let mut rec = csv::ByteRecord::new();
    loop {
        let line = rec.position().map_or(0, |p| p.line());
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let l = e.position().map_or(line + 1, |p| p.line());
                ctx.error(
                    l,
                    None,
                    None,
                    "bad-csv",
                    format!("unreadable CSV record: {e}"),
                );
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = rec.position().map_or(0, |p| p.line());
        let mut obj = Map::new();
        let mut utf8_ok = true;
        for (name, cell) in headers.iter().zip(rec.iter()) {
            let Ok(cell) = std::str::from_utf8(cell) else {
                utf8_ok = false;
                break;
            };
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            obj.insert(name.clone(), csv_value(name, cell));
        }
        if !utf8_ok {
            ctx.error(
                line,
                None,
                None,
                "invalid-utf8",
                "a cell is not UTF-8; record skipped".into(),
            );
            continue;
        }
        ctx.object(line, &Value::Object(obj));
        after_line(&mut ctx.out);
    }
}

/// A CSV cell as the JSON value of that field (see `docs/applicants.md`).
fn csv_value(name: &str, cell: &str) -> Value {
    let parts = || cell.split(';').map(str::trim).filter(|s| !s.is_empty());
    match name {
        n if CSV_LISTS.contains(&n) => Value::Array(parts().map(|s| Value::String(s.into())).collect()),
        "addresses" => Value::Array(
            parts()
                .map(|p| {
                    let (kind, text) = p.split_once(':').unwrap_or(("home", p));
                    serde_json::json!({"kind": kind.trim(), "text": text.trim()})
                })
                .collect(),
        ),
        "id_documents" => Value::Array(
            parts()
                .map(|p| {
                    let mut f = p.split('|').map(str::trim);
                    serde_json::json!({"type": f.next(), "number": f.next(), "country": f.next()})
                })
                .collect(),
        ),
        "logins" => Value::Array(
            parts()
                .map(|p| {
                    let mut f = p.split('|').map(str::trim).map(|s| (!s.is_empty()).then_some(s));
                    serde_json::json!({"time": f.next().flatten(), "ip": f.next().flatten(),
                        "user_agent": f.next().flatten(), "device": f.next().flatten(), "locale": f.next().flatten()})
                })
                .collect(),
        ),
        "employment" => Value::Array(
            parts()
                .map(|p| {
                    let mut f = p.split('|').map(str::trim);
                    serde_json::json!({"employer": f.next(), "website": f.next(), "start": f.next()})
                })
                .collect(),
        ),
        "interview" => {
            let mut o = Map::new();
            for kv in parts() {
                if let Some((k, v)) = kv.split_once('=') {
                    let v = v.trim();
                    let val = match v {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        _ => v.parse::<u64>().map_or_else(|_| Value::String(v.into()), Value::from),
                    };
                    o.insert(k.trim().to_owned(), val);
                }
            }
            Value::Object(o)
        }
        _ => Value::String(cell.to_owned()),
    }
}

/// A trimmed, non-empty string member of a JSON object (the one way nested items read text).
fn field_text(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// ISO alpha-2 (upper case) of a code or country name.
pub(crate) fn country_code(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() == 2 && cordon_model::country::is_code(s) {
        return Some(s.to_ascii_uppercase());
    }
    cordon_model::country::code(s).map(str::to_ascii_uppercase)
}

/// The country of an IBAN-looking account number.
fn iban_country(number: &str) -> Option<String> {
    let n: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    let b = n.as_bytes();
    if b.len() >= 15
        && b.iter().take(2).all(u8::is_ascii_uppercase)
        && b.iter().skip(2).take(2).all(u8::is_ascii_digit)
    {
        let cc = n.get(..2)?;
        return cordon_model::country::is_code(cc).then(|| cc.to_owned());
    }
    None
}

/// A birth date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar date, not in the future.
fn parse_birth_date(s: &str) -> Result<PartialDate, String> {
    let mut it = s.trim().split('-');
    let num = |p: Option<&str>| -> Result<Option<u32>, String> {
        match p {
            None => Ok(None),
            Some(x) if !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()) && x.len() <= 4 => {
                x.parse::<u32>().map(Some).map_err(|e| e.to_string())
            }
            Some(_) => Err(format!(
                "{s:?} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"
            )),
        }
    };
    let y = num(it.next())?.ok_or_else(|| format!("{s:?} has no year"))?;
    let m = num(it.next())?;
    let d = num(it.next())?;
    if it.next().is_some() {
        return Err(format!(
            "{s:?} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)"
        ));
    }
    let date = PartialDate::new(
        u16::try_from(y).unwrap_or(0),
        m.map(|m| u8::try_from(m).unwrap_or(0)),
        d.map(|d| u8::try_from(d).unwrap_or(0)),
    )
    .ok_or_else(|| format!("{s:?} is an impossible date"))?;
    let this_year = jiff::Zoned::now().year();
    if i32::from(date.year) > i32::from(this_year) {
        return Err(format!("{s:?} is in the future"));
    }
    Ok(date)
}

/// A login time: RFC 3339 (`2025-03-01T02:00:00Z`, with offset) or Unix seconds.
fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    if let Ok(n) = s.parse::<i64>() {
        return Timestamp::from_second(n).ok();
    }
    // A civil time without offset is taken as UTC.
    s.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
}

/// A claimed time zone: an IANA name, `UTC`, or a fixed offset (`+09:00`, `UTC-5`).
pub(crate) fn parse_tz(s: &str) -> Option<jiff::tz::TimeZone> {
    let s = s.trim();
    if let Ok(tz) = jiff::tz::TimeZone::get(s) {
        return Some(tz);
    }
    let rest = s
        .strip_prefix("UTC")
        .or_else(|| s.strip_prefix("GMT"))
        .unwrap_or(s);
    if rest.is_empty() {
        return Some(jiff::tz::TimeZone::UTC);
    }
    let (sign, rest) = match rest.as_bytes().first() {
        Some(b'+') => (1i32, rest.get(1..)?),
        Some(b'-') => (-1i32, rest.get(1..)?),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    let secs = sign * (h * 3600 + m * 60);
    jiff::tz::Offset::from_seconds(secs)
        .ok()
        .map(jiff::tz::TimeZone::fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_birth_dates_are_refused() {
        assert!(parse_birth_date("1990-02-30").is_err());
        assert!(parse_birth_date("1990-13").is_err());
        assert!(parse_birth_date("3020-01-01").is_err());
        assert!(parse_birth_date("1990-02-28").is_ok());
        assert!(parse_birth_date("1990").is_ok());
    }

    #[test]
    fn time_zones_by_name_and_offset() {
        assert!(parse_tz("America/Chicago").is_some());
        assert!(parse_tz("+05:30").is_some());
        assert!(parse_tz("UTC-5").is_some());
        assert!(parse_tz("Mars/Olympus").is_none());
    }

    #[test]
    fn iban_country_from_number() {
        assert_eq!(
            iban_country("DE89370400440532013000").as_deref(),
            Some("DE")
        );
        assert_eq!(iban_country("12345"), None);
    }
}
