//! The search index, built off the rebuild thread.
//!
//! Once edits go quiet, the index of the site served is built in memory on threads of
//! its own, at a lower scheduling priority, so a save arriving meanwhile is rebuilt
//! and served at once instead of waiting for the index (which takes far longer than a
//! rebuild). The job is then abandoned: told to stop, it stops at its next file and
//! its result is dropped. A finished index is published by the rebuild thread, only
//! if the site it was built for is still the one served (`Session::publish_index`),
//! so the index never mixes with a rebuild's writes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::session::IndexJob;
use super::watch::WatchMsg;
use crate::pipeline::Files;

/// A finished job: its id, the site generation it indexed, and its files (`None` when
/// it was told to stop).
type Done = (u64, u64, anyhow::Result<Option<Files>>);

/// Runs index jobs one at a time on its own low-priority threads.
pub(super) struct Indexer {
    pool: Arc<rayon::ThreadPool>,
    /// Where finished jobs wait for the rebuild thread.
    done: Arc<Mutex<Vec<Done>>>,
    /// Wakes the rebuild loop when a job finishes.
    wake: Sender<WatchMsg>,
    running: Option<Running>,
    next_id: u64,
}

struct Running {
    id: u64,
    cancel: Arc<AtomicBool>,
    started: Instant,
}

/// A finished index, ready to publish.
pub(super) struct Finished {
    /// The site generation it was built for.
    pub(super) generation: u64,
    /// Its files, or why it failed.
    pub(super) files: anyhow::Result<Files>,
    /// How long it took.
    pub(super) took: Duration,
}

impl Indexer {
    /// An indexer whose jobs report to the rebuild loop through `wake`.
    pub(super) fn new(wake: Sender<WatchMsg>) -> anyhow::Result<Indexer> {
        let pool = rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("castbook-index-{i}"))
            .start_handler(|_| lower_priority())
            .build()?;
        Ok(Indexer {
            pool: Arc::new(pool),
            done: Arc::default(),
            wake,
            running: None,
            next_id: 0,
        })
    }

    /// True while a job runs.
    pub(super) fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Starts building the index for `job`.
    pub(super) fn start(&mut self, job: IndexJob) {
        self.next_id += 1;
        let id = self.next_id;
        let cancel = Arc::new(AtomicBool::new(false));
        self.running = Some(Running {
            id,
            cancel: Arc::clone(&cancel),
            started: Instant::now(),
        });
        let (pool, done, wake) = (
            Arc::clone(&self.pool),
            Arc::clone(&self.done),
            self.wake.clone(),
        );
        pool.spawn(move || {
            let files = crate::pipeline::index_in_memory(&job.archive, &job.opts, &cancel);
            done.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((id, job.generation, files));
            // A closed channel means serve is ending: nobody waits for the index.
            let _ = wake.send(WatchMsg::Indexed);
        });
    }

    /// Tells the running job, if any, to stop; its result will be dropped.
    pub(super) fn abandon(&mut self) {
        if let Some(r) = self.running.take() {
            r.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// The running job's result, once it has finished; results of abandoned jobs are
    /// dropped on the way.
    pub(super) fn finished(&mut self) -> Option<Finished> {
        let done = std::mem::take(&mut *self.done.lock().unwrap_or_else(PoisonError::into_inner));
        let mut out = None;
        for (id, generation, files) in done {
            let Some(r) = self.running.as_ref().filter(|r| r.id == id) else {
                continue;
            };
            let took = r.started.elapsed();
            self.running = None;
            out = match files {
                Ok(Some(files)) => Some(Finished {
                    generation,
                    files: Ok(files),
                    took,
                }),
                Ok(None) => None,
                Err(err) => Some(Finished {
                    generation,
                    files: Err(err),
                    took,
                }),
            };
        }
        out
    }
}

/// Makes the calling thread yield to everything else (nice 10), so indexing never
/// slows a rebuild or a request. Best effort: without it, indexing just competes.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // On Linux a nice value belongs to the calling thread, not the process.
        let _ = rustix::process::nice(10);
    }
}
