//! The record of a training run beside its checkpoint (`<checkpoint>.log.json`): at every
//! checkpoint the step, the images seen, the wall time spent training (summed over resumed
//! runs), the mean training loss since the last entry and how the averaged weights do on
//! held-out data. It is what says whether a long run still improves, and what the README's
//! figures of a run come from.

use crate::native::files;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Entry {
    pub step: u64,
    pub images: u64,
    /// Seconds spent in training, all runs of this checkpoint together.
    pub seconds: f64,
    /// Mean training loss over the steps since the previous entry.
    pub loss: f64,
    /// Held-out figures of the averaged weights: relative eps error per time for a denoiser
    /// trained on MNIST, accuracy for a classifier; null where there is no held-out set.
    pub held_out: serde_json::Value,
}

pub(super) struct TrainingLog {
    path: PathBuf,
    entries: Vec<Entry>,
}

impl TrainingLog {
    pub fn path_for(checkpoint: &Path) -> PathBuf {
        let mut name = checkpoint.as_os_str().to_owned();
        name.push(".log.json");
        PathBuf::from(name)
    }

    /// A fresh log, or, when resuming at `resumed_step`, the existing one cut back to the steps
    /// the checkpoint has (a run killed between its checkpoint and its log leaves no gap).
    pub fn open(checkpoint: &Path, resumed_step: Option<u64>) -> Result<Self, String> {
        let path = Self::path_for(checkpoint);
        let mut entries = Vec::new();
        if let Some(step) = resumed_step
            && path.exists()
        {
            let bytes = files::read(&path)
                .map_err(|e| format!("cannot read the training log {}: {e}", path.display()))?;
            entries = serde_json::from_slice::<Vec<Entry>>(&bytes)
                .map_err(|e| format!("the training log {} is unreadable: {e}", path.display()))?;
            entries.retain(|e| e.step <= step);
        }
        Ok(Self { path, entries })
    }

    /// Training seconds recorded so far.
    pub fn seconds(&self) -> f64 {
        self.entries.last().map_or(0.0, |e| e.seconds)
    }

    pub fn append(&mut self, entry: Entry) -> Result<(), String> {
        self.entries.push(entry);
        let json = serde_json::to_vec_pretty(&self.entries).expect("log serialises");
        files::write_atomic(&self.path, &json)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}
