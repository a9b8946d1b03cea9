//! Document categories from features of the text (first version; the model may take over).
//!
//! Rules follow the taxonomy: a SECRET finding implies `credentials`, a FINANCIAL finding
//! `financial`, a HEALTH finding `health`. `source_code` comes from code-shaped lines. Topic
//! categories (`customer_data`, `hr`, `legal`) come from key words weighed against the findings.
//! A text without findings carries only `source_code` or `none`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::entity::{Category, EntityType, Family};
use crate::finding::Finding;

const HR_WORDS: &[&str] = &[
    "salary", "payroll", "performance review", "performance improvement", "onboarding", "offer letter", "employee id",
    "employment", "employee", "hiring", "candidate", "resume", "curriculum vitae", "termination", "severance",
    "compensation", "bonus", "w-4", "w-2", "p60", "p45", "i-9", "new hire", "start date", "probation", "disciplinary",
    "annual leave", "sick leave", "medical leave", "parental leave", "pto", "hr ", "human resources", "job title",
    "gehalt", "arbeitsvertrag", "mitarbeiter", "salaire", "salario", "stipendio", "recruiter", "interview",
    "promotion", "headcount", "reference check", "background check", "pay stub", "payslip", "direct deposit",
];
const LEGAL_WORDS: &[&str] = &[
    "agreement", "non-disclosure", "nda", "hereinafter", "hereby", "whereas", "indemnif", "governing law",
    "jurisdiction", "privileged", "attorney", "counsel", "litigation", "plaintiff", "defendant", "settlement",
    "contract", "clause", "the parties", "confidential information", "liability", "arbitration", "subpoena",
    "court", "lawsuit", "legal hold", "term sheet", "amendment", "witnesseth", "vertrag", "contrat", "contrato",
];
const CUSTOMER_WORDS: &[&str] = &[
    "customer", "client", "ticket", "order", "account", "subscriber", "user", "member", "booking", "reservation",
    "crm", "lead", "contact", "shipping", "delivery", "refund", "complaint", "support", "kyc", "passenger",
    "guest", "signup", "sign-up", "registered", "buyer", "consumer", "patient", "applicant", "kunde", "client",
];
const HEALTH_WORDS: &[&str] = &[
    "patient", "diagnos", "clinical", "discharge", "medication", "prescri", "mrn", "icd", "symptom", "treatment",
    "hospital", "physician", "therapy", "medical",
];
const FINANCE_WORDS: &[&str] = &[
    "invoice", "iban", "swift", "wire transfer", "bank", "payment", "statement", "routing", "account number",
    "remittance", "credit card", "card number",
];
const CODE_MARKERS: &[&str] = &[
    "def ", "import ", "from ", "function ", "const ", "let ", "var ", "class ", "public ", "private ", "return ",
    "#include", "package ", "func ", "fn ", "=> ", "select ", "insert into", "update ", "create table", "traceback",
    "exception", "  at ", "$ ", "sudo ", "curl ", "git ", "npm ", "pip ", "docker ", "kubectl ", "export ", "apiversion:",
    "kind:", "resource \"", "provider \"", "<?php", "#!/", "console.log", "println", "printf", "diff --git", "@@ ",
    "if (", "for (", "while (", "});", "};", "//", "/*", "*/", "</", "/>", "==", "!=", "&&", "||", "->", "::",
];

/// Keyword matchers for the topic categories, built once per engine.
pub struct Categorizer {
    words: AhoCorasick,
    kinds: Vec<Topic>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Topic {
    Hr,
    Legal,
    Customer,
    Health,
    Finance,
    Code,
}

impl Categorizer {
    pub fn new() -> Result<Self, aho_corasick::BuildError> {
        let mut pats = Vec::new();
        let mut kinds = Vec::new();
        for (topic, words) in [
            (Topic::Hr, HR_WORDS),
            (Topic::Legal, LEGAL_WORDS),
            (Topic::Customer, CUSTOMER_WORDS),
            (Topic::Health, HEALTH_WORDS),
            (Topic::Finance, FINANCE_WORDS),
            (Topic::Code, CODE_MARKERS),
        ] {
            for w in words {
                pats.push(*w);
                kinds.push(topic);
            }
        }
        let words = AhoCorasickBuilder::new().ascii_case_insensitive(true).match_kind(MatchKind::Standard).build(&pats)?;
        Ok(Categorizer { words, kinds })
    }

