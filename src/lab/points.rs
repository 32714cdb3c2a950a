//! The 2D lab: one data set, one sampler, four runs on the same noise — unconditional sampling
//! and p(x1 | x2 = y) three ways (exact posterior, replacement, reconstruction guidance).
//!
//! Plain Rust, so it is tested natively; `web` wraps it for the page.

use crate::denoiser::GaussianMixture;
use crate::guidance::{ReconstructionGuidance, mixture_posterior};
use crate::observation::{Likelihood, LinearObservation};
use crate::presets;
use crate::projection::Replacement;
use crate::sampler::{self, Parts, Sampler, Trajectory, uniform_times};
use crate::schedule::{self, Schedule};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

/// Every control of the lab. Unknown fields are rejected so a typo is an error, not a silent
/// default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lab2dConfig {
    pub preset: String,
    pub schedule: String,
    pub sampler: String,
    pub steps: usize,
    pub batch: usize,
    pub seed: u64,
    /// DDIM's eta.
    pub eta: f64,
    /// The predictor–corrector's signal-to-noise ratio.
    pub snr: f64,
    /// The observed value of x2.
    pub y: f64,
    /// Standard deviation of the observation noise; 0 observes x2 exactly.
    pub obs_std: f64,
    /// Scale of reconstruction guidance.
    pub guidance_scale: f64,
}

impl Default for Lab2dConfig {
    fn default() -> Self {
        Self {
            preset: "correlated".into(),
            schedule: "vp".into(),
            sampler: "em".into(),
            steps: 100,
            batch: 500,
            seed: 1,
            eta: 0.0,
            snr: 0.16,
            y: 1.0,
            obs_std: 0.05,
            guidance_scale: 1.0,
        }
    }
}

pub const MAX_STEPS: usize = 2000;
pub const MAX_BATCH: usize = 20_000;

impl Lab2dConfig {
    pub fn from_json(json: &str) -> Result<Self, String> {
        let config: Self =
            serde_json::from_str(json).map_err(|e| format!("bad lab settings: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), String> {
        let finite = |name: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number"))
            }
        };
        finite("eta", self.eta)?;
        finite("snr", self.snr)?;
        finite("y", self.y)?;
        finite("obs_std", self.obs_std)?;
        finite("guidance_scale", self.guidance_scale)?;
        if presets::by_name(&self.preset).is_none() {
            return Err(format!(
                "unknown data set '{}' (one of {})",
                self.preset,
                presets::NAMES.join(", ")
            ));
        }
        if schedule::by_name(&self.schedule).is_none() {
            return Err(format!(
                "unknown schedule '{}' (vp, cosine or ve)",
                self.schedule
            ));
        }
        if !sampler::NAMES.contains(&self.sampler.as_str()) {
            return Err(format!(
                "unknown sampler '{}' (one of {})",
                self.sampler,
                sampler::NAMES.join(", ")
            ));
        }
        if !(1..=MAX_STEPS).contains(&self.steps) {
            return Err(format!("steps must be between 1 and {MAX_STEPS}"));
        }
        if !(1..=MAX_BATCH).contains(&self.batch) {
            return Err(format!("batch must be between 1 and {MAX_BATCH}"));
        }
        if !(0.0..=1.0).contains(&self.eta) {
            return Err("eta must be between 0 and 1".into());
        }
        if !(self.snr > 0.0 && self.snr <= 1.0) {
            return Err("snr must be in (0, 1]".into());
        }
        if !(0.0..=2.0).contains(&self.obs_std) {
            return Err("obs_std must be between 0 and 2".into());
        }
        if self.y.abs() > 10.0 {
            return Err("y must be between -10 and 10".into());
        }
        if self.guidance_scale.abs() > 100.0 {
            return Err("guidance_scale must be between -100 and 100".into());
        }
        Ok(())
    }
}

/// The runs, in the order their samples appear in a frame.
pub const METHODS: [&str; 4] = ["unconditional", "exact", "replacement", "reconstruction"];

