//! `pii-tagger`: our own fast PERSON/ADDRESS tagger, a linear-chain model in pure Rust.
//!
//! - **Tokens:** runs of letters and digits (an apostrophe between letters stays inside a word),
//!   every CJK/kana/Hangul character on its own, every other non-space character on its own.
//! - **Segments:** only runs of consecutive lines holding an upper-case letter or CJK text are
//!   tagged; lower-case prose, numbers and blank lines are skipped (the model never saw a name
//!   there in training either: training applies the same segmentation).
//! - **Features** (about 30 per token, hashed with FNV-1a into `buckets` rows): the lower-cased
//!   word, its shape, prefix and suffixes, its neighbours ±2 and their shapes, word bigrams,
//!   dictionary hits (the structured detectors' given names and surnames, their not-a-name and
//!   company words, street words, CJK surnames and address characters), and the line's layout:
//!   whether it looks like code, the key before a `:`/`=` on the line (`name: …`), the CSV/TSV
//!   column header above the token, whether the token touches its neighbours (`foo.Bar`, `Arc<`).
//! - **Model:** an averaged structured perceptron over BIO tags (`O`, `PER`, `ADDR`, and `ORG`, a
//!   negative class for organisations), decoded by Viterbi with BIO constraints; weights quantised
//!   to i16 with one scale, scores summed in integers.
//!
//! The file format (`tagger.bin`, little endian): `PWTG`, format u32, buckets u32, labels u32,
//! scale f32, `labels × labels` start+transition i32 rows (row 0 = start), then `buckets ×
//! labels` i16 weights. Its sha256 is in the manifest and checked before loading.

use std::collections::HashSet;
use std::path::Path;

use promptwall_detect::detectors::person::NameLexicon;
use promptwall_detect::{ContextModel, EntityType, Finding};

use crate::error::MlError;
use crate::manifest::Manifest;

/// Detector id reported with every finding of this model.
pub const TAGGER_ID: &str = "model.pii_tagger";
/// Tag set, in weight order.
pub const LABELS: [&str; 7] = ["O", "B-PER", "I-PER", "B-ADDR", "I-ADDR", "B-ORG", "I-ORG"];
pub const NL: usize = LABELS.len();
const MAGIC: &[u8; 4] = b"PWTG";
const FORMAT: u32 = 1;

/// Entity class of a label (0 = O, 1 = PER, 2 = ADDR, 3 = ORG).
pub fn class_of(label: usize) -> usize {
    label.div_ceil(2)
}
fn is_inside(label: usize) -> bool {
    label != 0 && label % 2 == 0
}
/// Whether `to` may follow `from` (`None`: sentence start) under BIO.
pub fn allowed(from: Option<usize>, to: usize) -> bool {
    !is_inside(to) || from.is_some_and(|f| f != 0 && class_of(f) == class_of(to))
}

/// CJK ideographs, kana and Hangul: scripts without capitals or spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x3005)
}

/// One token: byte range and whether a line break / a space precedes it.
#[derive(Debug, Clone)]
pub struct Tok {
    pub start: usize,
    pub end: usize,
    pub nl_before: bool,
    pub space_before: bool,
    /// A tab (a column break) precedes it.
    pub tab_before: bool,
}

/// Tokens of `text[from..to]` (offsets into `text`).
pub fn tokenize(text: &str, from: usize, to: usize) -> Vec<Tok> {
    let mut toks = Vec::new();
    let s = &text[from..to];
    let mut it = s.char_indices().peekable();
    let (mut nl, mut sp, mut tab) = (true, true, false);
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            if c == '\n' {
                nl = true;
            }
            if c == '\t' {
                tab = true;
            }
            sp = true;
            continue;
        }
        let start = from + i;
        let mut end = start + c.len_utf8();
        if c.is_alphanumeric() && !is_cjk(c) {
            while let Some(&(j, d)) = it.peek() {
                if d.is_alphanumeric() && !is_cjk(d) {
                    end = from + j + d.len_utf8();
                    it.next();
                } else if matches!(d, '\'' | '’') {
                    // An apostrophe between letters (`O'Brien`, `d'Arc`) stays in the word.
                    let mut look = it.clone();
                    look.next();
                    match look.peek() {
                        Some(&(_, e)) if e.is_alphabetic() && !is_cjk(e) => {
                            it.next();
                        }
                        _ => break,
                    }
                } else {
                    break;
                }
            }
        }
        toks.push(Tok { start, end, nl_before: nl, space_before: sp, tab_before: tab });
        nl = false;
        sp = false;
        tab = false;
    }
    toks
}

/// Byte ranges worth tagging: runs of consecutive lines that hold an upper-case letter or CJK text.
pub fn segments(text: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let end = at + line.len();
        if line.chars().any(|c| c.is_uppercase() || is_cjk(c)) {
            match out.last_mut() {
                Some(last) if last.1 == at => last.1 = end,
                _ => out.push((at, end)),
            }
        }
        at = end;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Dictionaries

const STREET_WORDS: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "dr",
    "court",
    "ct",
    "way",
    "place",
    "pl",
    "terrace",
    "close",
    "crescent",
    "square",
    "parkway",
    "pkwy",
    "highway",
    "hwy",
    "circle",
    "trail",
    "row",
    "grove",
    "mews",
    "suite",
    "apt",
    "unit",
    "floor",
    "straße",
    "strasse",
    "str",
    "weg",
    "platz",
    "allee",
    "gasse",
    "ring",
    "damm",
    "rue",
    "chemin",
    "allée",
    "impasse",
    "quai",
    "calle",
    "avenida",
    "avda",
    "plaza",
    "paseo",
    "camino",
    "via",
    "viale",
    "piazza",
    "corso",
    "largo",
    "rua",
    "travessa",
    "praça",
    "alameda",
    "straat",
    "laan",
    "plein",
    "gracht",
    "kade",
    "marg",
    "nagar",
    "road",
    "cedex",
    "po",
    "box",
    "bis",
    "piso",
    "andar",
    "bloco",
    "sala",
    "wing",
    "flat",
    "house",
];
const CJK_SURNAMES: &str = "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤佐藤鈴木橋渡辺山本中村小加伊斎斉藤松井清水森池阿部吉野岡崎坂原福西太宮内長谷川김이박최정강조윤장임한오서신권황안송류홍";
const CJK_ADDRESS: &str = "市区區省县縣路街号號楼樓室丁目番地都道府県町村巷弄栋棟单單元层層郡洞동구시로길읍면리층호〒";

/// Lower-case words inside names (`Sander de Vries`, `Ludwig van Beethoven`).
const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "da", "di", "do", "dos", "das", "du", "del", "della", "la", "le", "y", "bin", "al", "ter", "ten",
    "zu",
];

/// Keys that say a record's value is a person (`"speaker": "Tommaso"`, `author='Ana'`).
const PERSON_KEYS: &[&str] = &[
    "name",
    "user",
    "author",
    "owner",
    "assignee",
    "contact",
    "customer",
    "client",
    "patient",
    "employee",
    "speaker",
    "from",
    "to:",
    "by",
    "manager",
    "reviewer",
    "member",
    "guest",
    "passenger",
    "recipient",
    "sender",
    "holder",
    "person",
    "nombre",
    "nom",
    "vorname",
];

/// Titles written right after a CJK surname (`周经理`, `伊藤部長`, `허 팀장님`, `田中様`).
const CJK_TITLES: &[&str] = &[
    "经理",
    "經理",
    "先生",
    "女士",
    "小姐",
    "老师",
    "老師",
    "总",
    "總",
    "主任",
    "部长",
    "部長",
    "課長",
    "课长",
    "社長",
    "様",
    "さん",
    "くん",
    "ちゃん",
    "氏",
    "教授",
    "医生",
    "醫生",
    "님",
    "씨",
    "팀장",
    "과장",
    "부장",
    "대리",
    "사장",
    "선생",
    "교수",
];

/// Capitalised determiners, possessives and pronouns of the taxonomy's languages that start a
/// sentence, never a name (`Unser Leitfaden …`, `Die Kantine …`, `Notre équipe …`). Articles that
/// also begin surnames (`De`, `La`, `Le`, `Van`, `Del`) are left out.
const DETERMINERS: &[&str] = &[
    "The", "A", "An", "Our", "Your", "Their", "This", "That", "These", "Those", "Every", "Each", "All", "Some", "Any", "No", "My", "We",
    "Der", "Die", "Das", "Dem", "Den", "Des", "Ein", "Eine", "Einen", "Einem", "Einer", "Unser", "Unsere", "Unseren", "Unserem", "Ihr",
    "Ihre", "Mein", "Meine", "Dein", "Deine", "Sein", "Seine", "Dieser", "Diese", "Dieses", "Jeder", "Jede", "Jedes", "Alle", "Kein",
    "Keine", "Wir", "Les", "Un", "Une", "Notre", "Nos", "Votre", "Vos", "Leur", "Leurs", "Ce", "Cet", "Cette", "Ces", "Chaque", "Nous",
    "Vous", "El", "Los", "Las", "Una", "Nuestro", "Nuestra", "Nuestros", "Nuestras", "Este", "Esta", "Estos", "Estas", "Cada", "Il", "Lo",
    "Gli", "Nostro", "Nostra", "Nostri", "Questo", "Questa", "Ogni", "Het", "Een", "Ons", "Onze", "Deze", "Dit", "Elke", "Wij", "Os", "As",
    "Um", "Uma", "Nosso", "Nossa", "Nossos", "Nossas", "Vår", "Vårt", "Våra", "Det", "Denna", "Detta", "Varje", "Nasz", "Nasza", "Nasze",
    "Każdy", "Bu", "Her",
];

