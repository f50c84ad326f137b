//! How often one member may ask Harbor something: a sliding window per member and community, so
//! nobody can flood a channel with answers or keep Harbor busy. Kept in memory only.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Context, Engine};
use crate::content::Msg;
use crate::reply::Reply;

/// Commands (and button presses) one member may send in one community within [`WINDOW`].
/// Above what a person typing needs, and a flood costs at most this many answers a minute.
pub const LIMIT: usize = 20;
/// How far back [`LIMIT`] looks.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Members counted at once, under 500 bytes each. When full, members whose window has
/// passed are dropped; if all are still active, a newcomer is let through uncounted (an answer
/// beats a refusal, and that many accounts at once is not one member flooding).
const MAX_TRACKED: usize = 10_000;

/// A sliding-window log: when each member's recent requests came, at most `limit` of them.
pub(super) struct Limiter {
    limit: usize,
    window: Duration,
    max_tracked: usize,
    recent: Mutex<HashMap<(String, String), VecDeque<Instant>>>,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new(LIMIT, WINDOW, MAX_TRACKED)
    }
}

impl Limiter {
    fn new(limit: usize, window: Duration, max_tracked: usize) -> Self {
        Limiter { limit, window, max_tracked, recent: Mutex::default() }
    }

    /// Whether `user` may ask in `community` at `now`; if so, counts it. A refusal is not
    /// counted, so asking again while refused does not make the wait longer.
    fn allow(&self, community: &str, user: &str, now: Instant) -> bool {
        let mut recent = self.recent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let expired = |at: &Instant| now.saturating_duration_since(*at) >= self.window;
        let key = (community.to_string(), user.to_string());
        if !recent.contains_key(&key) && recent.len() >= self.max_tracked {
            recent.retain(|_, times| times.back().is_some_and(|at| !expired(at)));
            if recent.len() >= self.max_tracked {
                return true;
            }
        }
        let times = recent.entry(key).or_default();
        while times.front().is_some_and(expired) {
            times.pop_front();
        }
        if times.len() >= self.limit {
            return false;
        }
        times.push_back(now);
        true
    }
}

impl Engine {
    /// Counts one command or button press by `ctx.user` in `ctx.community` at `now`. `Some` is
    /// the short private notice to answer with instead, once they sent [`LIMIT`] within
    /// [`WINDOW`]; it still names the emergency number. Adapters call this before anything else.
    pub fn rate_limit(&self, ctx: Context<'_>, now: Instant) -> Option<Reply> {
        if self.rate.allow(ctx.community, ctx.user, now) {
            return None;
        }
        tracing::debug!("command refused: too many from one member");
        Some(self.notice(ctx, Msg::RateLimited, &[]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN: Duration = Duration::from_secs(10);

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn allows_the_limit_then_refuses_until_the_oldest_leaves_the_window() {
        let limiter = Limiter::new(5, TEN, 100);
        let t0 = Instant::now();
        for i in 0..5 {
            assert!(limiter.allow("c", "u", t0 + secs(f64::from(i))), "request {}", i + 1);
        }
        assert!(!limiter.allow("c", "u", t0 + secs(5.0)), "the 6th within 10 s");
        assert!(!limiter.allow("c", "u", t0 + secs(9.9)));
        assert!(limiter.allow("c", "u", t0 + secs(10.0)), "the first has left the window");
        assert!(!limiter.allow("c", "u", t0 + secs(10.5)), "a sliding window, not a reset every 10 s");
        assert!(limiter.allow("c", "u", t0 + secs(11.0)), "the second has left too");
    }

    #[test]
    fn members_and_communities_are_counted_apart() {
        let limiter = Limiter::new(1, TEN, 100);
        let t0 = Instant::now();
        assert!(limiter.allow("c", "u", t0));
        assert!(!limiter.allow("c", "u", t0));
        assert!(limiter.allow("c", "v", t0), "another member");
        assert!(limiter.allow("d", "u", t0), "the same member in another community");
    }

    #[test]
    fn asking_while_refused_does_not_make_the_wait_longer() {
        let limiter = Limiter::new(2, TEN, 100);
        let t0 = Instant::now();
        assert!(limiter.allow("c", "u", t0));
        assert!(limiter.allow("c", "u", t0 + secs(1.0)));
        for i in 0..50 {
            assert!(!limiter.allow("c", "u", t0 + secs(2.0 + f64::from(i) * 0.1)));
        }
        assert!(limiter.allow("c", "u", t0 + secs(10.0)));
    }

    #[test]
    fn memory_stays_bounded_and_newcomers_are_answered_when_full() {
        let limiter = Limiter::new(1, TEN, 3);
        let t0 = Instant::now();
        for user in ["a", "b", "c"] {
            assert!(limiter.allow("c", user, t0));
        }
        let tracked = || limiter.recent.lock().unwrap().len();
        assert!(limiter.allow("c", "d", t0 + secs(1.0)), "full of active members: let through");
        assert!(limiter.allow("c", "d", t0 + secs(1.0)), "uncounted");
        assert_eq!(tracked(), 3);
        assert!(!limiter.allow("c", "a", t0 + secs(1.0)), "members already counted still are");
        assert!(limiter.allow("c", "e", t0 + secs(10.0)));
        assert_eq!(tracked(), 1, "expired members were dropped to make room");
        assert!(!limiter.allow("c", "e", t0 + secs(10.0)));
    }
}
