//! Hidden suite for `actor`: a bank of accounts owned by one task, driven by
//! a bounded mailbox, answering through oneshot channels.
//!
//! Contract: `spawn(mailbox)` starts the actor on the current runtime and
//! returns a `Handle` and the actor task's `JoinHandle<Accounts>`. A `Handle`
//! is `Clone`; its `deposit`, `balance`, `pause` and `stop` each send one
//! request into the mailbox and return the actor's answer. The actor handles
//! one request at a time, in the order they entered the mailbox (so the
//! requests of one caller in the order it made them); `pause(until)` holds
//! it until `until` completes. The mailbox holds `mailbox` requests: while
//! the actor is busy and the mailbox full, a call waits for room, and goes
//! in once the actor takes a request out. The actor ends when the last
//! handle is dropped (its task then returns the accounts), or at a `stop`,
//! which it answers first; the requests still in the mailbox then get no
//! answer. A call that gets no answer returns `Err(ActorGone)`: one made
//! after the actor ended, one waiting in the mailbox or for room when it
//! ends. Never a panic, never a hang. A caller that gives up on a call
//! (drops its future) never harms the actor or the other callers: a request
//! already in the mailbox is still handled, and its answer dropped.
//!
//! Everything runs on tokio's paused clock: sleeps end instantly, in order,
//! and the timestamps below are exact virtual time in milliseconds.

// The code under test, compiled into this suite: your `exercises/src/actor.rs`,
// or the reference solution with `cargo test --features solutions`.
#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/actor.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/actor.rs")]
mod actor;

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use actor::{Accounts, ActorGone, Handle, spawn};
use futures::FutureExt;
use support::Dropped;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout};
use tokio_test::task;

const NEVER_FINISHED: &str = "the test never finished. If the actor's loop goes round again \
    when `recv()` gives `None` (`loop { if let Some(message) = inbox.recv().await { … } }`), \
    it spins once every handle is gone: `recv()` then gives `None` at once, every time, a \
    busy loop. End the loop on `None`: `while let Some(message) = inbox.recv().await`";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Whole milliseconds of virtual time since `start`.
fn since(start: Instant) -> u64 {
    (Instant::now() - start).as_millis() as u64
}

/// A future for `pause` that completes when the test opens the gate (or
/// drops the opener).
fn gate() -> (
    oneshot::Sender<()>,
    impl Future<Output = ()> + Send + 'static,
) {
    let (open, opened) = oneshot::channel::<()>();
    (open, async move {
        let _ = opened.await;
    })
}

/// Lets the runtime's other tasks (the actor) run until they wait again.
async fn settle() {
    for _ in 0..16 {
        tokio::task::yield_now().await;
    }
}

/// Awaits a call into the handle, and turns a panic or a hang into a failure
/// that says what a call must do instead.
async fn checked<T>(what: &str, call: impl Future<Output = T>) -> T {
    match timeout(ms(1000), AssertUnwindSafe(call).catch_unwind()).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(payload)) => {
            let payload = support::unless_todo(payload);
            panic!(
                "{what} panicked: \"{}\". A call must never panic: when the mailbox is closed, \
                 `send` returns `Err(SendError(_))`; when the actor dropped the reply sender \
                 without answering, the oneshot receiver gives `Err(RecvError)`. Turn both \
                 into `Err(ActorGone)` (`.map_err(|_| ActorGone)?`), never `unwrap` them",
                support::panic_message(payload.as_ref())
            )
        }
        Err(_) => panic!(
            "{what} had not returned 1000 ms later: a call must never hang. It gets an answer, \
             or `Err(ActorGone)` once the actor has ended (its mailbox closed, its reply sender \
             dropped)"
        ),
    }
}

/// Polls a mock task that holds a call, and explains a panic.
fn poll_checked<T>(what: &str, call: &mut task::Spawn<impl Future<Output = T>>) -> Poll<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(|| call.poll())) {
        Ok(poll) => poll,
        Err(payload) => {
            let payload = support::unless_todo(payload);
            panic!(
                "{what} panicked: \"{}\". A call must never panic: when the actor dropped the \
                 reply sender without answering (it stopped with the request still in its \
                 mailbox), the oneshot receiver gives `Err(RecvError)`; when the mailbox is \
                 closed, `send` gives `Err(SendError(_))`. Turn both into `Err(ActorGone)`, \
                 never `unwrap` them",
                support::panic_message(payload.as_ref())
            )
        }
    }
}

