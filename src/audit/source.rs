//! Policies read from snapshot files, with their findings located in those files.
//!
//! A document the snapshot held as a JSON object is parsed from the file's own
//! tree, so statements keep their line and column in the file. A document held
//! as URL-encoded text has no lines of its own in the file: its findings point
//! at the document string, with the pointer continued inside it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::account::PolicyText;
use crate::lint::InvalidPolicy;
use crate::policy::{parse_json, parse_policy, policy_from_json, JsonKind, JsonValue, Policy};
use crate::report::{Finding, Location};

/// The snapshot files' texts, each parsed (with positions) on first use, to turn
/// origins into positions. Most of a large account's snapshot never holds a
/// finding, so most files are never parsed here.
#[derive(Debug, Default)]
pub struct SnapshotFiles<'a> {
    trees: BTreeMap<&'a str, (&'a str, OnceLock<Option<JsonValue>>)>,
}

impl<'a> SnapshotFiles<'a> {
    /// Files given as `(name, text)`; names are those the loader used in origins.
    pub fn new(texts: &'a BTreeMap<String, String>) -> Self {
        let trees = texts
            .iter()
            .map(|(name, text)| (name.as_str(), (text.as_str(), OnceLock::new())))
            .collect();
        SnapshotFiles { trees }
    }

    /// The names of the files, sorted.
    pub fn names(&self) -> Vec<String> {
        self.trees.keys().map(|name| name.to_string()).collect()
    }

    /// The text of `file`, when known.
    pub fn text(&self, file: &str) -> Option<&'a str> {
        self.trees.get(file).map(|(text, _)| *text)
    }

    /// The positioned tree of `file`, parsed now if not yet (`None` when the file is
    /// unknown or not valid JSON for the strict parser).
    fn tree(&self, file: &str) -> Option<&JsonValue> {
        let (text, tree) = self.trees.get(file)?;
        tree.get_or_init(|| parse_json(text).ok()).as_ref()
    }

    /// Parses the named files not parsed yet, on every core (a large account's
    /// snapshot is tens of files), so that later lookups find them ready.
    pub fn prefetch(&self, files: &[&str]) {
        let pending: Vec<&(&'a str, OnceLock<Option<JsonValue>>)> = files
            .iter()
            .filter_map(|f| self.trees.get(f))
            .filter(|(_, tree)| tree.get().is_none())
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if pending.len() < 2 || threads < 2 {
            return;
        }
        // Largest first, dealt round-robin, so the threads get similar amounts of text.
        let mut pending = pending;
        pending.sort_by_key(|(text, _)| std::cmp::Reverse(text.len()));
        std::thread::scope(|scope| {
            for t in 0..threads.min(pending.len()) {
                let mine: Vec<_> = pending.iter().skip(t).step_by(threads).collect();
                scope.spawn(move || {
                    for (text, tree) in mine {
                        tree.get_or_init(|| parse_json(text).ok());
                    }
                });
            }
        });
    }

    /// The value at `pointer` in `file`, when the file is known.
    pub fn lookup(&self, file: &str, pointer: &str) -> Option<&JsonValue> {
        self.tree(file)?.lookup(pointer)
    }

    /// The location of `pointer` in `file` (line and column when resolvable).
    pub fn location(&self, file: &str, pointer: &str) -> Location {
        let pos = self.lookup(file, pointer).map(|v| v.pos);
        Location {
            file: Some(file.to_string()),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            pointer: pointer.to_string(),
        }
    }

    /// The policy [`SnapshotFiles::load`] would give for `text`, equal to it in
    /// meaning but with positions in the document's own text, without parsing the
    /// file it sits in; `None` when `load` would fail.
    ///
    /// A document the snapshot held as a JSON object is the loader's re-serialization
    /// of that object: the same members in the same order with the same decoded
    /// strings (and no duplicate keys when the file parses at all), so it builds the
    /// same policy, except that numbers may be re-written (`1e2` as `100.0`). A
    /// document with a number therefore goes through `load`.
    pub fn policy(&self, text: &PolicyText) -> Option<Policy> {
        match parse_json(&text.text) {
            Ok(root) if !has_number(&root) => policy_from_json(&root).ok(),
            _ => self.load(text).ok()?.policy,
        }
    }

    /// Where `text` sits in its file, as [`SnapshotFiles::load`] would place it,
    /// without parsing the policy (so [`LoadedPolicy::policy`] is `None`).
    pub fn place(&self, text: &PolicyText) -> LoadedPolicy {
        let (file, pointer) = split_origin(&text.origin);
        let node = self.lookup(file, pointer);
        LoadedPolicy {
            file: file.to_string(),
            pointer: pointer.to_string(),
            embedded: node.is_some_and(|n| matches!(n.kind, JsonKind::Object(_))),
            anchor: node.map(|n| (n.pos.line, n.pos.column)),
            policy: None,
        }
    }

    /// Parses a document read from the snapshot.
    pub fn load(&self, text: &PolicyText) -> Result<LoadedPolicy, Vec<Finding>> {
        let (file, pointer) = split_origin(&text.origin);
        let node = self.lookup(file, pointer);
        let embedded = node.is_some_and(|n| matches!(n.kind, JsonKind::Object(_)));
        let parsed = match node {
            Some(node) if embedded => policy_from_json(node),
            _ => parse_policy(&text.text),
        };
        let loaded = LoadedPolicy {
            file: file.to_string(),
            pointer: pointer.to_string(),
            embedded,
            anchor: node.map(|n| (n.pos.line, n.pos.column)),
            policy: None,
        };
        match parsed {
            Ok(policy) => Ok(LoadedPolicy {
                policy: Some(policy),
                ..loaded
            }),
            Err(errors) => Err(errors
                .iter()
                .map(|e| loaded.relocate(InvalidPolicy::from_policy_error(file, e)))
                .collect()),
        }
    }
}

