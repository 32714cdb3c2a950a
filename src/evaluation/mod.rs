//! Measuring what a trained MNIST model draws: a clean classifier's verdicts and features, the
//! Fréchet distance between feature distributions, nearest-neighbour similarity to the training
//! set, and batched sampling to produce what is measured. `diffusion eval` runs the experiments.

mod draw;
mod frechet;
mod judge;
mod nearest;

pub use draw::{Draw, draw};
pub use frechet::{FeatureStats, frechet_distance};
pub use judge::{Judge, Verdicts};
pub use nearest::nearest_cosine;
