//! PERSON (non-ML first version): names after honorifics, greetings, sign-offs and labels
//! (`Patient:`, `From:`), in name columns of tables, CJK names after name labels, and
//! "known first name + capitalised word" pairs from the bundled name lists. The ONNX model
//! (a separate detector) finds the rest; the engine combines both.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use std::collections::HashSet;

use super::Detector;
use crate::context::Ctx;
use crate::document::Document;
use crate::entity::EntityType;
use crate::finding::Finding;

const FIRST_NAMES: &str = include_str!("../../data/first_names.txt");
const SURNAMES: &str = include_str!("../../data/surnames.txt");

/// Capitalised words that are never (part of) a person's name in the patterns below.
const NOT_NAMES: &[&str] = &[
    "String",
    "Option",
    "Boolean",
    "Number",
    "Object",
    "What",
    "Self",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "Team",
    "All",
    "Everyone",
    "Sir",
    "Madam",
    "Sirs",
    "Support",
    "Customer",
    "Customers",
    "Service",
    "Services",
    "Hiring",
    "Manager",
    "Folks",
    "Guys",
    "Colleagues",
    "Friends",
    "Friend",
    "Partner",
    "Partners",
    "Admin",
    "Administrator",
    "User",
    "Users",
    "Inc",
    "Ltd",
    "LLC",
    "GmbH",
    "AG",
    "SA",
    "SAS",
    "SARL",
    "SRL",
    "SpA",
    "BV",
    "NV",
    "Corp",
    "Corporation",
    "Company",
    "Co",
    "Group",
    "Holdings",
    "Bank",
    "Insurance",
    "Hospital",
    "Clinic",
    "University",
    "School",
    "Department",
    "Dept",
    "Office",
    "Street",
    "Road",
    "Avenue",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Prof",
    "Please",
    "Thanks",
    "Thank",
    "Regards",
    "Best",
    "Kind",
    "Hello",
    "Hi",
    "Dear",
    "Yes",
    "No",
    "Not",
    "None",
    "Unknown",
    "Pending",
    "Name",
    "Patient",
    "Employee",
    "Client",
    "Account",
    "Holder",
    "Order",
    "Invoice",
    "Ticket",
    "Re",
    "Fwd",
    "Subject",
    "Date",
    "Time",
    "Total",
    "Amount",
    "Status",
    "Note",
    "Notes",
    "Summary",
    "Update",
    "Meeting",
    "Project",
    "Product",
    "Sales",
    "Marketing",
    "Finance",
    "Legal",
    "Engineering",
    "Security",
    "Operations",
    "Board",
    "Committee",
    "Council",
    "Agency",
    "Ministry",
    "Government",
    "City",
    "County",
    "State",
    "Republic",
    "Kingdom",
    "United",
    "North",
    "South",
    "East",
    "West",
    "New",
    "Old",
    "General",
    "Global",
    "International",
    "National",
    "Foundation",
    "Trust",
    "Fund",
    "Capital",
    "Partners",
    "Solutions",
    "Systems",
    "Technologies",
    "Labs",
    "Software",
    "Cloud",
    "Data",
    "Health",
    "Medical",
    "Care",
    "Pharma",
    "Energy",
    "Motors",
    "Airlines",
    "Logistics",
    "Consulting",
    "Associates",
    "Controls",
    "Stanley",
    "Chase",
    "Sachs",
    "Fargo",
    "Morgan",
    "Goldman",
    "Wells",
    "Johnson",
    "Sons",
    "Brothers",
    "Bros",
    "Hotel",
    "Restaurant",
    "Cafe",
    "Store",
    "Shop",
    "Market",
    "Mall",
    "Center",
    "Centre",
    "Park",
    "Airport",
    "Station",
    "Church",
    "Museum",
    "Library",
    "Visa",
    "Mastercard",
    "Amex",
    "Stripe",
    "Google",
    "Microsoft",
    "Amazon",
    "Apple",
    "Slack",
    "Jira",
    "GitHub",
    "Teams",
    "Zoom",
    "Outlook",
    "Gmail",
    "Excel",
    "Word",
    "PowerPoint",
    "Chrome",
    "Firefox",
    "Linux",
    "Windows",
    "Mac",
    "Android",
    "Iphone",
    "Python",
    "Java",
    "Rust",
    "Go",
    "Docker",
    "Kubernetes",
    "Azure",
    "AWS",
    "API",
    "Hope",
    "Looking",
    "Following",
    "Attached",
    "Please",
    "Happy",
    "Good",
    "Morning",
    "Afternoon",
    "Evening",
    "Herr",
    "Frau",
    "Madame",
    "Monsieur",
    "Señor",
    "Señora",
    "Signor",
    "Signora",
    "Team",
    "Kunde",
    "Kundin",
    "Damen",
    "Herren",
    "Mesdames",
    "Messieurs",
    "Todos",
    "Tutti",
    "Allemaal",
    "Iedereen",
    // Companies and brands named after people, which name finders (rules and models alike) take
    // for persons. Only names that are rarely a private person's surname today.
    "Disney",
    "Peugeot",
    "Porsche",
    "Schwab",
    "Bradesco",
    "Santander",
    "Michelin",
    "Siemens",
    "Heineken",
    "Renault",
    "Citroën",
    "Chevrolet",
    "Lamborghini",
    "Maserati",
    "Bugatti",
    "Nestlé",
    "Barclays",
    "Toyota",
    "Mitsubishi",
    "Yamaha",
    "Hyundai",
    "Daimler",
    "Boeing",
    "Airbus",
    "Kellogg",
    "Colgate",
    "Gillette",
    "Chanel",
    "Gucci",
    "Prada",
    "Versace",
    "Armani",
    "Cartier",
    "Deloitte",
    "McKinsey",
    "Accenture",
    "Bloomberg",
    "Reuters",
    "Nasdaq",
    "Dow",
];

