//! Chinese characters → toneless pinyin, and traditional → simplified folding.
//!
//! Readings come from the `pinyin` crate (Unihan-derived, simplified and traditional alike).
//! Surnames are read with their surname reading where it differs from the everyday one
//! (单 is Shan, not Dan; 曾 is Zeng; 朴 is Piao), and compound surnames (欧阳, 司马, 诸葛 …)
//! stay together in the unspaced form. The traditional → simplified table is generated from
//! Unihan `kSimplifiedVariant` by `scripts/gen_hanja_table.py`.
//!
//! ```
//! use cordon_text::chinese;
//! assert_eq!(chinese::pinyin_forms("吳惠惠"), ["wu hui hui", "wu huihui"]);
//! assert_eq!(chinese::to_simplified("吳惠惠"), "吴惠惠");
//! ```

#[path = "chinese_table.rs"]
mod table;

use std::borrow::Cow;
use std::sync::OnceLock;

use pinyin::ToPinyin;
use rustc_hash::FxHashSet;

/// Every toneless syllable [`pinyin_forms`] writes for a Han character (ü as `v`), sorted:
/// the words of a spaced pinyin form come from this closed set, so what a word of it
/// analyses to can be made once per syllable (`name::vocabulary_word`).
#[rustfmt::skip]
pub const PINYIN_SYLLABLES: &[&str] = &[
    "a", "ai", "an", "ang", "ao", "ba", "bai", "ban", "bang", "bao", "bei", "ben", "beng", "bi",
    "bian", "biang", "biao", "bie", "bin", "bing", "bo", "bong", "bu", "ca", "cai", "can", "cang",
    "cao", "ce", "cei", "cen", "ceng", "cha", "chai", "chan", "chang", "chao", "che", "chen",
    "cheng", "chi", "chong", "chou", "chu", "chua", "chuai", "chuan", "chuang", "chui", "chun",
    "chuo", "ci", "cong", "cou", "cu", "cuan", "cui", "cun", "cuo", "da", "dai", "dan", "dang",
    "dao", "de", "den", "deng", "di", "dian", "diao", "die", "din", "ding", "diu", "dong", "dou",
    "du", "duan", "dui", "dun", "duo", "e", "ei", "en", "eng", "er", "fa", "fan", "fang", "fei",
    "fen", "feng", "fiao", "fo", "fou", "fu", "ga", "gai", "gan", "gang", "gao", "ge", "gei", "gen",
    "geng", "gong", "gou", "gu", "gua", "guai", "guan", "guang", "gui", "gun", "guo", "ha", "hai",
    "han", "hang", "hao", "he", "hei", "hen", "heng", "hm", "hong", "hou", "hu", "hua", "huai",
    "huan", "huang", "hui", "hun", "huo", "ji", "jia", "jian", "jiang", "jiao", "jie", "jin",
    "jing", "jiong", "jiu", "ju", "juan", "jue", "jun", "ka", "kai", "kan", "kang", "kao", "ke",
    "ken", "keng", "kong", "kou", "ku", "kua", "kuai", "kuan", "kuang", "kui", "kun", "kuo", "la",
    "lai", "lan", "lang", "lao", "le", "lei", "leng", "li", "lia", "lian", "liang", "liao", "lie",
    "lin", "ling", "liu", "lo", "long", "lou", "lu", "luan", "lun", "luo", "lv", "lve", "m", "ma",
    "mai", "man", "mang", "mao", "me", "mei", "men", "meng", "mi", "mian", "miao", "mie", "min",
    "ming", "miu", "mo", "mou", "mu", "n", "na", "nai", "nan", "nang", "nao", "ne", "nei", "nen",
    "neng", "ni", "nian", "niang", "niao", "nie", "nin", "ning", "niu", "nong", "nou", "nu", "nuan",
    "nun", "nuo", "nv", "nve", "o", "ou", "pa", "pai", "pan", "pang", "pao", "pei", "pen", "peng",
    "pi", "pian", "piao", "pie", "pin", "ping", "po", "pou", "pu", "qi", "qia", "qian", "qiang",
    "qiao", "qie", "qin", "qing", "qiong", "qiu", "qu", "quan", "que", "qun", "ran", "rang", "rao",
    "re", "ren", "reng", "ri", "rong", "rou", "ru", "rua", "ruan", "rui", "run", "ruo", "sa", "sai",
    "san", "sang", "sao", "se", "sen", "seng", "sha", "shai", "shan", "shang", "shao", "she",
    "shen", "sheng", "shi", "shou", "shu", "shua", "shuai", "shuan", "shuang", "shui", "shun",
    "shuo", "si", "song", "sou", "su", "suan", "sui", "sun", "suo", "ta", "tai", "tan", "tang",
    "tao", "te", "teng", "ti", "tian", "tiao", "tie", "ting", "tong", "tou", "tu", "tuan", "tui",
    "tun", "tuo", "wa", "wai", "wan", "wang", "wei", "wen", "weng", "wo", "wong", "wu", "xi", "xia",
    "xian", "xiang", "xiao", "xie", "xin", "xing", "xiong", "xiu", "xu", "xuan", "xue", "xun", "ya",
    "yan", "yang", "yao", "ye", "yi", "yin", "ying", "yo", "yong", "you", "yu", "yuan", "yue",
    "yun", "za", "zai", "zan", "zang", "zao", "ze", "zei", "zen", "zeng", "zha", "zhai", "zhan",
    "zhang", "zhao", "zhe", "zhen", "zheng", "zhi", "zhong", "zhou", "zhu", "zhua", "zhuai",
    "zhuan", "zhuang", "zhui", "zhun", "zhuo", "zi", "zong", "zou", "zu", "zuan", "zui", "zun",
    "zuo",
];

