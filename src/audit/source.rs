//! Policies read from snapshot files, with their findings located in those files.
//!
//! A document the snapshot held as a JSON object is parsed from the file's own
//! tree, so statements keep their line and column in the file. A document held
//! as URL-encoded text has no lines of its own in the file: its findings point
//! at the document string, with the pointer continued inside it.

use std::collections::BTreeMap;

use crate::account::PolicyText;
use crate::lint::InvalidPolicy;
use crate::policy::{parse_json, parse_policy, policy_from_json, JsonKind, JsonValue, Policy};
use crate::report::{Finding, Location};

/// The snapshot files' texts, parsed once, to turn origins into positions.
#[derive(Debug, Default)]
pub struct SnapshotFiles {
    trees: BTreeMap<String, Option<JsonValue>>,
}

impl SnapshotFiles {
    /// Files given as `(name, text)`; names are those the loader used in origins.
    /// Files are parsed on every core: a large account's snapshot is tens of files.
    pub fn new(texts: &BTreeMap<String, String>) -> Self {
        let files: Vec<(&String, &String)> = texts.iter().collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = files.len().div_ceil(threads).max(1);
        let trees = std::thread::scope(|scope| {
            let handles: Vec<_> = files
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|(name, text)| ((*name).clone(), parse_json(text).ok()))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                // A parser thread cannot panic on input (the parser never panics);
                // should one die anyway, its files simply have no positions.
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        SnapshotFiles { trees }
    }

    /// The value at `pointer` in `file`, when the file is known.
    pub fn lookup(&self, file: &str, pointer: &str) -> Option<&JsonValue> {
        self.trees.get(file)?.as_ref()?.lookup(pointer)
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
