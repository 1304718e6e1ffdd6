//! The report of a `check` run, written as the engine finds: the findings of each file go
//! through the baseline, `--quiet` and the counts (summary, `--statistics`, `--max-warnings`,
//! exit status) into the format's reporter, and on to standard output or `--output-file`.
//! Nothing but counts is held (and, with `--write-baseline`, the baseline's entries).

use std::io::{self, BufWriter, Write};

use super::report::{Reporter, Statistics, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::{Sink, baseline};

/// Where the findings go in `--write-baseline` mode: recorded, not reported.
pub enum Mode {
    Report {
        reporter: Box<dyn Reporter>,
        out: BufWriter<Box<dyn Write + Send>>,
    },
    Record(baseline::Recorder),
}

/// The counts of what was reported.
#[derive(Debug, Default)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub fixable: usize,
    pub failures: usize,
    /// Findings the baseline records, not reported.
    pub dropped: usize,
    pub statistics: Statistics,
}

/// The engine's sink of a `check` run.
pub struct Stream {
    pub mode: Mode,
    /// What the format does to each file's findings on the workers.
    prepare: Option<crate::engine::Preparer>,
    baseline: Option<baseline::Filter>,
    quiet: bool,
    pub tally: Tally,
    /// The first write error (the run goes on; nothing more is written).
    pub error: Option<io::Error>,
}

impl Stream {
    pub fn new(
        mode: Mode,
        prepare: Option<crate::engine::Preparer>,
        baseline: Option<baseline::Filter>,
        quiet: bool,
    ) -> Stream {
        Stream {
            mode,
            prepare,
            baseline,
            quiet,
            tally: Tally::default(),
            error: None,
        }
    }

    fn attempt(&mut self, write: impl FnOnce(&mut dyn Reporter, &mut dyn Write) -> io::Result<()>) {
        if self.error.is_some() {
            return;
        }
        if let Mode::Report { reporter, out } = &mut self.mode
            && let Err(e) = write(reporter.as_mut(), out)
        {
            self.error = Some(e);
        }
    }

    /// The baseline recorded (in `--write-baseline` mode).
    pub fn take_recorder(&mut self) -> Option<baseline::Recorder> {
        match &mut self.mode {
            Mode::Record(r) => Some(std::mem::take(r)),
            Mode::Report { .. } => None,
        }
    }

    /// The report's opening.
    pub fn begin(&mut self) {
        self.attempt(|r, out| r.begin(out));
    }

    /// The report's end, with the summary; then everything is flushed.
    pub fn end(&mut self, summary: &Summary) -> io::Result<()> {
        self.attempt(|r, out| r.end(out, summary));
        self.attempt(|_, out| out.flush());
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl Sink for Stream {
    fn preparer(&self) -> Option<crate::engine::Preparer> {
        match self.mode {
            Mode::Report { .. } => self.prepare.clone(),
            Mode::Record(_) => None,
        }
    }

    fn file(&mut self, mut found: Vec<Diagnostic>) {
        if let Mode::Record(recorder) = &mut self.mode {
            for d in &found {
                if d.is_failure() {
                    self.tally.failures += 1;
                } else {
                    recorder.add(d);
                }
            }
            return;
        }
        if let Some(b) = &mut self.baseline {
            self.tally.dropped += b.filter(&mut found);
        }
        if self.quiet {
            found.retain(|d| d.severity == Severity::Error);
        }
        for d in &found {
            match d.severity {
                Severity::Error => self.tally.errors += 1,
                Severity::Warning => self.tally.warnings += 1,
            }
            self.tally.fixable += usize::from(d.fixable());
            self.tally.failures += usize::from(d.is_failure());
            self.tally.statistics.add(d);
        }
        if !found.is_empty() {
            self.attempt(|r, out| r.findings(out, &found));
        }
    }
}