/// Month and weekday names of the taxonomy's languages that are written with a capital
/// (`14. Januar`, `Montag`, `Sábado`), leaving out those that are also given names (`Mai`,
/// `April`, `June`, `Julio`, `Domingo`, `Nisan`, `Eylül`). English ones are in the name lists'
/// not-a-name words.
const MONTHS_AND_DAYS: &[&str] = &[
    "Januar",
    "Februar",
    "März",
    "Juni",
    "Juli",
    "Oktober",
    "Dezember",
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
    "Janvier",
    "Février",
    "Avril",
    "Juin",
    "Juillet",
    "Août",
    "Septembre",
    "Octobre",
    "Novembre",
    "Décembre",
    "Lundi",
    "Mardi",
    "Mercredi",
    "Jeudi",
    "Vendredi",
    "Samedi",
    "Dimanche",
    "Enero",
    "Febrero",
    "Marzo",
    "Abril",
    "Mayo",
    "Junio",
    "Agosto",
    "Septiembre",
    "Octubre",
    "Noviembre",
    "Diciembre",
    "Lunes",
    "Martes",
    "Miércoles",
    "Jueves",
    "Viernes",
    "Sábado",
    "Gennaio",
    "Febbraio",
    "Aprile",
    "Maggio",
    "Giugno",
    "Luglio",
    "Settembre",
    "Ottobre",
    "Dicembre",
    "Lunedì",
    "Martedì",
    "Mercoledì",
    "Giovedì",
    "Venerdì",
    "Sabato",
    "Januari",
    "Februari",
    "Maart",
    "Mei",
    "Augustus",
    "Maandag",
    "Dinsdag",
    "Woensdag",
    "Donderdag",
    "Vrijdag",
    "Zaterdag",
    "Zondag",
    "Janeiro",
    "Fevereiro",
    "Março",
    "Maio",
    "Junho",
    "Julho",
    "Setembro",
    "Outubro",
    "Novembro",
    "Dezembro",
    "Segunda-feira",
    "Terça-feira",
    "Quarta-feira",
    "Quinta-feira",
    "Sexta-feira",
    "Styczeń",
    "Luty",
    "Marzec",
    "Kwiecień",
    "Czerwiec",
    "Lipiec",
    "Sierpień",
    "Wrzesień",
    "Październik",
    "Listopad",
    "Grudzień",
    "Poniedziałek",
    "Wtorek",
    "Środa",
    "Czwartek",
    "Piątek",
    "Sobota",
    "Niedziela",
    "Ocak",
    "Şubat",
    "Mart",
    "Mayıs",
    "Haziran",
    "Temmuz",
    "Ağustos",
    "Ekim",
    "Kasım",
    "Aralık",
    "Pazartesi",
    "Salı",
    "Çarşamba",
    "Perşembe",
    "Cuma",
    "Cumartesi",
    "Pazar",
    "Augusti",
    "Måndag",
    "Tisdag",
    "Onsdag",
    "Torsdag",
    "Fredag",
    "Lördag",
    "Söndag",
];

/// Languages and nationalities, capitalised in English prose and sometimes surnames (`English`).
const LANGUAGES: &[&str] = &[
    "English",
    "French",
    "German",
    "Spanish",
    "Italian",
    "Dutch",
    "Portuguese",
    "Chinese",
    "Japanese",
    "Korean",
    "Russian",
    "Arabic",
    "Hindi",
    "Latin",
    "Greek",
    "Polish",
    "Swedish",
    "Turkish",
    "Danish",
    "Norwegian",
    "Finnish",
    "Czech",
    "Hungarian",
    "Vietnamese",
    "Thai",
    "Hebrew",
    "Persian",
    "Ukrainian",
    "American",
    "British",
    "European",
    "Asian",
    "African",
    "Canadian",
    "Australian",
    "Mexican",
    "Brazilian",
    "Indian",
    "Irish",
    "Scottish",
    "Welsh",
    "Swiss",
    "Austrian",
    "Belgian",
];

/// Nouns that make the name before them an eponym, not a person (`Kalman filter`, `Fourier
/// transform`, `Dijkstra's algorithm`, `Bonferroni correction`, `Gaussian distribution`).
const EPONYM_NOUNS: &[&str] = &[
    "filter",
    "filters",
    "transform",
    "transforms",
    "coding",
    "correction",
    "test",
    "tests",
    "distribution",
    "algorithm",
    "algorithms",
    "theorem",
    "lemma",
    "conjecture",
    "method",
    "methods",
    "equation",
    "equations",
    "series",
    "number",
    "numbers",
    "effect",
    "law",
    "laws",
    "principle",
    "process",
    "model",
    "matrix",
    "matrices",
    "curve",
    "space",
    "spaces",
    "norm",
    "graph",
    "tree",
    "trees",
    "function",
    "functions",
    "integral",
    "constant",
    "criterion",
    "inequality",
    "regression",
    "estimator",
    "index",
    "scale",
    "syndrome",
    "disease",
    "sort",
    "search",
    "hash",
    "cipher",
    "encoding",
    "machine",
    "problem",
    "paradox",
    "formula",
    "rule",
    "bound",
    "limit",
    "operator",
    "polynomial",
    "polynomials",
    "kernel",
    "sampling",
    "chain",
    "chains",
    "field",
    "fields",
    "diagram",
    "plot",
    "interval",
];

/// Given names and surnames of many locales (Faker's lists, MIT; `models/pii-tagger/build_lexicon.py`).
const BIG_NAMES: &str = include_str!("../data/tagger_names.txt");
/// Lower-case common words (SCOWL American English and Faker's lorem lists; same script).
const COMMON_WORDS: &str = include_str!("../data/tagger_words.txt");
/// Words of country, region and city names (Faker's address lists, MIT, and GeoNames' cities,
/// CC BY 4.0; same script).
const PLACES: &str = include_str!("../data/tagger_places.txt");

/// A word list embedded in the binary, one word per line sorted by code point, searched by
/// bisection over the line starts (found with one `memchr` pass at load, well under a millisecond).
pub struct SortedWords {
    text: &'static str,
    starts: Vec<u32>,
}

impl SortedWords {
    fn parse(text: &'static str) -> SortedWords {
        // Skip the header comment lines.
        let mut body = text;
        while body.starts_with('#') {
            body = body.find('\n').map_or("", |k| &body[k + 1..]);
        }
        let mut starts = Vec::with_capacity(body.len() / 8);
        let mut at = 0usize;
        for nl in memchr::memchr_iter(b'\n', body.as_bytes()) {
            if nl > at {
                starts.push(at as u32);
            }
            at = nl + 1;
        }
        if at < body.len() {
            starts.push(at as u32);
        }
        SortedWords { text: body, starts }
    }

    /// Word `i`: from its start to the newline before the next word's start (the lists hold no
    /// blank lines); the last word runs to the end, less a final newline.
    fn word(&self, i: usize) -> &'static str {
        let s = self.starts[i] as usize;
        let e = self.starts.get(i + 1).map_or(self.text.len(), |&n| n as usize);
        self.text[s..e].trim_end_matches('\n')
    }

    pub fn contains(&self, word: &str) -> bool {
        let (mut lo, mut hi) = (0usize, self.starts.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.word(mid).as_bytes().cmp(word.as_bytes()) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        false
    }

    pub fn word_count(&self) -> usize {
        self.starts.len()
    }

    pub fn is_sorted(&self) -> bool {
        (1..self.starts.len()).all(|i| self.word(i - 1) < self.word(i))
    }
}

/// Word lists consulted by the features (bit flags per word).
pub struct Gazetteer {
    lexicon: NameLexicon,
    big_names: SortedWords,
    common_words: SortedWords,
    places: SortedWords,
    street: HashSet<&'static str>,
    cjk_surname: HashSet<char>,
    cjk_address: HashSet<char>,
    /// Training only: every `holdout`-th name word (by hash of its lower-case form) is treated as
    /// unknown, so that the model also learns to find names that no list holds. 0 = none.
    holdout: u64,
}

