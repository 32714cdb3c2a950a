//! Native training: denoising score matching for the eps networks of `crate::network`.

mod dsm;

pub use dsm::{DsmTrainer, EpsNetwork};
