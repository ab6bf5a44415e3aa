//! `cargo run -- watch`: re-runs the current exercise's suite on every save.
//!
//! Three threads feed one event loop: the file watcher (notify), the keyboard
//! (crossterm, in raw mode), and the suite runner, which builds and runs the
//! suite with the same budgets as `test`. The loop only draws and decides, so
//! the screen answers `q`, `h`, `r`, `f` and `n` at once even while a suite
//! builds, runs, or hangs until its budget stops it.
//!
//! The screen is redrawn in place and cut to the terminal's height (the top,
//! with the first failure, always shows), so no stale frame scrolls into the
//! terminal's history; `f` shows the whole output instead.
//!
//! It moves on by itself only when the exercise it watches goes from not done
//! to done. Watching an exercise that is already done (`watch countdown`, to
//! revisit it) stays on it; `n` goes to the first exercise not done.

use std::collections::VecDeque;
use std::io::{IsTerminal, Write, stdout};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, queue, style, terminal};
use notify::{RecursiveMode, Watcher};

use super::Usage;
use crate::manifest::{Exercise, Manifest};
use crate::progress::{Outcome, Progress};
use crate::state::{self, Budgets, State};
use crate::suite::{self, Build, Run};
use crate::{report, screen};

enum Event {
    /// A `.rs` file in exercises/src was written, created or removed.
    Saved,
    Key(KeyEvent),
    /// A line of cargo's progress while the suite builds.
    Building(String),
    /// The suite was built (it runs now).
    Running,
    /// The run of `generation` ended: its result, or `None` if it was
    /// stopped because a newer save made it pointless.
    Done {
        generation: u64,
        result: Option<Finished>,
    },
    /// The terminal changed size: draw again.
    Resized,
}

/// A finished build and run.
struct Finished {
    state: State,
    run: Option<Run>,
    /// The compiler's whole output, when the code did not compile.
    compiler: String,
}

/// Leaves raw mode however `watch` ends, even by a panic.
struct RawMode(bool);

impl Drop for RawMode {
    fn drop(&mut self) {
        if self.0 {
            let _ = terminal::disable_raw_mode();
        }
    }
}