impl Default for Gazetteer {
    fn default() -> Self {
        Gazetteer {
            lexicon: NameLexicon::default(),
            big_names: SortedWords::parse(BIG_NAMES),
            common_words: SortedWords::parse(COMMON_WORDS),
            places: SortedWords::parse(PLACES),
            street: STREET_WORDS.iter().copied().collect(),
            cjk_surname: CJK_SURNAMES.chars().collect(),
            cjk_address: CJK_ADDRESS.chars().collect(),
            holdout: 0,
        }
    }
}

impl Gazetteer {
    /// Bit flags: 1 known name, 2 not-a-name word, 4 company word, 8 street word, 16 CJK surname
    /// character, 32 CJK address character, 64 on the big list of names, 128 a common lower-case
    /// word, 256 a place name (country, region, city).
    fn flags(&self, word: &str, lower: &str) -> u16 {
        let mut f = 0;
        let mut cs = word.chars();
        let Some(first) = cs.next() else { return 0 };
        if is_cjk(first) {
            if self.cjk_surname.contains(&first) {
                f |= 16;
            }
            if self.cjk_address.contains(&first) {
                f |= 32;
            }
            return f;
        }
        let cap: String = first.to_uppercase().chain(lower.chars().skip(1)).collect();
        let held_out = self.holdout > 0 && Fnv::new(0).bytes(lower.as_bytes()).finish() % self.holdout == 0;
        if self.lexicon.is_known_name(&cap) && !held_out {
            f |= 1;
        }
        // The big lists only for words that start with a capital (a name or place is written so;
        // the lower-case majority of tokens skips five lookups).
        if first.is_uppercase() && word.chars().nth(1).is_some() {
            let either = |list: &SortedWords| list.contains(word) || (cap != word && list.contains(&cap));
            if either(&self.big_names) && !held_out {
                f |= 64;
            }
            if self.common_words.contains(lower) {
                f |= 128;
            }
            if either(&self.places) {
                f |= 256;
            }
        }
        if self.lexicon.is_not_name(word) || self.lexicon.is_not_name(&cap) {
            f |= 2;
        }
        if self.lexicon.is_company_word(word) || self.lexicon.is_company_word(&cap) {
            f |= 4;
        }
        if self.street.contains(lower) {
            f |= 8;
        }
        f
    }
}

// ---------------------------------------------------------------------------------------------
// Features

/// FNV-1a over a template number and bytes.
#[derive(Clone, Copy)]
struct Fnv(u64);
impl Fnv {
    fn new(template: u8) -> Fnv {
        Fnv((0xcbf2_9ce4_8422_2325u64 ^ u64::from(template)).wrapping_mul(0x0100_0000_01b3))
    }
    fn bytes(mut self, b: &[u8]) -> Fnv {
        for &x in b {
            self.0 = (self.0 ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3);
        }
        self
    }
    fn sep(self) -> Fnv {
        self.bytes(&[0xff])
    }
    fn finish(self) -> u64 {
        // Final avalanche so that the low bits used for the bucket are well mixed.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

/// Per-token facts the features combine.
struct TokInfo {
    lower: String,
    shape: String,
    /// 0 lower, 1 capitalised, 2 all caps, 3 camel/mixed, 4 digits, 5 alnum mixed, 6 CJK, 7 punct.
    kind: u8,
    gaz: u16,
}

fn shape_of(word: &str) -> (String, u8) {
    let mut shape = String::new();
    let mut last = ' ';
    let mut count = 0;
    let (mut up, mut low, mut dig, mut cjk, mut other) = (0, 0, 0, 0, 0);
    let mut camel = false;
    let mut prev_low = false;
    for c in word.chars() {
        let k = if is_cjk(c) {
            cjk += 1;
            'C'
        } else if c.is_uppercase() {
            up += 1;
            if prev_low {
                camel = true;
            }
            'X'
        } else if c.is_lowercase() {
            low += 1;
            'x'
        } else if c.is_numeric() {
            dig += 1;
            'd'
        } else if c.is_alphabetic() {
            low += 1;
            'a'
        } else {
            other += 1;
            c
        };
        prev_low = c.is_lowercase();
        if k == last {
            count += 1;
            if count > 2 {
                continue;
            }
        } else {
            count = 1;
        }
        last = k;
        if shape.len() < 8 {
            shape.push(k);
        }
    }
    let kind = if cjk > 0 {
        6
    } else if up + low + dig == 0 {
        let _ = other;
        7
    } else if dig > 0 && up + low == 0 {
        4
    } else if dig > 0 {
        5
    } else if camel {
        3
    } else if up > 0 && low == 0 {
        2
    } else if word.chars().next().is_some_and(char::is_uppercase) {
        1
    } else {
        0
    };
    (shape, kind)
}

/// Layout facts about each line of a text: whether it looks like code, where its `key:` ends,
/// and the text's CSV header.
struct Layout<'a> {
    text: &'a str,
    header: Option<(u8, Vec<String>)>,
}

fn looks_like_code(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    // Marks no prose sentence holds.
    const MARKS: &[&str] = &[
        "::", "->", "=>", "();", "{", "}", "#include", "self.", "this.", "</", "/>", "&&", "||", "#[", "@param", "@return", "typedef",
        "elif ", "lambda", "==", "!=", "()", "print(",
    ];
    // Keywords that are also English words (`let me know`, `the new key`, `please return the
    // copy`): code only at the start of the line or on a line with code punctuation.
    const KEYWORDS: &[&str] = &[
        "fn ", "def ", "class ", "import ", "let ", "const ", "var ", "pub ", "return ", "impl ", "struct ", "public ", "private ",
        "func ", "new ", "static ", "void ", "raise ",
    ];
    const STARTS: &[&str] = &["//", "/*", "* ", "if ", "for ", "while ", "else", "try:", "except", "with ", "from ", "#define", "#if"];
    // A call (`run(x)`, `def f(a):`), not a note in brackets (`Gianluca (notes)`, `(Monday)`).
    let call = t
        .as_bytes()
        .windows(2)
        .position(|w| (w[0].is_ascii_alphanumeric() || w[0] == b'_') && w[1] == b'(')
        .is_some_and(|at| t[at..].contains(')'));
    // An assignment (`x = 1`, `self.rate: float = 0.5`), not prose with an equals sign in it.
    let assignment = t.split_once(" = ").is_some_and(|(lhs, _)| {
        let lhs = lhs.split(':').next().unwrap_or(lhs).trim();
        !lhs.is_empty() && lhs.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']' | b'\'' | b'"'))
    });
    t.ends_with(';')
        || t.ends_with('{')
        || call
        || assignment
        || tuple_with_identifier(t)
        || MARKS.iter().any(|m| t.contains(m))
        || STARTS.iter().any(|m| t.starts_with(m))
        || KEYWORDS.iter().any(|k| t.starts_with(k) || (t.contains(k) && t.contains(['(', '{', ';', '=', '[', '<'])))
}

/// An element of a table in code: a bracketed tuple with a bare identifier in it
/// (`("Adlam", ADLAM),`, `[Kind::Person, "Ana"],`), unlike an SQL row of quoted values and numbers
/// (`(1004, 'Niels', 'van Vliet', NULL),`).
fn tuple_with_identifier(t: &str) -> bool {
    let body = t.trim_end_matches([',', ';']);
    let Some(inner) =
        body.strip_prefix('(').and_then(|b| b.strip_suffix(')')).or_else(|| body.strip_prefix('[').and_then(|b| b.strip_suffix(']')))
    else {
        return false;
    };
    let mut quote: Option<char> = None;
    let mut bare = String::new();
    let mut found = false;
    for c in inner.chars().chain(std::iter::once(',')) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ',' => {
                let w = bare.trim();
                if w.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                    && !matches!(w, "NULL" | "null" | "None" | "TRUE" | "FALSE" | "true" | "false" | "nil")
                {
                    found = true;
                }
                bare.clear();
            }
            None => bare.push(c),
        }
    }
    found
}

/// Whether most of a text is code (a third of its non-empty lines or more look like code).
pub fn mostly_code(text: &str) -> bool {
    let (mut code, mut all) = (0usize, 0usize);
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(400) {
        all += 1;
        code += usize::from(looks_like_code(line));
    }
    all > 0 && code * 3 >= all
}

/// A word with an upper-case letter after a lower-case one (`PhantomData`, `OpRun`), not a
/// name-style prefix (`McDonald`, `MacKenzie`, `DeShawn`, `LaToya`, `DiCaprio`, `VanDyke`).
fn camel_inside(w: &str) -> bool {
    let rest = ["Mc", "Mac", "De", "Di", "La", "Le", "Van", "Von", "Da", "Du"]
        .iter()
        .find_map(|p| w.strip_prefix(p).filter(|r| r.chars().next().is_some_and(char::is_uppercase)))
        .unwrap_or(w);
    let mut prev_lower = false;
    for c in rest.chars() {
        if c.is_uppercase() && prev_lower {
            return true;
        }
        prev_lower = c.is_lowercase();
    }
    false
}

