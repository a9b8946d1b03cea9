//! From per-token labels to entity spans: pure functions, unit-tested without a model.
//!
//! The token classifier labels each WordPiece token with a BIO tag (`B-GIVEN_NAME`, `I-CITY`, `O`).
//! [`aggregate`] merges the pieces of one word and the words of one entity into a component span
//! (`GIVEN_NAME`, `STREET_NAME`, ...); [`group`] joins components into taxonomy entities: given
//! name + surname into one `PERSON`, building number + street + city + postcode into one
//! `ADDRESS` (the taxonomy labels the street line through city and postcode as one span). An
//! address must carry a street name and at least one more component, so a lone number or city is
//! never reported. Windows overlap, so [`union_overlapping`] merges the halves of an entity that
//! two windows each saw part of.

use promptwall_detect::EntityType;

/// One classified token: byte offsets into the scanned text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TokenTag {
    /// Index into the model's label list.
    pub label: usize,
    pub score: f32,
    pub start: usize,
    pub end: usize,
}

/// A run of tokens with one component label (`GIVEN_NAME`, `CITY`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Component<'l> {
    pub kind: &'l str,
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

/// A taxonomy entity made of components.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub entity: EntityType,
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

/// Splits a BIO label into (is_begin, kind); `O` and unknown labels give `None`.
fn split_label(label: &str) -> Option<(bool, &str)> {
    let (prefix, kind) = label.split_at_checked(2)?;
    match prefix {
        "B-" => Some((true, kind)),
        "I-" => Some((false, kind)),
        _ => None,
    }
}

/// Merges consecutive tokens of one kind into components. A token continues the current
/// component when it has the same kind and either touches it (a word piece) or is an `I-` tag
/// separated only by whitespace. Tokens under `threshold` or labelled `O` end the component.
pub fn aggregate<'l>(text: &str, tags: &[TokenTag], labels: &'l [String], threshold: f32) -> Vec<Component<'l>> {
    let mut out: Vec<Component<'l>> = Vec::new();
    let mut current: Option<Component<'l>> = None;
    for t in tags {
        let parsed = labels.get(t.label).and_then(|l| split_label(l));
        let Some((begin, kind)) = parsed.filter(|_| t.score >= threshold) else {
            out.extend(current.take());
            continue;
        };
        if let Some(c) = current.as_mut() {
            let gap = text.get(c.end..t.start).unwrap_or("x");
            let touching = t.start <= c.end;
            if c.kind == kind && (touching || (!begin && gap.chars().all(char::is_whitespace))) {
                c.end = c.end.max(t.end);
                c.score = c.score.max(t.score);
                continue;
            }
        }
        out.extend(current.take());
        current = Some(Component { kind, start: t.start, end: t.end, score: t.score });
    }
    out.extend(current);
    out
}

/// How a model label maps to the taxonomy: the entity it belongs to, or `None` when unused.
pub type LabelMap<'a> = dyn Fn(&str) -> Option<EntityType> + 'a;

/// Joins components into taxonomy entities. Adjacent components of the same entity merge when the
/// text between them is short whitespace (names) or whitespace and commas (addresses, which may
/// run over lines).
pub fn group(text: &str, components: &[Component<'_>], map: &LabelMap<'_>) -> Vec<Entity> {
    struct Open<'c> {
        entity: EntityType,
        start: usize,
        end: usize,
        score: f32,
        kinds: Vec<&'c str>,
    }
    let mut done: Vec<Open<'_>> = Vec::new();
    let mut open: Option<Open<'_>> = None;
    for c in components {
        let Some(entity) = map(c.kind) else {
            done.extend(open.take());
            continue;
        };
        if let Some(o) = open.as_mut() {
            let gap = text.get(o.end..c.start.max(o.end)).unwrap_or("x");
            let joinable = match entity {
                EntityType::Address => gap.len() <= 4 && gap.chars().all(|ch| ch.is_whitespace() || ch == ','),
                _ => gap.len() <= 2 && gap.chars().all(|ch| ch == ' ' || ch == '\u{3000}'),
            };
            if o.entity == entity && joinable {
                o.end = o.end.max(c.end);
                o.score = o.score.max(c.score);
                o.kinds.push(c.kind);
                continue;
            }
        }
        done.extend(open.take());
        open = Some(Open { entity, start: c.start, end: c.end, score: c.score, kinds: vec![c.kind] });
    }
    done.extend(open);
    done.into_iter()
        .filter(|o| {
            o.entity != EntityType::Address || {
                let street = o.kinds.contains(&"STREET_NAME");
                let other = o.kinds.iter().any(|k| *k != "STREET_NAME");
                street && other
            }
        })
        .map(|o| Entity { entity: o.entity, start: o.start, end: o.end, score: o.score })
        .collect()
}