const COMPANY_SUFFIXES: &[&str] = &[
    "Inc",
    "Inc.",
    "Ltd",
    "Ltd.",
    "LLC",
    "GmbH",
    "AG",
    "SA",
    "SAS",
    "S.A.",
    "SARL",
    "SRL",
    "S.r.l.",
    "SpA",
    "S.p.A.",
    "BV",
    "B.V.",
    "NV",
    "N.V.",
    "Corp",
    "Corp.",
    "Corporation",
    "Company",
    "Co.",
    "Group",
    "Holdings",
    "PLC",
    "plc",
    "LLP",
    "Limited",
    "KG",
    "OHG",
    "Bank",
    "Controls",
    "Stanley",
    "Partners",
    "Associates",
    "Solutions",
    // Industry words that end or start a company name and are no one's name
    // (`Dell Technologies`, `Alibaba Cloud`, `Banco Bradesco`, `Dangote Cement`).
    "Technologies",
    "Technology",
    "Tech",
    "Cloud",
    "Systems",
    "Software",
    "Labs",
    "Laboratories",
    "Pharma",
    "Pharmaceuticals",
    "Therapeutics",
    "Biotech",
    "Motors",
    "Automotive",
    "Airlines",
    "Airways",
    "Logistics",
    "Freight",
    "Shipping",
    "Capital",
    "Ventures",
    "Investments",
    "Consulting",
    "Insurance",
    "Assurance",
    "Banco",
    "Banque",
    "Bancorp",
    "Financial",
    "Securities",
    "Foods",
    "Beverages",
    "Energy",
    "Petroleum",
    "Oil",
    "Media",
    "Networks",
    "Studios",
    "Entertainment",
    "Industries",
    "Industrie",
    "Manufacturing",
    "Electronics",
    "Electric",
    "Telecom",
    "Communications",
    "Healthcare",
    "Robotics",
    "Analytics",
    "Digital",
    "Trading",
    "Textiles",
    "Cement",
    "Steel",
    "Chemicals",
    "Retail",
    "Stores",
    "Hotels",
    "Resorts",
    "Realty",
    "Properties",
    "Construction",
    "Engineering",
    "Semiconductor",
    "Semiconductors",
    "Aerospace",
    "Mobility",
    "Brands",
    "Worldwide",
    "International",
    "Global",
];

