//! iamscope: audits AWS IAM policies against documented roles.
//!
//! Data flows one way: inputs -> policy/account model -> lint / eval / audit ->
//! findings -> report. Nothing upstream knows about output formats.

pub mod account;
pub mod audit;
pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diff;
pub mod eval;
pub mod exit;
pub mod history;
pub mod k8s;
pub mod lint;
pub mod policy;
pub mod registry;
pub mod report;
pub mod terraform;