/// Waits (at most 1000 ms of virtual time) for the actor's task to end, and
/// returns the accounts it ended with.
async fn ended(actor: JoinHandle<Accounts>) -> Accounts {
    match timeout(ms(1000), actor).await {
        Ok(Ok(accounts)) => accounts,
        Ok(Err(error)) if error.is_panic() => {
            let payload = support::unless_todo(error.into_panic());
            panic!(
                "the actor's task panicked: \"{}\". An actor must survive whatever a caller \
                 does. A caller that gave up on its call (a timeout, a dropped future) no \
                 longer holds the oneshot receiver, so `reply.send(answer)` returns \
                 `Err(answer)`: ignore it (`let _ = reply.send(..)`), never `unwrap` it",
                support::panic_message(payload.as_ref())
            )
        }
        Ok(Err(error)) => panic!("the actor's task did not finish: {error}"),
        Err(_) => panic!(
            "every handle was dropped (or `stop` answered), but 1000 ms later the actor's task \
             had not ended: the actor never ended. Does its loop end when `recv()` returns \
             `None`? Is a `Handle` (a `Sender` clone) kept inside the actor itself? While one \
             exists, the mailbox never closes"
        ),
    }
}

fn accounts(entries: &[(u32, u64)]) -> Accounts {
    entries.iter().copied().collect()
}

#[test]
fn answers_each_request_with_its_own_result() {
    support::paused(NEVER_FINISHED, || async {
        let (bank, actor) = spawn(4);
        let mut answers = Vec::new();
        answers.push(checked("deposit(1, 5)", bank.deposit(1, 5)).await);
        answers.push(checked("deposit(1, 7)", bank.deposit(1, 7)).await);
        answers.push(checked("deposit(2, 3)", bank.deposit(2, 3)).await);
        answers.push(checked("balance(1)", bank.balance(1)).await);
        answers.push(checked("balance(9)", bank.balance(9)).await);
        assert_eq!(
            answers,
            [Ok(5), Ok(12), Ok(3), Ok(12), Ok(0)],
            "deposit(1, 5), deposit(1, 7), deposit(2, 3), balance(1), balance(9), one after \
             another: each call returns the answer to its own request (a deposit the new \
             balance; an account nobody paid into has 0)"
        );
        assert_eq!(
            checked("pause", bank.pause(async {})).await,
            Ok(()),
            "pause with a future that is ready at once"
        );
        assert!(
            !actor.is_finished(),
            "the actor's task ended while a handle still exists"
        );
    });
}

#[test]
fn handles_one_request_at_a_time_in_the_order_they_came() {
    support::paused(NEVER_FINISHED, || async {
        let start = Instant::now();
        let (bank, actor) = spawn(4);
        let (paused, deposited, read) = tokio::join!(
            async { (bank.pause(sleep(ms(100))).await, since(start)) },
            async {
                sleep(ms(10)).await;
                (bank.deposit(1, 5).await, since(start))
            },
            async {
                sleep(ms(20)).await;
                (bank.balance(1).await, since(start))
            },
        );
        assert_eq!(paused, (Ok(()), 100), "a pause of 100 ms sent at 0 ms");
        assert_eq!(
            (deposited, read),
            ((Ok(5), 100), (Ok(5), 100)),
            "a pause of 100 ms sent at 0 ms, then deposit(1, 5) at 10 ms and balance(1) at \
             20 ms (got (answer, ms) for each). An actor handles one request at a time: both \
             wait for the pause, and are answered at 100 ms, in the order they came. \
             Answered before 100 ms: the actor went on while the pause was running (a task \
             spawned per request? the accounts behind a lock, without an actor?). Await each \
             request's work inside the loop"
        );
        // Five calls from one caller, sent in this order by `join!`.
        let answers = tokio::join!(
            bank.deposit(2, 1),
            bank.deposit(2, 2),
            bank.deposit(2, 3),
            bank.deposit(2, 4),
            bank.deposit(2, 5),
        );
        assert_eq!(
            answers,
            (Ok(1), Ok(3), Ok(6), Ok(10), Ok(15)),
            "deposits of 1, 2, 3, 4, 5 into account 2, sent in this order, the last one \
             waiting for room (mailbox of 4): handled in the order they were sent"
        );
        assert!(
            !actor.is_finished(),
            "the actor's task ended while a handle still exists"
        );
    });
}

