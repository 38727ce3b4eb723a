//! AWS global condition context keys: a small hand-maintained list
//! (`data/catalog/global-condition-keys.json`), because the Service Authorization Reference
//! files do not carry them.

use std::sync::LazyLock;

use serde::Deserialize;

use super::keys::KeyIndex;

/// The AWS page the global key list is maintained from.
pub const GLOBAL_KEYS_DOCS_URL: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html";

const GLOBAL_KEYS_JSON: &str = include_str!("../../data/catalog/global-condition-keys.json");

/// When a global key is present in a request context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAvailability {
    /// In every signed request context (e.g. `aws:PrincipalArn`, `aws:CurrentTime`).
    Always,
    /// Only in some circumstances that do not depend on the action (e.g. `aws:SourceVpce`
    /// only through a VPC endpoint, `aws:PrincipalTag/...` only for tagged principals).
    Conditional,
    /// Only for actions or resource types whose catalog entry lists the key
    /// (`aws:ResourceTag/${TagKey}`, `aws:RequestTag/${TagKey}`, `aws:TagKeys`).
    Listed,
}

/// One AWS global condition context key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalKey {
    /// Key name; tag keys are templates such as `aws:PrincipalTag/${TagKey}`.
    pub name: &'static str,
    /// Value type as AWS documents it (`String`, `ARN`, `Bool`, `Date`, `IPAddress`, ...).
    pub key_type: &'static str,
    /// When the key is present in a request context.
    pub availability: KeyAvailability,
    /// Short note on availability.
    pub note: &'static str,
}

#[derive(Deserialize)]
struct RawGlobalKeys {
    #[serde(borrow)]
    keys: Vec<(&'static str, &'static str, &'static str, &'static str)>,
}

fn parse_global_keys(json: &'static str) -> Option<Vec<GlobalKey>> {
    let raw: RawGlobalKeys = serde_json::from_str(json).ok()?;
    raw.keys
        .into_iter()
        .map(|(name, key_type, availability, note)| {
            let availability = match availability {
                "always" => KeyAvailability::Always,
                "conditional" => KeyAvailability::Conditional,
                "listed" => KeyAvailability::Listed,
                _ => return None,
            };
            Some(GlobalKey {
                name,
                key_type,
                availability,
                note,
            })
        })
        .collect()
}

// The list is embedded and checked by tests, so a parse failure leaves it empty rather than panicking.
static GLOBAL_KEYS: LazyLock<Vec<GlobalKey>> =
    LazyLock::new(|| parse_global_keys(GLOBAL_KEYS_JSON).unwrap_or_default());

/// All AWS global condition context keys, in documentation order.
pub fn global_condition_keys() -> &'static [GlobalKey] {
    &GLOBAL_KEYS
}

static GLOBAL_KEY_INDEX: LazyLock<KeyIndex> =
    LazyLock::new(|| KeyIndex::new(GLOBAL_KEYS.iter().map(|g| g.name)));

/// The global key that `key` is (an instance of), case-insensitively: the first in
/// documentation order.
pub fn global_key(key: &str) -> Option<&'static GlobalKey> {
    GLOBAL_KEYS.get(GLOBAL_KEY_INDEX.first_match(key)?)
}

/// Whether `key` is an AWS global condition key (`aws:PrincipalTag/team` counts).
pub fn is_global_key(key: &str) -> bool {
    global_key(key).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_key_list_parses_completely() {
        let raw: serde_json::Value = serde_json::from_str(GLOBAL_KEYS_JSON).unwrap_or_default();
        let listed = raw["keys"].as_array().map_or(0, Vec::len);
        assert!(listed > 50);
        assert_eq!(global_condition_keys().len(), listed);
        assert_eq!(raw["docs"].as_str(), Some(GLOBAL_KEYS_DOCS_URL));
    }

    #[test]
    fn recognises_global_keys_case_insensitively() {
        assert!(is_global_key("aws:SourceIp"));
        assert!(is_global_key("AWS:sourceip"));
        assert!(is_global_key("aws:PrincipalTag/team"));
        assert!(is_global_key("aws:ResourceTag/env"));
        assert!(!is_global_key("aws:NotAKey"));
        assert!(!is_global_key("s3:prefix"));
        assert_eq!(
            global_key("aws:resourcetag/x").map(|k| k.availability),
            Some(KeyAvailability::Listed)
        );
        assert_eq!(
            global_key("aws:PrincipalArn").map(|k| k.availability),
            Some(KeyAvailability::Always)
        );
    }
}
