//! Documented vendor roles ("baselines"): loading the vendor profiles under
//! `rules/<vendor>/` and rendering their policy templates with parameters.
//!
//! The built-in profiles are embedded at compile time; another vendor folder
//! can be loaded at run time with [`Profile::load_dir`].

mod error;
mod glob;
mod placeholder;
mod profile;

use std::collections::BTreeMap;

pub use error::BaselineError;
pub use glob::glob_match;
pub use profile::{
    DocumentedPolicy, KindChoice, ManagedTag, Parameter, PolicyKind, Profile, Recognition,
    ResourcePattern, RoleKind,
};

/// One embedded vendor folder: its path (for messages) and its files.
struct EmbeddedVendor {
    dir: &'static str,
    files: &'static [(&'static str, &'static str)],
}

const BUILTIN: &[EmbeddedVendor] = &[EmbeddedVendor {
    dir: "rules/chalk",
    files: &[
        (
            "profile.toml",
            include_str!("../../rules/chalk/profile.toml"),
        ),
        ("trust.json", include_str!("../../rules/chalk/trust.json")),
        (
            "broad-provisioning.json",
            include_str!("../../rules/chalk/broad-provisioning.json"),
        ),
        (
            "scoped-execution.json",
            include_str!("../../rules/chalk/scoped-execution.json"),
        ),
        (
            "logs-read.json",
            include_str!("../../rules/chalk/logs-read.json"),
        ),
    ],
}];

/// Parameter values for rendering, keyed by placeholder name (`AWS_REGION`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    /// No values.
    pub fn new() -> Self {
        Params::default()
    }

    /// Returns `self` with `name` set to `value`.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set(name, value);
        self
    }

    /// Sets `name` to `value`.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_string(), value.into());
    }

    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

/// Parses every built-in vendor profile, reporting the first error.
pub fn try_builtin_profiles() -> Result<Vec<Profile>, BaselineError> {
    BUILTIN.iter().map(parse_embedded).collect()
}

/// Every built-in vendor profile (today: Chalk).
///
/// The embedded data is checked by tests; a profile that failed to parse would
/// be left out here, and [`try_builtin_profiles`] reports why.
pub fn builtin_profiles() -> Vec<Profile> {
    BUILTIN
        .iter()
        .filter_map(|vendor| parse_embedded(vendor).ok())
        .collect()
}

fn parse_embedded(vendor: &EmbeddedVendor) -> Result<Profile, BaselineError> {
    let file = |name: &str| {
        vendor
            .files
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| (format!("{}/{name}", vendor.dir), text.to_string()))
            .ok_or_else(|| BaselineError::Io {
                path: format!("{}/{name}", vendor.dir),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not embedded"),
            })
    };
    let (path, text) = file("profile.toml")?;
    Profile::parse(&path, &text, file)
}

/// The built-in profile of `vendor` (`chalk`).
pub fn builtin_profile(vendor: &str) -> Option<Profile> {
    builtin_profiles().into_iter().find(|p| p.vendor == vendor)
}

/// Every documented policy of the built-in profiles, in profile order.
pub fn documented_policies() -> Vec<DocumentedPolicy> {
    builtin_profiles()
        .into_iter()
        .flat_map(|p| p.policies)
        .collect()
}

/// Renders the built-in documented policy `policy_id` (`chalk:scoped-execution`)
/// with `params` substituted for its `${NAME}` placeholders.
pub fn render(policy_id: &str, params: &Params) -> Result<String, BaselineError> {
    let profiles = try_builtin_profiles()?;
    let vendor = policy_id.split(':').next().unwrap_or_default();
    match profiles.iter().find(|p| p.vendor == vendor) {
        Some(profile) => profile.render(policy_id, params),
        None => Err(BaselineError::UnknownPolicy {
            id: policy_id.to_string(),
            known: profiles
                .iter()
                .flat_map(|p| &p.policies)
                .map(|p| format!("`{}`", p.id))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

#[cfg(test)]
mod tests;