/// Surnames whose reading differs from the character's most common reading, in simplified
/// and traditional form.
const SURNAME_READINGS: &[(char, &str)] = &[
    ('单', "shan"),
    ('單', "shan"),
    ('曾', "zeng"),
    ('解', "xie"),
    ('区', "ou"),
    ('區', "ou"),
    ('朴', "piao"),
    ('仇', "qiu"),
    ('查', "zha"),
    ('盖', "ge"),
    ('蓋', "ge"),
    ('乐', "yue"),
    ('樂', "yue"),
    ('覃', "qin"),
    ('秘', "bi"),
    ('种', "chong"),
    ('種', "chong"),
    ('繁', "po"),
    ('召', "shao"),
    ('翟', "zhai"),
    ('缪', "miao"),
    ('繆', "miao"),
    ('员', "yun"),
    ('員', "yun"),
    ('折', "she"),
    ('华', "hua"),
    ('華', "hua"),
    ('纪', "ji"),
    ('紀', "ji"),
    ('燕', "yan"),
    ('柏', "bai"),
    ('薄', "bo"),
    ('叶', "ye"),
    ('葉', "ye"),
    ('洗', "xian"),
    ('冼', "xian"),
    ('藏', "zang"),
    ('句', "gou"),
    ('宓', "mi"),
    ('粘', "nian"),
    ('隗', "wei"),
    ('郇', "huan"),
    ('尉', "yu"),
    ('万', "wan"),
    ('长', "zhang"),
    ('長', "zhang"),
    ('参', "can"),
    ('參', "can"),
];

/// Two-character surnames, kept together as one word in the unspaced form.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "慕容", "东方", "東方", "皇甫", "尉迟",
    "尉遲", "公孙", "公孫", "令狐", "长孙", "長孫", "宇文", "司徒", "夏侯", "端木", "百里", "南宫",
    "南宮", "申屠", "轩辕", "軒轅", "西门", "西門", "万俟", "萬俟", "独孤", "獨孤", "呼延", "闻人",
    "聞人", "澹台", "澹臺", "公冶", "太史", "濮阳", "濮陽", "淳于", "单于", "單于", "钟离", "鍾離",
    "宗政", "赫连", "赫連", "鲜于", "鮮于", "司空", "第五",
];

/// Whether `c` is a CJK unified or compatibility ideograph.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{323AF}')
}

/// The simplified form of each traditional character (吳 → 吴, 龍 → 龙); other characters
/// unchanged. Borrows when nothing changes.
pub fn to_simplified(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| simplified(c) != c) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(simplified).collect())
}

/// The simplified form of a character. A few of the table's variants have variants of their
/// own (薴 → 苧 → 苎): the chain is followed to its end, so that simplifying twice gives what
/// simplifying once gives.
fn simplified(c: char) -> char {
    simplified_among(variants(), c)
}

/// The characters the simplified table changes, and maybe others.
fn variants() -> &'static BmpSet {
    static VARIANTS: OnceLock<BmpSet> = OnceLock::new();
    VARIANTS.get_or_init(|| BmpSet::of(table::TO_SIMPLIFIED.iter().map(|e| e.0)))
}

/// [`simplified`], the set of [`variants`] at hand: asked for each character, the set was a
/// `OnceLock` read each time.
fn simplified_among(variants: &BmpSet, c: char) -> char {
    // Most characters of a name are simplified already: the bit says so without a search.
    if !is_han(c) || !variants.may_hold(c) {
        return c;
    }
    let step = |c: char| {
        table::TO_SIMPLIFIED
            .binary_search_by_key(&c, |e| e.0)
            .ok()
            .and_then(|i| table::TO_SIMPLIFIED.get(i))
            .map_or(c, |e| e.1)
    };
    let mut c = c;
    // Bounded: the table's longest chain has two steps; a cycle must not loop forever.
    for _ in 0..4 {
        let next = step(c);
        if next == c {
            break;
        }
        c = next;
    }
    c
}

