//! Shared helpers for integration tests.

// Each test crate compiles this module on its own and uses a different subset of it.
#![allow(dead_code)]

pub mod bot;
pub mod fake_discord;
