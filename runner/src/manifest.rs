//! The exercise manifest, `exercises.toml`: the one list of exercises.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;

/// The manifest's file name, at the root of the repository.
pub const MANIFEST_FILE: &str = "exercises.toml";

/// Every exercise, in the order a learner does them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

/// One exercise, as `exercises.toml` describes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// The name shared by the stub, the solution and the suite.
    pub id: String,
    /// The concept chapter it belongs to: `book/src/<chapter>.md`.
    pub chapter: String,
    /// The title of its book page.
    pub title: String,
    /// Its book page, relative to `book/src`.
    pub page: String,
    /// A nudge, the concept behind it, and a near-solution.
    pub hints: [String; 3],
    /// Set for an exercise whose file, as shipped, is meant not to compile
    /// against its suite: the compiler's error is the lesson. Words that
    /// error contains (`cargo verify` checks them).
    #[serde(default)]
    pub stub_compile_error: Option<String>,
    /// What the learner writes: the code (the default), or, in a
    /// write-tests exercise, the tests of given code.
    #[serde(default)]
    pub kind: Kind,
}

/// What the learner writes in an exercise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The code: the suite tests it (`kind = "code"`, the default).
    #[default]
    Code,
    /// The tests: the code is given (`subjects/src/`), with hidden buggy
    /// versions; the suite runs the learner's tests against each, and its
    /// grading test ([`GRADING_TEST`]) says how many bugs they caught
    /// (`kind = "write-tests"`).
    WriteTests,
}

/// The grading test of a write-tests suite (`support::grading`).
pub const GRADING_TEST: &str = "your_tests_catch_every_hidden_bug";

impl Exercise {
    /// The file the learner edits.
    pub fn stub(&self) -> PathBuf {
        Path::new("exercises/src").join(format!("{}.rs", self.id))
    }

    /// The reference solution.
    pub fn solution(&self) -> PathBuf {
        Path::new("solutions/src").join(format!("{}.rs", self.id))
    }

    /// Whether the suite is built against this exercise's file only when
    /// the learner has changed it: the file as shipped does not compile
    /// against it, on purpose (see `stub_compile_error`). `edited` is
    /// [`crate::state::edited_stubs`]; when git cannot tell, the file counts
    /// as changed.
    pub fn untouched_and_not_compiling(&self, edited: Option<&[PathBuf]>) -> bool {
        self.stub_compile_error.is_some()
            && edited.is_some_and(|edited| !edited.contains(&self.stub()))
    }

    /// What to add when the suite does not compile: for an exercise shipped
    /// that way, that this is where it starts.
    pub fn not_compiling_note(&self) -> &'static str {
        if self.stub_compile_error.is_some() {
            " This exercise starts that way: its file compiles on its own, but not \
             in its suite, and the compiler's first error below is the lesson."
        } else {
            ""
        }
    }

    /// The hidden test suite.
    pub fn suite(&self) -> PathBuf {
        Path::new("tests").join(format!("{}.rs", self.id))
    }

    /// A problem if the suite does not compile this exercise's own stub and
    /// solution into itself. Each suite names both in `#[path]` attributes
    /// (see CONTRIBUTING.md); a copied suite that still names another
    /// exercise's files would test the wrong code without a word.
    pub fn suite_includes_its_files(&self, root: &Path) -> Option<String> {
        let suite = fs::read_to_string(root.join(self.suite())).ok()?;
        let missing: Vec<String> = [self.stub(), self.solution()]
            .iter()
            .map(|file| format!("path = \"../{}\"", file.display()))
            .filter(|attribute| !suite.contains(attribute.as_str()))
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "`{}`: {} does not include its exercise's files: it lacks `{}`",
                self.id,
                self.suite().display(),
                missing.join("` and `")
            )
        })
    }

    /// The exercise's page in the book sources.
    pub fn book_page(&self) -> PathBuf {
        Path::new("book/src").join(&self.page)
    }

    /// The exercise's page in the built book (`mdbook build book`).
    pub fn book_html(&self) -> PathBuf {
        Path::new("book/book").join(Path::new(&self.page).with_extension("html"))
    }

    /// Where to read about the exercise: the built book's page if the book
    /// is built (as a `file://` address, which terminals let you open with a
    /// click), else the page's Markdown source.
    pub fn where_to_read(&self, root: &Path) -> String {
        let html = root.join(self.book_html());
        if html.is_file() {
            format!("file://{}", html.display())
        } else {
            format!(
                "{} (or build the book: `mdbook build book`)",
                self.book_page().display()
            )
        }
    }

    /// The concept chapter's page in the book sources.
    pub fn chapter_page(&self) -> PathBuf {
        Path::new("book/src").join(format!("{}.md", self.chapter))
    }

    /// What the learner does in the stub, as the end of a sentence: most stubs
    /// have `todo!()`s to replace; a spot-the-bug stub runs and has a bug to
    /// repair. Read from the stub itself, so the manifest needs no field for it.
    pub fn task(&self, root: &Path) -> &'static str {
        if self.kind == Kind::WriteTests {
            return "replace each `todo!()` with a test of what its comment names (add \
                    more if you like)";
        }
        match fs::read_to_string(root.join(self.stub())) {
            Ok(stub) if !stub.contains("todo!(") => {
                "find the bug and repair it (the code compiles and runs, but it misbehaves)"
            }
            _ => "replace each `todo!()`",
        }
    }

    /// The command that runs the exercise's suite against the learner's code.
    pub fn test_command(&self) -> String {
        format!("cargo test --test {}", self.id)
    }
}