/// Toneless pinyin forms of a Han string, lower case, one syllable per character, ü as `v`
/// (as on Chinese passports: 吕 → `lv`).
///
/// The spaced form comes first (`金正恩` → `jin zheng en`). When the whole text is one run
/// of two to four Han characters (a personal name), the surname-plus-joined-given-name form
/// follows (`jin zhengen`), with a compound surname kept together (`欧阳修` → `ouyang xiu`).
/// The first character is read as a surname (单 → `shan`). Non-Han characters pass through
/// (ASCII lower-cased; runs of whitespace become one space), so the output is ASCII exactly
/// when the input is Han and ASCII. Empty input gives no forms.
pub fn pinyin_forms(s: &str) -> Vec<String> {
    let s = s.trim();
    if s.is_empty() {
        return Vec::new();
    }
    let mut spaced = String::with_capacity(s.len() * 2);
    let mut syllables: Vec<&'static str> = Vec::with_capacity(4);
    let mut all_han = true;
    // Each Han reading is a word; other runs of non-space characters are words too.
    let mut in_word = false;
    for (i, (c, p)) in s.chars().zip(s.to_pinyin()).enumerate() {
        if let Some(p) = p {
            let r = match i {
                0 => surname_reading(c).unwrap_or_else(|| p.plain()),
                _ => p.plain(),
            };
            if !spaced.is_empty() {
                spaced.push(' ');
            }
            push_pinyin(&mut spaced, r);
            syllables.push(r);
            in_word = false;
            continue;
        }
        all_han = false;
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        if !in_word && !spaced.is_empty() {
            spaced.push(' ');
        }
        spaced.push(c.to_ascii_lowercase());
        in_word = true;
    }
    let mut forms = vec![spaced];
    if all_han && (2..=4).contains(&syllables.len()) {
        let surname_len =
            if COMPOUND_SURNAMES.iter().any(|cs| s.starts_with(cs)) && syllables.len() > 2 {
                2
            } else {
                1
            };
        let (sur, given) = syllables.split_at(surname_len.min(syllables.len()));
        let mut f = String::with_capacity(s.len() * 2);
        sur.iter().for_each(|r| push_pinyin(&mut f, r));
        f.push(' ');
        given.iter().for_each(|r| push_pinyin(&mut f, r));
        if !forms.contains(&f) {
            forms.push(f);
        }
    }
    forms
}

/// Chinese organisation words and their usual English renderings in company names (`科技` =
/// technology, `有限公司` = Co. Ltd). Simplified forms; longest entries win.
const ORG_WORDS: &[(&str, &str)] = &[
    ("股份有限公司", "co ltd"),
    ("有限责任公司", "co ltd"),
    ("有限公司", "co ltd"),
    ("责任公司", "company"),
    ("公司", "company"),
    ("集团", "group"),
    ("控股", "holdings"),
    ("科技", "technology"),
    ("技术", "technology"),
    ("贸易商行", "trading co"),
    ("商行", "trading co"),
    ("商贸", "trade"),
    ("贸易", "trading"),
    ("进出口", "import export"),
    ("国际", "international"),
    ("实业", "industrial"),
    ("工业", "industry"),
    ("微电子", "microelectronics"),
    ("电子", "electronic"),
    ("光电", "optoelectronic"),
    ("发展", "development"),
    ("物流", "logistics"),
    ("信息", "information"),
    ("航空", "aviation"),
    ("航天", "aerospace"),
    ("宇航", "aerospace"),
    ("石化", "petrochemical"),
    ("石油", "oil"),
    ("化工", "chemical"),
    ("机床", "machine tool"),
    ("机械", "machinery"),
    ("数控", "cnc"),
    ("供应链", "supply chain"),
    ("管理", "management"),
    ("货运代理", "freight forwarding"),
    ("货运", "freight"),
    ("代理", "agency"),
    ("新材料", "new material"),
    ("材料", "material"),
    ("能源", "energy"),
    ("设备", "equipment"),
    ("装备", "equipment"),
    ("制造", "manufacturing"),
    ("精密", "precision"),
    ("智能", "intelligent"),
    ("零部件", "components"),
    ("元件", "components"),
    ("网络", "network"),
    ("软件", "software"),
    ("通信", "communication"),
    ("投资", "investment"),
    ("银行", "bank"),
    ("船舶", "shipping"),
    ("海运", "shipping"),
    ("航运", "shipping"),
    ("运输", "transport"),
    ("工程", "engineering"),
    ("建设", "construction"),
    ("研究院", "research institute"),
    ("研究所", "research institute"),
    ("空间", "space"),
    ("卫星", "satellite"),
    ("公安局", "public security bureau"),
    ("生产", "production"),
    ("兵团", "corps"),
    ("医药", "pharmaceutical"),
    ("矿业", "mining"),
    ("钢铁", "steel"),
    ("世纪", "century"),
    ("半导体", "semiconductor"),
    ("仪器", "instrument"),
    ("系统", "systems"),
    // Compounds of trade (科贸 = 科技 + 贸易) and more industry words, with the meanings
    // CC-CEDICT gives them and the wording the companies' own English names use.
    ("科工贸", "technology industry and trade"),
    ("科贸", "technology and trade"),
    ("工贸", "industry and trade"),
    ("经贸", "economic and trade"),
    ("外贸", "foreign trade"),
    ("激光", "laser"),
    ("发动机", "engine"),
    ("无人机", "uav"),
    ("机电", "electromechanical"),
    ("电气", "electric"),
    ("电器", "electrical appliance"),
    ("电力", "power"),
    ("电池", "battery"),
    ("光学", "optical"),
    ("光纤", "optical fiber"),
    ("新能源", "new energy"),
    ("生物", "biological"),
    ("化学", "chemical"),
    ("汽车", "automobile"),
    ("自动化", "automation"),
    ("仪表", "instrument"),
    ("传感", "sensor"),
    ("通讯", "communication"),
    ("数码", "digital"),
    ("计算机", "computer"),
    ("芯片", "chip"),
    ("集成电路", "integrated circuit"),
    ("咨询", "consulting"),
    ("服务", "services"),
    ("商务", "business"),
    ("金属", "metal"),
    ("海事", "maritime"),
    ("港口", "port"),
    ("仓储", "warehousing"),
    ("制药", "pharmaceutical"),
    ("药业", "pharmaceutical"),
    ("香港", "hk"),
    ("澳门", "macau"),
    ("中国", "china"),
    ("内蒙古", "inner mongolia"),
    ("台湾", "taiwan"),
    ("西藏", "tibet"),
    ("陕西", "shaanxi"),
    ("市", "city"),
    ("省", "province"),
];

