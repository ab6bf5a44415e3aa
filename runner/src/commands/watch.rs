//! `cargo run -- watch`: re-runs the current exercise's suite on every save.
//!
//! Three threads feed one event loop: the file watcher (notify), the keyboard
//! (crossterm, in raw mode), and the suite runner, which builds and runs the
//! suite with the same budgets as `test`. The loop only draws and decides, so
//! the screen answers `q`, `h`, `r` and `f` at once even while a suite builds,
//! runs, or hangs until its budget stops it.

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
use crossterm::{cursor, execute, terminal};
use notify::{RecursiveMode, Watcher};

use super::Usage;
use crate::manifest::{Exercise, Manifest};
use crate::progress::{Outcome, Progress};
use crate::report;
use crate::state::{self, Budgets, State};
use crate::suite::{self, Build, Run};

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
        result: Option<(State, Option<Run>)>,
    },
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

pub fn watch(root: &Path, manifest: &Manifest, id: Option<&str>) -> Result<u8> {
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
    let _watcher = watch_files(root, events.clone())?;
    // Keys come one at a time without Enter only in raw mode.
    let raw = RawMode(terminal::enable_raw_mode().is_ok());
    if raw.0 {
        let keys = events.clone();
        thread::spawn(move || {
            while let Ok(event) = event::read() {
                if let TermEvent::Key(key) = event
                    && key.kind == KeyEventKind::Press
                    && keys.send(Event::Key(key)).is_err()
                {
                    break;
                }
            }
        });
    }

    let mut screen = Screen::default();
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
        screen.draw(manifest, current, &progress);
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
                screen.hint = Some(format!("Hint {} of 3:\n{}", n + 1, exercise.hints[n]));
            }
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
                    Some((state, run)) if fresh => {
                        show_result(root, exercise, state, run, &mut screen, &mut progress)?
                    }
                    // Stopped, or outdated: only the run queued after it counts.
                    _ => {}
                }
                if screen.passed {
                    screen.passed = false;
                    match manifest.exercises.get(current + 1) {
                        Some(next) => {
                            screen.banner = Some(format!(
                                "✓ {} passes! On to the next one: {}",
                                exercise.id, next.title
                            ));
                            screen.banner_rounds = 1;
                            current += 1;
                            runs.again = true;
                        }
                        None => {
                            screen.draw(manifest, current, &progress);
                            drop(raw);
                            println!("\r\nEvery exercise passes. Well done!\r");
                            return Ok(0);
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
    state: State,
    run: Option<Run>,
    screen: &mut Screen,
    progress: &mut Progress,
) -> Result<()> {
    if let State::Ran(outcome) = state {
        progress.record(root, exercise, outcome);
        progress.save()?;
    }
    screen.phase.clear();
    screen.report = report::report(exercise, &state, run.as_ref(), false);
    screen.full_output = run.map(|run| run.stdout).unwrap_or_default();
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
        let (root, id, budgets) = (self.root.to_owned(), exercise.id.clone(), self.budgets);
        let (events, stop, generation) = (
            self.events.clone(),
            Arc::clone(&self.cancel),
            self.generation,
        );
        thread::spawn(move || {
            let result = build_and_run(&root, &id, budgets, &stop, &events);
            let _ = events.send(Event::Done { generation, result });
        });
    }
}

fn build_and_run(
    root: &Path,
    id: &str,
    budgets: Budgets,
    cancel: &AtomicBool,
    events: &Sender<Event>,
) -> Option<(State, Option<Run>)> {
    let build = suite::build_quietly(root, &[id], budgets.build, cancel, |line| {
        let _ = events.send(Event::Building(line.to_owned()));
    });
    let not_built = |why: String| Some((State::NotBuilt(why), None));
    let binary = match build {
        Ok(Build::Built(binaries)) => match binaries.get(id) {
            Some(binary) => binary.clone(),
            None => return not_built(format!("no test binary for {id}")),
        },
        Ok(Build::Cancelled) => return None,
        Ok(trouble) => return not_built(state::not_built(&trouble, budgets)),
        Err(error) => return not_built(format!("{error:#}")),
    };
    let _ = events.send(Event::Running);
    match suite::run_unless(&binary, root, budgets.run, cancel) {
        Ok(run) if run.cancelled => None,
        Ok(run) => Some((State::Ran(state::outcome(&run)), Some(run))),
        Err(error) => not_built(format!("{error:#}")),
    }
}

fn watch_files(root: &Path, events: Sender<Event>) -> Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
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
    })
    .context("starting the file watcher")?;
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
}

impl Screen {
    fn draw(&self, manifest: &Manifest, current: usize, progress: &Progress) {
        let exercise = &manifest.exercises[current];
        let done = manifest
            .exercises
            .iter()
            .filter(|e| {
                progress
                    .entries
                    .get(&e.id)
                    .is_some_and(|p| p.outcome == Some(Outcome::Passed))
            })
            .count();
        let mut text = String::new();
        if let Some(banner) = &self.banner {
            text.push_str(&format!("{banner}\n\n"));
        }
        text.push_str(&format!(
            "asynclings watch: {} ({} of {} done)\n  edit {}   read {}\n\n",
            exercise.id,
            done,
            manifest.exercises.len(),
            exercise.stub().display(),
            exercise.book_page().display()
        ));
        if !self.phase.is_empty() {
            text.push_str(&format!("{}\n\n", self.phase));
        }
        if self.full {
            text.push_str(&self.full_output);
            text.push('\n');
        } else {
            text.push_str(&self.report);
        }
        if let Some(hint) = &self.hint {
            text.push_str(&format!("\n{hint}\n"));
        }
        text.push_str(
            "\nSave the file to test again · q quit · h next hint · r re-run · f full output\n",
        );
        let mut out = stdout();
        let _ = execute!(
            out,
            terminal::Clear(terminal::ClearType::All),
            cursor::MoveTo(0, 0)
        );
        // Raw mode does not turn "\n" into a new line at column 0.
        let _ = write!(out, "{}", text.replace('\n', "\r\n"));
        let _ = out.flush();
    }
}
