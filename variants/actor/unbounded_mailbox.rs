//! Mistake: an unbounded mailbox. `unbounded_channel` never makes a sender
//! wait: however busy the actor, every call goes straight in, and a burst of
//! callers piles up in memory instead of being slowed down. No
//! backpressure: the `mailbox` argument is not used at all.
//! expect: fail a_full_mailbox_makes_callers_wait_for_room "no backpressure"
//! expect: named with sends_from_a_task

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use tokio::sync::{mpsc, oneshot};
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

/// A request, as it travels through the mailbox: what to do, and where to
/// send the answer.
pub enum Message {
    /// Adds `amount` to `account`; answers the new balance.
    Deposit {
        account: u32,
        amount: u64,
        reply: oneshot::Sender<u64>,
    },
    /// Answers the balance of `account` (0 if nobody paid into it).
    Balance {
        account: u32,
        reply: oneshot::Sender<u64>,
    },
    /// Holds the actor until `until` completes, then answers: a stand-in for
    /// a request that takes time (a write to disk, a call to another
    /// service). The actor handles nothing else meanwhile.
    Pause {
        until: Pin<Box<dyn Future<Output = ()> + Send>>,
        reply: oneshot::Sender<()>,
    },
    /// Answers, then ends the actor: the requests still in the mailbox get
    /// no answer.
    Stop { reply: oneshot::Sender<()> },
}

/// A way to reach the actor. Clone it for every caller; the actor ends
/// when the last clone is dropped.
#[derive(Clone)]
pub struct Handle {
    mailbox: mpsc::UnboundedSender<Message>,
}

/// Starts the actor on the current tokio runtime, with room for `mailbox`
/// requests waiting (at least 1). Its task ends with the accounts as they
/// are then.
pub fn spawn(_mailbox: usize) -> (Handle, JoinHandle<Accounts>) {
    // ANCHOR: unbounded
    let (sender, inbox) = mpsc::unbounded_channel();
    // ANCHOR_END: unbounded
    let actor = tokio::spawn(run(inbox));
    (Handle { mailbox: sender }, actor)
}

/// The actor: owns the accounts, handles one request at a time, in the order
/// they came, until every handle is gone or a `Stop`.
async fn run(mut inbox: mpsc::UnboundedReceiver<Message>) -> Accounts {
    let mut accounts = Accounts::new();
    while let Some(message) = inbox.recv().await {
        match message {
            Message::Deposit {
                account,
                amount,
                reply,
            } => {
                let balance = accounts.entry(account).or_default();
                *balance += amount;
                let _ = reply.send(*balance);
            }
            Message::Balance { account, reply } => {
                let _ = reply.send(accounts.get(&account).copied().unwrap_or(0));
            }
            Message::Pause { until, reply } => {
                until.await;
                let _ = reply.send(());
            }
            Message::Stop { reply } => {
                let _ = reply.send(());
                break;
            }
        }
    }
    accounts
}

impl Handle {
    /// One round trip: a fresh oneshot channel, the request with its sender
    /// into the mailbox (waiting for room if it is full), then the answer.
    async fn call<T>(
        &self,
        request: impl FnOnce(oneshot::Sender<T>) -> Message,
    ) -> Result<T, ActorGone> {
        let (reply, answer) = oneshot::channel();
        self.mailbox.send(request(reply)).map_err(|_| ActorGone)?;
        answer.await.map_err(|_| ActorGone)
    }

    /// Adds `amount` to `account` and returns the new balance.
    pub async fn deposit(&self, account: u32, amount: u64) -> Result<u64, ActorGone> {
        self.call(|reply| Message::Deposit {
            account,
            amount,
            reply,
        })
        .await
    }

    /// The balance of `account`.
    pub async fn balance(&self, account: u32) -> Result<u64, ActorGone> {
        self.call(|reply| Message::Balance { account, reply }).await
    }

    /// Holds the actor until `until` completes; returns then.
    pub async fn pause(
        &self,
        until: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ActorGone> {
        self.call(|reply| Message::Pause {
            until: Box::pin(until),
            reply,
        })
        .await
    }

    /// Ends the actor, whatever handles remain; returns once it has taken
    /// the request.
    pub async fn stop(&self) -> Result<(), ActorGone> {
        self.call(|reply| Message::Stop { reply }).await
    }
}