/// Whether an English word comes from [`ORG_WORDS`] (an industry or legal-form word, not a
/// place): such words describe a company rather than name it.
pub fn is_org_gloss(word: &str) -> bool {
    // Hashed: asked of every word of a glossed form, a search of the sorted words compared
    // about six strings each time.
    static WORDS: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    WORDS
        .get_or_init(|| {
            ORG_WORDS
                .iter()
                .take_while(|(_, en)| *en != "hk")
                .flat_map(|(_, en)| en.split(' '))
                .collect()
        })
        .contains(word)
}

/// Every word [`organisation_form`] writes other than the pinyin of a run it does not gloss:
/// the English words of [`ORG_WORDS`] and the places' spellings, a closed set whose words'
/// analysis can be made once (`name::vocabulary_word`).
pub(crate) fn gloss_words() -> Vec<String> {
    let mut words: Vec<String> = ORG_WORDS
        .iter()
        .flat_map(|(_, en)| en.split(' '))
        .chain(PLACE_READINGS.iter().map(|(_, reading)| *reading))
        .map(str::to_owned)
        .collect();
    for place in PLACES {
        let mut w = Words::default();
        w.push_pinyin(&place.chars().map(simplified).collect::<Vec<char>>());
        words.push(w.text);
    }
    words.sort_unstable();
    words.dedup();
    words
}

/// A set of characters, one bit each below U+10000 (8 KiB): whether a character of a name is
/// in a table is asked of every character, and most are in none.
struct BmpSet(Box<[u64]>);

impl BmpSet {
    fn of(chars: impl Iterator<Item = char>) -> BmpSet {
        let mut bits = vec![0u64; 0x1_0000 / 64].into_boxed_slice();
        for c in chars {
            let c = c as usize;
            if let Some(w) = bits.get_mut(c / 64) {
                *w |= 1 << (c % 64);
            }
        }
        BmpSet(bits)
    }

    /// False only when `c` is certainly not in the set (a character past U+FFFF may be).
    fn may_hold(&self, c: char) -> bool {
        let c = c as usize;
        self.0.get(c / 64).is_none_or(|w| w >> (c % 64) & 1 == 1)
    }
}

/// Words of a table as characters, indexed by their first character, so that finding the
/// first table entry (in table order) that starts a text compares only entries that can.
struct ByFirstChar {
    words: Vec<Vec<char>>,
    /// (first character, table index), sorted.
    firsts: Vec<(char, usize)>,
    /// Where each first character's entries are in `firsts`: looked up once rather than
    /// searched for at every character a table's word may start with.
    ranges: rustc_hash::FxHashMap<char, (usize, usize)>,
    /// The first characters, for a text that starts with none of them.
    first_set: BmpSet,
}

impl ByFirstChar {
    fn new<'a>(words: impl Iterator<Item = &'a str>) -> ByFirstChar {
        let words: Vec<Vec<char>> = words.map(|w| w.chars().collect()).collect();
        let mut firsts: Vec<(char, usize)> = words
            .iter()
            .enumerate()
            .filter_map(|(i, w)| Some((*w.first()?, i)))
            .collect();
        firsts.sort_unstable();
        let mut ranges = rustc_hash::FxHashMap::default();
        for (at, &(c, _)) in firsts.iter().enumerate() {
            ranges.entry(c).or_insert((at, at)).1 = at + 1;
        }
        let first_set = BmpSet::of(firsts.iter().map(|&(c, _)| c));
        ByFirstChar {
            words,
            firsts,
            ranges,
            first_set,
        }
    }

    /// The table index of the first entry that `text` starts with, and its length in
    /// characters.
    fn first_match(&self, text: &[char]) -> Option<(usize, usize)> {
        let &c = text.first()?;
        if !self.first_set.may_hold(c) {
            return None;
        }
        let &(from, to) = self.ranges.get(&c)?;
        self.firsts
            .get(from..to)?
            .iter()
            .map(|&(_, i)| i)
            .find(|&i| self.words.get(i).is_some_and(|w| text.starts_with(w)))
            .map(|i| (i, self.words.get(i).map_or(0, Vec::len)))
    }
}

