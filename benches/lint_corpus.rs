//! Lints the whole AWS managed-policy corpus (parse + every rule) in one process and prints
//! the median wall time of N runs, the per-policy mean and the throughput.
//!
//! `cargo bench --bench lint_corpus [-- RUNS]`; needs `.corpus/aws-managed` (run
//! `scripts/fetch-corpus.py`). See `docs/performance.md`.

use std::path::Path;
use std::time::{Duration, Instant};

use iamscope::catalog::Catalog;
use iamscope::lint::context::LintContext;
use iamscope::lint::rules::RULES;
use iamscope::lint::{lint_sources, PolicyType, SourceFile};
use iamscope::policy::{decode_document, parse_policy};

fn main() {
    // `cargo bench` passes `--bench`; the first numeric argument is the run count.
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(15);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".corpus/aws-managed");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "no corpus at {}: run scripts/fetch-corpus.py",
            dir.display()
        );
        std::process::exit(2);
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let sources: Vec<SourceFile> = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            Some(SourceFile::new(p.display().to_string(), text))
        })
        .collect();
    let bytes: usize = sources.iter().map(|s| s.text.len()).sum();

    // Catalog index built once per process: measured apart, then warm for the runs.
    let start = Instant::now();
    let catalog = Catalog::get();
    let catalog_time = start.elapsed();

    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut findings = 0;
    for _ in 0..runs {
        let start = Instant::now();
        findings = lint_sources(&sources, PolicyType::Managed).len();
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    let n = sources.len();
    println!("policies: {n} ({:.1} MB)", bytes as f64 / 1e6);
    println!("findings: {findings}");
    println!(
        "catalog index build (once): {:.1} ms",
        catalog_time.as_secs_f64() * 1e3
    );
    println!(
        "whole corpus, {runs} runs: median {:.1} ms (min {:.1}, max {:.1})",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    println!(
        "per policy: {:.1} us",
        median.as_secs_f64() * 1e6 / n as f64
    );
    println!(
        "throughput: {:.0} policies/s, {:.1} MB/s",
        n as f64 / median.as_secs_f64(),
        bytes as f64 / 1e6 / median.as_secs_f64()
    );

    // Where the time goes: parsing, then each rule over every parsed policy.
    let start = Instant::now();
    let policies: Vec<_> = sources
        .iter()
        .filter_map(|s| parse_policy(&decode_document(&s.text)).ok())
        .collect();
    println!("  parse: {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
    for (meta, check) in RULES {
        let start = Instant::now();
        let mut out = Vec::new();
        for policy in &policies {
            let cx = LintContext::new("bench", catalog, policy);
            check(policy, &cx, &mut out);
        }
        println!(
            "  {}: {:.1} ms",
            meta.id,
            start.elapsed().as_secs_f64() * 1e3
        );
    }
}
