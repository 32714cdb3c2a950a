//! Native training: denoising score matching for the eps networks of `crate::network`.

mod checkpoint;
mod dsm;
mod ema;

pub use checkpoint::{Checkpoint, CheckpointError, CheckpointState};
pub use dsm::{DsmSettings, DsmTrainer, EpsNetwork};
pub use ema::Ema;