impl Manifest {
    /// Reads and checks `exercises.toml` in `root`.
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(MANIFEST_FILE);
        let text =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        Self::from_toml(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses and checks a manifest's text.
    pub fn from_toml(text: &str) -> Result<Self> {
        let manifest: Self = toml::from_str(text)?;
        manifest.check()?;
        Ok(manifest)
    }

    fn check(&self) -> Result<()> {
        ensure!(
            !self.exercises.is_empty(),
            "{MANIFEST_FILE} lists no exercises"
        );
        let mut seen = HashSet::new();
        for exercise in &self.exercises {
            let id = &exercise.id;
            ensure!(
                !id.is_empty()
                    && id.starts_with(|c: char| c.is_ascii_lowercase())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{MANIFEST_FILE}: `{id}` is not a valid exercise id (lowercase snake_case: it \
                 names a Rust module and a test target)"
            );
            ensure!(seen.insert(id), "{MANIFEST_FILE}: `{id}` is listed twice");
            for (n, hint) in exercise.hints.iter().enumerate() {
                ensure!(
                    !hint.trim().is_empty(),
                    "{MANIFEST_FILE}: hint {} of `{id}` is empty",
                    n + 1
                );
            }
        }
        Ok(())
    }

    /// The exercise called `id`, if there is one.
    pub fn get(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|exercise| exercise.id == id)
    }

    /// Checks that every exercise has its files, and that no stub, solution or
    /// suite exists without an entry. Returns one line per problem.
    pub fn missing_files(&self, root: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        for exercise in &self.exercises {
            for (what, path) in [
                ("stub", exercise.stub()),
                ("solution", exercise.solution()),
                ("suite", exercise.suite()),
                ("book page", exercise.book_page()),
                ("chapter page", exercise.chapter_page()),
            ] {
                if !root.join(&path).is_file() {
                    problems.push(format!(
                        "`{}`: its {what} {} is missing",
                        exercise.id,
                        path.display()
                    ));
                }
            }
        }
        for exercise in &self.exercises {
            if let Some(problem) = exercise.suite_includes_its_files(root) {
                problems.push(problem);
            }
        }
        let known: HashSet<&str> = self.exercises.iter().map(|e| e.id.as_str()).collect();
        for dir in ["exercises/src", "solutions/src", "tests"] {
            for id in rust_files(&root.join(dir)) {
                if id != "lib" && !known.contains(id.as_str()) {
                    problems.push(format!(
                        "{dir}/{id}.rs has no entry in {MANIFEST_FILE} (add one, or remove the file)"
                    ));
                }
            }
        }
        problems
    }
}

/// The stems of the `.rs` files directly in `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<String> {
    let mut stems: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    stems.sort();
    stems
}

/// The root of the asynclings repository: the nearest folder, from the current
/// one upwards, that holds both `exercises.toml` and `Cargo.toml`.
pub fn find_root() -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    for dir in cwd.ancestors() {
        if dir.join(MANIFEST_FILE).is_file() && dir.join("Cargo.toml").is_file() {
            return Ok(dir.to_owned());
        }
    }
    bail!(
        "{} is not inside an asynclings checkout (no {MANIFEST_FILE} here or above). \
         `cd` into the repository first.",
        cwd.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_is_optional_and_spelt_in_kebab_case() {
        let entry = |kind: &str| {
            format!(
                "[[exercise]]\nid = \"catch_countdown\"\nchapter = \"testing\"\ntitle = \"t\"\n\
                 page = \"p.md\"\nhints = [\"a\", \"b\", \"c\"]\n{kind}"
            )
        };
        let kind = |text: &str| Manifest::from_toml(text).map(|m| m.exercises[0].kind);
        assert_eq!(kind(&entry("")).unwrap(), Kind::Code);
        assert_eq!(kind(&entry("kind = \"code\"")).unwrap(), Kind::Code);
        assert_eq!(
            kind(&entry("kind = \"write-tests\"")).unwrap(),
            Kind::WriteTests
        );
        assert!(kind(&entry("kind = \"write_tests\"")).is_err());
    }

    #[test]
    fn a_suite_must_include_its_own_exercise() {
        let root = std::env::temp_dir().join(format!("asynclings-manifest-{}", std::process::id()));
        fs::create_dir_all(root.join("tests")).unwrap();
        let exercise = Exercise {
            id: "countdown".into(),
            chapter: "futures".into(),
            title: "Countdown".into(),
            page: "exercises/countdown.md".into(),
            hints: Default::default(),
            stub_compile_error: None,
            kind: Kind::Code,
        };
        let header = |id: &str| {
            format!(
                "#[cfg_attr(not(feature = \"solutions\"), path = \"../exercises/src/{id}.rs\")]\n\
                 #[cfg_attr(feature = \"solutions\", path = \"../solutions/src/{id}.rs\")]\nmod {id};\n"
            )
        };
        fs::write(root.join("tests/countdown.rs"), header("countdown")).unwrap();
        assert_eq!(exercise.suite_includes_its_files(&root), None);
        fs::write(root.join("tests/countdown.rs"), header("range_stream")).unwrap();
        let problem = exercise.suite_includes_its_files(&root).unwrap();
        assert!(
            problem.contains("../exercises/src/countdown.rs"),
            "{problem}"
        );
        assert!(
            problem.contains("../solutions/src/countdown.rs"),
            "{problem}"
        );
        fs::remove_dir_all(&root).unwrap();
    }
}