/// Companies and brands named after people (`Walt Disney`, `Wells Fargo`, `Dr. Oetker`), whole
/// names as they are written: a name model sees two capitalised words and a person. One-word
/// brands only where the word is hardly anyone's surname (`Peugeot` yes, `Dell` or `Bayer` no).
const EPONYMOUS_COMPANIES: &[&str] = &[
    "Walt Disney",
    "Wells Fargo",
    "Charles Schwab",
    "Morgan Stanley",
    "Goldman Sachs",
    "JP Morgan",
    "J.P. Morgan",
    "Merrill Lynch",
    "Lehman Brothers",
    "Raymond James",
    "Edward Jones",
    "Franklin Templeton",
    "T. Rowe Price",
    "John Hancock",
    "Thomson Reuters",
    "Dow Jones",
    "Standard Chartered",
    "Johnson & Johnson",
    "Procter & Gamble",
    "Ernst & Young",
    "Marks & Spencer",
    "Abercrombie & Fitch",
    "Crate & Barrel",
    "Dolce & Gabbana",
    "Black & Decker",
    "Booz Allen",
    "Booz Allen Hamilton",
    "Hewlett Packard",
    "Hewlett-Packard",
    "Louis Vuitton",
    "Christian Dior",
    "Yves Saint Laurent",
    "Saint Laurent",
    "Giorgio Armani",
    "Ralph Lauren",
    "Calvin Klein",
    "Tommy Hilfiger",
    "Hugo Boss",
    "Estée Lauder",
    "Estee Lauder",
    "Coco Chanel",
    "Michael Kors",
    "Kate Spade",
    "Tory Burch",
    "Vera Wang",
    "Oscar de la Renta",
    "Ted Baker",
    "Paul Smith",
    "Karl Lagerfeld",
    "Stella McCartney",
    "Alexander McQueen",
    "Marc Jacobs",
    "Salvatore Ferragamo",
    "Bottega Veneta",
    "Dr. Oetker",
    "Dr Oetker",
    "Dr. Martens",
    "Dr Martens",
    "Ben & Jerry's",
    "Lockheed Martin",
    "Northrop Grumman",
    "Pratt & Whitney",
    "Rolls-Royce",
    "Rolls Royce",
    "Aston Martin",
    "Mercedes-Benz",
    "Alfa Romeo",
    "Harley-Davidson",
    "Harley Davidson",
    "Boehringer Ingelheim",
    "Eli Lilly",
    "Bristol-Myers Squibb",
    "Bristol Myers Squibb",
    "Charles River",
    "Thermo Fisher",
    "Becton Dickinson",
    "Baxter International",
    "Abbott Laboratories",
    "Fresenius Kabi",
    "Robert Bosch",
    "Carl Zeiss",
    "Heinrich Bauer",
    "Axel Springer",
    "Bertelsmann",
    "Ferrero Rocher",
    "Walmart",
    "Sam's Club",
    "Trader Joe's",
    "Dick's Sporting Goods",
    "Marshall Field's",
    "John Lewis",
    "Harvey Nichols",
    "Sainsbury's",
    "Morrisons",
    "Dean & DeLuca",
    "Arthur Andersen",
    "McKinsey & Company",
    "Bain & Company",
    "Oliver Wyman",
    "Roland Berger",
    "Deloitte Touche",
    "Price Waterhouse",
    "Baker McKenzie",
    "Clifford Chance",
    "Allen & Overy",
    "Freshfields Bruckhaus Deringer",
    "Linklaters",
    "Latham & Watkins",
    "Kirkland & Ellis",
    "Sullivan & Cromwell",
    "Davis Polk",
    "Simpson Thacher",
    "Wachtell Lipton",
    "Jones Day",
    "White & Case",
    "Hogan Lovells",
    "Norton Rose",
    "Herbert Smith",
    "Slaughter and May",
    "Charles Tyrwhitt",
    "Jack Daniel's",
    "Johnnie Walker",
    "Jim Beam",
    "Captain Morgan",
    "Tim Hortons",
    "Wendy's",
    "Dunkin' Donuts",
    "Ben Sherman",
    "Levi Strauss",
    "Levi's",
    "Ray-Ban",
    "Max Factor",
    "Elizabeth Arden",
    "Helena Rubinstein",
    "Mary Kay",
    "Paul Mitchell",
    "Vidal Sassoon",
    "John Deere",
    "Henry Schein",
    "Warner Bros",
    "Warner Brothers",
    "Paramount",
    "Harper Collins",
    "HarperCollins",
    "Simon & Schuster",
    "Penguin Random House",
    "Houghton Mifflin",
    "McGraw Hill",
    "McGraw-Hill",
    "John Wiley",
    "Springer Nature",
    "Elsevier",
    "Mitsubishi",
    "Toyota",
    "Honda",
    "Yamaha",
    "Kikkoman",
    "Dassault Systèmes",
    "Michelin",
    "Peugeot",
    "Citroën",
    "Lamborghini",
    "Maserati",
    "Ford Motor",
    "Walgreens",
    "Kellogg's",
    "Kraft Heinz",
    "Campbell Soup",
    "Tyson Foods",
    "Nestlé",
    "Pfizer",
    "Sanofi",
    "Novartis",
    "Boeing",
    "Chrysler",
];