pub fn watch(root: &Path, manifest: &Manifest, id: Option<&str>, poll: bool) -> Result<u8> {
    // `watch` redraws a screen and reads single keys: without a terminal (a
    // pipe, a script) it would write frames forever and never end.
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Usage(
            "`watch` needs a terminal: it redraws the screen and reads single keys. \
             Run it in a terminal window, or, from a script, run one exercise's tests \
             with `cargo run -- test <id>` (or `cargo test --test <id>`)."
                .into(),
        )
        .into());
    }
    let budgets = Budgets::from_env();
    let mut progress = Progress::load(root)?;
    let mut current = match id {
        Some(id) => position(manifest, state::resolve(manifest, id)?),
        None => {
            let all: Vec<&Exercise> = manifest.exercises.iter().collect();
            let states = state::measure(root, &mut progress, &all, budgets)?;
            match state::next(manifest, &states) {
                Some(exercise) => position(manifest, exercise),
                None => {
                    println!("Every exercise passes: nothing to watch. Well done!");
                    return Ok(0);
                }
            }
        }
    };

    let (events, inbox) = mpsc::channel();
    let mut inbox = Inbox {
        events: inbox,
        later: VecDeque::new(),
    };
    // Polling, if asked for or where file events are known not to arrive.
    let polling = match (poll, events_missing(root)) {
        (true, _) => Some("--poll".to_owned()),
        (false, Some(why)) => Some(why),
        (false, None) => None,
    };
    let _watcher = watch_files(root, events.clone(), polling.is_some())?;
    // Keys come one at a time without Enter only in raw mode.
    let raw = RawMode(terminal::enable_raw_mode().is_ok());
    if raw.0 {
        let keys = events.clone();
        thread::spawn(move || {
            while let Ok(event) = event::read() {
                let event = match event {
                    TermEvent::Key(key) if key.kind == KeyEventKind::Press => Event::Key(key),
                    TermEvent::Resize(..) => Event::Resized,
                    _ => continue,
                };
                if keys.send(event).is_err() {
                    break;
                }
            }
        });
    }

    let mut screen = Screen::default();
    screen.count_done(root, manifest, &progress);
    if let Some(why) = &polling {
        screen.banner = Some(format!(
            "Looking for saved files every {:.1} s ({why}).",
            POLL_EVERY.as_secs_f64()
        ));
        screen.banner_rounds = 1;
    }
    // Whether the exercise watched was done when watching it began: only a
    // change from not done to done moves on to the next.
    let mut was_done = is_done(root, &manifest.exercises[current], &progress);
    let mut runs = Runs {
        root,
        budgets,
        events: events.clone(),
        generation: 0,
        cancel: Arc::default(),
        busy: false,
        again: false,
    };
    runs.start(&manifest.exercises[current], &mut screen);
    loop {
        screen.draw(manifest, current, root);
        let Some(event) = inbox.next() else {
            break;
        };
        match event {
            Event::Saved
            | Event::Key(KeyEvent {
                code: KeyCode::Char('r'),
                ..
            }) => {
                let exercise = &manifest.exercises[current];
                if !root.join(exercise.stub()).is_file() {
                    // Deleted, or renamed away: nothing to test until it is back.
                    runs.cancel.store(true, Ordering::Relaxed);
                    screen.phase.clear();
                    screen.report = format!(
                        "✗ {} is gone (deleted or renamed).\n\nPut it back to go on: \
                         `cargo run -- reset {}` restores the file as shipped (your own \
                         version may still be in your editor's undo history). `watch` \
                         tests it again as soon as it is back.\n",
                        exercise.stub().display(),
                        exercise.id
                    );
                } else if runs.busy {
                    // The run under way tests an old version (or hangs):
                    // stop it, and run again once it has stopped.
                    runs.cancel.store(true, Ordering::Relaxed);
                    runs.again = true;
                    screen.phase = "stopping the previous run…".into();
                } else {
                    runs.start(&manifest.exercises[current], &mut screen);
                }
            }
            Event::Key(KeyEvent {
                code: KeyCode::Char('q'),
                ..
            }) => break,
            Event::Key(KeyEvent {
                code: KeyCode::Char('c'),
                modifiers,
                ..
            }) if modifiers.contains(KeyModifiers::CONTROL) => break,
            Event::Key(KeyEvent {
                code: KeyCode::Char('h'),
                ..
            }) => {
                let exercise = &manifest.exercises[current];
                let entry = progress.entry(&exercise.id);
                let n = entry.hints_shown.min(exercise.hints.len() - 1);
                entry.hints_shown = (entry.hints_shown + 1).min(exercise.hints.len());
                progress.save()?;
                screen.hint = Some(format!(
                    "Hint {} of 3:\n{}",
                    n + 1,
                    screen::markdown(&exercise.hints[n], true)
                ));
            }
            Event::Key(KeyEvent {
                code: KeyCode::Char('n'),
                ..
            }) => match state::current(root, manifest, &progress) {
                Some(next) if position(manifest, next) != current => {
                    current = position(manifest, next);
                    was_done = false;
                    screen.banner = None;
                    screen.report.clear();
                    screen.full_output.clear();
                    screen.hint = None;
                    restart(&mut runs, &manifest.exercises[current], &mut screen);
                }
                Some(_) => screen.banner = Some("This is the first exercise not done.".into()),
                None => screen.banner = Some("Every exercise is done.".into()),
            },
            Event::Resized => {}
            Event::Key(KeyEvent {
                code: KeyCode::Char('f'),
                ..
            }) => screen.full = !screen.full,
            Event::Key(_) => {}
            Event::Building(line) => {
                let line = line.trim();
                if !line.is_empty() {
                    screen.phase = format!("building… {line}");
                }
            }
            Event::Running => screen.phase = "running the tests…".into(),
            Event::Done {
                generation: done,
                result,
            } => {
                runs.busy = false;
                let exercise = &manifest.exercises[current];
                let fresh = done == runs.generation;
                match result {
                    Some(finished) if fresh => {
                        show_result(root, exercise, finished, &mut screen, &mut progress)?;
                        screen.count_done(root, manifest, &progress);
                    }
                    // Stopped, or outdated: only the run queued after it counts.
                    _ => {}
                }
                if screen.passed {
                    screen.passed = false;
                    if was_done {
                        // A revisit: stay, and say how to move on.
                        screen.banner = Some(format!(
                            "✓ {} passes (it was done already). Press n for the first exercise \
                             not done.",
                            exercise.id
                        ));
                        screen.banner_rounds = 0;
                    } else {
                        match state::current(root, manifest, &progress) {
                            Some(next) => {
                                screen.banner = Some(format!(
                                    "✓ {} passes! On to the next one: {}",
                                    exercise.id, next.title
                                ));
                                screen.banner_rounds = 1;
                                current = position(manifest, next);
                                was_done = false;
                                runs.again = true;
                            }
                            None => {
                                screen.draw(manifest, current, root);
                                drop(raw);
                                println!("\r\nEvery exercise passes. Well done!\r");
                                return Ok(0);
                            }
                        }
                    }
                }
                if runs.again {
                    runs.start(&manifest.exercises[current], &mut screen);
                }
            }
        }
    }
    drop(raw);
    println!("\r");
    Ok(0)
}

