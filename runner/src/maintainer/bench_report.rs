//! `cargo run -- bench-report`: turns criterion's own output into the tables
//! and the chart the book shows.
//!
//! It reads `target/criterion/<group>/<bench>/new/{benchmark,estimates}.json`
//! (what the last `cargo bench-all` measured) and writes, under
//! `book/src/measured/`:
//!
//! - `channels.md` and `channels.svg`: channel throughput, std vs tokio vs
//!   futures, for the std vs tokio chapter (criterion's `channels/…` groups);
//! - `relay.md` and `relay.svg`: the reference relay server under load
//!   (the `relay` group, `benches/relay.rs`): lines delivered per second at
//!   1 to 1,000 clients, with the fan-out latency and the memory per client
//!   that the same benchmark writes to `target/criterion/relay/load.json`;
//! - `ecosystem.md`: each reference solution against its ecosystem
//!   equivalent, for the Performance chapter (every other group).
//!
//! A page is written only if its benchmarks have results: after
//! `cargo bench-all --bench relay` alone, only the relay page changes.
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

/// `target/criterion/relay/load.json`, as `benches/relay.rs` writes it.
#[derive(Debug, Deserialize)]
struct LoadJson {
    points: Vec<LoadPoint>,
}

/// The relay benchmark's second pass, for one client count.
#[derive(Debug, Clone, Deserialize)]
struct LoadPoint {
    clients: u64,
    /// Fan-out latency, one line in flight: median and 99th percentile.
    p50_ns: u64,
    p99_ns: u64,
    /// The resident set's growth per idle client, in bytes (`None` where
    /// the benchmark could not read it).
    rss_per_client: Option<f64>,
    /// The heap's growth per idle client, in bytes.
    heap_per_client: Option<f64>,
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
    let Split {
        channels,
        relay,
        ecosystem,
    } = split(&measured);
    let mut written = Vec::new();

    let messages = constant(root, "benches/lib.rs", "MESSAGES");
    if !channels.is_empty() {
        let mut md = header(&machine, "--bench channels");
        md.push_str(&matrices(&channels, &messages));
        md.push_str("![Throughput of each channel, in millions of messages per second](measured/channels.svg)\n");
        fs::write(out.join("channels.md"), md)?;
        fs::write(out.join("channels.svg"), chart(&channels, &messages))?;
        written.extend(["channels.md", "channels.svg"]);
    }

    if !ecosystem.is_empty() {
        let mut md = header(&machine, "--bench ecosystem");
        md.push_str(&tables(&ecosystem, &messages));
        fs::write(out.join("ecosystem.md"), md)?;
        written.push("ecosystem.md");
    }

    if relay.is_empty() {
        println!(
            "no relay results in {}: book/src/measured/relay.{{md,svg}} left as they are \
             (`cargo bench-all --bench relay` measures them)",
            criterion.display()
        );
    } else {
        let load = read_load(&criterion.join("relay/load.json"))?;
        let shape = RelayShape {
            line: constant(root, "benches/relay.rs", "LINE"),
            window: constant(root, "benches/relay.rs", "WINDOW"),
        };
        let mut md = header(&machine, "--bench relay");
        md.push_str(&relay_tables(&relay, &load, &shape));
        md.push_str(
            "![Lines delivered per second by the relay server, by client count](measured/relay.svg)\n",
        );
        fs::write(out.join("relay.md"), md)?;
        fs::write(out.join("relay.svg"), relay_chart(&relay))?;
        written.extend(["relay.md", "relay.svg"]);
    }

    println!(
        "wrote book/src/measured/{{{}}} from {} results in {}",
        written.join(","),
        measured.len(),
        criterion.display()
    );
    Ok(())
}

/// The results, by the page that shows them.
struct Split {
    /// Criterion's `channels/…` groups.
    channels: Vec<Measured>,
    /// The `relay` group.
    relay: Vec<Measured>,
    /// Every other group.
    ecosystem: Vec<Measured>,
}

fn split(measured: &[Measured]) -> Split {
    let mut split = Split {
        channels: Vec::new(),
        relay: Vec::new(),
        ecosystem: Vec::new(),
    };
    for m in measured {
        let page = if m.group.starts_with("channels/") {
            &mut split.channels
        } else if m.group == "relay" || m.group.starts_with("relay/") {
            &mut split.relay
        } else {
            &mut split.ecosystem
        };
        page.push(m.clone());
    }
    split
}

