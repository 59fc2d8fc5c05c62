//! The responsiveness service: how long each new post waits for its first
//! reply (time-to-first-reply, TTFR), which posts are still unanswered, and
//! (to come) alerts before a post is left alone too long.
//!
//! Modules:
//! - [`thread`]: one thread's state and the exact definitions (when the clock
//!   starts, what counts as the first reply, what leaves the unanswered set);
//! - [`survival`]: Kaplan–Meier percentiles that count unanswered posts as
//!   censored waits instead of dropping them.

pub mod survival;
pub mod thread;
