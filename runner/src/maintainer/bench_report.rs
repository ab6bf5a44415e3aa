//! `cargo run -- bench-report`: turns criterion's own output into the tables
//! and the chart the book shows.
//!
//! It reads `target/criterion/<group>/<bench>/new/{benchmark,estimates}.json`
//! (what the last `cargo bench-all` measured) and writes, under
//! `book/src/measured/`:
//!
//! - `channels.md` and `channels.svg`: channel throughput, std vs tokio vs
//!   futures, for the std vs tokio chapter;
//! - `ecosystem.md`: each reference solution against its ecosystem
//!   equivalent, for the Performance chapter.
//!
//! Every number is also given as a ratio to the best of its group, measured in
//! the same run: the ratios travel between machines, the times do not.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, ensure};
use serde::Deserialize;

/// One benchmark, as criterion recorded it.
#[derive(Debug, Clone)]
struct Measured {
    group: String,
    function: String,
    parameter: Option<String>,
    /// Elements processed per iteration, if the benchmark said.
    elements: Option<u64>,
    /// Median time of one iteration, in nanoseconds.
    median_ns: f64,
}

impl Measured {
    fn name(&self) -> String {
        match &self.parameter {
            Some(parameter) => format!("{} ({parameter})", self.function),
            None => self.function.clone(),
        }
    }

    /// Millions of elements per second, for benchmarks with a throughput.
    fn melem_per_s(&self) -> Option<f64> {
        self.elements
            .map(|elements| elements as f64 / self.median_ns * 1e3)
    }
}

#[derive(Deserialize)]
struct BenchmarkJson {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
    throughput: Option<BTreeMap<String, u64>>,
}

#[derive(Deserialize)]
struct EstimatesJson {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// The command that regenerates these files, as the book quotes it.
const COMMAND: &str = "cargo bench-all && cargo run -- bench-report";

pub fn bench_report(root: &Path) -> Result<()> {
    let criterion = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/criterion"));
    let measured = read_all(&criterion)?;
    ensure!(
        !measured.is_empty(),
        "no benchmark results in {}: run `cargo bench-all` first",
        criterion.display()
    );
    let out = root.join("book/src/measured");
    fs::create_dir_all(&out)?;
    let machine = machine();

    let channels: Vec<_> = measured
        .iter()
        .filter(|m| m.group.starts_with("channels/"))
        .cloned()
        .collect();
    let ecosystem: Vec<_> = measured
        .iter()
        .filter(|m| !m.group.starts_with("channels/"))
        .cloned()
        .collect();

    let messages = messages(root);
    let mut md = header(&machine, "--bench channels");
    md.push_str(&matrices(&channels, &messages));
    md.push_str("![Throughput of each channel, in millions of messages per second](measured/channels.svg)\n");
    fs::write(out.join("channels.md"), md)?;
    fs::write(out.join("channels.svg"), chart(&channels, &messages))?;

    let mut md = header(&machine, "--bench ecosystem");
    md.push_str(&tables(&ecosystem, &messages));
    fs::write(out.join("ecosystem.md"), md)?;

    println!(
        "wrote book/src/measured/{{channels.md,channels.svg,ecosystem.md}} from {} results in {}",
        measured.len(),
        criterion.display()
    );
    Ok(())
}

/// Every `<group>/<bench>/new` result under `criterion`, in a stable order.
fn read_all(criterion: &Path) -> Result<Vec<Measured>> {
    let mut found = Vec::new();
    let mut stack = vec![criterion.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name == "new") {
                    found.push(read_one(&path)?);
                } else if path.file_name().is_some_and(|name| name != "report") {
                    stack.push(path);
                }
            }
        }
    }
    found.sort_by(|a, b| {
        (&a.group, a.elements, &a.function).cmp(&(&b.group, b.elements, &b.function))
    });
    Ok(found)
}

fn read_one(dir: &Path) -> Result<Measured> {
    let read = |name: &str| {
        fs::read_to_string(dir.join(name))
            .with_context(|| format!("reading {}", dir.join(name).display()))
    };
    let benchmark: BenchmarkJson = serde_json::from_str(&read("benchmark.json")?)?;
    let estimates: EstimatesJson = serde_json::from_str(&read("estimates.json")?)?;
    Ok(Measured {
        group: benchmark.group_id,
        function: benchmark.function_id.unwrap_or_default(),
        parameter: benchmark.value_str,
        elements: benchmark
            .throughput
            .and_then(|throughput| throughput.get("Elements").copied()),
        median_ns: estimates.median.point_estimate,
    })
}