/// The name word lists, for other crates' name finders (the ONNX model's post-filter): known given
/// names and surnames, and capitalised words that are never a person's name.
pub struct NameLexicon {
    names: HashSet<&'static str>,
    not_names: HashSet<&'static str>,
}

impl Default for NameLexicon {
    fn default() -> Self {
        let list = |s: &'static str| s.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
        NameLexicon { names: list(FIRST_NAMES).chain(list(SURNAMES)).collect(), not_names: NOT_NAMES.iter().copied().collect() }
    }
}

impl NameLexicon {
    /// A given name or surname from the built-in lists (exact spelling, capitalised).
    pub fn is_known_name(&self, word: &str) -> bool {
        self.names.contains(word)
    }

    /// A capitalised word that is never (part of) a person's name: weekdays, months, titles,
    /// company and place words, product names.
    pub fn is_not_name(&self, word: &str) -> bool {
        self.not_names.contains(word.trim_end_matches(['.', ',']))
    }

    /// A word that marks an organisation name (`GmbH`, `Inc.`, `Bank`, `& Company`'s `Company`).
    pub fn is_company_word(&self, word: &str) -> bool {
        COMPANY_SUFFIXES.contains(&word)
    }

    /// A company or brand named after people, as a whole name (`Walt Disney`, `Wells Fargo`),
    /// also with a possessive (`Walt Disney's`).
    pub fn is_eponymous_company(&self, name: &str) -> bool {
        is_eponymous_company(name)
    }
}

pub struct PersonDetector {
    surnames: HashSet<&'static str>,
    not_names: HashSet<&'static str>,
    honorific: Regex,
    salutation: Regex,
    label: Regex,
    signoff: Regex,
    /// Known first names, matched case-sensitively; each hit is checked for a following surname.
    first_names: AhoCorasick,
    /// The words after a first name: an optional particle, a surname, maybe a second surname.
    rest: Regex,
    cjk: Regex,
    cell: Regex,
}