impl<'a> Layout<'a> {
    fn new(text: &'a str) -> Layout<'a> {
        // A header: the first non-empty line, if it holds one of the separators at least once and
        // no digit.
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let first = if first.len() < 400 { first } else { "" };
        let header = [b'\t', b',', b';', b'|']
            .into_iter()
            .find(|&s| first.bytes().filter(|&b| b == s).count() >= 1)
            .filter(|_| !first.bytes().any(|b| b.is_ascii_digit()) && first.len() < 400)
            .map(|s| {
                let cells = first
                    .split(s as char)
                    .map(|c| {
                        let c = c.trim().trim_matches(['"', '\'']).to_lowercase();
                        c.chars().take(24).collect()
                    })
                    .collect();
                (s, cells)
            });
        Layout { text, header }
    }
}

/// Facts about the line around a token, computed once per line.
#[derive(Default, Clone)]
struct LineFacts {
    start: usize,
    end: usize,
    code: bool,
    /// Byte offset where the value after `key:`/`key=` begins, and the key, lower-cased.
    key: Option<(usize, String)>,
    /// Column separators count on the line when the text has a header with that separator.
    columns: bool,
}

fn line_facts(layout: &Layout<'_>, start: usize) -> LineFacts {
    let text = layout.text;
    let end = text[start..].find('\n').map_or(text.len(), |k| start + k);
    let line = &text[start..end];
    let code = looks_like_code(line);
    let mut key = None;
    let lead = line.len() - line.trim_start().len();
    if let Some(k) = line.find([':', '=', '：']) {
        let after = &line[k..];
        if !after.starts_with("://") && k >= lead {
            let raw = line[lead..k].trim().trim_matches(['"', '\'', '-', '*', ' ', '<', '>', '[', ']']);
            if !raw.is_empty() && raw.len() <= 40 && raw.chars().all(|c| c.is_alphanumeric() || " _-.".contains(c)) {
                let sep_len = after.chars().next().map_or(1, char::len_utf8);
                key = Some((start + k + sep_len, raw.to_lowercase().chars().take(24).collect()));
            }
        }
    }
    let columns = layout.header.as_ref().is_some_and(|(s, cells)| {
        let n = line.bytes().filter(|b| b == s).count();
        n >= 1 && n + 1 == cells.len()
    });
    LineFacts { start, end, code, key, columns }
}

fn tail_word(key: &str) -> &str {
    key.rsplit(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or(key)
}

/// Hashed feature buckets of every token of `toks`, `per` buckets apart (flattened).
pub struct FeatureSet {
    pub per_token: Vec<u32>,
    pub offsets: Vec<usize>,
}

/// The feature extractor: dictionaries plus the bucket count.
pub struct Featurizer {
    gaz: Gazetteer,
    buckets: u32,
}

impl Featurizer {
    pub fn new(buckets: u32) -> Featurizer {
        Featurizer { gaz: Gazetteer::default(), buckets: buckets.max(1) }
    }

    /// For training: hides every `holdout`-th name word from the name lists (see [`Gazetteer`]).
    pub fn for_training(buckets: u32, holdout: u64) -> Featurizer {
        Featurizer { gaz: Gazetteer { holdout, ..Gazetteer::default() }, buckets: buckets.max(1) }
    }

    /// Feature buckets for tokens `toks` of `text`.
    pub fn features(&self, text: &str, toks: &[Tok]) -> FeatureSet {
        self.features_in(text, toks, &Layout::new(text))
    }

    /// [`Featurizer::features`] with the text's layout computed once for all its segments.
    fn features_in(&self, text: &str, toks: &[Tok], layout: &Layout<'_>) -> FeatureSet {
        let info: Vec<TokInfo> = toks
            .iter()
            .map(|t| {
                let w = &text[t.start..t.end];
                let lower: String = w.chars().take(24).flat_map(char::to_lowercase).collect();
                let (shape, kind) = shape_of(w);
                let gaz = self.gaz.flags(w, &lower);
                TokInfo { lower, shape, kind, gaz }
            })
            .collect();
        let mut out = FeatureSet { per_token: Vec::with_capacity(toks.len() * 32), offsets: Vec::with_capacity(toks.len() + 1) };
        let mut line = LineFacts { start: usize::MAX, end: 0, ..LineFacts::default() };
        let mut pos_in_line = 0usize;
        const BOS: &str = "<s>";
        const EOS: &str = "</s>";
        for (i, t) in toks.iter().enumerate() {
            out.offsets.push(out.per_token.len());
            if t.start >= line.end || line.start == usize::MAX {
                let ls = text[..t.start].rfind('\n').map_or(0, |k| k + 1);
                line = line_facts(layout, ls);
                pos_in_line = 0;
            } else {
                pos_in_line += 1;
            }
            let me = &info[i];
            let word = |k: isize| -> (&str, &str, u8, u16) {
                let j = i as isize + k;
                if j < 0 {
                    (BOS, "", 8, 0)
                } else if j as usize >= toks.len() {
                    (EOS, "", 8, 0)
                } else {
                    let x = &info[j as usize];
                    (&x.lower, &x.shape, x.kind, x.gaz)
                }
            };
            let (pw, ps, pk, pg) = word(-1);
            let (nw, ns, nk, ng) = word(1);
            let (pw2, _, pk2, _) = word(-2);
            let (nw2, _, nk2, _) = word(2);
            let nl_next = toks.get(i + 1).is_none_or(|n| n.nl_before);
            let mut push = |h: Fnv| out.per_token.push((h.finish() % u64::from(self.buckets)) as u32);
            let lw = me.lower.as_bytes();
            push(Fnv::new(0));
            push(Fnv::new(1).bytes(lw));
            push(Fnv::new(2).bytes(me.shape.as_bytes()));
            // Prefix and suffixes as slices of the lower-cased word (no allocation).
            let n_chars = me.lower.chars().count();
            if n_chars > 3 && me.kind != 6 {
                let at = |k: usize| me.lower.char_indices().nth(k).map_or(me.lower.len(), |(i, _)| i);
                push(Fnv::new(3).bytes(&lw[..at(3)]));
                push(Fnv::new(4).bytes(&lw[at(n_chars - 3)..]));
                push(Fnv::new(5).bytes(&lw[at(n_chars - 2)..]));
            }
            let [g0, g1] = me.gaz.to_le_bytes();
            push(Fnv::new(6).bytes(&[me.kind, g0, g1, (n_chars.min(12) / 3) as u8]));
            push(Fnv::new(7).bytes(pw.as_bytes()));
            push(Fnv::new(8).bytes(nw.as_bytes()));
            push(Fnv::new(9).bytes(pw2.as_bytes()));
            push(Fnv::new(10).bytes(nw2.as_bytes()));
            push(Fnv::new(11).bytes(ps.as_bytes()).sep().bytes(me.shape.as_bytes()));
            push(Fnv::new(12).bytes(me.shape.as_bytes()).sep().bytes(ns.as_bytes()));
            push(Fnv::new(13).bytes(pw.as_bytes()).sep().bytes(lw));
            push(Fnv::new(14).bytes(lw).sep().bytes(nw.as_bytes()));
            push(Fnv::new(15).bytes(&[g0, g1]).bytes(&pg.to_le_bytes()).bytes(&ng.to_le_bytes()));
            push(Fnv::new(16).bytes(&[pk2, pk, me.kind, nk, nk2]));
            push(Fnv::new(17).bytes(&[g0, g1, me.kind]).bytes(pw.as_bytes()));
            push(Fnv::new(18).bytes(&[g0, g1, me.kind]).bytes(nw.as_bytes()));
            push(Fnv::new(19).bytes(&[t.nl_before as u8, nl_next as u8, me.kind, pos_in_line.min(4) as u8]));
            let tab_next = toks.get(i + 1).is_some_and(|n| n.tab_before);
            push(Fnv::new(29).bytes(&[t.tab_before as u8, tab_next as u8, me.kind]));
            push(Fnv::new(20).bytes(&[line.code as u8, me.kind, pk, nk]));
            if line.code {
                push(Fnv::new(21).bytes(lw));
            }
            // Touching neighbours: `foo.Bar`, `Arc<T>`, `Name(`, `@user`.
            let prev_touch = if t.space_before || i == 0 { b' ' } else { text.as_bytes()[t.start - 1] };
            let next_touch = match toks.get(i + 1) {
                Some(n) if !n.space_before && n.start == t.end => text.as_bytes()[t.end],
                _ => b' ',
            };
            push(Fnv::new(22).bytes(&[prev_touch, next_touch, me.kind]));
            match &line.key {
                Some((value_at, key)) if t.start >= *value_at => {
                    push(Fnv::new(23).bytes(key.as_bytes()));
                    push(Fnv::new(24).bytes(tail_word(key).as_bytes()).sep().bytes(&[me.kind]));
                }
                Some(_) => push(Fnv::new(25).bytes(&[me.kind])),
                None => {}
            }
            if line.columns {
                if let Some((sep, cells)) = &layout.header {
                    let col = text[line.start..t.start].bytes().filter(|b| b == sep).count();
                    if let Some(h) = cells.get(col) {
                        push(Fnv::new(26).bytes(h.as_bytes()));
                        push(Fnv::new(27).bytes(tail_word(h).as_bytes()).sep().bytes(&[me.kind]));
                    }
                }
            }
            if me.kind == 6 {
                // CJK: the character pair and triple around it.
                push(Fnv::new(28).bytes(pw.as_bytes()).sep().bytes(lw).sep().bytes(nw.as_bytes()));
            }
        }
        out.offsets.push(out.per_token.len());
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Weights and decoding

/// Quantised weights.
#[derive(Clone)]
pub struct Weights {
    pub buckets: u32,
    pub scale: f32,
    /// `(NL + 1) × NL`: row 0 start, row `1 + from` transitions.
    pub trans: Vec<i32>,
    pub w: Vec<i16>,
}

impl Weights {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(24 + self.trans.len() * 4 + self.w.len() * 2);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&FORMAT.to_le_bytes());
        b.extend_from_slice(&self.buckets.to_le_bytes());
        b.extend_from_slice(&(NL as u32).to_le_bytes());
        b.extend_from_slice(&self.scale.to_le_bytes());
        for t in &self.trans {
            b.extend_from_slice(&t.to_le_bytes());
        }
        for w in &self.w {
            b.extend_from_slice(&w.to_le_bytes());
        }
        b
    }

    pub fn from_bytes(b: &[u8]) -> Result<Weights, String> {
        let u32_at = |i: usize| b.get(i..i + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]));
        if b.get(..4) != Some(MAGIC.as_slice()) {
            return Err("not a pii-tagger weight file".into());
        }
        let format = u32_at(4).ok_or("truncated")?;
        if format != FORMAT {
            return Err(format!("weight format {format}, this agent reads {FORMAT}"));
        }
        let buckets = u32_at(8).ok_or("truncated")?;
        let labels = u32_at(12).ok_or("truncated")? as usize;
        if labels != NL || buckets == 0 || buckets > 1 << 24 {
            return Err(format!("{labels} labels / {buckets} buckets do not fit this agent"));
        }
        let scale = f32::from_bits(u32_at(16).ok_or("truncated")?);
        let nt = (NL + 1) * NL;
        let need = 20 + nt * 4 + buckets as usize * NL * 2;
        if b.len() != need {
            return Err(format!("{} bytes, expected {need}", b.len()));
        }
        let trans = (0..nt).map(|k| u32_at(20 + 4 * k).map_or(0, |v| v as i32)).collect();
        let base = 20 + nt * 4;
        let w = b[base..].chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
        Ok(Weights { buckets, scale, trans, w })
    }

