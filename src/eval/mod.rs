//! Request evaluation following AWS's documented policy evaluation logic.

pub mod request;

pub use request::{Context, Decision, Request};
