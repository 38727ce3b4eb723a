//! Case-insensitive lookup of a concrete condition key among key names and templates.
//!
//! Rules ask "is `s3:prefix` one of these keys?" for every condition of every statement;
//! trying [`key_matches_template`] on each of a service's hundreds of keys in turn was the
//! largest cost of a lint pass. Names without placeholders are hashed in lowercase instead,
//! and only the few templates are tried one by one.

use super::text::{key_matches_template, with_lowercase, FastMap};

/// Key names and templates, in a given order, for [`KeyIndex::first_match`].
#[derive(Debug, Default)]
pub(crate) struct KeyIndex {
    /// Lowercased plain name -> its first position.
    plain: FastMap<Box<str>, usize>,
    /// Templates (`aws:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`,
    /// `secretsmanager:ResourceTag/tag-key`) with their positions, in order.
    templates: Vec<(usize, &'static str)>,
}

/// Whether [`key_matches_template`] can match more than the name itself.
fn is_template(name: &str) -> bool {
    name.contains(['<', '$']) || name.ends_with("/tag-key")
}

impl KeyIndex {
    /// An index over `names`; positions count from 0 in iteration order.
    pub(crate) fn new(names: impl IntoIterator<Item = &'static str>) -> Self {
        let mut index = KeyIndex::default();
        for (position, name) in names.into_iter().enumerate() {
            if is_template(name) {
                index.templates.push((position, name));
            } else {
                index
                    .plain
                    .entry(name.to_ascii_lowercase().into_boxed_str())
                    .or_insert(position);
            }
        }
        index
    }

    /// The position of the first name that `key` is an instance of: the same answer as
    /// trying `key_matches_template(name, key)` on each name in order.
    pub(crate) fn first_match(&self, key: &str) -> Option<usize> {
        let plain = with_lowercase(key, |k| self.plain.get(k).copied());
        let template = self
            .templates
            .iter()
            .take_while(|(position, _)| plain.is_none_or(|p| *position < p))
            .find(|(_, name)| key_matches_template(name, key))
            .map(|(position, _)| *position);
        template.or(plain)
    }

    /// Whether `key` is an instance of any of the names.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.first_match(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 6] = [
        "s3:prefix",
        "aws:ResourceTag/${TagKey}",
        "s3:ExistingObjectTag/<key>",
        "secretsmanager:ResourceTag/tag-key",
        "S3:Prefix",
        "aws:ResourceTag/team",
    ];

    #[test]
    fn agrees_with_trying_every_name_in_order() {
        let index = KeyIndex::new(NAMES);
        for key in [
            "s3:prefix",
            "S3:PREFIX",
            "aws:resourcetag/team",
            "aws:ResourceTag/",
            "s3:ExistingObjectTag/a",
            "secretsmanager:ResourceTag/env",
            "secretsmanager:ResourceTag/",
            "aws:ResourceTag/${TagKey}",
            "s3:prefixes",
            "",
        ] {
            let want = NAMES.iter().position(|n| key_matches_template(n, key));
            assert_eq!(index.first_match(key), want, "{key}");
        }
    }

    #[test]
    fn non_ascii_keys_are_looked_up_too() {
        let index = KeyIndex::new(["aws:ResourceTag/\u{e9}t\u{e9}"]);
        assert!(index.contains("AWS:resourcetag/\u{e9}t\u{e9}"));
        assert!(!index.contains("aws:ResourceTag/\u{c9}t\u{e9}"));
    }
}
