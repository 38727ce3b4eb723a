//! Policy arguments shared by `diff`, `explain` and `baseline`: a file path, `-`
//! for stdin, or the id of a documented policy (`chalk:scoped-execution`) rendered
//! with the parameter flags.

use std::io::{self, Read};
use std::path::Path;

use clap::Args;

use crate::baseline::{self, Params};
use crate::exit::Error;
use crate::policy::{parse_policy, Policy, SourceFile};

/// The flags that fill in a documented policy's parameters.
#[derive(Debug, Clone, Default, Args)]
pub struct ParamArgs {
    /// AWS region substituted into documented policies (`us-east-1`).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// 12-digit account id substituted into documented policies.
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    /// External id substituted into the documented trust policy.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Log group path substituted into the documented logs policy.
    #[arg(long, value_name = "PATH")]
    pub log_group: Option<String>,
}

impl ParamArgs {
    /// The given values, keyed by the parameter names the built-in profiles declare
    /// for each flag (`--region` supplies `AWS_REGION`).
    pub fn params(&self) -> Params {
        let given = [
            ("--region", &self.region),
            ("--account-id", &self.account_id),
            ("--external-id", &self.external_id),
            ("--log-group", &self.log_group),
        ];
        let mut params = Params::new();
        for profile in baseline::builtin_profiles() {
            for parameter in &profile.parameters {
                let value = given
                    .iter()
                    .find(|(flag, _)| *flag == parameter.flag)
                    .and_then(|(_, value)| value.as_deref());
                if let Some(value) = value {
                    params.set(&parameter.name, value);
                }
            }
        }
        params
    }
}

/// One policy argument, read and parsed; its source is kept for positions and snippets.
#[derive(Debug, Clone)]
pub struct LoadedPolicy {
    /// The text under the name findings point at: the path, `-`, or the documented id.
    pub source: SourceFile,
    /// The parsed policy; its positions point into `source`.
    pub policy: Policy,
}

/// Reads stdin at most once per run, however many arguments name `-`.
#[derive(Debug, Default)]
pub struct Loader {
    stdin: Option<String>,
}

impl Loader {
    /// A loader that has not read stdin yet.
    pub fn new() -> Self {
        Loader::default()
    }

    /// Loads every argument in order.
    pub fn load_all(
        &mut self,
        args: &[String],
        params: &ParamArgs,
    ) -> Result<Vec<LoadedPolicy>, Error> {
        args.iter().map(|arg| self.load(arg, params)).collect()
    }

    /// Loads one argument: `-`, an existing file, or a documented policy id.
    pub fn load(&mut self, arg: &str, params: &ParamArgs) -> Result<LoadedPolicy, Error> {
        let source = if arg == "-" {
            let text = match &self.stdin {
                Some(text) => text.clone(),
                None => {
                    let mut text = String::new();
                    io::stdin()
                        .read_to_string(&mut text)
                        .map_err(|source| Error::Read {
                            path: "-".to_owned(),
                            source,
                        })?;
                    self.stdin = Some(text.clone());
                    text
                }
            };
            SourceFile::new("-", text)
        } else if looks_like_policy_id(arg) && !Path::new(arg).exists() {
            SourceFile::new(arg, baseline::render(arg, &params.params())?)
        } else {
            let text = std::fs::read_to_string(arg).map_err(|source| Error::Read {
                path: arg.to_owned(),
                source,
            })?;
            SourceFile::new(arg, text)
        };
        let policy = parse_policy(&source.text).map_err(|errors| {
            let first = errors.first();
            Error::InvalidPolicy {
                file: source.name.clone(),
                line: first.map_or(1, |e| e.pos.line),
                column: first.map_or(1, |e| e.pos.column),
                message: first.map_or_else(
                    || "invalid policy document".to_owned(),
                    |e| e.message.clone(),
                ),
                more: errors.len().saturating_sub(1),
            }
        })?;
        Ok(LoadedPolicy { source, policy })
    }
}

/// `vendor:policy`, lowercase letters, digits and dashes on both sides: the shape of
/// a documented policy id. A file of that name still wins.
pub fn looks_like_policy_id(arg: &str) -> bool {
    let part = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    matches!(arg.split_once(':'), Some((vendor, id)) if part(vendor) && part(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scoped_params() -> ParamArgs {
        ParamArgs {
            region: Some("us-east-1".into()),
            account_id: Some("111122223333".into()),
            ..ParamArgs::default()
        }
    }

    #[test]
    fn recognises_documented_policy_ids() {
        assert!(looks_like_policy_id("chalk:scoped-execution"));
        assert!(!looks_like_policy_id("policy.json"));
        assert!(!looks_like_policy_id("C:/policy.json"));
        assert!(!looks_like_policy_id("dir/chalk:x.json"));
    }

    #[test]
    fn renders_a_documented_policy_under_its_id() {
        let loaded = Loader::new()
            .load("chalk:scoped-execution", &scoped_params())
            .unwrap();
        assert_eq!(loaded.source.name, "chalk:scoped-execution");
        assert!(loaded.source.text.contains(":111122223333:"));
        assert!(loaded.policy.statements[0].pos.line > 1);
    }

    #[test]
    fn names_the_missing_flag() {
        let params = ParamArgs {
            region: Some("us-east-1".into()),
            ..ParamArgs::default()
        };
        let error = Loader::new()
            .load("chalk:scoped-execution", &params)
            .unwrap_err();
        assert!(error.to_string().contains("--account-id"), "{error}");
    }

    #[test]
    fn reports_a_parse_error_with_its_position() {
        let dir = std::env::temp_dir().join(format!("iamscope-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.json");
        std::fs::write(
            &path,
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [,]\n}\n",
        )
        .unwrap();
        let arg = path.display().to_string();
        let error = Loader::new().load(&arg, &ParamArgs::default()).unwrap_err();
        let text = error.to_string();
        assert!(text.starts_with(&format!("{arg}:3:")), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