#[test]
fn concurrent_callers_each_see_their_own_deposits_in_order() {
    support::paused(NEVER_FINISHED, || async {
        let (bank, actor) = spawn(2);
        // Eight callers, each with its own handle: caller c pays 1, 2, …, 10
        // into its own account c, and 1 into the common account 0 each time,
        // pausing c ms between calls so that the callers interleave.
        let callers = (1..=8u32).map(|c| {
            let bank = bank.clone();
            async move {
                let mut own = Vec::new();
                let mut common = Vec::new();
                for amount in 1..=10 {
                    own.push(bank.deposit(c, amount).await);
                    common.push(bank.deposit(0, 1).await);
                    sleep(ms(u64::from(c))).await;
                }
                (own, common)
            }
        });
        let results = futures::future::join_all(callers).await;
        let running_sums: Vec<Result<u64, ActorGone>> =
            (1..=10u64).map(|n| Ok(n * (n + 1) / 2)).collect();
        let mut common = Vec::new();
        for (c, (own, theirs)) in (1..).zip(results) {
            assert_eq!(
                own, running_sums,
                "caller {c} paid 1, 2, …, 10 into its own account, one call after another, \
                 while seven other callers used the actor: each answer is the new balance of \
                 that account, so the running sums, in order (got, expected)"
            );
            common.extend(theirs);
        }
        common.sort_by_key(|answer| answer.as_ref().ok().copied());
        let want: Vec<Result<u64, ActorGone>> = (1..=80).map(Ok).collect();
        assert_eq!(
            common, want,
            "eight callers paid 1 into account 0, ten times each: the 80 answers (sorted) must \
             be 1 to 80, each once. A balance seen twice is a deposit lost between two callers: \
             the actor alone must own the accounts, and handle one request at a time"
        );
        let mut balances = Vec::new();
        for account in 0..=8 {
            balances.push(checked("balance", bank.balance(account)).await);
        }
        let mut want = vec![Ok(80)];
        want.extend([Ok(55); 8]);
        assert_eq!(
            balances, want,
            "the balances of accounts 0 to 8 once every caller was done (got, expected)"
        );
        assert!(
            !actor.is_finished(),
            "the actor's task ended while a handle still exists"
        );
    });
}