/// A capitalised name word: `O'Brien`, `Jean-Luc`, `Müller`, `McDonald`, `Петров`. Latin (with
/// Latin-1 and Extended-A), Greek and Cyrillic letters, spelled out rather than `\p{Lu}`/`\p{Ll}`:
/// the full Unicode classes, repeated across five patterns, cost ~10 ms at every engine build.
const NAME_WORD: &str = r"[A-ZÀ-ÖØ-ÞĀ-ſΑ-ΩА-ЯЁ][a-zA-Zß-öø-ÿÀ-ÖØ-ÞĀ-ſα-ωΑ-Ωа-яА-ЯёЁ'’\-]*[a-zß-öø-ÿĀ-ſα-ωа-яё][a-zß-öø-ÿĀ-ſα-ωа-яё'’\-]*";

impl PersonDetector {
    pub fn new() -> Result<Self, regex::Error> {
        let list = |s: &'static str| s.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        let w = NAME_WORD;
        // The words of a name are one space apart: a run of spaces is a column break
        // (`Signed: Ana Lima            Signed: …`), a line break a new field.
        let particle = r"(?:(?:van der|van den|van de|van|von|de la|de los|del|de|da|dos|das|di|du|le|la|bin|al|ibn)[ \u{a0}])?";
        let name = format!(r"({w}(?:[ \u{{a0}}]{particle}{w}){{0,2}})");
        Ok(PersonDetector {
            surnames: list(SURNAMES),
            not_names: NOT_NAMES.iter().copied().collect(),
            honorific: Regex::new(&super::ascii_boundaries(&format!(
                r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|Sig|Sig\.ra|Dott|Dott\.ssa|Dra|Mevr|Dhr)\.?\s+{particle}{name}"
            )))?,
            salutation: Regex::new(&super::ascii_boundaries(&format!(
                r"(?:\b(?i:dear|hi|hello|hey|hallo|bonjour|hola|ciao|olá|ola|oi|beste|liebe|lieber|cher|chère|caro|cara|estimado|estimada|gentile|hoi|moin|servus|salut|thanks|thank you|danke|merci|gracias|grazie|obrigad[oa])),?\s+(?:(?:Mr|Mrs|Ms|Dr|Prof|Herr|Frau|M|Mme|Sr|Sra|Sig|Dott)\.?\s+)?{name}\s*[,!:.\n]"
            )))?,
            label: Regex::new(&format!(
                r#"(?i:name|full name|full_name|patient|patient name|employee|employee name|customer|customer name|passenger|contact|contact person|client|applicant|candidate|beneficiary|account holder|account name|cardholder|card holder|name on card|insured|policyholder|tenant|guest|signed|signature|owner|prepared by|approved by|submitted by|requested by|assigned to|reported by|reviewer|employee|emergency contact|next of kin|spouse|guarantor|nom|nom complet|nombre|nombre completo|nome|nome completo|vorname|nachname|kunde|patientin|paciente|paziente|titular|ordered by|referred by|attending|physician|provider|(?m:^[ \t>]*(?:from|to|cc|attn)))\s*["']?\s*[:=]\s*["']?(?:(?:Mr|Mrs|Ms|Dr|Prof|Herr|Frau|M|Mme|Sr|Sra)\.?\s+)?{name}"#
            ))?,
            signoff: Regex::new(&format!(
                r"(?i:regards|best|thanks|thank you|cheers|sincerely|cordially|respectfully|warmly|mit freundlichen grüßen|viele grüße|beste grüße|gruß|cordialement|bien à vous|saludos|un saludo|atentamente|distinti saluti|cordiali saluti|saluti|met vriendelijke groet|groeten|atenciosamente|abraços)[,!.]?[ \t]*\r?\n[ \t]*{name}"
            ))?,
            first_names: AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(FIRST_NAMES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')))
                .map_err(|e| regex::Error::Syntax(e.to_string()))?,
            rest: Regex::new(&format!(r"^[ \u{{a0}}]({particle}{w})(?:[ \u{{a0}}]({w}))?"))?,
            cjk: Regex::new(
                r"(?:氏名|姓名|患者|名前|联系人|客户|申请人|担当|お名前|被保険者|乗客)\s*[:：]?\s*([\p{Han}\p{Hiragana}\p{Katakana}]{1,4}(?:[ 　][\p{Han}\p{Hiragana}\p{Katakana}]{1,4})?)",
            )?,
            cell: Regex::new(&format!(r"^{name}$"))?,
        })
    }