pub struct Lab2d {
    config: Lab2dConfig,
    data: GaussianMixture,
    posterior: GaussianMixture,
    observation: LinearObservation,
    replacement: Replacement,
    sampler: Box<dyn Sampler>,
    schedule: Box<dyn Schedule>,
    runs: Vec<Trajectory>,
    device: Device,
}

/// One move of every run: x and x0_hat of each method stacked as
/// [x_m0; x0_hat_m0; x_m1; x0_hat_m1; ...], each [batch, 2], so the page reads back once a frame.
pub struct Frame {
    pub index: usize,
    pub t: f64,
    pub points: Tensor<2>,
}

impl Lab2d {
    pub fn new(config: Lab2dConfig, device: &Device) -> Result<Self, String> {
        config.validate()?;
        let data = presets::by_name(&config.preset).expect("validated");
        let schedule = schedule::by_name(&config.schedule).expect("validated");
        let sampler = sampler::by_name(&config.sampler, config.eta, config.snr).expect("validated");
        let likelihood = Likelihood::Gaussian {
            std: config.obs_std,
        };
        let observation = LinearObservation::coordinates(2, &[1], vec![config.y], likelihood);
        let posterior = mixture_posterior(&data, &observation).map_err(|e| e.to_string())?;
        let replacement = Replacement::new(&[None, Some(config.y)]);
        let mut lab = Self {
            config,
            data,
            posterior,
            observation,
            replacement,
            sampler,
            schedule,
            runs: Vec::new(),
            device: device.clone(),
        };
        let times = uniform_times(lab.config.steps, lab.schedule.t_min());
        lab.runs = (0..METHODS.len())
            .map(|m| {
                lab.with_parts(m, |parts| {
                    Trajectory::new(
                        parts,
                        times.clone(),
                        lab.config.batch,
                        lab.config.seed,
                        device,
                    )
                })
            })
            .collect();
        Ok(lab)
    }

    /// Hands the parts of method `m` to `f`; the guided denoiser lives on this stack frame.
    fn with_parts<R>(&self, m: usize, f: impl FnOnce(Parts) -> R) -> R {
        let (sampler, schedule) = (self.sampler.as_ref(), self.schedule.as_ref());
        match METHODS[m] {
            "unconditional" => f(Parts {
                model: &self.data,
                sampler,
                schedule,
                projection: None,
            }),
            "exact" => f(Parts {
                model: &self.posterior,
                sampler,
                schedule,
                projection: None,
            }),
            "replacement" => f(Parts {
                model: &self.data,
                sampler,
                schedule,
                projection: Some(&self.replacement),
            }),
            "reconstruction" => {
                let guided = ReconstructionGuidance {
                    model: &self.data,
                    observation: &self.observation,
                    scale: self.config.guidance_scale,
                    damped: false,
                };
                f(Parts {
                    model: &guided,
                    sampler,
                    schedule,
                    projection: None,
                })
            }
            other => unreachable!("method {other} has no parts"),
        }
    }

    pub fn config(&self) -> &Lab2dConfig {
        &self.config
    }

    pub fn is_done(&self) -> bool {
        self.runs[0].is_done()
    }

    /// Moves done so far.
    pub fn index(&self) -> usize {
        self.runs[0].index()
    }

    pub fn moves_total(&self) -> usize {
        self.runs[0].moves_total()
    }

    /// The current state of every run, without moving.
    pub fn frame(&self) -> Frame {
        let points = self
            .runs
            .iter()
            .flat_map(|r| [r.x().clone(), r.x0_hat().clone()])
            .collect();
        Frame {
            index: self.index(),
            t: self.runs[0].t(),
            points: Tensor::cat(points, 0),
        }
    }

    /// Moves every run once; `None` when done.
    pub fn step(&mut self) -> Option<Frame> {
        if self.is_done() {
            return None;
        }
        let mut runs = std::mem::take(&mut self.runs);
        for (m, run) in runs.iter_mut().enumerate() {
            self.with_parts(m, |parts| run.step(parts));
        }
        self.runs = runs;
        Some(self.frame())
    }