/// Whether a JSON number occurs anywhere in `value`.
fn has_number(value: &JsonValue) -> bool {
    match &value.kind {
        JsonKind::Number(_) => true,
        JsonKind::Array(items) => items.iter().any(has_number),
        JsonKind::Object(members) => members.iter().any(|m| has_number(&m.value)),
        JsonKind::Null | JsonKind::Bool(_) | JsonKind::String(_) => false,
    }
}

/// `file.json#/RoleDetailList/0/...` split at the last `#`.
pub fn split_origin(origin: &str) -> (&str, &str) {
    origin.rsplit_once('#').unwrap_or((origin, ""))
}

/// A parsed policy and where its document sits in the snapshot.
#[derive(Debug, Clone)]
pub struct LoadedPolicy {
    /// The snapshot file.
    pub file: String,
    /// JSON pointer of the document in the file.
    pub pointer: String,
    /// Whether the document is a JSON object in the file (positions are the file's).
    pub embedded: bool,
    /// Line and column of the document's value in the file.
    pub anchor: Option<(u32, u32)>,
    policy: Option<Policy>,
}

impl LoadedPolicy {
    /// The parsed policy (always present once loaded).
    pub fn policy(&self) -> Option<&Policy> {
        self.policy.as_ref()
    }

    /// Moves a finding computed on the document alone to the snapshot file.
    pub fn relocate(&self, mut finding: Finding) -> Finding {
        let inner = std::mem::take(&mut finding.location.pointer);
        let inner = if inner == "/" { String::new() } else { inner };
        finding.location.file = Some(self.file.clone());
        finding.location.pointer = format!("{}{inner}", self.pointer);
        if !self.embedded {
            finding.location.line = self.anchor.map(|a| a.0);
            finding.location.column = self.anchor.map(|a| a.1);
        }
        finding
    }

    /// The location of a pointer inside the document (`/Statement/1`).
    pub fn locate(&self, inner: &str, files: &SnapshotFiles) -> Location {
        let pointer = format!("{}{inner}", self.pointer);
        if self.embedded {
            files.location(&self.file, &pointer)
        } else {
            Location {
                file: Some(self.file.clone()),
                line: self.anchor.map(|a| a.0),
                column: self.anchor.map(|a| a.1),
                pointer,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "snap.json";

    fn texts(documents: &[&str]) -> BTreeMap<String, String> {
        let list: Vec<String> = documents
            .iter()
            .map(|d| format!("{{\"PolicyDocument\": {d}}}"))
            .collect();
        let text = format!("{{\"List\": [\n{}\n]}}", list.join(",\n"));
        BTreeMap::from([(FILE.to_string(), text)])
    }

    /// A document as the loader keeps it: re-serialized, with its origin.
    fn document(i: usize, json: &str) -> PolicyText {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        PolicyText::new(
            format!("{FILE}#/List/{i}/PolicyDocument"),
            serde_json::to_string_pretty(&value).unwrap(),
        )
    }

    fn parsed(files: &SnapshotFiles<'_>) -> bool {
        files.trees[FILE].1.get().is_some()
    }

    const PLAIN: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*"}]}"#;
    const NUMBER: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": 1e2}}}]}"#;

    #[test]
    fn policy_matches_load_without_parsing_the_file() {
        let texts = texts(&[PLAIN]);
        let files = SnapshotFiles::new(&texts);
        let text = document(0, PLAIN);
        let quick = files.policy(&text).unwrap();
        assert!(!parsed(&files), "the file is parsed only for positions");
        let loaded = files.load(&text).unwrap();
        assert!(loaded.embedded);
        assert_eq!(Some(&quick), loaded.policy());
    }

    #[test]
    fn policy_with_a_number_reads_it_as_the_file_writes_it() {
        let texts = texts(&[PLAIN, NUMBER]);
        let files = SnapshotFiles::new(&texts);
        let text = document(1, NUMBER);
        // The loader's text writes `1e2` as `100.0`; the file's own literal counts.
        assert!(text.text.contains("100.0"));
        let policy = files.policy(&text).unwrap();
        assert!(parsed(&files));
        assert_eq!(policy.statements[0].conditions[0].values[0].value, "1e2");
        assert_eq!(Some(&policy), files.load(&text).unwrap().policy());
    }

    #[test]
    fn place_locates_like_load_without_a_policy() {
        let texts = texts(&[PLAIN, NUMBER]);
        let files = SnapshotFiles::new(&texts);
        let text = document(1, NUMBER);
        let placed = files.place(&text);
        let loaded = files.load(&text).unwrap();
        assert!(placed.policy().is_none());
        assert_eq!(placed.anchor, loaded.anchor);
        assert_eq!(placed.anchor, Some((3, 20)));
        assert_eq!(
            placed.locate("/Statement/0", &files),
            loaded.locate("/Statement/0", &files)
        );
    }

    #[test]
    fn prefetch_parses_every_named_file() {
        let mut texts = texts(&[PLAIN]);
        texts.insert("other.json".to_string(), "{\"a\": [1, 2]}".to_string());
        texts.insert("broken.json".to_string(), "{".to_string());
        let files = SnapshotFiles::new(&texts);
        files.prefetch(&["other.json", "broken.json", "missing.json"]);
        assert!(files.trees["other.json"].1.get().is_some());
        assert!(!parsed(&files));
        assert_eq!(
            files.lookup("other.json", "/a/1").map(|v| v.pos.column),
            Some(11)
        );
        assert!(files.lookup("broken.json", "").is_none());
    }
}