    /// A candidate is a name when every word is capitalised and none is a known non-name.
    fn plausible(&self, s: &str) -> bool {
        let words: Vec<&str> = s.split_whitespace().collect();
        !words.is_empty()
            && words.iter().all(|w| !self.not_names.contains(w.trim_end_matches(['.', ','])) && !COMPANY_SUFFIXES.contains(w))
            && !is_eponymous_company(s)
    }

    fn push(&self, doc: &Document<'_>, s: usize, mut e: usize, score: f32, out: &mut Vec<Finding>) {
        // Never end on punctuation or whitespace.
        while e > s && doc.text.as_bytes()[e - 1].is_ascii_punctuation() {
            e -= 1;
        }
        if e > s && self.plausible(&doc.text[s..e]) && !code_identifier(doc, s, e) && !is_placeholder_name(&doc.text[s..e]) {
            out.push(Finding::new(EntityType::Person, s, e, score, "pii.person"));
        }
    }

    /// Trims a captured name to the words that follow it on the same line only.
    fn first_line(doc: &Document<'_>, s: usize, e: usize) -> usize {
        memchr::memchr(b'\n', &doc.text.as_bytes()[s..e]).map_or(e, |i| s + i)
    }
}

/// A company or brand named after people (see [`EPONYMOUS_COMPANIES`]), also with a possessive.
fn is_eponymous_company(name: &str) -> bool {
    let name = name.strip_suffix("'s").or_else(|| name.strip_suffix("’s")).unwrap_or(name);
    EPONYMOUS_COMPANIES.contains(&name)
}

/// Whether the name at `pos` stands in an attribution: a copyright notice (`Copyright (C) 2012
/// Ana Lima`, anywhere), a comment line that credits an author (` * Author: Ana Lima`, `# Written
/// by Ana Lima`), or Python's `__author__` / Sphinx's `moduleauthor`. Public
/// attribution in public code is not personal data to stop; an internal git log
/// (`Author: Ana Lima <ana@…>`, no comment marker) is still reported.
pub fn in_code_attribution(text: &str, pos: usize) -> bool {
    let start = text[..pos].rfind('\n').map_or(0, |k| k + 1);
    let end = text[pos..].find('\n').map_or(text.len(), |k| pos + k);
    let line = &text[start..end];
    let lower = line.to_lowercase();
    // A copyright notice is attribution wherever it stands (inside a block comment or a licence
    // text, with no marker of its own); so are Python's and Sphinx's author fields.
    if [
        "__author__",
        "__maintainer__",
        "moduleauthor::",
        "sectionauthor::",
        ":author:",
        "@author ",
        "copyright",
        "©",
        "all rights reserved",
    ]
    .iter()
    .any(|k| lower.contains(k))
    {
        return true;
    }
    let t = line.trim_start();
    let comment = ["//", "/*", "*", "#", "--", ";;", "%", "'''", "\"\"\""].iter().any(|m| t.starts_with(m));
    // (copyright notices returned above already)
    comment
        && [
            "(c)",
            "author",
            "written by",
            "created by",
            "maintained by",
            "maintainer",
            "contributed by",
            "developed by",
            "implemented by",
            "definitions by",
        ]
        .iter()
        .any(|k| lower.contains(k))
}