    /// Emission scores `T × NL` for a feature set (i64: path sums over a huge paste never overflow).
    pub fn emissions(&self, f: &FeatureSet) -> Vec<i64> {
        let t = f.offsets.len().saturating_sub(1);
        let mut out = vec![0i64; t * NL];
        for k in 0..t {
            let row = &mut out[k * NL..(k + 1) * NL];
            for &b in &f.per_token[f.offsets[k]..f.offsets[k + 1]] {
                let at = b as usize * NL;
                if let Some(ws) = self.w.get(at..at + NL) {
                    for (r, &w) in row.iter_mut().zip(ws) {
                        *r += i64::from(w);
                    }
                }
            }
        }
        out
    }
}

/// Best BIO-valid label sequence for emission scores `em` (`T × NL`) and transitions `trans`.
pub fn viterbi<S>(em: &[S], trans: &[S], t: usize) -> Vec<usize>
where
    S: Copy + PartialOrd + std::ops::Add<Output = S>,
{
    if t == 0 {
        return Vec::new();
    }
    let mut score: Vec<Option<S>> = (0..NL).map(|l| allowed(None, l).then(|| trans[l] + em[l])).collect();
    let mut back = vec![0u8; t * NL];
    for k in 1..t {
        let mut next: Vec<Option<S>> = vec![None; NL];
        for to in 0..NL {
            let mut best: Option<(S, usize)> = None;
            for (from, s) in score.iter().enumerate() {
                let Some(s) = *s else { continue };
                if !allowed(Some(from), to) {
                    continue;
                }
                let v = s + trans[(1 + from) * NL + to];
                if best.is_none_or(|(b, _)| v > b) {
                    best = Some((v, from));
                }
            }
            if let Some((v, from)) = best {
                next[to] = Some(v + em[k * NL + to]);
                back[k * NL + to] = from as u8;
            }
        }
        score = next;
    }
    let mut last = 0;
    let mut best: Option<S> = None;
    for (l, s) in score.iter().enumerate() {
        if let Some(s) = *s {
            if best.is_none_or(|b| s > b) {
                best = Some(s);
                last = l;
            }
        }
    }
    let mut path = vec![0usize; t];
    path[t - 1] = last;
    for k in (1..t).rev() {
        path[k - 1] = back[k * NL + path[k]] as usize;
    }
    path
}