/// The relay benchmark's latencies and memory, by client count; none if it
/// has not written them (a run filtered to the throughput only).
fn read_load(path: &Path) -> Result<BTreeMap<u64, LoadPoint>> {
    let Ok(text) = fs::read_to_string(path) else {
        println!(
            "no {}: the relay page has no latency or memory figures",
            path.display()
        );
        return Ok(BTreeMap::new());
    };
    let load: LoadJson =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    Ok(load
        .points
        .into_iter()
        .map(|point| (point.clients, point))
        .collect())
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

/// What the relay benchmark's load is made of, read from its source.
struct RelayShape {
    /// Bytes of text per line.
    line: String,
    /// Lines per window.
    window: String,
}

/// The relay benchmark's function for the reference server; the other one
/// is the same server writing each delivery with `send`
/// (`variants/relay_server/ok_send_each_line.rs`).
const RELAY_AS_IS: &str = "throughput";
const RELAY_SEND_EACH: &str = "throughput, send per line";

/// Lines delivered per second, by client count, for one of the relay
/// benchmark's functions.
fn relay_rates<'a>(relay: &'a [Measured], function: &str) -> BTreeMap<u64, &'a Measured> {
    relay
        .iter()
        .filter(|m| m.function == function)
        .filter_map(|m| Some((m.parameter.as_deref()?.parse().ok()?, m)))
        .collect()
}

fn per_second(m: &Measured) -> f64 {
    m.melem_per_s().unwrap_or(0.0) * 1e6
}

/// A rate of lines: `850 k/s`, `1.23 M/s`.
fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.2} M/s", per_second / 1e6)
    } else {
        format!("{:.0} k/s", per_second / 1e3)
    }
}

fn bytes(bytes: f64) -> String {
    if bytes >= 1024.0 {
        format!("{:.1} KiB", bytes / 1024.0)
    } else {
        format!("{bytes:.0} B")
    }
}