    /// Categories of `text` given its (resolved) findings.
    pub fn categorize(&self, text: &str, findings: &[Finding]) -> Vec<Category> {
        // Sample long texts: the first and last 64 KiB say what the paste is about.
        let head = floor_boundary(text, 65536);
        let tail_start = ceil_boundary(text, text.len().saturating_sub(65536).max(head));
        let mut counts = [0usize; 6];
        for part in [&text[..head], &text[tail_start..]] {
            for m in self.words.find_overlapping_iter(part) {
                counts[self.kinds[m.pattern().as_usize()] as usize] += 1;
            }
        }
        let lines = text[..head].lines().filter(|l| !l.trim().is_empty()).count().max(1);
        let code_lines = text[..head].lines().filter(|l| code_line(l)).count();
        let is_code = counts[Topic::Code as usize] >= 3 && code_lines * 4 >= lines || code_lines * 2 >= lines && code_lines >= 2;

        let mut cats = Vec::new();
        if is_code {
            cats.push(Category::SourceCode);
        }
        if findings.is_empty() {
            if cats.is_empty() {
                cats.push(Category::None);
            }
            return cats;
        }
        let has = |f: Family| findings.iter().any(|x| x.entity.family() == f);
        let pii = findings.iter().filter(|x| x.entity.family() == Family::Pii).count();
        if has(Family::Secret) {
            cats.push(Category::Credentials);
        }
        if has(Family::Financial) || counts[Topic::Finance as usize] >= 2 && pii > 0 {
            cats.push(Category::Financial);
        }
        if has(Family::Health) || counts[Topic::Health as usize] >= 2 && pii > 0 {
            cats.push(Category::Health);
        }
        if counts[Topic::Hr as usize] >= 2 && pii + findings.len() > 0 {
            cats.push(Category::Hr);
        }
        if counts[Topic::Legal as usize] >= 2 {
            cats.push(Category::Legal);
        }
        let personal = findings.iter().any(|x| {
            matches!(x.entity, EntityType::Email | EntityType::Phone | EntityType::Address | EntityType::Person
                | EntityType::DateOfBirth | EntityType::IpAddress | EntityType::UsSsn | EntityType::NationalId
                | EntityType::Passport | EntityType::DriverLicense)
        });
        let topical = cats.iter().any(|c| matches!(c, Category::Hr | Category::Legal | Category::Health));
        if personal && (counts[Topic::Customer as usize] >= 1 || !topical) {
            cats.push(Category::CustomerData);
        }
        if !cats.iter().any(|c| *c != Category::SourceCode) {
            cats.push(Category::CustomerData);
        }
        cats.sort();
        cats.dedup();
        cats
    }
}

fn code_line(l: &str) -> bool {
    let t = l.trim();
    t.ends_with(';') || t.ends_with('{') || t.ends_with('}') || t.starts_with("def ") || t.starts_with("import ")
        || t.starts_with("return ") || t.starts_with("#include") || t.starts_with("$ ") || t.starts_with("at ")
        || (t.contains(" = ") && !t.contains(' ') == false && t.split_whitespace().count() <= 6 && !t.ends_with('.'))
        || t.starts_with("- name:") || t.starts_with("SELECT ") || t.starts_with("INSERT ")
        || (t.contains(": ") && l.starts_with("  ") && !t.ends_with('.'))
        || (t.contains('=') && t.split('=').next().is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())))
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}