    /// eps of every method's (guided) denoiser at time `t` for the points `xy` (flattened pairs),
    /// stacked like a frame's blocks: the field the samplers follow.
    pub fn eps_field(&self, t: f64, xy: &[f32]) -> Result<Tensor<2>, String> {
        if !xy.len().is_multiple_of(2) || xy.is_empty() {
            return Err("points must be a non-empty list of (x1, x2) pairs".into());
        }
        if !(t > 0.0 && t <= 1.0) {
            return Err("t must be in (0, 1]".into());
        }
        let n = xy.len() / 2;
        let x = Tensor::<2>::from_data(
            burn::tensor::TensorData::new(xy.to_vec(), [n, 2]),
            &self.device,
        );
        let level = self.schedule.level(t);
        let fields = (0..METHODS.len())
            .map(|m| self.with_parts(m, |parts| parts.model.eps(x.clone(), &level)))
            .collect();
        Ok(Tensor::cat(fields, 0))
    }

    /// The exact conditional density p(x1 | x2 = y) at `xs` (at t = 0).
    pub fn exact_x1_density(&self, xs: &[f64]) -> Vec<f64> {
        xs.iter()
            .map(|&x| {
                self.posterior
                    .components()
                    .iter()
                    .map(|c| {
                        let (m, v) = (c.gaussian.mean()[0], c.gaussian.cov()[(0, 0)]);
                        c.weight * (-(x - m).powi(2) / (2.0 * v)).exp()
                            / (std::f64::consts::TAU * v).sqrt()
                    })
                    .sum()
            })
            .collect()
    }

    /// Exact samples of the data, flattened [n, 2], to draw behind the runs.
    pub fn data_samples(&self, n: usize) -> Vec<f32> {
        let mut noise = crate::noise::Noise::new(self.config.seed, crate::noise::Stream::Data);
        let (xs, _) = self.data.sample(n, &mut noise);
        xs.into_iter().flatten().map(|v| v as f32).collect()
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::tensor::to_vec;

    #[test]
    fn bad_settings_are_rejected_with_a_message() {
        for (json, needle) in [
            (r#"{"sampler":"nope"}"#, "unknown sampler"),
            (r#"{"steps":0}"#, "steps"),
            (r#"{"batch":100000000}"#, "batch"),
            (r#"{"stepz":3}"#, "unknown field"),
            (r#"{"y":"x"}"#, "bad lab settings"),
            (r#"{"preset":"moons"}"#, "unknown data set"),
            ("not json", "bad lab settings"),
        ] {
            let err = Lab2dConfig::from_json(json).unwrap_err();
            assert!(err.contains(needle), "{json}: {err}");
        }
        assert_eq!(
            Lab2dConfig::from_json("{}").unwrap(),
            Lab2dConfig::default()
        );
    }

    #[test]
    fn runs_share_their_noise_and_replacement_pins_x2() {
        let config = Lab2dConfig {
            steps: 5,
            batch: 8,
            ..Lab2dConfig::default()
        };
        let mut lab = Lab2d::new(config.clone(), &Device::flex()).unwrap();
        let start = to_vec(lab.frame().points);
        // The exact and unconditional runs start from the same prior sample.
        assert_eq!(start[0..16], start[32..48]);
        let mut frames = 0;
        while let Some(frame) = lab.step() {
            frames += 1;
            assert_eq!(frame.index, frames);
        }
        assert_eq!(frames, 5);
        let end = to_vec(lab.frame().points);
        let replacement_x = &end[64..80];
        let t_min = schedule::by_name("vp").unwrap().level(1e-3);
        for pair in replacement_x.chunks(2) {
            assert!((pair[1] as f64 - t_min.alpha * config.y).abs() < 5.0 * t_min.sigma);
        }
    }
}
