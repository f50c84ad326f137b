//! Harbor: a harm-reduction bot for peer-support chat communities.
//!
//! The crate is split so that everything a user can notice is testable without a chat platform:
//! [`content`] holds every word the bot says (loaded from `responses/`), [`engine`] turns
//! commands and chat messages into [`reply::Reply`] values, [`detect`] decides whether a chat
//! message reads as a crisis, and [`store`] keeps each community's settings. The adapters
//! ([`console`], [`scan`], [`discord`], [`matrix`]) only translate to and from the engine.

pub mod command;
pub mod console;
pub mod content;
pub mod detect;
pub mod discord;
pub mod engine;
pub mod limits;
pub mod matrix;
pub mod reply;
pub mod scan;
pub mod store;
