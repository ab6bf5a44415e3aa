//! Refused: `tokio::time::timeout` as it is, wrapped. It meets almost all of
//! the contract: the deadline is fixed when `timeout` is called (tokio 1.54,
//! `time/timeout.rs`: `Instant::now().checked_add(duration)` in `timeout`),
//! each poll polls the inner future first and the `Sleep` second, both with
//! `cx`. But its inner future is a plain field, `value: T`, which it never
//! drops: tokio's `Timeout` keeps the future after `Err(Elapsed)` (and after
//! `Ok`) until the `Timeout` itself is dropped, and hands it back with
//! `into_inner` on request. This contract asks for the cancellation at the
//! deadline; `ok_tokio_timeout_dropped_when_done.rs` adds it.
//! expect: fail the_inner_future_is_dropped_when_the_time_is_up "the inner future was still alive"
//! expect: fail the_inner_future_is_dropped_as_soon_as_it_finishes "the finished inner future was still alive"
//! expect: named with keeps_the_inner_future

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

/// The error of a [`Timeout`] whose deadline came before its future finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

// ANCHOR: timeout
pin_project! {
    /// Runs `future` with a time limit.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        inner: tokio::time::Timeout<F>,
    }
}

impl<F: Future> Timeout<F> {
    /// Gives `future` until `duration` from now to finish.
    pub fn new(future: F, duration: Duration) -> Self {
        Self {
            inner: tokio::time::timeout(duration, future),
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project()
            .inner
            .poll(cx)
            .map(|result| result.map_err(|_| Elapsed))
    }
}
// ANCHOR_END: timeout