/// Specimen names that forms, manuals and support macros use in place of a real person's (`John
/// Doe`, `Max Mustermann`, `山田太郎`): not personal data, so never a finding.
const PLACEHOLDER_NAMES: &[&str] = &[
    "John Doe",
    "Jane Doe",
    "John Q. Public",
    "Joe Public",
    "Richard Roe",
    "Joe Bloggs",
    "Fred Bloggs",
    "A. N. Other",
    "Tommy Atkins",
    "Max Mustermann",
    "Erika Mustermann",
    "Otto Normalverbraucher",
    "Jean Dupont",
    "Marie Dupont",
    "Juan Pérez",
    "Juan Perez",
    "Fulano de Tal",
    "Pepito Pérez",
    "Mario Rossi",
    "Jan Jansen",
    "Jan Modaal",
    "Jan Kowalski",
    "Ola Nordmann",
    "Kari Nordmann",
    "Matti Meikäläinen",
    "Jón Jónsson",
    "Anders And",
    "Mustermann",
    "山田太郎",
    "山田 太郎",
    "山田花子",
    "山田 花子",
    "張三",
    "张三",
    "李四",
    "王五",
    "홍길동",
];

/// Whether `name` is a specimen name (see [`PLACEHOLDER_NAMES`]), whatever its spacing.
pub fn is_placeholder_name(name: &str) -> bool {
    let norm: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    PLACEHOLDER_NAMES.iter().any(|p| p.eq_ignore_ascii_case(&norm))
}

/// Whether `[start, end)` of `window` lies inside a specimen name written there (`Hi Jan Jansen`).
pub fn placeholder_within(window: &str, start: usize, end: usize) -> bool {
    PLACEHOLDER_NAMES.iter().any(|p| window.match_indices(p).any(|(at, m)| at <= start && end <= at + m.len()))
}

/// A name found after a label in code is usually an identifier: a type or call (`client: CDPSession`,
/// `Decode(buffer…`, `ClassVar[…]`, `provider="CUDAExecutionProvider"`). One word with an inner
/// capital (other than `Mc`/`Mac`/`O'` names) or a word followed by `(`, `<`, `[`, `::` is code.
fn code_identifier(doc: &Document<'_>, s: usize, e: usize) -> bool {
    let v = &doc.text[s..e];
    if matches!(doc.byte_at(e), Some(b'(' | b'<' | b'[' | b'_')) || doc.text[e..].starts_with("::") {
        return true;
    }
    // A product with a model number (`Tesla V100-PCIE`, `Surface Pro 9`).
    let next_word = doc.text[e..].trim_start_matches(' ').split([' ', ',', '\'', '"']).next().unwrap_or("");
    if doc.byte_at(e) == Some(b' ') && next_word.bytes().any(|b| b.is_ascii_digit()) && next_word.bytes().any(|b| b.is_ascii_alphabetic()) {
        return true;
    }
    // A type after a field or parameter name (`name: Ident,`, `fn f(name: Symbol) -> Self`).
    let line_start = doc.text[..s].rfind('\n').map_or(0, |k| k + 1);
    let line = doc.text[line_start..].split('\n').next().unwrap_or("");
    let trimmed = line.trim_start();
    let code_line = ["fn ", "let ", "pub ", "pub(", "const ", "var ", "val ", "def ", "func ", "private ", "public "]
        .iter()
        .any(|k| trimmed.starts_with(k) || line.contains(&format!(" {k}")));
    if !v.contains(char::is_whitespace) && code_line && matches!(doc.byte_at(e), Some(b',' | b')' | b';' | b' ' | b'>' | b'}') | None) {
        return true;
    }
    if v.contains(char::is_whitespace) || v == "World" {
        return v == "World";
    }
    let inner_cap = v
        .char_indices()
        .skip(1)
        .any(|(i, ch)| ch.is_uppercase() && !matches!(&v[..i], "Mc" | "Mac" | "O'" | "O’" | "De" | "Di" | "La" | "Le"));
    inner_cap && !v.contains('-')
}