/// Puts a run's result on the screen and in the progress file.
fn show_result(
    root: &Path,
    exercise: &Exercise,
    finished: Finished,
    screen: &mut Screen,
    progress: &mut Progress,
) -> Result<()> {
    let Finished {
        state,
        run,
        compiler,
    } = finished;
    if let State::Ran(outcome) = state {
        progress.record(root, exercise, outcome);
        progress.save()?;
    }
    screen.phase.clear();
    screen.report = report::report(root, exercise, &state, run.as_ref(), false);
    screen.full_output = match run {
        Some(run) => run.stdout,
        None => compiler,
    };
    screen.hint = None;
    if state.is_done() {
        screen.passed = true;
    } else if screen.banner_rounds > 0 {
        // Keep "on to the next one" above the next one's first result.
        screen.banner_rounds -= 1;
    } else {
        screen.banner = None;
    }
    Ok(())
}

fn is_done(root: &Path, exercise: &Exercise, progress: &Progress) -> bool {
    progress.fresh_outcome(root, exercise) == Some(Outcome::Passed)
}

/// Starts a run of `exercise` now, or as soon as the run under way stops.
fn restart(runs: &mut Runs<'_>, exercise: &Exercise, screen: &mut Screen) {
    if runs.busy {
        runs.cancel.store(true, Ordering::Relaxed);
        runs.again = true;
        screen.phase = "stopping the previous run…".into();
    } else {
        runs.start(exercise, screen);
    }
}

fn position(manifest: &Manifest, exercise: &Exercise) -> usize {
    manifest
        .exercises
        .iter()
        .position(|e| e.id == exercise.id)
        .expect("the exercise comes from the manifest")
}

/// The event loop's queue: saves that arrive together count as one.
struct Inbox {
    events: Receiver<Event>,
    later: VecDeque<Event>,
}

impl Inbox {
    fn next(&mut self) -> Option<Event> {
        let event = match self.later.pop_front() {
            Some(event) => event,
            None => self.events.recv().ok()?,
        };
        if matches!(event, Event::Saved) {
            // Editors write a file in several steps: wait for the burst to
            // end, drop the repeated saves, keep everything else for later.
            thread::sleep(Duration::from_millis(100));
            while let Ok(more) = self.events.try_recv() {
                if !matches!(more, Event::Saved) {
                    self.later.push_back(more);
                }
            }
        }
        Some(event)
    }
}