/// The relay page's tables: the reference server (throughput, latency,
/// memory), then, if measured, the same server writing each line with
/// `send`.
fn relay_tables(relay: &[Measured], load: &BTreeMap<u64, LoadPoint>, shape: &RelayShape) -> String {
    let as_is = relay_rates(relay, RELAY_AS_IS);
    let send_each = relay_rates(relay, RELAY_SEND_EACH);
    let dash = || "–".to_owned();
    let mut out = String::new();

    let best = as_is.values().map(|m| per_second(m)).fold(0.0, f64::max);
    let _ = writeln!(
        out,
        "**The relay server: 1 publisher, N listening clients**\n\n\
         | clients | lines/s delivered | × best | p50 | p99 | memory per client | heap per client |\n\
         |--:|--:|--:|--:|--:|--:|--:|"
    );
    for (&clients, m) in &as_is {
        let point = load.get(&clients);
        let _ = writeln!(
            out,
            "| {clients} | {} | {:.2} | {} | {} | {} | {} |",
            rate(per_second(m)),
            best / per_second(m).max(1e-9),
            point.map_or_else(dash, |p| time(p.p50_ns as f64)),
            point.map_or_else(dash, |p| time(p.p99_ns as f64)),
            point
                .and_then(|p| p.rss_per_client)
                .map_or_else(dash, bytes),
            point
                .and_then(|p| p.heap_per_client)
                .map_or_else(dash, bytes),
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "One publisher sends lines of {} bytes to the server, in windows of {} lines, \
         never more than two windows ahead of the slowest listener (a client's queue in \
         the server holds 64 lines, so no listener misses one); the server delivers every \
         line to each of the N listening clients. Lines delivered per second count every \
         delivery (a line sent to 1,000 listeners is 1,000 lines delivered); × best is the \
         time per line delivered as a multiple of the best client count's. p50 and p99: \
         the time from the publisher's write to a listener's read, one line in flight at a \
         time (the fan-out, not queueing). Memory per client: how much the process's \
         resident set (`VmRSS`) grew with N idle clients connected, divided by N (kernel \
         socket buffers are not in it; it grows by whole pages of 4 KiB, so the fewer the \
         clients, the rougher the figure); heap: the bytes the process asked of its \
         allocator. The server and the clients share one process and one tokio runtime of \
         2 workers.\n",
        shape.line, shape.window
    );

    if !send_each.is_empty() {
        let _ = writeln!(
            out,
            "**The same server writing each line with `send`**\n\n\
             | clients | lines/s delivered | × reference |\n\
             |--:|--:|--:|"
        );
        for (&clients, m) in &send_each {
            let ratio = as_is.get(&clients).map_or_else(dash, |a| {
                format!("{:.2}", per_second(m) / per_second(a).max(1e-9))
            });
            let _ = writeln!(out, "| {clients} | {} | {ratio} |", rate(per_second(m)));
        }
        out.push('\n');
        out.push_str(
            "`variants/relay_server/ok_send_each_line.rs`, measured in the same run: the \
             reference server but for one function, which writes each delivery with `send` \
             (a flush, so a `write` system call, per line) instead of `feed`ing a burst and \
             flushing once. × reference: lines delivered per second as a multiple of the \
             reference's, with the same client count.\n\n",
        );
    }
    out
}

/// Lines delivered per second by client count, as plain SVG: a bar for the
/// reference server and, if measured, one for the server that writes each
/// line with `send`.
fn relay_chart(relay: &[Measured]) -> String {
    let as_is = relay_rates(relay, RELAY_AS_IS);
    let send_each = relay_rates(relay, RELAY_SEND_EACH);
    let mut counts: Vec<u64> = as_is.keys().chain(send_each.keys()).copied().collect();
    counts.sort_unstable();
    counts.dedup();
    let series: Vec<(&str, &str, &BTreeMap<u64, &Measured>)> = [
        ("feed + flush", "#0969da", &as_is),
        ("send per line", "#bc4c00", &send_each),
    ]
    .into_iter()
    .filter(|(_, _, rates)| !rates.is_empty())
    .collect();
    let best = relay
        .iter()
        .map(per_second)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let (label_width, bar_width, bar, gap) = (110.0, 480.0, 18.0, 14.0);
    let legend = 30.0;
    let height = 20.0 + legend + counts.len() as f64 * (series.len() as f64 * bar + gap) + 10.0;
    let width = label_width + bar_width + 110.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         font-family=\"sans-serif\" font-size=\"13\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n\
         <text x=\"10\" y=\"22\" font-weight=\"bold\" fill=\"#1f2328\">Lines delivered per \
         second, 1 publisher → N clients</text>\n"
    );
    let mut x = label_width;
    for (name, colour, _) in &series {
        let _ = writeln!(
            svg,
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#1f2328\">{name}</text>",
            legend + 2.0,
            x + 18.0,
            legend + 13.0,
        );
        x += 140.0;
    }
    let mut y = 20.0 + legend;
    for clients in counts {
        let noun = if clients == 1 { "client" } else { "clients" };
        let rows = series.len() as f64 * bar;
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1f2328\">{clients} {noun}</text>",
            label_width - 8.0,
            y + rows / 2.0 + 5.0,
        );
        for (_, colour, rates) in &series {
            if let Some(m) = rates.get(&clients) {
                let value = per_second(m);
                let length = bar_width * value / best;
                let _ = writeln!(
                    svg,
                    "<rect x=\"{label_width}\" y=\"{:.1}\" width=\"{length:.1}\" height=\"{}\" \
                     fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#444c56\">{}</text>",
                    y + 1.0,
                    bar - 3.0,
                    label_width + length + 6.0,
                    y + bar - 5.0,
                    rate(value),
                );
            }
            y += bar;
        }
        y += gap;
    }
    svg.push_str("</svg>\n");
    svg
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

