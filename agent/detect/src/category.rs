//! Document categories from features of the text (first version; the model may take over).
//!
//! Rules follow the taxonomy: a SECRET finding implies `credentials`, a FINANCIAL finding
//! `financial`, a HEALTH finding `health`. `source_code` comes from code-shaped lines. Topic
//! categories (`customer_data`, `hr`, `legal`) come from key words weighed against the findings.
//! A text without findings carries only `source_code` or `none`; a text with findings carries at
//! least one topic, the one with the most key words when none reached its bar (the taxonomy names
//! no default topic).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::document::{ceil_char_boundary, floor_char_boundary};
use crate::entity::{Category, EntityType, Family};
use crate::finding::Finding;

const HR_WORDS: &[&str] = &[
    "salary",
    "payroll",
    "performance review",
    "performance improvement",
    "onboarding",
    "offer letter",
    "employee id",
    "employment",
    "employee",
    "hiring",
    "candidate",
    "resume",
    "curriculum vitae",
    "termination",
    "severance",
    "compensation",
    "bonus",
    "w-4",
    "w-2",
    "p60",
    "p45",
    "i-9",
    "new hire",
    "start date",
    "probation",
    "disciplinary",
    "annual leave",
    "sick leave",
    "medical leave",
    "parental leave",
    "pto",
    "hr ",
    "human resources",
    "job title",
    "gehalt",
    "arbeitsvertrag",
    "mitarbeiter",
    "salaire",
    "salario",
    "stipendio",
    "recruiter",
    "interview",
    "promotion",
    "headcount",
    "reference check",
    "background check",
    "pay stub",
    "payslip",
    "direct deposit",
    "handed in notice",
    "notice period",
    "last day",
    "emp_id",
    "employee_id",
    "gross",
    "net pay",
    "right-to-work",
    "out for",
    "leave of absence",
    "return to work",
    "manager",
    "hr business partner",
    "exit interview",
    "w-9",
    "personnel",
    "staff",
    "team member",
    "workplace adjustment",
    "occupational health",
];
const LEGAL_WORDS: &[&str] = &[
    "agreement",
    "non-disclosure",
    "nda",
    "hereinafter",
    "hereby",
    "whereas",
    "indemnif",
    "governing law",
    "jurisdiction",
    "privileged",
    "attorney",
    "counsel",
    "litigation",
    "plaintiff",
    "defendant",
    "settlement",
    "contract",
    "clause",
    "the parties",
    "confidential information",
    "liability",
    "arbitration",
    "subpoena",
    "court",
    "lawsuit",
    "legal hold",
    "term sheet",
    "amendment",
    "witnesseth",
    "vertrag",
    "contrat",
    "contrato",
];
const CUSTOMER_WORDS: &[&str] = &[
    "customer",
    "client",
    "ticket",
    "order",
    "account",
    "subscriber",
    "user",
    "member",
    "booking",
    "reservation",
    "crm",
    "lead",
    "contact",
    "shipping",
    "delivery",
    "refund",
    "complaint",
    "support",
    "kyc",
    "passenger",
    "guest",
    "signup",
    "sign-up",
    "registered",
    "buyer",
    "consumer",
    "applicant",
    "kunde",
];
const HEALTH_WORDS: &[&str] = &[
    "patient",
    "diagnos",
    "clinical",
    "discharge",
    "medication",
    "prescri",
    "mrn",
    "icd",
    "symptom",
    "treatment",
    "hospital",
    "physician",
    "therapy",
    "medical",
];
const FINANCE_WORDS: &[&str] = &[
    "invoice",
    "iban",
    "swift",
    "wire transfer",
    "bank",
    "payment",
    "statement",
    "routing",
    "account number",
    "remittance",
    "credit card",
    "card number",
];
const CODE_MARKERS: &[&str] = &[
    "def ",
    "import ",
    "from ",
    "function ",
    "const ",
    "let ",
    "var ",
    "class ",
    "public ",
    "private ",
    "return ",
    "#include",
    "package ",
    "func ",
    "fn ",
    "=> ",
    "select ",
    "insert into",
    "update ",
    "create table",
    "traceback",
    " debug ",
    " info ",
    " warn ",
    " error ",
    "http/1.1",
    "http/2",
    "content-type:",
    "host:",
    "get /",
    "post /",
    "\": ",
    "\":",
    "();",
    "= new ",
    ".execute(",
    "primary key",
    "not null",
    "varchar",
    "replicacount:",
    "image:",
    "stacktrace",
    "caused by:",
    "exception in",
    "at org.",
    "at com.",
    "at java.",
    "node_modules",
    "--- [",
    "exception",
    "  at ",
    "$ ",
    "sudo ",
    "curl ",
    "git ",
    "npm ",
    "pip ",
    "docker ",
    "kubectl ",
    "export ",
    "apiversion:",
    "kind:",
    "resource \"",
    "provider \"",
    "<?php",
    "#!/",
    "console.log",
    "println",
    "printf",
    "diff --git",
    "@@ ",
    "if (",
    "for (",
    "while (",
    "});",
    "};",
    "//",
    "/*",
    "*/",
    "</",
    "/>",
    "==",
    "!=",
    "&&",
    "||",
    "->",
    "::",
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
        let head = floor_char_boundary(text, 65536);
        let tail_start = ceil_char_boundary(text, text.len().saturating_sub(65536).max(head));
        let mut counts = [0usize; 6];
        for part in [&text[..head], &text[tail_start..]] {
            for m in self.words.find_overlapping_iter(part) {
                counts[self.kinds[m.pattern().as_usize()] as usize] += 1;
            }
        }
        let lines = text[..head].lines().filter(|l| !l.trim().is_empty()).count().max(1);
        let code_lines = text[..head].lines().filter(|l| code_line(l)).count();
        let is_code = code_lines * 10 >= lines * 4 && code_lines >= 2 || counts[Topic::Code as usize] >= 6 && code_lines * 5 >= lines;

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
        let hr = counts[Topic::Hr as usize] >= 2;
        if hr {
            cats.push(Category::Hr);
        }
        let legal = counts[Topic::Legal as usize] >= 2;
        if legal {
            cats.push(Category::Legal);
        }
        // Customer data: personal details in a text about customers, users, orders or tickets —
        // unless it is an HR or legal text, whose people are employees and parties (a privileged
        // letter's "attorney-client", a contract's "account"), not customers — or personal details
        // with no other topic to explain them.
        let personal = findings
            .iter()
            .filter(|x| {
                matches!(
                    x.entity,
                    EntityType::Email
                        | EntityType::Phone
                        | EntityType::Address
                        | EntityType::DateOfBirth
                        | EntityType::IpAddress
                        | EntityType::UsSsn
                        | EntityType::NationalId
                        | EntityType::Passport
                        | EntityType::DriverLicense
                        | EntityType::Person
                )
            })
            .count();
        let topical = cats
            .iter()
            .any(|c| matches!(c, Category::Hr | Category::Legal | Category::Health | Category::Financial | Category::Credentials));
        let customer_words = counts[Topic::Customer as usize];
        if personal > 0 && customer_words >= 2 && !hr && !legal {
            cats.push(Category::CustomerData);
        }
        // A text with findings always has a topic (docs/taxonomy.md). When none reached its bar,
        // the one its key words lean to: an HR or legal text with one key word (or in a language
        // the lists miss less) is not customer data. Ties and no key words: customer_data.
        if !topical && !cats.iter().any(|c| *c != Category::SourceCode) {
            let (hr_words, legal_words) = (counts[Topic::Hr as usize], counts[Topic::Legal as usize]);
            cats.push(if hr_words > customer_words && hr_words >= legal_words {
                Category::Hr
            } else if legal_words > customer_words && legal_words > hr_words {
                Category::Legal
            } else {
                Category::CustomerData
            });
        }
        cats.sort();
        cats.dedup();
        cats
    }
}