#[test]
fn a_full_mailbox_makes_callers_wait_for_room() {
    support::paused(NEVER_FINISHED, || async {
        let (bank, _actor) = spawn(2);
        let (open_a, until_a) = gate();
        let (open_b, until_b) = gate();
        let mut a = task::spawn(bank.pause(until_a));
        assert!(a.poll().is_pending(), "pause A: waiting");
        settle().await;
        // The actor is busy with A; the mailbox (2) fills with B and a deposit.
        let mut b = task::spawn(bank.pause(until_b));
        let mut first = task::spawn(bank.deposit(1, 1));
        assert!(b.poll().is_pending(), "pause B: waiting");
        assert!(first.poll().is_pending(), "deposit(1, 1): waiting");
        let mut third = task::spawn(bank.deposit(1, 100));
        if let Poll::Ready(answer) = poll_checked("the third call", &mut third) {
            panic!(
                "mailbox of 2; the actor busy with a pause, the mailbox full (a pause and a \
                 deposit). The third call, deposit(1, 100), must wait for room: it returned \
                 {answer:?} at once instead of waiting for room. `try_send` fails when the \
                 mailbox is full; `send(..).await` waits"
            );
        }
        // A fourth caller waits for room too, and gives up: dropped before
        // its request went in, it must leave nothing behind.
        let mut fourth = task::spawn(bank.deposit(1, 1000));
        assert!(
            poll_checked("the fourth call", &mut fourth).is_pending(),
            "the fourth call, deposit(1, 1000), must wait for room too"
        );
        drop(fourth);
        settle().await;
        if third.is_woken() {
            let poll = poll_checked("the third call", &mut third);
            panic!(
                "the actor is busy with pause A, and nothing has changed, but the third \
                 call's task was woken, and polled it gave {poll:?}. Answered: the actor went \
                 on while pause A was running (a task spawned per request?); an actor handles \
                 one request at a time"
            );
        }
        // The actor answers A and takes B: one request leaves the mailbox.
        open_a.send(()).unwrap();
        settle().await;
        assert!(a.is_woken(), "pause A ended: its caller must be woken");
        assert_eq!(a.poll(), Poll::Ready(Ok(())), "pause A ended");
        assert!(
            third.is_woken(),
            "mailbox of 2; while the actor was busy with a pause and the mailbox full, a third \
             caller called deposit(1, 100). That call must wait for room, and be woken as soon \
             as the actor takes one request out (here, the actor finished one pause and took \
             the next one). It was not woken: it was not waiting for room (its request went in \
             at once, so the mailbox held more than 2, or it waits on something else, a \
             lock). No backpressure: is the mailbox an \
             `unbounded_channel`, or larger than `mailbox`? `mpsc::channel(mailbox)`"
        );
        assert!(
            poll_checked("the third call", &mut third).is_pending(),
            "the third call went into the mailbox now, behind deposit(1, 1) and pause B: it \
             cannot have been answered yet (it was, so the actor went on during pause B)"
        );
        assert!(
            !first.is_woken(),
            "the actor is busy with pause B: deposit(1, 1) cannot be answered yet"
        );
        open_b.send(()).unwrap();
        settle().await;
        assert_eq!(
            (
                b.poll(),
                first.poll(),
                poll_checked("the third call", &mut third)
            ),
            (
                Poll::Ready(Ok(())),
                Poll::Ready(Ok(1)),
                Poll::Ready(Ok(101))
            ),
            "pause B ended: then deposit(1, 1) and deposit(1, 100) are answered, in order"
        );
        assert_eq!(
            checked("balance(1)", bank.balance(1)).await,
            Ok(101),
            "deposit(1, 1000) waited for room and was dropped before it went in: it must \
             leave nothing behind (a call whose `send` is dropped while it waits sends \
             nothing; a send handed to a task of its own would go on without the caller)"
        );
    });
}

#[test]
fn the_actor_ends_when_the_last_handle_is_dropped() {
    support::paused(NEVER_FINISHED, || async {
        let (bank, actor) = spawn(2);
        let other = bank.clone();
        assert_eq!(checked("deposit(1, 5)", bank.deposit(1, 5)).await, Ok(5));
        drop(bank);
        sleep(ms(100)).await;
        assert!(
            !actor.is_finished(),
            "one handle was dropped while a clone of it still exists: the actor must go on \
             (it ended)"
        );
        assert_eq!(
            checked("deposit(1, 2) through the clone", other.deposit(1, 2)).await,
            Ok(7),
            "one handle dropped, its clone still works"
        );
        let third = other.clone();
        drop(other);
        assert_eq!(checked("balance(1)", third.balance(1)).await, Ok(7));
        drop(third);
        assert_eq!(
            ended(actor).await,
            accounts(&[(1, 7)]),
            "the last handle dropped: the actor's task ends and returns its accounts"
        );
    });
}