/// Unions overlapping entities of the same type (the two halves that overlapping windows saw) and
/// drops exact duplicates; different types are left alone.
pub fn union_overlapping(mut entities: Vec<Entity>) -> Vec<Entity> {
    entities.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Entity> = Vec::with_capacity(entities.len());
    for e in entities {
        if let Some(prev) = out.iter_mut().rev().find(|p| p.entity == e.entity && e.start < p.end) {
            prev.end = prev.end.max(e.end);
            prev.score = prev.score.max(e.score);
            continue;
        }
        out.push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        [
            "O",
            "B-GIVEN_NAME",
            "I-GIVEN_NAME",
            "B-SURNAME",
            "I-SURNAME",
            "B-STREET_NAME",
            "I-STREET_NAME",
            "B-CITY",
            "B-BUILDING_NUMBER",
            "B-ZIP_CODE",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn map(kind: &str) -> Option<EntityType> {
        match kind {
            "GIVEN_NAME" | "SURNAME" => Some(EntityType::Person),
            "STREET_NAME" | "CITY" | "BUILDING_NUMBER" | "ZIP_CODE" => Some(EntityType::Address),
            _ => None,
        }
    }

    fn tag(label: usize, start: usize, end: usize) -> TokenTag {
        TokenTag { label, score: 0.9, start, end }
    }

    #[test]
    fn word_pieces_and_name_parts_make_one_person() {
        let text = "Hi Anneliese Vanderberg, thanks";
        // "Anne" "##liese" (3..12), "Vander" "##berg" (13..23)
        let tags = [tag(0, 0, 2), tag(1, 3, 7), tag(2, 7, 12), tag(3, 13, 19), tag(4, 19, 23), tag(0, 23, 24)];
        let l = labels();
        let comps = aggregate(text, &tags, &l, 0.5);
        assert_eq!(comps.len(), 2);
        let ents = group(text, &comps, &map);
        assert_eq!(ents, vec![Entity { entity: EntityType::Person, start: 3, end: 23, score: 0.9 }]);
    }

    #[test]
    fn low_scores_and_o_break_spans() {
        let text = "Anna and Bob";
        let mut low = tag(1, 9, 12);
        low.score = 0.3;
        let l = labels();
        let comps = aggregate(text, &[tag(1, 0, 4), tag(0, 5, 8), low], &l, 0.5);
        assert_eq!(comps, vec![Component { kind: "GIVEN_NAME", start: 0, end: 4, score: 0.9 }]);
    }

    #[test]
    fn address_needs_a_street_and_another_part() {
        let text = "12 Baker Street, London NW1 6XE";
        let l = labels();
        let tags = [tag(8, 0, 2), tag(5, 3, 8), tag(6, 9, 15), tag(0, 15, 16), tag(7, 17, 23), tag(9, 24, 27), tag(9, 28, 31)];
        let comps = aggregate(text, &tags, &l, 0.5);
        let ents = group(text, &comps, &map);
        assert_eq!(ents, vec![Entity { entity: EntityType::Address, start: 0, end: 31, score: 0.9 }]);
        // A city alone, or a number alone, is not an address.
        let lone = group("Berlin", &[Component { kind: "CITY", start: 0, end: 6, score: 0.9 }], &map);
        assert!(lone.is_empty());
    }

    #[test]
    fn overlapping_window_halves_are_unioned() {
        let a = Entity { entity: EntityType::Address, start: 10, end: 30, score: 0.8 };
        let b = Entity { entity: EntityType::Address, start: 20, end: 45, score: 0.9 };
        let c = Entity { entity: EntityType::Person, start: 25, end: 28, score: 0.9 };
        let out = union_overlapping(vec![b, c.clone(), a]);
        assert_eq!(out, vec![Entity { entity: EntityType::Address, start: 10, end: 45, score: 0.9 }, c]);
    }

    #[test]
    fn garbage_offsets_do_not_panic() {
        let l = labels();
        let tags = [tag(1, 50, 60), tag(2, 3, 1), tag(99, 0, 1)];
        let comps = aggregate("short", &tags, &l, 0.5);
        let _ = group("short", &comps, &map);
    }
}
