//! The playground's demos as plain Rust, tested natively; `web` wraps them for the page. A lab
//! owns a set of runs that start from the same noise and moves them one step at a time, so the
//! page can draw every step and compare methods on equal terms.

mod digits;
mod functions;
mod points;

pub use digits::{
    DigitFrame, DigitLab, DigitLabConfig, Inpainting, KnownPixels, MAX_SCALE, RunConfig,
};
pub use functions::{FUNCTION_METHODS, FunctionLab, FunctionLabConfig};
pub use points::{
    CONDITIONINGS, EnergyNetworks, Frame, LEARNED, Lab2d, Lab2dConfig, TRAINED_ENERGY,
    TrainedEnergy, methods,
};

use crate::sampler::{Parts, Trajectory};
use burn::tensor::Device;

/// What every lab is: runs from the same noise, each moved with parts of its own.
trait Runs {
    fn runs_mut(&mut self) -> &mut Vec<Trajectory>;

    /// Hands the parts of run `r` to `f`; guided denoisers live on that stack frame.
    fn with_parts<R>(&self, r: usize, f: impl FnOnce(Parts) -> R) -> R;

    /// Starts `count` runs of `batch` samples from `seed`, run r over `times(r)`.
    fn start_runs(
        &mut self,
        count: usize,
        times: impl Fn(usize) -> Vec<f64>,
        batch: usize,
        seed: u64,
        device: &Device,
    ) {
        let runs = (0..count)
            .map(|r| {
                self.with_parts(r, |parts| {
                    Trajectory::new(parts, times(r), batch, seed, device)
                })
            })
            .collect();
        *self.runs_mut() = runs;
    }

    /// Moves every unfinished run once.
    fn move_runs(&mut self) {
        let mut runs = std::mem::take(self.runs_mut());
        for (r, run) in runs.iter_mut().enumerate() {
            self.with_parts(r, |parts| run.step(parts));
        }
        *self.runs_mut() = runs;
    }
}