#[test]
fn a_call_after_the_actor_has_ended_returns_an_error() {
    support::paused(NEVER_FINISHED, || async {
        let (bank, actor) = spawn(2);
        let other = bank.clone();
        assert_eq!(checked("deposit(1, 5)", bank.deposit(1, 5)).await, Ok(5));
        assert_eq!(
            checked("stop", bank.stop()).await,
            Ok(()),
            "stop is answered before the actor ends"
        );
        assert_eq!(
            ended(actor).await,
            accounts(&[(1, 5)]),
            "stop ends the actor, even though two handles still exist: its task returns the \
             accounts (got, expected)"
        );
        let answers = (
            checked("deposit after the end", other.deposit(1, 1)).await,
            checked("balance after the end", other.balance(1)).await,
            checked("pause after the end", other.pause(async {})).await,
            checked("stop after the end", bank.stop()).await,
        );
        assert_eq!(
            answers,
            (
                Err(ActorGone),
                Err(ActorGone),
                Err(ActorGone),
                Err(ActorGone)
            ),
            "deposit, balance, pause and stop, called after the actor has ended: each returns \
             Err(ActorGone) (the mailbox is closed: `send` fails)"
        );
    });
}

#[test]
fn requests_waiting_when_the_actor_stops_get_an_error() {
    support::paused(NEVER_FINISHED, || async {
        let (bank, actor) = spawn(2);
        let (open, until) = gate();
        let mut paused = task::spawn(bank.pause(until));
        assert!(paused.poll().is_pending(), "pause: waiting");
        settle().await;
        // The actor is busy; behind the pause: a stop and a deposit fill the
        // mailbox, and one more deposit waits for room.
        let mut stop = task::spawn(bank.stop());
        let mut queued = task::spawn(bank.deposit(1, 5));
        let mut waiting = task::spawn(bank.deposit(2, 7));
        assert!(stop.poll().is_pending(), "stop: in the mailbox");
        assert!(queued.poll().is_pending(), "deposit(1, 5): in the mailbox");
        assert!(
            poll_checked("deposit(2, 7)", &mut waiting).is_pending(),
            "mailbox of 2, full (a stop and a deposit) while the actor is busy: deposit(2, 7) \
             must wait for room, not return at once (`try_send` fails when the mailbox is \
             full; `send(..).await` waits)"
        );
        open.send(()).unwrap();
        settle().await;
        assert_eq!(paused.poll(), Poll::Ready(Ok(())), "the pause ended");
        assert_eq!(stop.poll(), Poll::Ready(Ok(())), "stop is answered");
        assert!(
            queued.is_woken() && waiting.is_woken(),
            "the actor stopped with deposit(1, 5) in its mailbox and deposit(2, 7) waiting for \
             room: neither will ever be answered, so both callers must be woken, to find out \
             (woken: {}, {}). Does the actor end at a stop? Its mailbox (the receiver) must be \
             dropped then: that drops the requests in it, with their reply senders, and closes \
             the mailbox",
            queued.is_woken(),
            waiting.is_woken()
        );
        let answers = (
            poll_checked("deposit(1, 5), left in the mailbox", &mut queued),
            poll_checked("deposit(2, 7), waiting for room", &mut waiting),
        );
        assert_eq!(
            answers,
            (Poll::Ready(Err(ActorGone)), Poll::Ready(Err(ActorGone))),
            "the actor stopped with deposit(1, 5) in its mailbox and deposit(2, 7) waiting for \
             room: the first one's reply sender was dropped unanswered (the oneshot receiver \
             gives `Err(RecvError)`), the second one's `send` failed: both return \
             Err(ActorGone)"
        );
        assert_eq!(
            ended(actor).await,
            Accounts::new(),
            "the actor stopped before either deposit"
        );
    });
}