/// A line that looks like code, configuration, a log record, SQL or an HTTP exchange.
fn code_line(l: &str) -> bool {
    let t = l.trim();
    if t.is_empty() {
        return false;
    }
    let first = t.split_whitespace().next().unwrap_or("");
    let upper_kw = [
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "CREATE",
        "ALTER",
        "DROP",
        "FROM",
        "WHERE",
        "JOIN",
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "HTTP/1.1",
        "HTTP/2",
        "Host:",
        "Content-Type:",
        "Authorization:",
    ];
    let lower_kw = [
        "def",
        "class",
        "import",
        "from",
        "return",
        "if",
        "for",
        "while",
        "const",
        "let",
        "var",
        "function",
        "public",
        "private",
        "package",
        "func",
        "fn",
        "use",
        "export",
        "resource",
        "provider",
        "variable",
        "module",
        "apiVersion:",
        "kind:",
        "metadata:",
        "spec:",
        "image:",
        "env:",
        "//",
        "$",
        "sudo",
        "curl",
        "git",
        "npm",
        "pip",
        "docker",
        "kubectl",
        "at",
        "Traceback",
        "raise",
        "try:",
        "except",
        "catch",
        "}",
        "{",
        "@",
    ];
    t.ends_with(';') || t.ends_with('{') || t.ends_with('}') || t.ends_with('(') || t.ends_with(',') && t.contains('(')
        || upper_kw.contains(&first) || lower_kw.contains(&first)
        // A log record: starts with a timestamp or an IP.
        || t.len() > 10 && t.as_bytes()[..4].iter().all(u8::is_ascii_digit) && matches!(t.as_bytes()[4], b'-' | b'/')
        || first.split('.').count() == 4 && first.split('.').all(|o| !o.is_empty() && o.bytes().all(|b| b.is_ascii_digit()))
        // key: value / key = value configuration (no sentence punctuation at the end).
        || !t.ends_with('.') && {
            let key = t.split([':', '=']).next().unwrap_or("");
            t.len() > key.len() && !key.is_empty() && key.len() <= 40
                && key.trim_matches(|c| c == '"' || c == ' ' || c == '-').bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
                && (l.starts_with("  ") && !l.trim_start().starts_with("- ")
                    || key.contains('_') && !key.contains(' ')
                    || t.contains('=') && key.len() >= 3 && key.bytes().all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
                    || key.starts_with('"'))
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats(text: &str, found: &[(EntityType, &str)]) -> Vec<Category> {
        let findings: Vec<Finding> = found
            .iter()
            .map(|(t, v)| {
                let start = text.find(v).expect("value in text");
                Finding::new(*t, start, start + v.len(), 0.9, "test")
            })
            .collect();
        Categorizer::new().expect("categorizer").categorize(text, &findings)
    }

    #[test]
    fn a_privileged_letter_is_legal_not_customer_data() {
        let text = "PRIVILEGED & CONFIDENTIAL - ATTORNEY-CLIENT COMMUNICATION\n\nDear Ysolde Penhaligon,\n\
                    following our call about the termination of your account with the client, our counsel \
                    believes the settlement is fair. Reach me at y.penhaligon@mailbox.org.";
        let got = cats(text, &[(EntityType::Person, "Ysolde Penhaligon"), (EntityType::Email, "y.penhaligon@mailbox.org")]);
        assert_eq!(got, vec![Category::Legal]);
    }

    #[test]
    fn one_client_is_one_customer_word() {
        // "client" was listed twice, so one occurrence counted as two customer words.
        let text = "Invoice 2291 for our client, please pay to IBAN DE89 3704 0044 0532 0130 00 by Friday.\n\
                    Questions: anna.berg@posteo.de";
        let got = cats(text, &[(EntityType::Iban, "DE89 3704 0044 0532 0130 00"), (EntityType::Email, "anna.berg@posteo.de")]);
        assert_eq!(got, vec![Category::Financial]);
    }

    #[test]
    fn a_clinical_note_about_a_patient_is_health_not_customer_data() {
        let text = "Patient: Tomas Kwiatkowski, MRN 5623284\nThe patient reports chest pain; diagnosis pending.";
        let got = cats(text, &[(EntityType::Person, "Tomas Kwiatkowski"), (EntityType::MedicalRecordNumber, "5623284")]);
        assert_eq!(got, vec![Category::Health]);
    }

    #[test]
    fn a_text_with_findings_and_no_topic_gets_the_one_its_words_lean_to() {
        // One HR word (under the bar of two) and no customer words: hr, not customer_data.
        let text = "From 1 July Loic Roux heads the Bluebird team; his manager will be Maelle Lambert.";
        let got = cats(text, &[(EntityType::Person, "Loic Roux"), (EntityType::Person, "Maelle Lambert")]);
        assert_eq!(got, vec![Category::Hr]);
        // No key words at all: customer_data, the broadest topic.
        let text = "Call Loic Roux on +33 6 12 34 56 78.";
        let got = cats(text, &[(EntityType::Person, "Loic Roux"), (EntityType::Phone, "+33 6 12 34 56 78")]);
        assert_eq!(got, vec![Category::CustomerData]);
        // A customer ticket stays customer data.
        let text = "Support ticket 4411: customer Loic Roux (loic.roux@free.fr) asks about a refund for order 9912.";
        let got = cats(text, &[(EntityType::Person, "Loic Roux"), (EntityType::Email, "loic.roux@free.fr")]);
        assert_eq!(got, vec![Category::CustomerData]);
    }
}
