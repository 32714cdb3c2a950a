//! Native training: denoising score matching for the eps networks of `crate::network`.

mod checkpoint;
mod dsm;

pub use checkpoint::{Checkpoint, CheckpointError, CheckpointState};
pub use dsm::{DsmTrainer, EpsNetwork};