/// The suite runs: one at a time, each on a thread of its own.
struct Runs<'a> {
    root: &'a Path,
    budgets: Budgets,
    events: Sender<Event>,
    /// Counts the runs started; a result is shown only if it is the latest's.
    generation: u64,
    /// Stops the run under way.
    cancel: Arc<AtomicBool>,
    /// A run is under way.
    busy: bool,
    /// Another run is due once the one under way has ended.
    again: bool,
}

impl Runs<'_> {
    /// Builds and runs the suite of `exercise`.
    fn start(&mut self, exercise: &Exercise, screen: &mut Screen) {
        self.generation += 1;
        self.cancel = Arc::new(AtomicBool::new(false));
        self.busy = true;
        self.again = false;
        screen.phase = "building…".into();
        let (root, exercise, budgets) = (self.root.to_owned(), exercise.clone(), self.budgets);
        let (events, stop, generation) = (
            self.events.clone(),
            Arc::clone(&self.cancel),
            self.generation,
        );
        thread::spawn(move || {
            let result = build_and_run(&root, &exercise, budgets, &stop, &events);
            let _ = events.send(Event::Done { generation, result });
        });
    }
}

fn build_and_run(
    root: &Path,
    exercise: &Exercise,
    budgets: Budgets,
    cancel: &AtomicBool,
    events: &Sender<Event>,
) -> Option<Finished> {
    let id = exercise.id.as_str();
    let build = suite::build_quietly(root, &[id], budgets.build, cancel, |line| {
        let _ = events.send(Event::Building(line.to_owned()));
    });
    let not_built = |why: String, compiler: String| {
        Some(Finished {
            state: State::NotBuilt(why),
            run: None,
            compiler,
        })
    };
    let (binary, messages) = match build {
        Ok(Build::Built(binaries, messages)) => match binaries.get(id) {
            Some(binary) => (binary.clone(), messages),
            None => return not_built(format!("no test binary for {id}"), String::new()),
        },
        Ok(Build::Cancelled) => return None,
        Ok(Build::Failed(messages)) => {
            let first = state::not_built(&Build::Failed(messages.clone()), budgets);
            return not_built(first, messages);
        }
        Ok(trouble) => return not_built(state::not_built(&trouble, budgets), String::new()),
        Err(error) => return not_built(format!("{error:#}"), String::new()),
    };
    let _ = events.send(Event::Running);
    match suite::run_watched(&binary, root, budgets.run, cancel, |_| {}) {
        Ok(run) if run.cancelled => None,
        Ok(mut run) => Some(Finished {
            state: State::Ran(state::outcome(&run)),
            run: Some({
                let edited = state::edited_stubs(root);
                run.warnings = state::warnings_once_edited(edited.as_deref(), exercise, &messages);
                run
            }),
            compiler: String::new(),
        }),
        Err(error) => not_built(format!("{error:#}"), String::new()),
    }
}

/// How often `--poll` looks at the exercises' files.
const POLL_EVERY: Duration = Duration::from_millis(500);

/// Why file events will not arrive here, where that is known: WSL2 with the
/// checkout on a Windows drive (`/mnt/c/…`), whose changes Linux is never
/// told of. Then `watch` polls without being asked.
fn events_missing(root: &Path) -> Option<String> {
    let version = std::fs::read_to_string("/proc/version").ok()?;
    let wsl = version.to_lowercase().contains("microsoft");
    (wsl && root.starts_with("/mnt/")).then(|| {
        "WSL, on a Windows drive: file events do not arrive there, so `watch` polls".to_owned()
    })
}

