//! Mistake: no actor at all. The accounts sit behind a `tokio::sync::Mutex`
//! shared by every handle, and each method locks it; `pause` holds the lock
//! while it waits, so requests are still handled one at a time. What is
//! lost is the mailbox's bound: any number of callers queue up on the lock,
//! and none is ever held back by a full mailbox. No backpressure. And a
//! caller that gives up while it waits for the lock takes its deposit with
//! it: there is no mailbox where a request, once sent, waits its turn. (A
//! task is still spawned, only to hand back the accounts at the end.)
//! expect: fail a_full_mailbox_makes_callers_wait_for_room "no backpressure"
//! expect: fail a_caller_that_gives_up_does_not_stop_the_actor "the actor still handles it"

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};
use tokio::task::JoinHandle;

/// The balances, by account number. An account nobody paid into is not in
/// the map, and its balance is 0.
pub type Accounts = BTreeMap<u32, u64>;

/// The call got no answer: the actor has ended (or ends before answering).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorGone;

impl fmt::Display for ActorGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the actor has ended")
    }
}

impl std::error::Error for ActorGone {}

// ANCHOR: shared
struct Shared {
    /// `None` once stopped.
    accounts: Mutex<Option<Accounts>>,
    /// Hands the accounts to the task at a stop.
    stopped: std::sync::Mutex<Option<oneshot::Sender<Accounts>>>,
}

/// A way to reach the accounts. Clone it for every caller.
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
    /// Never used to send: the task ends when the last clone is dropped.
    _alive: mpsc::Sender<()>,
}
// ANCHOR_END: shared

/// Shares the accounts, and starts a task that returns them at the end.
pub fn spawn(_mailbox: usize) -> (Handle, JoinHandle<Accounts>) {
    let (stopped, on_stop) = oneshot::channel();
    let shared = Arc::new(Shared {
        accounts: Mutex::new(Some(Accounts::new())),
        stopped: std::sync::Mutex::new(Some(stopped)),
    });
    let (alive, mut gone) = mpsc::channel::<()>(1);
    let watcher = Arc::clone(&shared);
    let task = tokio::spawn(async move {
        tokio::select! {
            _ = gone.recv() => watcher.accounts.lock().await.take().unwrap_or_default(),
            Ok(accounts) = on_stop => accounts,
        }
    });
    let handle = Handle {
        shared,
        _alive: alive,
    };
    (handle, task)
}

impl Handle {
    /// Adds `amount` to `account` and returns the new balance.
    pub async fn deposit(&self, account: u32, amount: u64) -> Result<u64, ActorGone> {
        let mut accounts = self.shared.accounts.lock().await;
        let accounts = accounts.as_mut().ok_or(ActorGone)?;
        let balance = accounts.entry(account).or_default();
        *balance += amount;
        Ok(*balance)
    }

    /// The balance of `account`.
    pub async fn balance(&self, account: u32) -> Result<u64, ActorGone> {
        let accounts = self.shared.accounts.lock().await;
        let accounts = accounts.as_ref().ok_or(ActorGone)?;
        Ok(accounts.get(&account).copied().unwrap_or(0))
    }

    /// Holds the accounts until `until` completes; returns then.
    pub async fn pause(
        &self,
        until: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ActorGone> {
        let accounts = self.shared.accounts.lock().await;
        if accounts.is_none() {
            return Err(ActorGone);
        }
        until.await;
        Ok(())
    }

    /// Ends it all, whatever handles remain.
    pub async fn stop(&self) -> Result<(), ActorGone> {
        let accounts = self.shared.accounts.lock().await.take().ok_or(ActorGone)?;
        if let Some(stopped) = self.shared.stopped.lock().unwrap().take() {
            let _ = stopped.send(accounts);
        }
        Ok(())
    }
}
