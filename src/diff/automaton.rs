//! Exact region analysis for string patterns.
//!
//! Given patterns `P1..Pn` (IAM globs, exact or case-insensitive literals, ARN
//! formats), finds every truth vector `(s ∈ P1, ..., s ∈ Pn)` that some string `s`
//! realises, with a shortest such `s` as witness. This is what makes the policy
//! comparison exact: two policy sets can only disagree on strings whose truth
//! vectors differ, and every realisable vector is visited once.
//!
//! It explores the product of the patterns' NFAs breadth-first over an alphabet of
//! the characters the patterns mention, plus `:` and one filler character standing
//! for every other character (all of which behave alike for every pattern).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// Which characters a wildcard position accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharClass {
    /// Any character.
    Any,
    /// Any character but `:` (a wildcard confined to one ARN segment).
    NotColon,
    /// Any character but `:` and `/` (a single resource name).
    Name,
}

impl CharClass {
    fn accepts(self, c: char) -> bool {
        match self {
            CharClass::Any => true,
            CharClass::NotColon => c != ':',
            CharClass::Name => c != ':' && c != '/',
        }
    }
}

/// One element of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Elem {
    /// Exactly this character.
    Lit(char),
    /// This character in either case (stored lowercase).
    LitIgnoreCase(char),
    /// One character of the class (`?`).
    One(CharClass),
    /// Zero or more characters of the class (`*`).
    Star(CharClass),
    /// No character: a pattern containing it matches nothing.
    Fail,
}

/// A pattern as a sequence of elements; it matches a whole string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Pattern {
    elems: Vec<Elem>,
    /// Positions of the `Star` elements, ascending (the epsilon moves).
    stars: Vec<usize>,
}

impl Pattern {
    /// An IAM glob: `*` any run, `?` any one character, everything else literal.
    pub fn glob(text: &str, ignore_case: bool) -> Self {
        Pattern::from_elems(
            text.chars()
                .map(|c| match c {
                    '*' => Elem::Star(CharClass::Any),
                    '?' => Elem::One(CharClass::Any),
                    c if ignore_case => Elem::LitIgnoreCase(lower(c)),
                    c => Elem::Lit(c),
                })
                .collect(),
        )
    }

    /// An exact string, optionally case-insensitive.
    pub fn literal(text: &str, ignore_case: bool) -> Self {
        let elems = text
            .chars()
            .map(|c| {
                if ignore_case {
                    Elem::LitIgnoreCase(lower(c))
                } else {
                    Elem::Lit(c)
                }
            })
            .collect();
        Pattern::from_elems(elems)
    }

    /// A pattern built from explicit elements.
    pub fn from_elems(elems: Vec<Elem>) -> Self {
        let stars = elems
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, Elem::Star(_)))
            .map(|(i, _)| i)
            .collect();
        Pattern { elems, stars }
    }

    /// A pattern that matches no string.
    pub fn never() -> Self {
        Pattern::from_elems(vec![Elem::Fail])
    }

    /// The elements.
    pub fn elems(&self) -> &[Elem] {
        &self.elems
    }

    /// Whether the pattern matches the whole of `s` (direct NFA simulation).
    pub fn matches(&self, s: &str) -> bool {
        let mut set = vec![0u64; words(self.elems.len() + 1)];
        set_bit(&mut set, 0);
        self.close(&mut set);
        for c in s.chars() {
            let next = self.step(&set, c);
            if next.iter().all(|w| *w == 0) {
                return false;
            }
            set = next;
        }
        get_bit(&set, self.elems.len())
    }

    /// Adds the positions reachable by skipping `Star` elements.
    fn close(&self, set: &mut [u64]) {
        // Ascending order, so a run of stars is skipped in one pass.
        for &i in &self.stars {
            if get_bit(set, i) {
                set_bit(set, i + 1);
            }
        }
    }

    fn step(&self, set: &[u64], c: char) -> Vec<u64> {
        let mut next = vec![0u64; set.len()];
        self.step_into(set, c, &mut next);
        next
    }

    /// Writes the positions reachable from `set` on `c` into `next` (cleared first).
    /// Visits only the set bits: position sets are sparse.
    fn step_into(&self, set: &[u64], c: char, next: &mut [u64]) {
        next.fill(0);
        for (w, &word) in set.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let Some(elem) = self.elems.get(i) else {
                    continue;
                };
                match *elem {
                    Elem::Lit(l) if l == c => set_bit(next, i + 1),
                    Elem::LitIgnoreCase(l) if lower(c) == l => set_bit(next, i + 1),
                    Elem::One(class) if class.accepts(c) => set_bit(next, i + 1),
                    Elem::Star(class) if class.accepts(c) => set_bit(next, i),
                    _ => {}
                }
            }
        }
        self.close(next);
    }
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn words(bits: usize) -> usize {
    bits.div_ceil(64)
}