/// Sends `Event::Saved` when a `.rs` file in `exercises/src` is written (or
/// created, or removed), from the system's file events or, with `poll`, by
/// looking at the files every [`POLL_EVERY`].
fn watch_files(root: &Path, events: Sender<Event>, poll: bool) -> Result<Box<dyn Watcher>> {
    let handler = move |result: notify::Result<notify::Event>| {
        let Ok(event) = result else { return };
        // A removal counts too: the loop then finds the file gone and says so.
        let written = matches!(
            event.kind,
            notify::EventKind::Modify(_)
                | notify::EventKind::Create(_)
                | notify::EventKind::Remove(_)
        );
        let rust = event
            .paths
            .iter()
            .any(|path: &PathBuf| path.extension().is_some_and(|ext| ext == "rs"));
        if written && rust {
            let _ = events.send(Event::Saved);
        }
    };
    let mut watcher: Box<dyn Watcher> = if poll {
        let config = notify::Config::default().with_poll_interval(POLL_EVERY);
        Box::new(notify::PollWatcher::new(handler, config).context("starting the file poller")?)
    } else {
        Box::new(notify::recommended_watcher(handler).context("starting the file watcher")?)
    };
    watcher
        .watch(&root.join("exercises/src"), RecursiveMode::NonRecursive)
        .context("watching exercises/src")?;
    Ok(watcher)
}

/// What the screen shows.
#[derive(Default)]
struct Screen {
    phase: String,
    report: String,
    full_output: String,
    full: bool,
    hint: Option<String>,
    banner: Option<String>,
    /// How many more results the banner stays up for.
    banner_rounds: u8,
    /// The last result was a pass: time to move on.
    passed: bool,
    /// How many exercises are done, counted after each result.
    done: usize,
}

impl Screen {
    fn count_done(&mut self, root: &Path, manifest: &Manifest, progress: &Progress) {
        self.done = manifest
            .exercises
            .iter()
            .filter(|e| is_done(root, e, progress))
            .count();
    }

    /// Draws the screen over the last one, from the top. Unless `f` asked
    /// for everything, it is cut to the terminal's height, so nothing
    /// scrolls: the header and the first failure stay in view.
    fn draw(&self, manifest: &Manifest, current: usize, root: &Path) {
        let exercise = &manifest.exercises[current];
        let (width, height) = screen::size();
        let read = if root.join(exercise.book_html()).is_file() {
            exercise.book_html()
        } else {
            exercise.book_page()
        };
        let mut top = String::new();
        if let Some(banner) = &self.banner {
            top.push_str(&format!("{banner}\n\n"));
        }
        top.push_str(&format!(
            "asynclings watch: {} ({} of {} done)\n  edit {}\n  read {}\n\n",
            exercise.id,
            self.done,
            manifest.exercises.len(),
            exercise.stub().display(),
            read.display()
        ));
        if !self.phase.is_empty() {
            top.push_str(&format!("{}\n\n", self.phase));
        }
        let mut bottom = String::new();
        if let Some(hint) = &self.hint {
            bottom.push_str(&format!("\n{hint}"));
        }
        bottom.push_str(
            "\nsave: test again · q quit · h hint · r re-run · f full output · n next not done",
        );
        let top = screen::wrap(&top, width);
        let bottom = screen::wrap(&bottom, width);
        let body_text = if self.full {
            &self.full_output
        } else {
            &self.report
        };
        let body = screen::wrap(body_text, width);
        let body = if self.full {
            body
        } else {
            let used: usize = top
                .iter()
                .chain(&bottom)
                .map(|l| screen::rows(l, width))
                .sum();
            screen::fit(
                &body,
                width,
                height.saturating_sub(used).max(3),
                "press f to see all",
            )
        };
        let mut out = stdout();
        let _ = queue!(out, cursor::MoveTo(0, 0));
        let lines = top.iter().chain(&body).chain(&bottom);
        let count = top.len() + body.len() + bottom.len();
        for (n, line) in lines.enumerate() {
            let _ = queue!(
                out,
                style::Print(line),
                terminal::Clear(terminal::ClearType::UntilNewLine)
            );
            // Raw mode does not turn "\n" into a new line at column 0; and
            // no new line after the last, which would scroll a full screen.
            if n + 1 < count {
                let _ = queue!(out, style::Print("\r\n"));
            }
        }
        let _ = queue!(out, terminal::Clear(terminal::ClearType::FromCursorDown));
        let _ = out.flush();
    }
}
