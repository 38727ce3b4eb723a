//! The one integration-test binary: runs the real `iamscope` executable.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers run outside #[test] functions; a panic there is a test failure"
)]

mod audit;
mod baseline;
mod diff;
mod exit_codes;
mod explain;
mod gate;
mod k8s;
mod lint;
mod repo_diff;
mod rules;
mod sarif_schema;
mod terraform;

use std::path::PathBuf;

/// Where the fixtures live; every command runs there so paths in output are relative.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The outcome of one run of the binary.
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Standard output, scrubbed.
    pub stdout: String,
    /// Standard error, scrubbed.
    pub stderr: String,
}

/// Runs `iamscope` with `args` in the fixtures directory, with `stdin` as input.
pub fn run_with_stdin(args: &[&str], stdin: &str) -> Run {
    run_in(&fixtures(), args, stdin)
}

/// Runs `iamscope` with `args` in `dir`, with `stdin` as input; the one place the
/// tests start the binary (colours follow the flags, not the environment).
pub fn run_in(dir: &std::path::Path, args: &[&str], stdin: &str) -> Run {
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: scrub(&String::from_utf8(output.stdout).unwrap()),
        stderr: scrub(&String::from_utf8(output.stderr).unwrap()),
    }
}

/// Runs `iamscope` with `args` and empty stdin.
pub fn run(args: &[&str]) -> Run {
    run_with_stdin(args, "")
}

/// Chalk's principal, as its documented trust names it.
pub const CHALK_PRINCIPAL: &str = "arn:aws:iam::754784422779:role/chalk-api-server";

/// A role trust policy: `principals` may assume the role, under the `Condition` object
/// `condition` when given.
pub fn trust_policy(principals: &[&str], condition: Option<&str>) -> String {
    let condition = condition.map_or(String::new(), |c| format!(r#","Condition":{c}"#));
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":{}}},"Action":"sts:AssumeRole"{condition}}}]}}"#,
        serde_json::to_string(principals).unwrap()
    )
}

/// Replaces what changes between builds (the version) so snapshots stay stable.
fn scrub(text: &str) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}
