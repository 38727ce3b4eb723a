//! `iamscope.toml`: per-rule severity overrides, rules switched off, and waivers.
//!
//! The file is found upward from the working directory, or named with `--config`.
//! Every mistake in it (an unknown key or rule id, a bad severity or date, a waiver
//! without a reason) is an error naming the file, line and column. Applying the
//! configuration to a report is the job of `cli::gate`; this module only reads it.

mod date;
mod glob;
mod rules;

pub use date::{Date, TODAY_VAR};
pub use glob::glob_match;
pub use rules::{WaiverExpired, WaiverStale, RULES};

use crate::policy::span::line_col;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::registry;
use crate::report::{Finding, Severity};

/// The file name looked for in the working directory and its parents.
pub const FILE_NAME: &str = "iamscope.toml";

/// A parsed, validated configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file it was read from, as shown to users.
    pub file: String,
    /// What to do with each configured rule.
    pub rules: BTreeMap<&'static str, RuleSetting>,
    /// The waivers, in file order.
    pub waivers: Vec<Waiver>,
}

/// A rule's setting under `[rules]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    /// `"off"`: the rule's findings are dropped.
    Off,
    /// A severity that replaces the rule's own.
    Severity(Severity),
}

/// One `[[waivers]]` entry: accepts the findings it matches until it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// Only findings of this rule.
    pub rule: Option<&'static str>,
    /// Glob on the finding's file.
    pub file: Option<String>,
    /// Glob on the finding's subject.
    pub subject: Option<String>,
    /// The statement's `Sid` (or `#<index>`), exactly.
    pub statement: Option<String>,
    /// Glob on the principal: the subject, or a detail whose key names a principal or role.
    pub principal: Option<String>,
    /// Glob on the resource: the subject, or a detail whose key names a resource.
    pub resource: Option<String>,
    /// Why the findings are accepted.
    pub reason: String,
    /// The last day the waiver applies.
    pub expires: Date,
    /// 1-based line of the `[[waivers]]` entry.
    pub line: u32,
    /// 1-based column of the entry.
    pub column: u32,
}

/// Why a configuration file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration `{path}`: {}", crate::exit::plain_io(.source))]
    Read {
        /// The path.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// The file is not a valid configuration.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        /// The file, as shown to users.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// `IAMSCOPE_TODAY` is set to something that is not a date.
    #[error("`{TODAY_VAR}` is `{value}`, not a date `YYYY-MM-DD`")]
    BadToday {
        /// The variable's value.
        value: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    waivers: Vec<Spanned<RawWaiver>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Option<Spanned<String>>,
    file: Option<String>,
    subject: Option<String>,
    statement: Option<String>,
    principal: Option<String>,
    resource: Option<String>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<toml::Value>>,
}

/// The nearest `iamscope.toml` in `start` or one of its parents.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|path| path.is_file())
}

/// Reads and validates the configuration at `path`; `shown` names it in messages.
pub fn load(path: &Path, shown: &str) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: shown.to_owned(),
        source,
    })?;
    parse(shown, &text)
}

fn unknown_rule(id: &str) -> String {
    match registry::suggest(id) {
        Some(close) => format!("unknown rule `{id}` (did you mean `{close}`?)"),
        None => format!("unknown rule `{id}` (`iamscope rules` lists them)"),
    }
}