fn get_bit(set: &[u64], i: usize) -> bool {
    set[i / 64] >> (i % 64) & 1 == 1
}

fn set_bit(set: &mut [u64], i: usize) {
    set[i / 64] |= 1 << (i % 64);
}

/// One realisable truth vector and a shortest string realising it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// `matches[i]` is whether the witness matches pattern `i`.
    pub matches: Vec<bool>,
    /// A string with exactly these truth values.
    pub witness: String,
}

/// The analysis gave up before visiting every product state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooComplex {
    /// How many product states were visited before stopping.
    pub visited: usize,
}

/// Finds every realisable truth vector of `patterns`, visiting at most `max_states`
/// product states. The result is exact or an error, never a partial answer.
pub fn regions(patterns: &[Pattern], max_states: usize) -> Result<Vec<Region>, TooComplex> {
    let alphabet = alphabet(patterns);
    let offsets: Vec<usize> = patterns
        .iter()
        .scan(0, |acc, p| {
            let start = *acc;
            *acc += words(p.elems.len() + 1);
            Some(start)
        })
        .collect();
    let total_words = patterns
        .iter()
        .map(|p| words(p.elems.len() + 1))
        .sum::<usize>();

    let mut start = vec![0u64; total_words];
    for (p, &off) in patterns.iter().zip(&offsets) {
        let part = &mut start[off..off + words(p.elems.len() + 1)];
        set_bit(part, 0);
        p.close(part);
    }

    // state -> (parent state index, char that led here)
    let mut index: HashMap<Vec<u64>, usize, BuildHasherDefault<WordHasher>> = HashMap::default();
    let mut states: Vec<ProductState> = Vec::new();
    let mut found: HashMap<Vec<bool>, usize> = HashMap::new();
    let mut queue = VecDeque::new();
    index.insert(start.clone(), 0);
    states.push((start, None));
    queue.push_back(0usize);
    let mut next = vec![0u64; total_words];

    while let Some(current) = queue.pop_front() {
        let vector: Vec<bool> = patterns
            .iter()
            .zip(&offsets)
            .map(|(p, &off)| get_bit(&states[current].0[off..], p.elems.len()))
            .collect();
        found.entry(vector).or_insert(current);
        for &c in &alphabet {
            for (p, &off) in patterns.iter().zip(&offsets) {
                let len = words(p.elems.len() + 1);
                p.step_into(
                    &states[current].0[off..off + len],
                    c,
                    &mut next[off..off + len],
                );
            }
            if index.contains_key(next.as_slice()) {
                continue;
            }
            if states.len() >= max_states {
                return Err(TooComplex {
                    visited: states.len(),
                });
            }
            let id = states.len();
            index.insert(next.clone(), id);
            states.push((next.clone(), Some((current, c))));
            queue.push_back(id);
        }
    }

    let mut out: Vec<Region> = found
        .into_iter()
        .map(|(matches, state)| Region {
            matches,
            witness: spell(&states, state),
        })
        .collect();
    out.sort_by(|a, b| (a.witness.len(), &a.witness).cmp(&(b.witness.len(), &b.witness)));
    Ok(out)
}

/// A product state (the patterns' NFA position sets, concatenated) and the
/// state and character it was first reached from.
type ProductState = (Vec<u64>, Option<(usize, char)>);