/// Places of [`PLACES`] with a character the pinyin table reads otherwise out of them (重
/// chóng, 厦 xià, 都 dū, 长 cháng, 佛 fó, 珲 hún): their official pinyin spelling.
const PLACE_READINGS: &[(&str, &str)] = &[
    ("重庆", "chongqing"),
    ("厦门", "xiamen"),
    ("成都", "chengdu"),
    ("长沙", "changsha"),
    ("长春", "changchun"),
    ("佛山", "foshan"),
    ("珲春", "hunchun"),
];

/// Places usually written in pinyin as one word of their own (`深圳` → `shenzhen`), so that
/// the distinctive part of a company name next to them stays a word apart.
const PLACES: &[&str] = &[
    "北京",
    "上海",
    "天津",
    "重庆",
    "深圳",
    "广州",
    "山东",
    "江苏",
    "浙江",
    "广东",
    "福建",
    "河北",
    "河南",
    "湖北",
    "湖南",
    "四川",
    "辽宁",
    "吉林",
    "黑龙江",
    "新疆",
    "安徽",
    "江西",
    "山西",
    "云南",
    "贵州",
    "广西",
    "海南",
    "甘肃",
    "青海",
    "宁夏",
    "大连",
    "青岛",
    "宁波",
    "厦门",
    "苏州",
    "杭州",
    "武汉",
    "成都",
    "西安",
    "长沙",
    "南京",
    "沈阳",
    "哈尔滨",
    "烟台",
    "无锡",
    "东莞",
    "佛山",
    "珠海",
    "义乌",
    "芜湖",
    "辽阳",
    "丹东",
    "延吉",
    "珲春",
    "郑州",
    "济南",
    "合肥",
    "福州",
    "昆明",
    "南宁",
    "长春",
    "石家庄",
    "太原",
    "兰州",
    "乌鲁木齐",
];

/// An English-keyed reading of a Chinese organisation name: known organisation words and
/// places in their usual English form, every other run of Han characters as one pinyin word
/// (`山东裕龙石化有限公司` → `shandong yulong petrochemical co ltd`). `None` when the text has
/// no organisation word (a personal name, or too short to tell).
pub fn organisation_form(s: &str) -> Option<String> {
    static ORG: OnceLock<ByFirstChar> = OnceLock::new();
    static PLACE: OnceLock<ByFirstChar> = OnceLock::new();
    let org_words = ORG.get_or_init(|| ByFirstChar::new(ORG_WORDS.iter().map(|(w, _)| *w)));
    let places = PLACE.get_or_init(|| ByFirstChar::new(PLACES.iter().copied()));
    // A company name's characters fit inline: a `Vec` was an allocation per analysis. Filled
    // where it is kept: collected, it was returned by value, a copy of its 256 bytes.
    let variants = variants();
    let mut chars: smallvec::SmallVec<[char; 64]> = smallvec::SmallVec::new();
    chars.extend(s.chars().map(|c| simplified_among(variants, c)));
    // Pinyin and glosses are about twice the bytes of the characters they read (three each):
    // room for them at once rather than grown three or four times.
    let mut out = Words {
        text: String::with_capacity(2 * s.len()),
        count: 0,
    };
    let mut glossed = false;
    // The run of Han characters not yet written, as a range of `chars`.
    let mut run = 0..0;
    let mut i = 0;
    while i < chars.len() {
        let rest = chars.get(i..).unwrap_or(&[]);
        if let Some((w, n)) = org_words.first_match(rest)
            && let Some((_, en)) = ORG_WORDS.get(w)
        {
            out.push_pinyin(chars.get(run).unwrap_or_default());
            out.start().push_str(en);
            glossed = true;
            i += n;
            run = i..i;
            continue;
        }
        if let Some((p, n)) = places.first_match(rest)
            && let Some(p) = PLACES.get(p)
        {
            out.push_pinyin(chars.get(run).unwrap_or_default());
            match PLACE_READINGS.iter().find(|(han, _)| han == p) {
                Some((_, reading)) => out.start().push_str(reading),
                None => out.push_pinyin(rest.get(..n).unwrap_or_default()),
            }
            i += n;
            run = i..i;
            continue;
        }
        let Some(&c) = rest.first() else { break };
        if is_han(c) {
            run.end = i + 1;
        } else {
            out.push_pinyin(chars.get(run).unwrap_or_default());
            if c.is_alphanumeric() {
                out.start().extend(c.to_lowercase());
                // Glue consecutive non-Han letters back into words.
                while let Some(&n) = chars
                    .get(i + 1)
                    .filter(|n| n.is_alphanumeric() && !is_han(**n))
                {
                    out.text.extend(n.to_lowercase());
                    i += 1;
                }
            }
            run = i + 1..i + 1;
        }
        i += 1;
    }
    out.push_pinyin(chars.get(run).unwrap_or_default());
    (glossed && out.count >= 2).then_some(out.text)
}