/// What the numbers were measured on.
/// The machine a measurement ran on, for the book's tables.
pub fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|model| model.trim().to_owned())
        })
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default();
    format!(
        "{cores} cores of {cpu}, {} {}, {rustc}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

fn header(machine: &str, bench: &str) -> String {
    format!(
        "<!-- Generated by `cargo run -- bench-report` from criterion's output. Do not edit: \
         run `{COMMAND}` to measure again. -->\n\n\
         > Measured on {machine}, with `cargo bench-all {bench}` (criterion, median of its \
         samples). Times depend on the machine; the ratios to the fastest, \
         measured in the same run, are what to compare. Regenerate with `{COMMAND}`.\n\n"
    )
}

/// One table per group, fastest first: each benchmark's median time, its
/// throughput, and its time as a multiple of the fastest in the group.
fn tables(measured: &[Measured], messages: &str) -> String {
    let mut groups: BTreeMap<&str, Vec<&Measured>> = BTreeMap::new();
    for m in measured {
        groups.entry(&m.group).or_default().push(m);
    }
    let mut out = String::new();
    for (group, mut members) in groups {
        let fastest = members
            .iter()
            .map(|m| m.median_ns)
            .fold(f64::INFINITY, f64::min);
        members.sort_by(|a, b| a.median_ns.total_cmp(&b.median_ns));
        let _ = writeln!(out, "**{}**\n", title(group, messages));
        let _ = writeln!(
            out,
            "| | median time | throughput | × fastest |\n|---|--:|--:|--:|"
        );
        for m in members {
            let throughput = m
                .melem_per_s()
                .map_or("–".into(), |t| format!("{t:.2} M/s"));
            let _ = writeln!(
                out,
                "| `{}` | {} | {throughput} | {:.2} |",
                m.name(),
                time(m.median_ns),
                m.median_ns / fastest
            );
        }
        out.push('\n');
    }
    out
}

/// The channel benchmarks, one table per group: a row per channel, a column
/// per buffer size, each cell its throughput and, in brackets, its time as a
/// multiple of the fastest channel with the same buffer.
fn matrices(measured: &[Measured], messages: &str) -> String {
    let mut groups: BTreeMap<&str, Vec<&Measured>> = BTreeMap::new();
    for m in measured {
        groups.entry(&m.group).or_default().push(m);
    }
    let mut out = String::new();
    for (group, members) in groups {
        // Buffers in numeric order, "unbounded" last; channels in first-seen order.
        let mut buffers: Vec<String> = Vec::new();
        let mut kinds: Vec<&str> = Vec::new();
        for m in &members {
            let buffer = m.parameter.clone().unwrap_or_default();
            if !buffers.contains(&buffer) {
                buffers.push(buffer);
            }
            if !kinds.contains(&m.function.as_str()) {
                kinds.push(&m.function);
            }
        }
        buffers.sort_by_key(|b| b.parse::<u64>().unwrap_or(u64::MAX));
        // std first, then tokio, then futures.
        kinds.sort_by_key(|kind| {
            ["std", "tokio", "futures"]
                .iter()
                .position(|prefix| kind.starts_with(prefix))
        });
        let _ = writeln!(out, "**{}**\n", title(group, messages));
        let _ = write!(out, "| channel |");
        for buffer in &buffers {
            let _ = write!(out, " buffer {buffer} |");
        }
        let _ = write!(out, "\n|---|");
        out.push_str(&"--:|".repeat(buffers.len()));
        out.push('\n');
        for kind in &kinds {
            let _ = write!(out, "| `{kind}` |");
            for buffer in &buffers {
                let column: Vec<&&Measured> = members
                    .iter()
                    .filter(|m| m.parameter.as_deref() == Some(buffer))
                    .collect();
                let fastest = column
                    .iter()
                    .map(|m| m.median_ns)
                    .fold(f64::INFINITY, f64::min);
                match column.iter().find(|m| m.function == *kind) {
                    Some(m) => {
                        let throughput = m.melem_per_s().unwrap_or(0.0);
                        let _ = write!(
                            out,
                            " {throughput:.2} M/s (×{:.2}) |",
                            m.median_ns / fastest
                        );
                    }
                    None => out.push_str(" – |"),
                }
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(
        "Millions of messages per second; in brackets, the time as a multiple of the \
         fastest channel in the same column (×1.00 is the fastest). The std channel is \
         `sync_channel(buffer)` (`channel()` when unbounded), with a thread per \
         producer and the consumer on the benchmark's thread; the tokio and futures \
         channels have a task per producer on a 2-worker tokio runtime and the consumer \
         in its `block_on`.\n\n",
    );
    out
}

fn title(group: &str, messages: &str) -> String {
    match group.strip_prefix("channels/") {
        Some(shape) => {
            let shape = shape.replace("to", " → ");
            format!("{shape}: {messages} messages in all")
        }
        None => group.to_owned(),
    }
}

/// The message count of the channel benchmarks, from their source, so the
/// titles cannot drift from the code.
fn messages(root: &Path) -> String {
    fs::read_to_string(root.join("benches/lib.rs"))
        .ok()
        .and_then(|lib| {
            lib.lines()
                .find(|line| line.starts_with("pub const MESSAGES"))
                .and_then(|line| line.split('=').nth(1))
                .map(|value| value.trim().trim_end_matches(';').to_owned())
        })
        .unwrap_or_else(|| "MESSAGES".into())
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// A horizontal bar chart of throughput, one panel per group, as plain SVG
/// (it renders offline, in any browser).
fn chart(measured: &[Measured], messages: &str) -> String {
    let mut groups: BTreeMap<&str, Vec<&Measured>> = BTreeMap::new();
    for m in measured {
        groups.entry(&m.group).or_default().push(m);
    }
    let best = measured
        .iter()
        .filter_map(Measured::melem_per_s)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let (label_width, bar_width, row, gap) = (260.0, 520.0, 22.0, 40.0);
    let rows: usize = groups.values().map(Vec::len).sum();
    let height = 20.0 + rows as f64 * row + groups.len() as f64 * gap;
    let width = label_width + bar_width + 120.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         font-family=\"sans-serif\" font-size=\"13\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    );
    let mut y = 10.0;
    for (group, mut members) in groups {
        members.sort_by(|a, b| a.median_ns.total_cmp(&b.median_ns));
        y += 24.0;
        let _ = writeln!(
            svg,
            "<text x=\"10\" y=\"{y}\" font-weight=\"bold\" fill=\"#1f2328\">{}</text>",
            title(group, messages)
        );
        y += 8.0;
        for m in members {
            let throughput = m.melem_per_s().unwrap_or(0.0);
            let bar = bar_width * throughput / best;
            let colour = if m.function.starts_with("std") {
                "#9a4f00"
            } else if m.function.starts_with("tokio") {
                "#1a7f37"
            } else {
                "#0969da"
            };
            let _ = writeln!(
                svg,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1f2328\">{}</text>\
                 <rect x=\"{label_width}\" y=\"{}\" width=\"{bar:.1}\" height=\"{}\" fill=\"{colour}\"/>\
                 <text x=\"{:.1}\" y=\"{}\" fill=\"#444c56\">{throughput:.1} M/s</text>",
                label_width - 8.0,
                y + 15.0,
                m.name(),
                y + 3.0,
                row - 6.0,
                label_width + bar + 6.0,
                y + 15.0,
            );
            y += row;
        }
        y += gap - 24.0;
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes one benchmark's result the way criterion does.
    fn fake(root: &Path, group: &str, function: &str, parameter: Option<&str>, median: f64) {
        let dir = root
            .join(format!("{group}-{function}-{parameter:?}"))
            .join("new");
        fs::create_dir_all(&dir).unwrap();
        let benchmark = serde_json::json!({
            "group_id": group, "function_id": function, "value_str": parameter,
            "throughput": {"Elements": 1000},
        });
        let estimates = serde_json::json!({"median": {"point_estimate": median}});
        fs::write(dir.join("benchmark.json"), benchmark.to_string()).unwrap();
        fs::write(dir.join("estimates.json"), estimates.to_string()).unwrap();
    }

    #[test]
    fn tables_give_each_result_as_a_ratio_to_the_fastest() {
        let root = std::env::temp_dir().join(format!("asynclings-bench-{}", std::process::id()));
        fake(&root, "channels/1to1", "std::sync::mpsc", Some("8"), 2e6);
        fake(&root, "channels/1to1", "tokio::sync::mpsc", Some("8"), 1e6);
        fake(
            &root,
            "channels/1to1",
            "tokio::sync::mpsc",
            Some("unbounded"),
            5e5,
        );
        fake(&root, "block_on", "solutions::block_on", None, 3e6);
        fake(&root, "block_on", "futures::executor::block_on", None, 1e6);
        let measured = read_all(&root).unwrap();
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(measured.len(), 5);

        let (channels, others): (Vec<_>, Vec<_>) = measured
            .into_iter()
            .partition(|m| m.group.starts_with("channels/"));
        let matrix = matrices(&channels, "1000");
        assert!(
            matrix.contains("**1 → 1: 1000 messages in all**"),
            "{matrix}"
        );
        assert!(
            matrix.contains("| `std::sync::mpsc` | 0.50 M/s (×2.00) | – |"),
            "{matrix}"
        );
        assert!(
            matrix.contains("| `tokio::sync::mpsc` | 1.00 M/s (×1.00) | 2.00 M/s (×1.00) |"),
            "{matrix}"
        );

        let table = tables(&others, "1000");
        let fastest = table.find("`futures::executor::block_on` | 1.00 ms | 1.00 M/s | 1.00 |");
        let slower = table.find("`solutions::block_on` | 3.00 ms | 0.33 M/s | 3.00 |");
        assert!(
            fastest.is_some_and(|fastest| slower > Some(fastest)),
            "{table}"
        );
    }
}