/// A fast hasher for the product states (word vectors); no need for SipHash's
/// resistance to crafted keys here.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }
}

fn spell(states: &[ProductState], mut state: usize) -> String {
    let mut chars = Vec::new();
    while let Some((parent, c)) = states[state].1 {
        chars.push(c);
        state = parent;
    }
    chars.iter().rev().collect()
}

/// The characters the patterns can tell apart: their literals (both cases for
/// case-insensitive ones), `:`, and one filler that no pattern names.
fn alphabet(patterns: &[Pattern]) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    for elem in patterns.iter().flat_map(|p| p.elems.iter()) {
        match *elem {
            Elem::Lit(c) => chars.push(c),
            Elem::LitIgnoreCase(c) => {
                chars.push(c);
                chars.extend(c.to_uppercase());
            }
            _ => {}
        }
    }
    chars.push(':');
    chars.push('/');
    let filler = "xzqkjwvy0123456789_"
        .chars()
        .chain(('\u{100}'..).take(4096))
        .find(|c| !chars.contains(c));
    chars.extend(filler);
    chars.sort_unstable();
    chars.dedup();
    // The filler first: shortest witnesses then prefer plain characters.
    if let Some(f) = filler {
        chars.retain(|c| *c != f);
        chars.insert(0, f);
    }
    chars
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn globs(texts: &[&str]) -> Vec<Pattern> {
        texts.iter().map(|t| Pattern::glob(t, false)).collect()
    }

    #[test]
    fn finds_the_string_that_widening_a_prefix_adds() {
        let patterns = globs(&["table/chalk*", "table/*"]);
        let found = regions(&patterns, 10_000).unwrap_or_default();
        let wider_only = found
            .iter()
            .find(|r| r.matches == vec![false, true])
            .map(|r| r.witness.clone());
        assert_eq!(wider_only.as_deref(), Some("table/"));
        assert!(found.iter().all(|r| r.matches != vec![true, false]));
    }

    #[test]
    fn case_insensitive_literal_matches_either_case() {
        let p = Pattern::literal("Chalk", true);
        assert!(p.matches("chalk") && p.matches("CHALK") && !p.matches("chalks"));
    }

    #[test]
    fn not_colon_class_stays_in_one_segment() {
        let p = Pattern::from_elems(vec![
            Elem::Lit('a'),
            Elem::Star(CharClass::NotColon),
            Elem::Lit('b'),
        ]);
        assert!(p.matches("axxb"));
        assert!(!p.matches("ax:xb"));
    }

    #[test]
    fn gives_up_rather_than_answering_partially() {
        let patterns = globs(&["*a*b*c*d*", "*d*c*b*a*", "*ab*cd*", "*?a?*"]);
        assert!(matches!(regions(&patterns, 3), Err(TooComplex { .. })));
    }

    fn all_strings(alphabet: &[char], max_len: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..max_len {
            let mut next = Vec::new();
            for s in &frontier {
                for c in alphabet {
                    let mut t = s.clone();
                    t.push(*c);
                    next.push(t);
                }
            }
            out.extend(next.iter().cloned());
            frontier = next;
        }
        out
    }

    proptest! {
        #[test]
        fn regions_agree_with_brute_force(texts in proptest::collection::vec("[ab:*?]{0,4}", 1..4)) {
            let patterns: Vec<Pattern> = texts.iter().map(|t| Pattern::glob(t, false)).collect();
            let found = regions(&patterns, 100_000).unwrap_or_default();
            // Every witness has exactly its vector.
            for r in &found {
                let actual: Vec<bool> = patterns.iter().map(|p| p.matches(&r.witness)).collect();
                prop_assert_eq!(&actual, &r.matches);
            }
            // Every vector a short string realises was found.
            let vectors: HashSet<Vec<bool>> = found.iter().map(|r| r.matches.clone()).collect();
            for s in all_strings(&['a', 'b', ':', 'x'], 5) {
                let v: Vec<bool> = patterns.iter().map(|p| p.matches(&s)).collect();
                prop_assert!(vectors.contains(&v), "missing vector for {:?}", s);
            }
        }
    }
}