#[test]
fn a_caller_that_gives_up_does_not_stop_the_actor() {
    support::paused(NEVER_FINISHED, || async {
        let start = Instant::now();
        let (bank, actor) = spawn(2);
        let (paused, gave_up, read) = tokio::join!(
            bank.pause(sleep(ms(100))),
            async {
                sleep(ms(10)).await;
                // Gives up at 20 ms: its request is in the mailbox by then.
                timeout(ms(10), bank.deposit(1, 5)).await.is_err()
            },
            async {
                sleep(ms(30)).await;
                (bank.balance(1).await, since(start))
            },
        );
        assert_eq!(
            (paused, gave_up),
            (Ok(()), true),
            "a pause of 100 ms sent at 0 ms, and deposit(1, 5) sent at 10 ms with a timeout of \
             10 ms (got the pause's answer, and whether the deposit timed out). The deposit \
             waits behind the pause, so its caller gives up at 20 ms. If it did not, the actor \
             went on while the pause was running: an actor handles one request at a time"
        );
        if actor.is_finished() {
            // Explains a panic of the actor's task.
            let left = ended(actor).await;
            panic!("the actor's task ended, with {left:?}, while a handle still exists");
        }
        assert_eq!(
            read,
            (Ok(5), 100),
            "a pause of 100 ms; at 10 ms a caller sent deposit(1, 5) and gave up waiting for \
             the answer at 20 ms (a timeout dropped its call); at 30 ms another caller asked \
             for balance(1) (got (answer, ms)). The request was in the mailbox: the actor \
             still handles it at 100 ms, and its answer goes nowhere. Then it answers 5"
        );
    });
}

/// Polls `call`, and wakes its own task after every `Pending`, as a caller
/// with other things to do would be woken: the cancellation fuzzer can then
/// drop it between any two steps, also while its requests wait in the
/// mailbox or in the actor.
async fn restless<F: Future>(call: F) -> F::Output {
    let mut call = pin!(call);
    poll_fn(|cx| {
        let poll = call.as_mut().poll(cx);
        if poll.is_pending() {
            cx.waker().wake_by_ref();
        }
        poll
    })
    .await
}

/// A pause that lasts a few turns of the runtime, without the clock.
async fn a_few_turns() {
    for _ in 0..3 {
        tokio::task::yield_now().await;
    }
}

/// Another caller: pays 1 to 5 into account 2 and records every answer.
async fn other_caller(bank: Handle, answers: Arc<Mutex<Vec<Result<u64, ActorGone>>>>) {
    for amount in 1..=5 {
        let answer = bank.deposit(2, amount).await;
        answers.lock().unwrap().push(answer);
    }
}

type Outcome = (Result<(), ActorGone>, Result<u64, ActorGone>);

#[test]
fn a_call_dropped_at_any_point_harms_neither_the_actor_nor_the_other_callers() {
    support::drop_after_each_poll(
        "a caller's pause and deposit",
        60,
        || {
            let (bank, actor) = spawn(2);
            let answers = Arc::new(Mutex::new(Vec::new()));
            tokio::spawn(other_caller(bank.clone(), Arc::clone(&answers)));
            let outcome: Rc<Cell<Option<Outcome>>> = Rc::new(Cell::new(None));
            let caller = {
                let (bank, outcome) = (bank.clone(), Rc::clone(&outcome));
                async move {
                    let both = restless(async {
                        tokio::join!(bank.pause(a_few_turns()), bank.deposit(1, 5))
                    })
                    .await;
                    outcome.set(Some(both));
                }
            };
            ((bank, actor, answers, outcome), caller)
        },
        |(_bank, actor, answers, outcome), how| {
            let when = match how {
                Dropped::AfterPolls(polls) => format!("dropped after {polls} polls"),
                Dropped::Completed { polls } => format!("completed on poll {polls}"),
            };
            assert!(
                !actor.is_finished(),
                "a caller's call (a pause, then deposit(1, 5)) was {when}, while a handle still \
                 existed, and the actor's task has ended: did it panic? When a caller has gone \
                 away, `reply.send(answer)` returns `Err(answer)`: ignore it (`let _ = \
                 reply.send(..)`), never `unwrap` it"
            );
            let answers = answers.lock().unwrap().clone();
            let want = [Ok(1), Ok(3), Ok(6), Ok(10), Ok(15)];
            assert!(
                answers.len() <= want.len() && answers == want[..answers.len()],
                "a caller's call was {when}; meanwhile another caller paid 1, 2, 3, 4, 5 into \
                 account 2 and got {answers:?}: the running sums, in order, whatever happens \
                 to the first caller"
            );
            if let Dropped::Completed { .. } = how {
                assert_eq!(
                    outcome.take(),
                    Some((Ok(()), Ok(5))),
                    "the caller's pause and deposit(1, 5), undisturbed"
                );
            }
        },
    );
}