impl Detector for PersonDetector {
    fn id(&self) -> &str {
        "pii.person"
    }

    fn anchors(&self) -> &[&str] {
        &[]
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        for re in [&self.honorific, &self.salutation, &self.label, &self.signoff] {
            for caps in re.captures_iter(text) {
                // Labels and greetings start a word: `Name:` but not `Filename:`.
                let Some(m0) = caps.get(0) else { continue };
                // `baseline_name="Torch"`, `self.name`: an attribute, not a label.
                if doc.byte_before(m0.start()).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
                    continue;
                }
                if let Some(m) = caps.get(1) {
                    let e = Self::first_line(doc, m.start(), m.end());
                    self.push(doc, m.start(), e, 0.8, out);
                }
            }
        }

        for m in self.first_names.find_iter(text) {
            if !doc.word_bounded(m.start(), m.end()) {
                continue;
            }
            let Some(caps) = self.rest.captures(&text[m.end()..]) else { continue };
            let Some(b) = caps.get(1) else { continue };
            let surname = b.as_str();
            if self.not_names.contains(surname) || COMPANY_SUFFIXES.contains(&surname) {
                continue;
            }
            let last_known = self.surnames.contains(surname.rsplit(' ').next().unwrap_or(""));
            let mut end = m.end() + b.end();
            // A third capitalised word is part of the name only when it is a known surname.
            if let Some(c) = caps.get(2) {
                if COMPANY_SUFFIXES.contains(&c.as_str()) {
                    continue;
                }
                if self.surnames.contains(c.as_str()) {
                    end = m.end() + c.end();
                }
            }
            if !doc.word_bounded(m.start(), end) {
                continue;
            }
            let score = if last_known { 0.85 } else { 0.7 };
            self.push(doc, m.start(), end, score, out);
        }
        for caps in self.cjk.captures_iter(text) {
            if let Some(m) = caps.get(1).filter(|m| !is_placeholder_name(m.as_str())) {
                out.push(Finding::new(EntityType::Person, m.start(), m.end(), 0.8, "pii.person"));
            }
        }
        for (s, e) in doc.column_cells(Ctx::Name) {
            let header = doc.column_header(s).unwrap_or("").to_ascii_lowercase();
            if [
                "company",
                "product",
                "file",
                "host",
                "user",
                "item",
                "project",
                "org",
                "bank",
                "street",
                "city",
                "domain",
                "app",
                "service",
                "account name",
                "vendor",
                "merchant",
                "plan",
                "event",
                "model",
                "brand",
            ]
            .iter()
            .any(|w| header.contains(w))
            {
                continue;
            }
            if self.cell.is_match(&text[s..e]) {
                self.push(doc, s, e, 0.85, out);
            }
        }
    }

    fn true_positives(&self) -> Vec<(EntityType, &str)> {
        vec![
            (EntityType::Person, "Dear Ms. Weber, thank you for your order."),
            (EntityType::Person, "Hi Tom, can you check this?"),
            (EntityType::Person, "Patient: Maria Rossi, 54 y/o"),
            (EntityType::Person, "first_name,last_name,email\nJane,Doe,jd@northwind.io"),
            (EntityType::Person, "Best regards,\nSophie Martin"),
            (EntityType::Person, "氏名: 佐藤 花子"),
        ]
    }

    fn false_positives(&self) -> &[&str] {
        &[
            "constructor(client: CDPSession);",
            "baseline_name=\"Torch\"",
            "page.keyboard.type('Hello World!');",
            "provider=\"CUDAExecutionProvider\"",
            "We met with Johnson Controls and Morgan Stanley today.",
            "Dear Team, the build is green.",
            "For example: \"Hi Max Mustermann, your refund is on its way\"",
            "Name: John Doe (placeholder)",
            "Hi all, see below.",
        ]
    }
}