/// Spans `(class, first token, last token)` of a label path.
pub fn spans_of(path: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (k, &l) in path.iter().enumerate() {
        if l == 0 {
            continue;
        }
        match out.last_mut() {
            Some(last) if is_inside(l) && last.2 + 1 == k && last.0 == class_of(l) => last.2 = k,
            _ => out.push((class_of(l), k, k)),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The model

pub struct PiiTagger {
    weights: Weights,
    trans: Vec<i64>,
    feats: Featurizer,
    version: String,
    lexicon: NameLexicon,
}

impl std::fmt::Debug for PiiTagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PiiTagger").field("version", &self.version).field("buckets", &self.weights.buckets).finish()
    }
}

impl PiiTagger {
    /// Loads `dir/manifest.json` and the weight file it names, after checking its sha256.
    pub fn load(dir: &Path) -> Result<PiiTagger, MlError> {
        let manifest = Manifest::load(dir)?;
        let path = manifest.verified_file(dir, "model")?;
        let bytes = std::fs::read(&path).map_err(|source| MlError::Read { path: path.clone(), source })?;
        let weights = Weights::from_bytes(&bytes).map_err(|reason| MlError::Shape { model: manifest.name.clone(), reason })?;
        if manifest.labels.iter().map(String::as_str).ne(LABELS.iter().copied()) {
            return Err(MlError::Shape { model: manifest.name.clone(), reason: "labels differ from this agent's".into() });
        }
        Ok(PiiTagger::from_weights(weights, manifest.version))
    }

    pub fn from_weights(weights: Weights, version: String) -> PiiTagger {
        let feats = Featurizer::new(weights.buckets);
        let trans = weights.trans.iter().map(|&t| i64::from(t)).collect();
        PiiTagger { weights, trans, feats, version, lexicon: NameLexicon::default() }
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// Raw tagged spans `(class, start, end, margin)` of `text` before the post-filter.
    pub fn tag(&self, text: &str) -> Vec<(usize, usize, usize, f32)> {
        let mut out = Vec::new();
        let mut layout = None;
        for (s, e) in segments(text) {
            let toks = tokenize(text, s, e);
            if toks.is_empty() {
                continue;
            }
            let layout = layout.get_or_insert_with(|| Layout::new(text));
            let f = self.feats.features_in(text, &toks, layout);
            let em = self.weights.emissions(&f);
            let path = viterbi(&em, &self.trans, toks.len());
            let mut spans = Vec::new();
            for (class, a, b) in spans_of(&path) {
                // A name does not run across a tab (a column break).
                let mut first = a;
                for (k, tok) in toks.iter().enumerate().take(b + 1).skip(a + 1) {
                    if class == 1 && tok.tab_before {
                        spans.push((class, first, k - 1));
                        first = k;
                    }
                }
                spans.push((class, first, b));
            }
            for (class, a, b) in spans {
                // Confidence: the smallest per-token margin of the chosen label over `O`.
                let margin = (a..=b).map(|k| em[k * NL + path[k]] - em[k * NL]).min().unwrap_or(0);
                out.push((class, toks[a].start, toks[b].end, margin as f32 * self.weights.scale));
            }
        }
        out
    }

    /// Why the post-filter drops a tagged span, or `None` when it keeps it.
    pub fn rejection(&self, text: &str, code: bool, span: (usize, usize, usize, f32)) -> Option<&'static str> {
        let (class, start, end, margin) = span;
        let span = &text[start..end];
        match class {
            2 => (!(span.chars().any(|c| c.is_numeric()) && span.chars().filter(|c| c.is_alphabetic()).count() >= 2))
                .then_some("address without a digit"),
            1 => {
                let cjk = span.chars().any(is_cjk);
                // One CJK character is a name only as a surname before a title (`周经理`,
                // `伊藤部長`, `허 팀장님`).
                let titled = || {
                    let rest = text[end..].trim_start_matches(' ');
                    CJK_TITLES.iter().any(|t| rest.starts_with(t))
                };
                if span.chars().filter(|c| c.is_alphabetic()).count() < 2 && !(cjk && titled()) {
                    return Some("fewer than two letters");
                }
                let before = text[..start].chars().next_back();
                let mut after = text[end..].chars();
                let (next, next2) = (after.next(), after.next());
                let line_start = text[..start].rfind('\n').map_or(0, |k| k + 1);
                let line_end = text[end..].find('\n').map_or(text.len(), |k| end + k);
                let code_line = code || looks_like_code(&text[line_start..line_end]);
                // A chat mention (`@Heather can you …`) names a person; `@Override`, `@user.name`
                // and `x@Host` do not.
                let mention = before == Some('@')
                    && !code_line
                    && text[..start - 1].chars().next_back().is_none_or(char::is_whitespace)
                    // followed by more words, or ending a line it did not start (`thanks @Ana`);
                    // an annotation (`@Override`) stands alone at a line's start.
                    && (next.is_some_and(|c| " ,:!?".contains(c))
                        || (next.is_none_or(|c| c == '\n' || c == '\r') && !text[line_start..start - 1].trim().is_empty()));
                // CJK text has no spaces: a CJK neighbour does not join a CJK name to a word.
                let joins = |c: char| c.is_alphanumeric() && !(cjk && is_cjk(c));
                if before.is_some_and(|c| joins(c) || "_/\\#$".contains(c) || (c == '@' && !mention))
                    || next.is_some_and(|c| joins(c) || "@_/\\(".contains(c))
                    // `Arc<T>` is a type; `<name>Ana Lima</name>` is an element's text.
                    || (next == Some('<') && !text[end..].starts_with("</"))
                    || matches!((before, text[..start].chars().rev().nth(1)), (Some('.'), Some(c)) if c.is_alphanumeric())
                    // `Name:value` is a token, but a calendar's `CN=Ana Lima:mailto:…` is a name.
                    || (matches!((next, next2), (Some('.' | '-' | ':'), Some(c)) if c.is_alphanumeric())
                        && !text[end..].starts_with(":mailto:"))
                {
                    return Some("touches a word, path, handle or token");
                }
                // A specimen name (`Hi Jane Doe`), or a part of one.
                let lo = promptwall_detect::document::floor_char_boundary(text, start.saturating_sub(24));
                let hi = promptwall_detect::document::floor_char_boundary(text, (end + 24).min(text.len()));
                if promptwall_detect::detectors::person::placeholder_within(&text[lo..hi], start - lo, end - lo) {
                    return Some("a specimen name");
                }
                // A person's name right before a company word is a company (`Hewlett Packard Enterprise`).
                let after = text[end..].trim_start_matches([' ', '\t']);
                let following = after.split(|c: char| !c.is_alphanumeric() && c != '.').next().unwrap_or("");
                if after.starts_with('&')
                    || self.lexicon.is_company_word(following)
                    || matches!(following, "Enterprise" | "Enterprises" | "Foundation" | "Institute")
                {
                    return Some("before a company word");
                }
                // An eponym (`Kalman filter`, `Dijkstra's algorithm`).
                let noun = after.strip_prefix("'s ").or_else(|| after.strip_prefix("’s ")).unwrap_or(after);
                let noun = noun.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                if EPONYM_NOUNS.contains(&noun) {
                    return Some("an eponym");
                }
                // A month or weekday (`14. Januar`, `am Montag`), or a language or nationality
                // (`Apply English case rules`, `the German team`).
                if span.split(' ').any(|w| {
                    let w = w.trim_end_matches(['.', ',']);
                    MONTHS_AND_DAYS.contains(&w) || LANGUAGES.contains(&w)
                }) {
                    return Some("a month, weekday or language");
                }
                // A sentence that starts with a determiner (`Unser Leitfaden`, `Die Kantine`).
                if span.split(' ').next().is_some_and(|w| DETERMINERS.contains(&w)) {
                    return Some("starts with a determiner");
                }
                // A company named after people (`Walt Disney`, `Wells Fargo's`).
                let next_word = after.split([' ', '\t', ',', '.', ';', ':', ')']).next().unwrap_or("");
                if self.lexicon.is_eponymous_company(span)
                    || (!next_word.is_empty()
                        && self.lexicon.is_eponymous_company(&text[start..end + (text[end..].len() - after.len()) + next_word.len()]))
                {
                    return Some("a company named after people");
                }
                if cjk {
                    // In code, CJK text in a string is mostly words (`"配列"`, `"世界"`): a name
                    // there starts with a surname character.
                    let surname_first = span.chars().next().is_some_and(|c| self.feats.gaz.cjk_surname.contains(&c));
                    return (code_line && !surname_first).then_some("CJK word in code");
                }
                let words: Vec<&str> = span.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
                // Capitalised, and so is every part after a hyphen (`Jean-Luc`, not `Phone-like`),
                // except a romanised syllable (`Ha-yun`, `Min-jae`, `Xiao-ming`) that is no common
                // word; after a lower-case particle (`al-Qahtani`, `d'Angelo`, `ibn-Saud`).
                let gaz = &self.feats.gaz;
                let common = |part: &str| part.chars().count() >= 4 && gaz.common_words.contains(&part.to_lowercase());
                let name_like = |w: &str| {
                    let w = ["al-", "el-", "ibn-", "bin-", "bint-", "d'", "d’", "l'", "da-", "de-", "van-", "von-"]
                        .iter()
                        .find_map(|p| w.strip_prefix(p))
                        .unwrap_or(w);
                    let mut parts = w.split('-');
                    let head = parts.next().unwrap_or("");
                    head.chars().next().is_some_and(char::is_uppercase)
                        && w.chars().any(char::is_lowercase)
                        && parts.all(|part| {
                            part.chars().next().is_some_and(char::is_uppercase)
                                || (part.chars().all(char::is_lowercase) && !common(part) && !common(head) && margin > 0.0)
                        })
                };
                let upper = |w: &str| w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
                let initial = |w: &str| w.ends_with('.') && w.chars().filter(|c| c.is_alphabetic()).count() <= 2;
                let particle = |w: &str| PARTICLES.contains(&w);
                let known = |w: &str| {
                    let mut cs = w.chars();
                    let cap: String = cs.next().into_iter().flat_map(char::to_uppercase).chain(cs.flat_map(char::to_lowercase)).collect();
                    self.lexicon.is_known_name(&cap) && !self.lexicon.is_not_name(&cap)
                };
                if words.iter().any(|w| self.lexicon.is_company_word(w)) {
                    return Some("a company word inside");
                }
                let names: Vec<&str> = words.iter().copied().filter(|w| !initial(w) && !particle(w)).collect();
                if names.is_empty() || names.iter().any(|w| camel_inside(w) && !known(w)) {
                    return Some("camel case");
                }
                // A place (`Bengaluru`, `Rotterdam`): every word a place name and on no list of
                // names (`Florence Nightingale`, `Tommaso`, from `San Tommaso`, stay people).
                if names.iter().all(|w| {
                    let w = w.trim_end_matches("'s");
                    gaz.places.contains(w) && !known(w) && !gaz.big_names.contains(w)
                }) {
                    return Some("a place");
                }
                // A product or phrase (`Onnx Runtime`, `Apply English`): no word on any list of
                // names, and one a common lower-case word.
                let listed = |w: &str| known(w) || gaz.big_names.contains(w);
                if names.len() > 1
                    && !names.iter().any(|w| listed(w))
                    && names.iter().any(|w| w.chars().count() >= 3 && gaz.common_words.contains(&w.to_lowercase()))
                {
                    return Some("a phrase: common words, no listed name");
                }
                if names.len() == 1 {
                    let w = names[0];
                    // One word in code (`Backoff`, `Darwin`, `Returns`): only a known name, or a
                    // value: an element's text (`<FamilyName>Osei</FamilyName>`) or a quoted
                    // string (`'Niels'`) that is on the list of names and is no place or word.
                    let element = text[..start].ends_with('>') && text[end..].starts_with("</");
                    // (a quoted string counts only in a record: a line with a person's key or an e-mail)
                    let line = &text[line_start..line_end];
                    let lower_line = line.to_lowercase();
                    let record = line.contains('@') || PERSON_KEYS.iter().any(|k| lower_line.contains(k));
                    let in_quotes = ['\'', '"'].iter().any(|&q| text[..start].ends_with(q) && text[end..].starts_with(q));
                    let quoted = record && in_quotes;
                    // One quoted word outside a record is a string constant (`| 'Power'`,
                    // `"Min",`) unless it is a known name.
                    if in_quotes && !record && !known(w) {
                        return Some("one quoted word, not in a record");
                    }
                    let value = (element || quoted)
                        && gaz.big_names.contains(w)
                        && !gaz.places.contains(w)
                        && !gaz.common_words.contains(&w.to_lowercase());
                    if code_line && !known(w) && !value {
                        return Some("one unknown word in code");
                    }
                    let ok = if upper(w) { known(w) } else { name_like(w) };
                    return (!ok).then_some("one word, not name-like");
                }
                // Every word capitalised or upper case (`PELLEGRINI, Stefano`, `VON BÜLOW Gudrun`).
                let ok = names.iter().all(|w| name_like(w) || (upper(w) && w.chars().count() >= 2));
                (!ok).then_some("a word that is not name-like")
            }
            _ => Some("not a person or address"),
        }
    }

    fn plausible(&self, text: &str, code: bool, span: (usize, usize, usize, f32)) -> bool {
        self.rejection(text, code, span).is_none()
    }

    /// Findings (PERSON, ADDRESS) in `text`.
    pub fn findings(&self, text: &str) -> Vec<Finding> {
        let tagged = self.tag(text);
        if tagged.is_empty() {
            return Vec::new();
        }
        let code = mostly_code(text);
        let kept: Vec<(usize, usize, usize, f32)> = tagged.into_iter().filter(|&span| self.plausible(text, code, span)).collect();
        join_surname_first(text, kept)
            .into_iter()
            .map(|(class, s, e, margin)| {
                let ty = if class == 1 { EntityType::Person } else { EntityType::Address };
                let score = 0.6 + 0.39 * (margin / 4.0).tanh().max(0.0);
                Finding::new(ty, s, e, score, TAGGER_ID)
            })
            .collect()
    }
}

/// Joins two names the model found apart into one when they are a surname-first name,
/// `Surname, Given`, as lists and exports write them (`To: Marini, Massimo <…>`, `Patient:
/// PELLEGRINI, Stefano`, `Attendees: Yang, Dong-hyun; Bauer, Florian`): the pair stands alone
/// in its field (a line start, `:`, tab, `|`, `;`, quote or bracket before it, and one of those,
/// `<` or the line's end after it). A list of given names (`Heather, Roberta and Ana`) and the
/// cells of a comma-separated row (`Ana,Lima,…` has no space) are left as they are.
fn join_surname_first(text: &str, spans: Vec<(usize, usize, usize, f32)>) -> Vec<(usize, usize, usize, f32)> {
    let opens = |s: usize| {
        let head = text[..s].trim_end_matches(' ');
        head.is_empty() || head.ends_with(['\n', ':', '\t', '|', ';', '"', '\'', '(', '[', '>', '='])
    };
    let closes = |e: usize| {
        let tail = &text[e..];
        let t = tail.trim_start_matches(' ');
        t.is_empty() || tail.starts_with("  ") || t.starts_with(['\n', '\r', '\t', '|', ';', '"', '\'', ')', ']', '<'])
    };
    let mut out: Vec<(usize, usize, usize, f32)> = Vec::with_capacity(spans.len());
    for span in spans {
        if let Some(last) = out.last_mut() {
            let (surname, given) = (&text[last.1..last.2], &text[span.1..span.2]);
            // A surname is one word, perhaps after particles (`van der Wal`, `al-Hashimi`); two
            // full names (`Ana Lima, Bo Berg`) and CJK names (written without a comma) stay apart.
            let one_surname = surname.split(' ').rev().skip(1).all(|w| PARTICLES.contains(&w) || w.chars().all(char::is_lowercase));
            let latin = !surname.chars().chain(given.chars()).any(is_cjk);
            if last.0 == 1
                && span.0 == 1
                && &text[last.2..span.1] == ", "
                && one_surname
                && latin
                && given.split(' ').count() <= 2
                && opens(last.1)
                && closes(span.2)
            {
                *last = (1, last.1, span.2, last.3.min(span.3));
                continue;
            }
        }
        out.push(span);
    }
    out
}

impl ContextModel for PiiTagger {
    fn id(&self) -> &str {
        TAGGER_ID
    }
    fn detect(&self, text: &str, _structured: &[Finding]) -> Vec<Finding> {
        self.findings(text)
    }
}

// ---------------------------------------------------------------------------------------------
// Training

/// One training document: text and gold spans `(start, end, class)` with class 1 PER, 2 ADDR, 3 ORG.
pub struct Example {
    pub text: String,
    pub spans: Vec<(usize, usize, usize)>,
}

/// Gold labels of the tokens of a segment.
pub fn gold_labels(toks: &[Tok], spans: &[(usize, usize, usize)]) -> Vec<usize> {
    let mut out = Vec::with_capacity(toks.len());
    let mut prev_span: Option<usize> = None;
    for t in toks {
        let hit = spans.iter().position(|&(s, e, _)| t.start >= s && t.start < e);
        let l = match hit {
            None => 0,
            Some(k) => {
                let class = spans[k].2;
                if prev_span == Some(k) {
                    class * 2
                } else {
                    class * 2 - 1
                }
            }
        };
        prev_span = hit;
        out.push(l);
    }
    out
}

/// A tiny deterministic generator (xorshift64*), for shuffling.
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Training settings (recorded in the manifest's `settings`).
#[derive(Clone, Copy, Debug)]
pub struct TrainSettings {
    pub buckets: u32,
    pub epochs: usize,
    pub seed: u64,
    /// Every `lexicon_holdout`-th name word is hidden from the name lists during training (0 = none).
    pub lexicon_holdout: u64,
}

/// Averaged structured perceptron over pre-extracted segments.
pub fn train(examples: &[Example], settings: TrainSettings, log: &mut dyn FnMut(String)) -> Weights {
    let TrainSettings { buckets, epochs, seed, lexicon_holdout } = settings;
    let feats = Featurizer::for_training(buckets, lexicon_holdout);
    struct Seq {
        f: FeatureSet,
        gold: Vec<usize>,
    }
    let mut seqs = Vec::new();
    for ex in examples {
        for (s, e) in segments(&ex.text) {
            let toks = tokenize(&ex.text, s, e);
            if toks.is_empty() {
                continue;
            }
            let gold = gold_labels(&toks, &ex.spans);
            let f = feats.features(&ex.text, &toks);
            seqs.push(Seq { f, gold });
        }
    }
    let n = buckets as usize * NL;
    let nt = (NL + 1) * NL;
    let mut w = vec![0f32; n];
    let mut wa = vec![0f32; n];
    let mut tr = vec![0f32; nt];
    let mut tra = vec![0f32; nt];
    let mut c = 1f32;
    let mut order: Vec<usize> = (0..seqs.len()).collect();
    let mut rng = Rng::new(seed);
    let tokens: usize = seqs.iter().map(|s| s.gold.len()).sum();
    log(format!("{} segments, {tokens} tokens", seqs.len()));
    for epoch in 0..epochs {
        for k in (1..order.len()).rev() {
            let j = (rng.next_u64() % (k as u64 + 1)) as usize;
            order.swap(k, j);
        }
        let mut errors = 0usize;
        for &q in &order {
            let seq = &seqs[q];
            let t = seq.gold.len();
            let mut em = vec![0f32; t * NL];
            for k in 0..t {
                for &b in &seq.f.per_token[seq.f.offsets[k]..seq.f.offsets[k + 1]] {
                    let at = b as usize * NL;
                    for l in 0..NL {
                        em[k * NL + l] += w[at + l];
                    }
                }
            }
            let pred = viterbi(&em, &tr, t);
            if pred == seq.gold {
                c += 1.0;
                continue;
            }
            for k in 0..t {
                let (g, p) = (seq.gold[k], pred[k]);
                if g != p {
                    errors += 1;
                    for &b in &seq.f.per_token[seq.f.offsets[k]..seq.f.offsets[k + 1]] {
                        let at = b as usize * NL;
                        w[at + g] += 1.0;
                        wa[at + g] += c;
                        w[at + p] -= 1.0;
                        wa[at + p] -= c;
                    }
                }
                let (gf, pf) = if k == 0 { (0, 0) } else { (1 + seq.gold[k - 1], 1 + pred[k - 1]) };
                if (gf, g) != (pf, p) {
                    tr[gf * NL + g] += 1.0;
                    tra[gf * NL + g] += c;
                    tr[pf * NL + p] -= 1.0;
                    tra[pf * NL + p] -= c;
                }
            }
            c += 1.0;
        }
        log(format!("epoch {}: {errors} token errors ({:.3} %)", epoch + 1, 100.0 * errors as f64 / tokens.max(1) as f64));
    }
    let avg: Vec<f32> = w.iter().zip(&wa).map(|(a, b)| a - b / c).collect();
    let avg_t: Vec<f32> = tr.iter().zip(&tra).map(|(a, b)| a - b / c).collect();
    let max = avg.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
    let scale = max / 32000.0;
    let q = avg.iter().map(|v| (v / scale).round().clamp(-32767.0, 32767.0) as i16).collect();
    let qt = avg_t.iter().map(|v| (v / scale).round() as i32).collect();
    Weights { buckets, scale, trans: qt, w: q }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_apostrophes_and_split_cjk() {
        let text = "Dear O'Brien,\n佐藤 花子 lives at 12 Rue d'Arc.";
        let toks: Vec<&str> = tokenize(text, 0, text.len()).iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(toks, ["Dear", "O'Brien", ",", "佐", "藤", "花", "子", "lives", "at", "12", "Rue", "d'Arc", "."]);
        let t = tokenize(text, 0, text.len());
        assert!(t[3].nl_before && !t[4].space_before && t[5].space_before);
    }

    #[test]
    fn segments_are_lines_with_capitals_or_cjk() {
        let text = "lower only\nAnna Berg\n12 Main St\n\nfoo\n王伟\n";
        let segs: Vec<&str> = segments(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(segs, ["Anna Berg\n12 Main St\n", "王伟\n"]);
    }

    #[test]
    fn viterbi_respects_bio() {
        // Emissions prefer I-PER at the start, which BIO forbids.
        let mut em = vec![0i32; 2 * NL];
        em[2] = 10;
        em[NL + 2] = 10;
        let trans = vec![0i32; (NL + 1) * NL];
        let path = viterbi(&em, &trans, 2);
        assert!(allowed(None, path[0]));
        assert!(allowed(Some(path[0]), path[1]));
        assert_eq!(spans_of(&[0, 1, 2, 0, 3, 4, 4, 1, 1]), vec![(1, 1, 2), (2, 4, 6), (1, 7, 7), (1, 8, 8)]);
    }

    #[test]
    fn surname_first_names_are_joined_only_standing_alone() {
        let join = |text: &str, parts: &[&str]| -> Vec<String> {
            let spans = parts
                .iter()
                .map(|p| {
                    let at = text.find(p).unwrap();
                    (1, at, at + p.len(), 1.0)
                })
                .collect();
            join_surname_first(text, spans).iter().map(|&(_, s, e, _)| text[s..e].to_string()).collect()
        };
        assert_eq!(join("Patient: PELLEGRINI, Stefano   MRN 1", &["PELLEGRINI", "Stefano"]), ["PELLEGRINI, Stefano"]);
        assert_eq!(join("To: Marini, Massimo <m@x.io>", &["Marini", "Massimo"]), ["Marini, Massimo"]);
        assert_eq!(join("Attendees: Yang, Dong-hyun; Bauer, Florian", &["Yang", "Dong-hyun", "Bauer", "Florian"]).len(), 2);
        // A list of given names, two full names, and CJK names stay apart.
        assert_eq!(join("Heather, Roberta and Ana are out", &["Heather", "Roberta"]).len(), 2);
        assert_eq!(join("To: Ana Lima, Bo Berg", &["Ana Lima", "Bo Berg"]).len(), 2);
        assert_eq!(join("To: 中村浩二, 中村翔太", &["中村浩二", "中村翔太"]).len(), 2);
    }

    /// A tagger with zero weights: for testing the post-filter, which reads no weights.
    fn bare_tagger() -> PiiTagger {
        PiiTagger::from_weights(Weights { buckets: 1, scale: 1.0, trans: vec![0; (NL + 1) * NL], w: vec![0; NL] }, "test".into())
    }

    #[test]
    fn one_cjk_character_is_a_name_only_before_a_title() {
        let m = bare_tagger();
        let at = |text: &str, name: &str| {
            let s = text.find(name).unwrap();
            m.rejection(text, false, (1, s, s + name.len(), 1.0))
        };
        assert_eq!(at("由周经理负责交接。", "周"), None);
        assert_eq!(at("처리 후 허 팀장님께 공유", "허"), None);
        assert!(at("下周起调往上海分公司", "周").is_some());
    }

    #[test]
    fn post_filter_name_forms() {
        let m = bare_tagger();
        let why = |text: &str, name: &str, margin: f32| {
            let s = text.find(name).unwrap();
            m.rejection(text, false, (1, s, s + name.len(), margin))
        };
        assert_eq!(why("Please add Ibrahim al-Qahtani in cc.", "Ibrahim al-Qahtani", 1.0), None);
        assert_eq!(why("I spoke with Yoo Ha-yun yesterday.", "Yoo Ha-yun", 1.0), None);
        assert_eq!(why("Patient: VON BÜLOW Gudrun   MRN 1", "VON BÜLOW Gudrun", 1.0), None);
        assert_eq!(why("[13:36] Ana: @Bilal can you check", "Bilal", 1.0), None);
        assert_eq!(why("CN=Alfie Walker:mailto:a@b.io", "Alfie Walker", 1.0), None);
        // A hyphenated word with a lower-case tail needs the model's confidence (`Per-diem`).
        assert!(why("Per-diem: EUR 45.", "Per-diem", -5.0).is_some());
        assert!(why("@Override", "Override", 1.0).is_some());
        assert!(why("options: ['Power', 'Tab']", "Power", 1.0).is_some());
        assert!(why("Then switched to a Kalman filter.", "Kalman", 1.0).is_some());
        assert!(why("Company cards are issued by Wells Fargo.", "Wells Fargo", 1.0).is_some());
    }

    #[test]
    fn prose_is_not_code_and_code_is() {
        assert!(!looks_like_code("17:52 Rupert: prod is down, who has the new key?"));
        assert!(!looks_like_code("Please return the signed copy together with your ID."));
        assert!(!looks_like_code("- [ ] Lea: update the rollout plan (Monday)"));
        assert!(looks_like_code("    result = compute(values)"));
        assert!(looks_like_code("let cache = Arc::new(Mutex::new(Vec::new()));"));
        assert!(looks_like_code("self.rate: float = 0.5"));
        assert!(looks_like_code("    (\"Adlam\", ADLAM),"));
        assert!(!looks_like_code("  (1004, 'Niels', 'van Vliet', 'niels88@ziggo.nl', NULL),"));
    }

    #[test]
    fn embedded_word_lists_are_sorted_and_found() {
        let g = Gazetteer::default();
        assert!(g.big_names.is_sorted() && g.common_words.is_sorted() && g.places.is_sorted(), "re-run models/pii-tagger/build_lexicon.py");
        assert!(g.big_names.word_count() > 40_000 && g.common_words.word_count() > 60_000 && g.places.word_count() > 40_000);
        assert!(g.big_names.contains("Aaban") && g.common_words.contains("zoo") && !g.common_words.contains("zzzzq"));
        assert_eq!(g.flags("Ignacio", "ignacio") & (64 | 128), 64);
        assert_eq!(g.flags("Visitor", "visitor") & (64 | 128), 128);
        let held = Gazetteer { holdout: 1, ..Gazetteer::default() };
        assert_eq!(held.flags("Ignacio", "ignacio") & (1 | 64), 0);
    }

    #[test]
    fn weights_round_trip_and_reject_garbage() {
        let w = Weights { buckets: 4, scale: 0.5, trans: (0..(NL as i32 + 1) * NL as i32).collect(), w: (0..4 * NL as i16).collect() };
        let back = Weights::from_bytes(&w.to_bytes()).expect("round trip");
        assert_eq!(back.w, w.w);
        assert_eq!(back.trans, w.trans);
        assert!(Weights::from_bytes(b"PWTG").is_err());
        assert!(Weights::from_bytes(&w.to_bytes()[..30]).is_err());
        assert!(Weights::from_bytes(b"nope nope nope nope nope").is_err());
    }

    #[test]
    fn learns_names_from_a_tiny_set() {
        let mut ex = Vec::new();
        let names = ["Anna Berg", "Lukas Meyer", "Chiara Conti", "Omar Haddad", "Ines Duarte", "Pavel Novak"];
        let nots = ["PhantomData", "Arc", "HashMap", "Vec"];
        for (i, n) in names.iter().enumerate() {
            let text = format!("Please call {n} today.\nlet x: {}<u8> = Default::default();\n", nots[i % nots.len()]);
            ex.push(Example { spans: vec![(12, 12 + n.len(), 1)], text });
        }
        let w = train(&ex, TrainSettings { buckets: 1 << 12, epochs: 8, seed: 7, lexicon_holdout: 0 }, &mut |_| {});
        let m = PiiTagger::from_weights(w, "test".into());
        let text = "Please call Ines Duarte today.\nlet y: Arc<u8> = Default::default();\n";
        let f = m.findings(text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(&text[f[0].start..f[0].end], "Ines Duarte");
    }
}
