//! The vocabulary of imports: where an import stands, whether it writes,
//! and what a bad row does to the rest.

use crate::catalog::vocabulary;

vocabulary!(
    /// Where an import stands: `queued` until its job starts, `running`
    /// while rows are read, then `done` (written or, on a dry run or an
    /// aborted one, only reported) or `failed` as a whole.
    ImportStatus {
        Queued => "queued",
        Running => "running",
        Done => "done",
        Failed => "failed",
    }
);

vocabulary!(
    /// A dry run reports what an import would do and writes nothing.
    ImportMode { DryRun => "dry_run", Commit => "commit" }
);

vocabulary!(
    /// What a bad row does: `abort` writes nothing when any row is bad,
    /// `skip` writes the good rows and reports the bad ones.
    OnRowError { Abort => "abort", Skip => "skip" }
);
