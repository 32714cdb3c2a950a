//! The playground's demos as plain Rust, tested natively; `web` wraps them for the page. A lab
//! owns a set of runs that start from the same noise and moves them one step at a time, so the
//! page can draw every step and compare methods on equal terms. Every setting the page sends is
//! typed: a name outside its catalogue ([`crate::choice`]) is refused while the JSON is read, so
//! a lab never meets one.

mod digits;
mod functions;
mod lab2d;
mod trained2d;

pub use digits::{DigitLab, DigitLabConfig, Inpainting, KnownPixels, MAX_SCALE, RunConfig};
pub use functions::{FUNCTION_METHODS, FunctionLab, FunctionLabConfig, FunctionMethod};
pub use lab2d::{
    Conditioning, EnergyNetworks, LEARNED, Lab2d, Lab2dConfig, Method, TRAINED_ENERGY,
    TrainedEnergy,
};
pub use trained2d::{Trained2d, Trained2dConfig, Trained2dRun};

use crate::denoiser::Denoiser;
use crate::projection::Projection;
use crate::sampler::{Parts, Sampler, Trajectory, uniform_times};
use crate::schedule::Schedule;
use burn::tensor::{Device, Tensor};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The model a lab samples with: the closed form ("exact") or the score network trained on the
/// same data ("learned").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "kebab-case")]
pub enum Model {
    Exact,
    Learned,
}

crate::choice!(Model, "model");

/// A lab's settings as the page sends them: any of the fields, the others at their defaults.
/// Every name is typed and every value checked before a lab is built.
pub trait Settings: Serialize + DeserializeOwned + Default {
    /// What they are called in an error: "bad lab settings: ...".
    const WHAT: &'static str;

    /// Whether the values go together and lie in range.
    fn validate(&self) -> Result<(), String>;

    /// Settings read from JSON and checked.
    fn from_json(json: &str) -> Result<Self, String> {
        let settings: Self =
            serde_json::from_str(json).map_err(|e| format!("bad {}: {e}", Self::WHAT))?;
        settings.validate()?;
        Ok(settings)
    }
}

/// Every run's x and x0_hat as rows [x_0; x0_hat_0; x_1; x0_hat_1; ...] (one tensor, so the page
/// reads back once a frame), and how far each run has got: `moves[r]` moves, at time `times[r]`,
/// where its schedule's noise level is `sigmas[r]`.
pub struct Frame {
    pub moves: Vec<usize>,
    pub times: Vec<f64>,
    pub sigmas: Vec<f64>,
    pub values: Tensor<2>,
}

/// What every lab is: runs from the same noise, each moved with parts of its own. A lab says what
/// its runs are (`runs`, `runs_mut`, and each run's sampler, schedule and guidance); starting,
/// stepping and framing them is the same for all.
pub trait Lab {
    type Settings: Settings;

    fn config(&self) -> &Self::Settings;

    fn runs(&self) -> &[Trajectory];

    fn runs_mut(&mut self) -> &mut Vec<Trajectory>;

    fn sampler(&self, r: usize) -> &dyn Sampler;

    fn schedule(&self) -> &dyn Schedule;

    /// Hands run `r`'s denoiser, guided or not, and its projection, if any, to `f`; guided
    /// denoisers live on that stack frame.
    fn with_guidance<R>(
        &self,
        r: usize,
        f: impl FnOnce(&dyn Denoiser, Option<&dyn Projection>) -> R,
    ) -> R;

    /// Hands the parts of run `r` to `f`.
    fn with_parts<R>(&self, r: usize, f: impl FnOnce(Parts) -> R) -> R {
        self.with_guidance(r, |model, projection| {
            f(Parts {
                model,
                sampler: self.sampler(r),
                schedule: self.schedule(),
                projection,
            })
        })
    }

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

    /// Starts `count` runs that all walk the same `steps` uniform steps down to `t_min`, each
    /// drawing `batch` samples from `seed`.
    fn start_in_step(
        &mut self,
        count: usize,
        (steps, t_min): (usize, f64),
        (batch, seed): (usize, u64),
        device: &Device,
    ) {
        let times = uniform_times(steps, t_min);
        self.start_runs(count, |_| times.clone(), batch, seed, device);
    }

    fn is_done(&self) -> bool {
        self.runs().iter().all(Trajectory::is_done)
    }

    /// Moves each run needs in all (RePaint's jumps back up count).
    fn moves_total(&self) -> Vec<usize> {
        self.runs().iter().map(Trajectory::moves_total).collect()
    }

    /// The current state of every run, without moving.
    fn frame(&self) -> Frame {
        let runs = self.runs();
        let blocks = runs
            .iter()
            .flat_map(|r| [r.x().clone(), r.x0_hat().clone()])
            .collect();
        let times: Vec<f64> = runs.iter().map(Trajectory::t).collect();
        Frame {
            moves: runs.iter().map(Trajectory::index).collect(),
            sigmas: times.iter().map(|&t| self.schedule().sigma(t)).collect(),
            times,
            values: Tensor::cat(blocks, 0),
        }
    }

    /// Moves every unfinished run once and returns the new state; `None` when all had finished.
    fn step(&mut self) -> Option<Frame> {
        if self.is_done() {
            return None;
        }
        let mut runs = std::mem::take(self.runs_mut());
        for (r, run) in runs.iter_mut().enumerate() {
            self.with_parts(r, |parts| run.step(parts));
        }
        *self.runs_mut() = runs;
        Some(self.frame())
    }
}

/// The points a score field is asked at, flattened (x1, x2) pairs, as an [n, 2] tensor, with the
/// time checked: the 2D lab and the page's trainer draw their arrows through this.
pub(crate) fn field_points(xy: &[f32], t: f64, device: &Device) -> Result<Tensor<2>, String> {
    if !xy.len().is_multiple_of(2) || xy.is_empty() {
        return Err("points must be a non-empty list of (x1, x2) pairs".into());
    }
    if !(t > 0.0 && t <= 1.0) {
        return Err("t must be in (0, 1]".into());
    }
    Ok(Tensor::from_data(
        burn::tensor::TensorData::new(xy.to_vec(), [xy.len() / 2, 2]),
        device,
    ))
}

#[cfg(all(test, not(target_family = "wasm")))]
#[test]
fn field_points_refuse_odd_lists_and_times_outside_the_diffusion() {
    let device = Device::flex();
    let x = field_points(&[1.0, 2.0, 3.0, 4.0], 0.5, &device).unwrap();
    assert_eq!(x.dims(), [2, 2]);
    for (xy, t, needle) in [
        (&[][..], 0.5, "non-empty list"),
        (&[1.0, 2.0, 3.0][..], 0.5, "(x1, x2) pairs"),
        (&[1.0, 2.0][..], 0.0, "t must be in (0, 1]"),
        (&[1.0, 2.0][..], 1.5, "t must be in (0, 1]"),
        (&[1.0, 2.0][..], f64::NAN, "t must be in (0, 1]"),
    ] {
        let err = field_points(xy, t, &device).unwrap_err();
        assert!(err.contains(needle), "{xy:?} at {t}: {err}");
    }
}

/// Every `(json, needle)` is refused with a message that contains `needle`.
#[cfg(all(test, not(target_family = "wasm")))]
pub(crate) fn assert_refused<S: Settings + std::fmt::Debug>(cases: &[(&str, &str)]) {
    for (json, needle) in cases {
        let err = S::from_json(json).unwrap_err();
        assert!(err.contains(needle), "{json}: {err}");
    }
}