/// Parses and validates configuration text; `file` names it in error messages.
pub fn parse(file: &str, text: &str) -> Result<Config, ConfigError> {
    let at = |offset: usize, message: String| {
        let (line, column) = line_col(text, offset);
        ConfigError::Invalid {
            file: file.to_owned(),
            line,
            column,
            message,
        }
    };
    let raw: RawConfig = toml::from_str(text).map_err(|err| {
        let offset = err.span().map_or(0, |span| span.start);
        at(offset, err.message().trim_end().to_owned())
    })?;

    let mut rules = BTreeMap::new();
    for (id, setting) in raw.rules {
        let meta = registry::find(id.get_ref())
            .ok_or_else(|| at(id.span().start, unknown_rule(id.get_ref())))?;
        let value = setting.get_ref();
        let parsed = if value.eq_ignore_ascii_case("off") {
            RuleSetting::Off
        } else {
            RuleSetting::Severity(value.parse().map_err(|_| {
                at(
                    setting.span().start,
                    format!("unknown setting `{value}` for rule `{}` (expected off, info, low, medium, high or critical)", meta.id),
                )
            })?)
        };
        rules.insert(meta.id, parsed);
    }

    let mut waivers = Vec::with_capacity(raw.waivers.len());
    for spanned in raw.waivers {
        let start = spanned.span().start;
        let raw = spanned.into_inner();
        let rule = match &raw.rule {
            Some(id) => Some(
                registry::find(id.get_ref())
                    .ok_or_else(|| at(id.span().start, unknown_rule(id.get_ref())))?
                    .id,
            ),
            None => None,
        };
        if rule.is_none()
            && [
                &raw.file,
                &raw.subject,
                &raw.statement,
                &raw.principal,
                &raw.resource,
            ]
            .iter()
            .all(|m| m.is_none())
        {
            return Err(at(
                start,
                "a waiver needs at least one of `rule`, `file`, `subject`, `statement`, `principal` or `resource`".to_owned(),
            ));
        }
        let reason = match raw.reason {
            Some(reason) if !reason.get_ref().trim().is_empty() => reason.into_inner(),
            Some(reason) => {
                return Err(at(
                    reason.span().start,
                    "the waiver's `reason` is empty".to_owned(),
                ))
            }
            None => return Err(at(start, "a waiver needs a `reason`".to_owned())),
        };
        let expires = match raw.expires {
            None => {
                return Err(at(
                    start,
                    "a waiver needs an `expires` date (YYYY-MM-DD)".to_owned(),
                ))
            }
            Some(value) => {
                let date = match value.get_ref() {
                    toml::Value::String(text) => Date::parse(text),
                    toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt
                        .date
                        .and_then(|d| Date::new(i32::from(d.year), d.month, d.day)),
                    _ => None,
                };
                date.ok_or_else(|| {
                    let shown = match value.get_ref() {
                        toml::Value::String(text) => text.clone(),
                        toml::Value::Datetime(dt) => dt.to_string(),
                        other => format!("a {}", other.type_str()),
                    };
                    at(
                        value.span().start,
                        format!("`expires` must be a date YYYY-MM-DD, not `{shown}`"),
                    )
                })?
            }
        };
        let (line, column) = line_col(text, start);
        waivers.push(Waiver {
            rule,
            file: raw.file,
            subject: raw.subject,
            statement: raw.statement,
            principal: raw.principal,
            resource: raw.resource,
            reason,
            expires,
            line,
            column,
        });
    }
    Ok(Config {
        file: file.to_owned(),
        rules,
        waivers,
    })
}

impl Waiver {
    /// Whether the waiver covers `finding`: every matcher it has must match.
    pub fn matches(&self, finding: &Finding) -> bool {
        let glob = |pattern: &Option<String>, value: Option<&str>| {
            pattern
                .as_deref()
                .is_none_or(|p| value.is_some_and(|v| glob_match(p, v)))
        };
        let detail_glob = |pattern: &Option<String>, keys: &[&str]| {
            pattern.as_deref().is_none_or(|p| {
                finding.subject.as_deref().is_some_and(|s| glob_match(p, s))
                    || finding.details.iter().any(|(key, value)| {
                        let key = key.to_ascii_lowercase();
                        keys.iter().any(|k| key.contains(k)) && glob_match(p, value)
                    })
            })
        };
        self.rule.is_none_or(|rule| rule == finding.rule)
            && glob(&self.file, finding.location.file.as_deref())
            && glob(&self.subject, finding.subject.as_deref())
            && self
                .statement
                .as_deref()
                .is_none_or(|s| finding.statement.as_deref() == Some(s))
            && detail_glob(&self.principal, &["principal", "role"])
            && detail_glob(&self.resource, &["resource"])
    }

    /// What the waiver matches, such as `rule service-wildcard, file policies/*.json`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(rule) = self.rule {
            parts.push(format!("rule `{rule}`"));
        }
        for (name, value) in [
            ("file", &self.file),
            ("subject", &self.subject),
            ("statement", &self.statement),
            ("principal", &self.principal),
            ("resource", &self.resource),
        ] {
            if let Some(value) = value {
                parts.push(format!("{name} `{value}`"));
            }
        }
        parts.join(", ")
    }
}

/// Today, from `IAMSCOPE_TODAY` when set.
pub fn today() -> Result<Date, ConfigError> {
    Date::today().map_err(|value| ConfigError::BadToday { value })
}

#[cfg(test)]
mod tests;
