//! The one ordered table of every rule iamscope knows.
//!
//! `iamscope rules`, `iamscope rule <id>`, `docs/rules/<id>.md` and SARIF
//! `tool.driver.rules` are all generated from this table.

use std::sync::LazyLock;

use crate::lint::{rules, InvalidPolicy};
use crate::report::RuleMeta;

/// Every rule, in the order they are listed to users: `invalid-policy`, then the
/// lint rules of [`rules::RULES`] (the one table that registers a lint check), then
/// the rules of the comparison and audit commands.
pub static RULES: LazyLock<Vec<RuleMeta>> = LazyLock::new(|| {
    let mut all = vec![InvalidPolicy::META];
    all.extend(rules::RULES.iter().map(|(meta, _)| *meta));
    all.extend(crate::diff::RULES.iter().copied());
    all.extend(crate::audit::RULES.iter().copied());
    all.extend(crate::k8s::RULES.iter().copied());
    all.extend(crate::config::RULES.iter().copied());
    all
});

/// The rule with id `id`.
pub fn find(id: &str) -> Option<&'static RuleMeta> {
    RULES.iter().find(|rule| rule.id == id)
}

/// The id closest to a mistyped `id`, when one is close enough to be a likely typo.
pub fn suggest(id: &str) -> Option<&'static str> {
    RULES
        .iter()
        .map(|rule| (strsim::jaro_winkler(id, rule.id), rule.id))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::docs::{missing_headings, rule_page};
    use std::collections::HashSet;
    use std::path::PathBuf;

    fn is_kebab_case(id: &str) -> bool {
        !id.is_empty()
            && id.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    }

    #[test]
    fn rule_ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for rule in RULES.iter() {
            assert!(is_kebab_case(rule.id), "`{}` is not kebab-case", rule.id);
            assert!(seen.insert(rule.id), "`{}` is registered twice", rule.id);
        }
        assert!(!is_kebab_case("Not-Kebab"));
        assert!(!is_kebab_case("double--dash"));
    }

    #[test]
    fn every_rule_documents_the_five_headings() {
        for rule in RULES.iter() {
            assert_eq!(
                missing_headings(rule),
                Vec::<&str>::new(),
                "rule `{}`",
                rule.id
            );
            assert!(
                !rule.summary.is_empty(),
                "rule `{}` has no summary",
                rule.id
            );
        }
    }

    /// Fails when `docs/rules/<id>.md` differs from the docs generated from the code.
    /// Run with `IAMSCOPE_UPDATE_DOCS=1` to rewrite them.
    #[test]
    fn rule_docs_pages_are_up_to_date() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
        let update = std::env::var_os("IAMSCOPE_UPDATE_DOCS").is_some();
        let mut stale = Vec::new();
        for rule in RULES.iter() {
            let path = dir.join(format!("{}.md", rule.id));
            let expected = rule_page(rule);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &expected).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
                stale.push(path.display().to_string());
            }
        }
        assert!(
            stale.is_empty(),
            "stale rule docs (regenerate with `IAMSCOPE_UPDATE_DOCS=1 cargo test --lib registry`): {stale:?}"
        );
    }

    #[test]
    fn suggests_a_close_id() {
        assert_eq!(suggest("invalid-polcy"), Some("invalid-policy"));
        assert_eq!(suggest("zzz"), None);
        assert_eq!(find("invalid-policy").map(|r| r.id), Some("invalid-policy"));
    }
}