/// A constant of the benchmarks (`MESSAGES` in `benches/lib.rs`, say), from
/// their source, so the titles cannot drift from the code; its name if it is
/// not found.
fn constant(root: &Path, file: &str, name: &str) -> String {
    fs::read_to_string(root.join(file))
        .ok()
        .and_then(|source| {
            source
                .lines()
                .find(|line| {
                    let line = line.trim_start_matches("pub ");
                    line.strip_prefix("const ")
                        .and_then(|rest| rest.strip_prefix(name))
                        .is_some_and(|rest| rest.starts_with(':'))
                })
                .and_then(|line| line.split('=').nth(1))
                .map(|value| value.trim().trim_end_matches(';').to_owned())
        })
        .unwrap_or_else(|| name.into())
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
        fake(&root, "relay", "throughput", Some("10"), 1e6);
        let measured = read_all(&root).unwrap();
        fs::remove_dir_all(&root).unwrap();
        assert_eq!(measured.len(), 6);

        let Split {
            channels,
            relay,
            ecosystem: others,
        } = split(&measured);
        assert_eq!(channels.len(), 3);
        // The relay's results have a page of their own, not the ecosystem's.
        assert_eq!(relay.len(), 1);
        assert_eq!(others.len(), 2);
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

    fn relay(function: &str, clients: u64, median_ns: f64) -> Measured {
        Measured {
            group: "relay".into(),
            function: function.into(),
            parameter: Some(clients.to_string()),
            elements: Some(1000 * clients),
            median_ns,
        }
    }

    fn point(clients: u64) -> LoadPoint {
        LoadPoint {
            clients,
            p50_ns: 9_800 * clients,
            p99_ns: 20_000 * clients,
            rss_per_client: Some(12_288.0),
            heap_per_client: Some(19_456.0),
        }
    }

    fn shape() -> RelayShape {
        RelayShape {
            line: "64".into(),
            window: "32".into(),
        }
    }

    #[test]
    fn the_relay_table_gives_throughput_latency_and_memory_by_client_count() {
        // 1 client: 1000 lines in 2 ms (0.5 M/s); 10 clients: 10,000 lines
        // in 5 ms (2 M/s, the best); a send per line, 10 clients in 20 ms.
        let measured = [
            relay(RELAY_AS_IS, 10, 5e6),
            relay(RELAY_AS_IS, 1, 2e6),
            relay(RELAY_SEND_EACH, 10, 2e7),
        ];
        let load: BTreeMap<u64, LoadPoint> = [(1, point(1)), (10, point(10))].into();
        let md = relay_tables(&measured, &load, &shape());
        // By client count, not by time.
        let one = md.find("| 1 | 500 k/s | 4.00 | 9.8 µs | 20.0 µs | 12.0 KiB | 19.0 KiB |");
        let ten = md.find("| 10 | 2.00 M/s | 1.00 | 98.0 µs | 200.0 µs | 12.0 KiB | 19.0 KiB |");
        assert!(one.is_some_and(|one| ten > Some(one)), "{md}");
        assert!(md.contains("lines of 64 bytes"), "{md}");
        assert!(md.contains("windows of 32 lines"), "{md}");
        // A send per line: a quarter of the reference's lines per second.
        assert!(md.contains("| 10 | 500 k/s | 0.25 |"), "{md}");

        let svg = relay_chart(&measured);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(
            svg.contains(">1 client<") && svg.contains(">10 clients<"),
            "{svg}"
        );
        assert!(
            svg.contains(">2.00 M/s<") && svg.contains(">send per line<"),
            "{svg}"
        );
    }

    #[test]
    fn the_relay_table_does_without_the_load_pass() {
        let md = relay_tables(&[relay(RELAY_AS_IS, 1000, 1e9)], &BTreeMap::new(), &shape());
        assert!(
            md.contains("| 1000 | 1.00 M/s | 1.00 | – | – | – | – |"),
            "{md}"
        );
        // Nothing measured with a send per line: no table for it.
        assert!(!md.contains("× reference"), "{md}");
        let svg = relay_chart(&[relay(RELAY_AS_IS, 1000, 1e9)]);
        assert!(!svg.contains("send per line"), "{svg}");
    }

    #[test]
    fn the_load_pass_is_read_from_its_json_and_may_be_missing() {
        let dir = std::env::temp_dir().join(format!("asynclings-load-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("load.json");
        assert!(read_load(&path).unwrap().is_empty());
        fs::write(
            &path,
            r#"{"points": [{"clients": 1, "p50_ns": 9781, "p99_ns": 19550, "samples": 1000,
                "rss_per_client": null, "heap_per_client": 19416}]}"#,
        )
        .unwrap();
        let load = read_load(&path).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(load[&1].p99_ns, 19550);
        assert_eq!(load[&1].rss_per_client, None);
        assert_eq!(load[&1].heap_per_client, Some(19416.0));
    }

    #[test]
    fn constants_are_read_from_the_benchmarks_source() {
        let root = std::env::temp_dir().join(format!("asynclings-const-{}", std::process::id()));
        fs::create_dir_all(root.join("benches")).unwrap();
        fs::write(
            root.join("benches/relay.rs"),
            "const WINDOWS: u64 = 9;\nconst WINDOW: u64 = 32;\npub const LINE: usize = 64;\n",
        )
        .unwrap();
        let window = constant(&root, "benches/relay.rs", "WINDOW");
        let line = constant(&root, "benches/relay.rs", "LINE");
        let missing = constant(&root, "benches/relay.rs", "QUEUE");
        fs::remove_dir_all(&root).unwrap();
        assert_eq!((window.as_str(), line.as_str()), ("32", "64"));
        assert_eq!(missing, "QUEUE");
    }
}