/// Words written one after another with a space between two, counted (a gloss of two English
/// words is one word of the form).
#[derive(Default)]
struct Words {
    text: String,
    count: usize,
}

impl Words {
    /// The text, a new word begun.
    fn start(&mut self) -> &mut String {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.count += 1;
        &mut self.text
    }

    /// A run of Han characters as one pinyin word (other characters lower-cased); nothing for
    /// none.
    fn push_pinyin(&mut self, han: &[char]) {
        if han.is_empty() {
            return;
        }
        let out = self.start();
        for &c in han {
            match c.to_pinyin() {
                Some(p) => push_pinyin(out, p.plain()),
                None => out.push(c.to_ascii_lowercase()),
            }
        }
    }
}

fn surname_reading(c: char) -> Option<&'static str> {
    SURNAME_READINGS.iter().find(|e| e.0 == c).map(|e| e.1)
}

fn push_pinyin(out: &mut String, reading: &str) {
    // Every reading but those with `ü` is ASCII: copied at once, not a `char` at a time.
    if reading.is_ascii() {
        out.push_str(reading);
        return;
    }
    for c in reading.chars() {
        out.push(if c == 'ü' { 'v' } else { c });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pinyin syllable list must hold every syllable a spaced pinyin form can write for a
    /// Han character, or such words fall back to being analysed each time they are met.
    #[test]
    fn regression_pinyin_syllables_hold_every_reading() {
        assert!(PINYIN_SYLLABLES.windows(2).all(|w| w[0] < w[1]));
        let mut missing = Vec::new();
        let code_points = (0x3000u32..0x1_0000).chain(0x2_0000..0x3_2000);
        for c in code_points.filter_map(char::from_u32) {
            let Some(p) = c.to_pinyin() else { continue };
            let mut written = String::new();
            push_pinyin(&mut written, p.plain());
            if PINYIN_SYLLABLES.binary_search(&written.as_str()).is_err() {
                missing.push((c, written));
            }
        }
        for &(c, reading) in SURNAME_READINGS {
            if PINYIN_SYLLABLES.binary_search(&reading).is_err() {
                missing.push((c, reading.to_owned()));
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn organisation_words_in_english_distinctive_part_in_pinyin() {
        assert_eq!(
            organisation_form("山东裕龙石化有限公司").as_deref(),
            Some("shandong yulong petrochemical co ltd")
        );
        assert_eq!(
            organisation_form("香港凱利實業有限公司").as_deref(),
            Some("hk kaili industrial co ltd")
        );
        assert_eq!(
            organisation_form("達仕恩(香港)科技有限公司").as_deref(),
            Some("dashien hk technology co ltd")
        );
        assert_eq!(organisation_form("金正恩"), None);
        assert_eq!(organisation_form(""), None);
    }

    #[test]
    fn trade_compounds_and_industry_words_are_glossed() {
        // EU annex: Beijing Xichao International Technology and Trade.
        assert_eq!(
            organisation_form("北京汐潮国际科贸有限公司").as_deref(),
            Some("beijing xichao international technology and trade co ltd")
        );
        // Shandong OreeLaser Technology Co., Ltd; Xiamen Limbach Aviation Engine Co., Ltd.
        assert_eq!(
            organisation_form("山东欧锐激光科技有限公司").as_deref(),
            Some("shandong ourui laser technology co ltd")
        );
        assert_eq!(
            organisation_form("厦门林巴贺航空发动机股份有限公司").as_deref(),
            Some("xiamen linbahe aviation engine co ltd")
        );
    }

    #[test]
    fn places_with_polyphonic_characters_read_as_their_official_pinyin() {
        assert_eq!(
            organisation_form("长沙天仪空间科技研究院有限公司").as_deref(),
            Some("changsha tianyi space technology research institute co ltd")
        );
        assert_eq!(
            organisation_form("重庆三峡油漆有限公司").as_deref(),
            Some("chongqing sanxiayouqi co ltd")
        );
        for (han, _) in PLACE_READINGS {
            assert!(PLACES.contains(han), "{han}");
        }
    }

    #[test]
    fn kim_jong_un_in_pinyin() {
        assert_eq!(pinyin_forms("金正恩"), ["jin zheng en", "jin zhengen"]);
    }

    #[test]
    fn traditional_and_simplified_read_alike() {
        assert_eq!(pinyin_forms("吴惠惠"), ["wu hui hui", "wu huihui"]);
        assert_eq!(pinyin_forms("吳惠惠"), pinyin_forms("吴惠惠"));
        assert_eq!(to_simplified("吳惠惠"), "吴惠惠");
        assert_eq!(to_simplified("龍"), "龙");
        assert!(matches!(to_simplified("吴 Kim"), Cow::Borrowed(_)));
    }

    #[test]
    fn surnames_take_their_surname_reading() {
        assert_eq!(pinyin_forms("单田芳")[0], "shan tian fang");
        assert_eq!(pinyin_forms("曾国藩")[0], "zeng guo fan");
        // Only the first character is a surname.
        assert_eq!(pinyin_forms("王单")[0], "wang dan");
    }

    #[test]
    fn compound_surnames_stay_together() {
        assert_eq!(pinyin_forms("欧阳修"), ["ou yang xiu", "ouyang xiu"]);
        assert_eq!(pinyin_forms("司马光")[1], "sima guang");
    }

    #[test]
    fn u_umlaut_is_v_and_other_text_passes_through() {
        assert_eq!(pinyin_forms("吕")[0], "lv");
        assert_eq!(pinyin_forms("金正恩 Kim"), ["jin zheng en kim"]);
        assert_eq!(pinyin_forms("  "), Vec::<String>::new());
        assert_eq!(pinyin_forms("ABC")[0], "abc");
    }

    #[test]
    fn simplified_table_is_sorted() {
        assert!(table::TO_SIMPLIFIED.windows(2).all(|w| w[0].0 < w[1].0));
    }

    /// The set of first characters only spares searches: every entry of both tables, alone
    /// and before other text, finds what a scan of the table in order finds (fails if the set
    /// misses a first character).
    #[test]
    fn first_match_as_by_scan_for_every_entry() {
        let org: Vec<&str> = ORG_WORDS.iter().map(|(w, _)| *w).collect();
        for table in [org, PLACES.to_vec()] {
            let indexed = ByFirstChar::new(table.iter().copied());
            for w in &table {
                for tail in ["", "公司", "x"] {
                    let text: Vec<char> = w.chars().chain(tail.chars()).collect();
                    let scanned = table.iter().enumerate().find_map(|(i, e)| {
                        let e: Vec<char> = e.chars().collect();
                        (!e.is_empty() && text.starts_with(&e)).then_some((i, e.len()))
                    });
                    assert_eq!(indexed.first_match(&text), scanned, "{w}{tail}");
                }
            }
        }
    }

    /// The set of traditional characters only spares searches: every Han character is
    /// simplified as by the table's search alone (fails if the set misses a table entry).
    #[test]
    fn simplified_as_by_search_for_every_han_character() {
        let searched = |c: char| {
            let mut c = c;
            for _ in 0..4 {
                let next = table::TO_SIMPLIFIED
                    .binary_search_by_key(&c, |e| e.0)
                    .map_or(c, |i| table::TO_SIMPLIFIED[i].1);
                if next == c {
                    break;
                }
                c = next;
            }
            c
        };
        for c in (0x3400u32..0x1_0000)
            .chain(0x2_0000..0x3_23B0)
            .filter_map(char::from_u32)
            .filter(|&c| is_han(c))
        {
            assert_eq!(simplified(c), searched(c), "{c}");
        }
    }

    #[test]
    fn regression_simplifying_is_idempotent_for_every_table_entry() {
        // Proptest once drew 薴, whose variant 苧 has a variant of its own (苎).
        assert_eq!(to_simplified("薴"), "苎");
        for &(from, _) in table::TO_SIMPLIFIED {
            let once = simplified(from);
            assert_eq!(simplified(once), once, "{from}");
        }
    }

    /// [`organisation_form`] as first written (a `String` per word, joined), which the
    /// current one must equal.
    fn organisation_form_as_first_written(s: &str) -> Option<String> {
        static ORG: OnceLock<ByFirstChar> = OnceLock::new();
        static PLACE: OnceLock<ByFirstChar> = OnceLock::new();
        let org_words = ORG.get_or_init(|| ByFirstChar::new(ORG_WORDS.iter().map(|(w, _)| *w)));
        let places = PLACE.get_or_init(|| ByFirstChar::new(PLACES.iter().copied()));
        let simple = to_simplified(s);
        let chars: Vec<char> = simple.chars().collect();
        let mut out: Vec<String> = Vec::new();
        let mut run = String::new();
        let mut glossed = false;
        let flush = |run: &mut String, out: &mut Vec<String>| {
            if !run.is_empty() {
                let mut w = String::with_capacity(run.len() * 2);
                for (c, p) in run.chars().zip(run.as_str().to_pinyin()) {
                    match p {
                        Some(p) => push_pinyin(&mut w, p.plain()),
                        None => w.push(c.to_ascii_lowercase()),
                    }
                }
                out.push(w);
                run.clear();
            }
        };
        let mut i = 0;
        while i < chars.len() {
            let rest = chars.get(i..).unwrap_or(&[]);
            if let Some((w, n)) = org_words.first_match(rest)
                && let Some((_, en)) = ORG_WORDS.get(w)
            {
                flush(&mut run, &mut out);
                out.push((*en).to_owned());
                glossed = true;
                i += n;
                continue;
            }
            if let Some((p, n)) = places.first_match(rest)
                && let Some(p) = PLACES.get(p)
            {
                flush(&mut run, &mut out);
                match PLACE_READINGS.iter().find(|(han, _)| han == p) {
                    Some((_, reading)) => out.push((*reading).to_owned()),
                    None => {
                        run.push_str(p);
                        flush(&mut run, &mut out);
                    }
                }
                i += n;
                continue;
            }
            let Some(&c) = rest.first() else { break };
            if is_han(c) {
                run.push(c);
            } else {
                flush(&mut run, &mut out);
                if c.is_alphanumeric() {
                    out.push(c.to_lowercase().collect());
                    // Glue consecutive non-Han letters back into words.
                    while let Some(&n) = chars
                        .get(i + 1)
                        .filter(|n| n.is_alphanumeric() && !is_han(**n))
                    {
                        if let Some(last) = out.last_mut() {
                            last.extend(n.to_lowercase());
                        }
                        i += 1;
                    }
                }
            }
            i += 1;
        }
        flush(&mut run, &mut out);
        (glossed && out.len() >= 2).then(|| out.join(" "))
    }

    proptest! {
        #[test]
        fn organisation_form_as_first_written_agrees(
            s in prop_oneof![
                "\\PC{0,30}",
                "(山东|裕龙|石化|有限公司|有限|公司|科技|香港|凱利|實業|重庆|厦门|深圳|市|中國|石油|\\(|\\)|（|）|APT|38|a|Z| |·){0,10}",
                "[\u{4E00}-\u{9FFF}a-zA-Z0-9 ()]{0,16}",
            ],
        ) {
            prop_assert_eq!(organisation_form(&s), organisation_form_as_first_written(&s));
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_ascii_for_han_input(s in prop_oneof!["\\PC{0,30}", "[\u{4E00}-\u{9FFF}a-zA-Z ]{0,12}"]) {
            let forms = pinyin_forms(&s);
            prop_assert!(forms.len() <= 2);
            for f in &forms {
                // Only characters without a reading survive, unchanged.
                prop_assert!(f.chars().all(|c| c.is_ascii() || s.contains(c)), "{:?} -> {:?}", s, f);
                prop_assert!(!f.chars().any(|c| c.is_ascii_uppercase()));
                if f.is_ascii() {
                    // Romanised output is a fixed point.
                    let again = pinyin_forms(f);
                    prop_assert_eq!(again.first(), Some(f));
                }
            }
            let once = to_simplified(&s).into_owned();
            prop_assert_eq!(to_simplified(&once), once.as_str());
        }

        #[test]
        fn word_index_finds_what_a_table_scan_finds(
            picks in proptest::collection::vec((0..ORG_WORDS.len() + PLACES.len(), 0..3usize), 0..6),
            noise in "[\u{4E00}-\u{4E20}有限公司北京]{0,4}",
        ) {
            // Table words run together, some cut short, with noise: every position is tried.
            let mut text: Vec<char> = noise.chars().collect();
            for (i, cut) in picks {
                let w = ORG_WORDS.get(i).map_or_else(|| PLACES.get(i - ORG_WORDS.len()).copied().unwrap_or(""), |e| e.0);
                let n = w.chars().count();
                text.extend(w.chars().take(n.saturating_sub(cut).max(1)));
            }
            let org = ByFirstChar::new(ORG_WORDS.iter().map(|(w, _)| *w));
            let places = ByFirstChar::new(PLACES.iter().copied());
            let scan = |words: &[&str], rest: &[char]| {
                words.iter().enumerate().find(|(_, w)| {
                    let w: Vec<char> = w.chars().collect();
                    rest.starts_with(&w)
                }).map(|(i, w)| (i, w.chars().count()))
            };
            let org_words: Vec<&str> = ORG_WORDS.iter().map(|(w, _)| *w).collect();
            for i in 0..text.len() {
                let rest = &text[i..];
                prop_assert_eq!(org.first_match(rest), scan(&org_words, rest));
                prop_assert_eq!(places.first_match(rest), scan(PLACES, rest));
            }
        }
    }

    #[test]
    fn org_gloss_words_are_the_english_words_before_the_places() {
        for (_, en) in ORG_WORDS.iter().take_while(|(_, en)| *en != "hk") {
            for w in en.split(' ') {
                assert!(is_org_gloss(w), "{w}");
            }
        }
        for w in ["hk", "shenzhen", "", "trading company"] {
            assert_eq!(
                is_org_gloss(w),
                ORG_WORDS
                    .iter()
                    .take_while(|(_, en)| *en != "hk")
                    .any(|(_, en)| en.split(' ').any(|x| x == w)),
                "{w}"
            );
        }
    }
}
