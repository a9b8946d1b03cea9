//! ADDRESS (non-ML first version): a street line (house number + street name with a street-type
//! word, in English, German, French, Spanish, Italian, Dutch or Portuguese order) followed within
//! two lines by a postcode and city. The whole address, line breaks included, is one span.

use regex::Regex;

use super::Detector;
use crate::document::Document;
use crate::entity::EntityType;
use crate::finding::Finding;

pub struct AddressDetector {
    street: Regex,
    tail: Regex,
}

const STREET_EN: &str = r"(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?|Court|Ct\.?|Way|Place|Pl\.?|Terrace|Close|Crescent|Square|Sq\.?|Parkway|Pkwy\.?|Highway|Hwy\.?|Circle|Cir\.?|Trail|Row|Grove|Gardens|Mews|Hill|Walk|Park|Green|Rise|View|Parade|Loop|Pike|Alley|Broadway)";
const STREET_SUFFIX: &str = r"(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|straat|laan|plein|gracht|kade|singel|dijk|steeg|markt|vej|gatan|gata|väg|veien)";
const STREET_PREFIX: &str = r"(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours|calle|c/|avenida|avda\.?|plaza|paseo|camino|carrera|ronda|travesía|via|viale|piazza|corso|largo|vicolo|strada|rua|travessa|praça|alameda|estrada)";

/// Latin letters (ASCII, Latin-1, Latin Extended-A): the scripts the street grammars below cover.
/// Narrower than `\p{L}` on purpose: the full Unicode class made this detector's regexes take
/// ~50 ms to compile, which every native-host cold start would pay.
const LETTER: &str = "A-Za-zªºÀ-ÖØ-öø-ÿĀ-ſ";
const UPPER: &str = "A-ZÀ-ÖØ-ÞĀ-ſ";

impl AddressDetector {
    pub fn new() -> Result<Self, regex::Error> {
        let word = format!(r"[{UPPER}0-9][{LETTER}'’.\-]*");
        let word = word.as_str();
        let street = format!(
            concat!(
                r"(?:\b[0-9]{{1,5}}[A-Za-z]?(?:[-–][0-9]{{1,5}})?,?\s+(?:{w}\s+){{0,4}}(?i:{en})\b",
                r"|\b(?:{w}[ \-])?{w}(?i:{sfx})\s*[0-9]{{1,4}}[a-zA-Z]?",
                r"|\b(?:{w}\s){{0,2}}[{l}\-]*(?i:{sfx})\s+[0-9]{{1,4}}[a-zA-Z]?",
                r"|\b(?:[0-9]{{1,4}}(?:\s?(?:bis|ter))?,?\s+)?(?i:{pre})\s+(?:(?i:de la|de l'|des|du|de|del|della|di|dos|das|do|da)\s*)?(?:{w}\s?){{1,4}}(?:,?\s*(?:n\.?[ºo°]?\s*)?[0-9]{{1,4}}[a-zA-Z]?\b)?)",
                r"(?:,?\s*(?:(?i:apt|apartment|suite|ste|unit|flat|floor|fl|#|piso|étage|bus|app\.?|int\.?|scala)\.?\s*[0-9A-Za-z\-]{{1,6}}[ºª]?(?:\s?[A-Za-z0-9ºª]{{1,3}})?))?",
            ),
            w = word,
            en = STREET_EN,
            sfx = STREET_SUFFIX,
            pre = STREET_PREFIX,
            l = LETTER
        );
        // What follows the street line: city/region/postcode in the common national orders.
        let tail = format!(
            concat!(
                r"^(?:,?[ \t]*\r?\n?[ \t]*(?:[{LETTER}.'\- ]{{2,30}},?[ \t]*\r?\n?[ \t]*)?)",
                r"(?:",
                // US: City, ST 12345(-6789)
                r"[{LETTER}.'\- ]{{2,30}},\s*[A-Z]{{2}}\s+[0-9]{{5}}(?:-[0-9]{{4}})?",
                // UK: Town(,) POSTCODE
                r"|[{LETTER}.'\- ]{{2,30}},?\s*\r?\n?\s*[A-Z]{{1,2}}[0-9][A-Z0-9]?\s?[0-9][A-Z]{{2}}",
                // NL: 1234 AB City
                r"|[0-9]{{4}}\s?[A-Z]{{2}}\s+[{LETTER}.'\-]+(?:\s[{LETTER}.'\-]+)?",
                // BR: City - ST, 12345-678 / CEP
                r"|(?:[{LETTER}.'\- ]{{2,30}}(?:\s?[-–/]\s?[A-Z]{{2}})?,?\s*)?(?:CEP:?\s*)?[0-9]{{5}}-[0-9]{{3}}",
                // JP: 〒123-4567
                r"|〒?[0-9]{{3}}-[0-9]{{4}}(?:\s*[\p{{Han}}\p{{Hiragana}}\p{{Katakana}}]{{2,20}})?",
                // IN: City - 560001 / City 560001
                r"|[{LETTER}.'\- ]{{2,30}}\s?[-–]?\s?[1-9][0-9]{{5}}\b",
                // Continental: 12345 City (DE, FR, ES, IT), 1234 City (AT, CH, BE, DK, NO)
                r"|(?:[A-Z]{{1,2}}-)?[0-9]{{4,5}}\s+[{UPPER}][{LETTER}.'\-]+(?:[ \-][{LETTER}.'\-]+){{0,2}}(?:\s\([A-Z]{{2}}\))?",
                // City 12345 (US without state, others)
                r"|[{LETTER}.'\- ]{{2,30}},?\s+[0-9]{{5}}",
                r")",
            ),
            LETTER = LETTER,
            UPPER = UPPER
        );
        Ok(AddressDetector { street: Regex::new(&super::ascii_boundaries(&street))?, tail: Regex::new(&super::ascii_boundaries(&tail))? })
    }
}

impl Detector for AddressDetector {
    fn id(&self) -> &str {
        "pii.address"
    }

    fn anchors(&self) -> &[&str] {
        &[]
    }

    fn detect(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        for m in self.street.find_iter(text) {
            // The tail must start within the next two lines.
            let rest_end = {
                let mut e = m.end();
                for _ in 0..3 {
                    e = doc.line_end(e.min(text.len()));
                    if e < text.len() {
                        e += 1;
                    }
                }
                e.min(m.end() + 160).min(text.len())
            };
            let rest = &text[m.end()..crate::document::floor_char_boundary(text, rest_end)];
            let Some(t) = self.tail.find(rest) else { continue };
            let mut end = m.end() + t.end();
            while end > m.start() && text.as_bytes()[end - 1].is_ascii_whitespace() || text.as_bytes()[end - 1] == b',' {
                end -= 1;
            }
            out.push(Finding::new(EntityType::Address, m.start(), end, 0.8, "pii.address"));
        }
    }

    fn true_positives(&self) -> Vec<(EntityType, &str)> {
        vec![
            (EntityType::Address, "Ship to 1600 Pennsylvania Avenue NW, Washington, DC 20500 today"),
            (EntityType::Address, "Anschrift: Hauptstraße 12, 10115 Berlin"),
            (EntityType::Address, "12 rue de la Paix, 75002 Paris"),
            (EntityType::Address, "221B Baker Street\nLondon NW1 6XE"),
            (EntityType::Address, "Via Roma 15, 00184 Roma"),
            (EntityType::Address, "Keizersgracht 123, 1015 CJ Amsterdam"),
        ]
    }

    fn false_positives(&self) -> &[&str] {
        &["Our Berlin office moved.", "Nationality: DE", "See page 12 of the guide."]
    }
}
