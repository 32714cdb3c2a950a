//! Native training: denoising score matching for the eps networks of `crate::network`.

mod checkpoint;
mod classify;
mod dsm;
mod ema;

pub use checkpoint::{Checkpoint, CheckpointError, CheckpointState};
pub use classify::{ClassifierTrainer, accuracy};
pub use dsm::{DsmSettings, DsmTrainer};
pub use ema::Ema;
