//! The "Functions" example of the lecture notes "Conditional Diffusion Models": diffusion over
//! functions (GP draws on a 32-point grid), conditioned on points the user clicks, three ways from
//! the same noise — the exact GP posterior score, replacement and reconstruction guidance — beside
//! the closed-form posterior mean and band, which only a Gaussian process gives.

use super::{Lab, Model, Settings};
use crate::denoiser::{Denoiser, Gaussian, GaussianProcess, WithLabel};
use crate::guidance::{
    Motif, MotifObservation, ReconstructionGuidance, gaussian_posterior, motif_posterior,
};
use crate::network::ScoreMlp;
use crate::observation::{Likelihood, LinearObservation, Observation};
use crate::projection::{Projection, Replacement};
use crate::sampler::{self, Sampler, SamplerKind, Trajectory};
use crate::schedule::{Schedule, ScheduleKind};
use crate::toy_data::function_prior;
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FunctionLabConfig {
    /// Observed (x, y) pairs; x snaps to the nearest grid point, a later point on the same
    /// grid point replaces an earlier one.
    pub points: Vec<(f64, f64)>,
    /// Standard deviation of the observation noise.
    pub obs_std: f64,
    /// The score network trained on GP draws, or the GP prior's own score.
    pub model: Model,
    pub sampler: SamplerKind,
    pub steps: usize,
    pub eta: f64,
    pub snr: f64,
    /// Functions drawn per run.
    pub batch: usize,
    pub seed: u64,
    pub guidance_scale: f64,
    /// Values every function must contain at consecutive grid points, place unknown
    /// (`MOTIF_LENGTHS` of them; empty for none).
    pub motif: Vec<f64>,
    /// Standard deviation of the motif's values: positive, a drawn motif is never exact.
    pub motif_std: f64,
}

impl Default for FunctionLabConfig {
    fn default() -> Self {
        Self {
            points: vec![(-0.6, 1.0), (0.0, -0.5), (0.5, 0.8)],
            obs_std: 0.05,
            model: Model::Learned,
            sampler: SamplerKind::Em,
            steps: 100,
            eta: 0.0,
            snr: 0.16,
            batch: 16,
            seed: 1,
            guidance_scale: 1.0,
            motif: Vec::new(),
            motif_std: 0.1,
        }
    }
}

pub const MAX_POINTS: usize = 32;
pub const MAX_STEPS: usize = 2000;
/// A motif is a short run: long enough to have a shape, short enough to leave it a place to move.
pub const MOTIF_LENGTHS: std::ops::RangeInclusive<usize> = 3..=8;

impl Settings for FunctionLabConfig {
    const WHAT: &'static str = "function settings";

    fn validate(&self) -> Result<(), String> {
        if self.points.len() > MAX_POINTS {
            return Err(format!("at most {MAX_POINTS} points"));
        }
        if self
            .points
            .iter()
            .any(|&(x, y)| !(x.is_finite() && y.is_finite() && x.abs() <= 1.0 && y.abs() <= 5.0))
        {
            return Err("points must lie in [-1, 1] x [-5, 5]".into());
        }
        if !(0.0..=2.0).contains(&self.obs_std) {
            return Err("obs_std must be between 0 and 2".into());
        }
        sampler::check_settings(self.steps, MAX_STEPS, self.eta, self.snr)?;
        if !(1..=2000).contains(&self.batch) {
            return Err("batch must be between 1 and 2000".into());
        }
        if !(self.guidance_scale.is_finite() && self.guidance_scale.abs() <= 100.0) {
            return Err("guidance_scale must be between -100 and 100".into());
        }
        if !(self.motif.is_empty() || MOTIF_LENGTHS.contains(&self.motif.len())) {
            return Err(format!(
                "a motif has {} to {} values (or none)",
                MOTIF_LENGTHS.start(),
                MOTIF_LENGTHS.end()
            ));
        }
        if self
            .motif
            .iter()
            .any(|y| !(y.is_finite() && y.abs() <= 5.0))
        {
            return Err("motif values must lie in [-5, 5]".into());
        }
        if !(0.01..=2.0).contains(&self.motif_std) {
            return Err("motif_std must be between 0.01 and 2".into());
        }
        Ok(())
    }
}

/// One run of the lab: the exact posterior, or a way of reaching it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "kebab-case")]
pub enum FunctionMethod {
    Exact,
    Replacement,
    Reconstruction,
}

crate::choice!(FunctionMethod, "method");

/// The runs, in the order their blocks appear in a frame.
pub const FUNCTION_METHODS: [FunctionMethod; 3] = [
    FunctionMethod::Exact,
    FunctionMethod::Replacement,
    FunctionMethod::Reconstruction,
];

pub struct FunctionLab {
    config: FunctionLabConfig,
    process: GaussianProcess,
    prior: Gaussian,
    /// The exact conditional: the GP posterior, or with a motif the mixture over its places.
    posterior: Box<dyn Denoiser>,
    /// The exact posterior's mean and standard deviation, point by point.
    band: (Vec<f64>, Vec<f64>),
    /// The exact posterior over the motif's first grid point; empty without a motif.
    motif_places: Vec<f64>,
    network: Option<Rc<ScoreMlp>>,
    observation: LinearObservation,
    motif: Option<Motif>,
    /// Replacement knows no latent place: it pastes the motif where the exact posterior
    /// puts it most likely, the naive method the page shows losing the other places.
    replacement: Replacement,
    sampler: Box<dyn Sampler>,
    schedule: Box<dyn Schedule>,
    runs: Vec<Trajectory>,
}

impl FunctionLab {
    /// `network` is the score MLP over grid values, needed only for the "learned" model.
    pub fn new(
        config: FunctionLabConfig,
        network: Option<Rc<ScoreMlp>>,
        device: &Device,
    ) -> Result<Self, String> {
        config.validate()?;
        if config.model == Model::Learned && network.is_none() {
            return Err("the learned model needs the function network's weights".into());
        }
        let process = function_prior();
        let mut observed: Vec<Option<f64>> = vec![None; process.grid.len()];
        for &(x, y) in &config.points {
            observed[process.nearest(x)] = Some(y);
        }
        let indices: Vec<usize> = (0..observed.len())
            .filter(|&i| observed[i].is_some())
            .collect();
        let values = indices.iter().map(|&i| observed[i].unwrap()).collect();
        let observation = LinearObservation::coordinates(
            process.grid.len(),
            &indices,
            values,
            Likelihood::Gaussian {
                std: config.obs_std,
            },
        );
        let prior = process.prior();
        let motif = if config.motif.is_empty() {
            None
        } else {
            Some(Motif::run(
                &config.motif,
                process.grid.len(),
                config.motif_std,
            )?)
        };
        let (posterior, (mean, cov), motif_places): (Box<dyn Denoiser>, _, _) = match &motif {
            None => {
                let posterior =
                    gaussian_posterior(&prior, &observation).map_err(|e| e.to_string())?;
                let moments = (posterior.mean().to_vec(), posterior.cov().clone());
                (Box::new(posterior), moments, Vec::new())
            }
            Some(motif) => {
                let posterior =
                    motif_posterior(&prior, &observation, motif).map_err(|e| e.to_string())?;
                let places = posterior.class_weights();
                let likeliest = (0..places.len())
                    .max_by(|&a, &b| places[a].total_cmp(&places[b]))
                    .expect("a motif has a place");
                for (i, y) in motif.cells(likeliest) {
                    observed[i] = Some(y);
                }
                let moments = posterior.moments();
                (Box::new(posterior), moments, places)
            }
        };
        let sd = (0..cov.rows())
            .map(|i| cov[(i, i)].max(0.0).sqrt())
            .collect();
        let schedule = ScheduleKind::Vp.build();
        let sampler = config.sampler.build(config.eta, config.snr);
        let mut lab = Self {
            replacement: Replacement::new(&observed),
            config,
            process,
            prior,
            posterior,
            band: (mean, sd),
            motif_places,
            network,
            observation,
            motif,
            sampler,
            schedule,
            runs: Vec::new(),
        };
        let c = &lab.config;
        let (walk, draw) = ((c.steps, lab.schedule.t_min()), (c.batch, c.seed));
        lab.start_in_step(FUNCTION_METHODS.len(), walk, draw, device);
        Ok(lab)
    }

    pub fn grid(&self) -> &[f64] {
        &self.process.grid
    }

    /// The exact posterior on the grid: mean, then standard deviation, point by point.
    pub fn posterior_band(&self) -> (Vec<f64>, Vec<f64>) {
        self.band.clone()
    }

    /// The exact posterior probability of each place of the motif (its first grid point);
    /// empty without a motif.
    pub fn motif_places(&self) -> &[f64] {
        &self.motif_places
    }
}

impl Lab for FunctionLab {
    type Settings = FunctionLabConfig;

    fn config(&self) -> &FunctionLabConfig {
        &self.config
    }

    fn runs(&self) -> &[Trajectory] {
        &self.runs
    }

    fn runs_mut(&mut self) -> &mut Vec<Trajectory> {
        &mut self.runs
    }

    fn sampler(&self, _: usize) -> &dyn Sampler {
        self.sampler.as_ref()
    }

    fn schedule(&self) -> &dyn Schedule {
        self.schedule.as_ref()
    }

    fn with_guidance<R>(
        &self,
        m: usize,
        f: impl FnOnce(&dyn Denoiser, Option<&dyn Projection>) -> R,
    ) -> R {
        let learned;
        let model: &dyn Denoiser = match &self.network {
            Some(network) if self.config.model == Model::Learned => {
                learned = WithLabel {
                    model: network.as_ref(),
                    label: None,
                };
                &learned
            }
            _ => &self.prior,
        };
        let (guided, with_motif);
        let observation: &dyn Observation = match &self.motif {
            Some(motif) => {
                with_motif = MotifObservation {
                    points: Some(&self.observation),
                    motif,
                };
                &with_motif
            }
            None => &self.observation,
        };
        let (model, projection): (&dyn Denoiser, Option<&dyn Projection>) =
            match FUNCTION_METHODS[m] {
                FunctionMethod::Exact => (self.posterior.as_ref(), None),
                FunctionMethod::Replacement => (model, Some(&self.replacement)),
                FunctionMethod::Reconstruction => {
                    guided = ReconstructionGuidance {
                        model,
                        observation,
                        scale: self.config.guidance_scale,
                        damped: self.config.model == Model::Learned,
                    };
                    (&guided, None)
                }
            };
        f(model, projection)
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::lab::assert_refused;
    use crate::tensor::to_vec;

    #[test]
    fn bad_settings_are_rejected_with_a_message() {
        assert_refused::<FunctionLabConfig>(&[
            (r#"{"points":[[2.0,0.0]]}"#, "points"),
            (r#"{"model":"magic"}"#, "unknown model"),
            (r#"{"steps":0}"#, "steps"),
            (r#"{"obs_std":-1}"#, "obs_std"),
            (r#"{"pointz":[]}"#, "unknown field"),
            (r#"{"motif":[1,2]}"#, "3 to 8 values"),
            (r#"{"motif":[0,0,0,0,0,0,0,0,0]}"#, "3 to 8 values"),
            (r#"{"motif":[0,9,0]}"#, "motif values"),
            (r#"{"motif":[0,1,0],"motif_std":0}"#, "motif_std"),
        ]);
        let exact_needs_nothing = FunctionLabConfig {
            model: Model::Exact,
            ..FunctionLabConfig::default()
        };
        assert!(FunctionLab::new(exact_needs_nothing, None, &Device::flex()).is_ok());
        assert!(FunctionLab::new(FunctionLabConfig::default(), None, &Device::flex()).is_err());
    }

    /// Exact-score sampling of the posterior matches the closed-form GP posterior: mean within
    /// 4 standard errors at every grid point (2,000 functions, 200 Euler–Maruyama steps).
    #[test]
    fn the_exact_run_samples_the_gp_posterior() {
        let config = FunctionLabConfig {
            model: Model::Exact,
            steps: 200,
            batch: 2000,
            ..FunctionLabConfig::default()
        };
        let mut lab = FunctionLab::new(config, None, &Device::flex()).unwrap();
        while lab.step().is_some() {}
        let (mean, sd) = lab.posterior_band();
        let n = lab.grid().len();
        let frame = to_vec(lab.frame().values);
        let samples = &frame[0..2000 * n];
        for i in 0..n {
            let m: f64 = (0..2000)
                .map(|b| f64::from(samples[b * n + i]))
                .sum::<f64>()
                / 2000.0;
            // Sampler discretisation adds its own small bias: allow it beside the sampling error.
            let tolerance = 4.0 * sd[i] / 2000f64.sqrt() + 0.02;
            assert!(
                (m - mean[i]).abs() < tolerance,
                "grid point {i}: sample mean {m:.3}, exact {:.3}",
                mean[i]
            );
        }
        // The band is tight where points were observed and wide between them.
        let at = |x: f64| lab.process.nearest(x);
        assert!(sd[at(0.0)] < 0.1 && sd[at(-1.0)] > 0.5);
    }

    /// With a motif, the places' posterior is a distribution the points make sharp (the page's
    /// "one place" preset), and the replacement run carries the motif exactly at the likeliest
    /// place.
    #[test]
    fn a_motif_is_placed_where_the_points_make_it_likely() {
        let motif = vec![1.0, 1.6, 1.9, 1.6, 1.0];
        let config = FunctionLabConfig {
            model: Model::Exact,
            points: vec![(-0.8, 0.0), (-0.3, 1.8), (0.6, -1.0)],
            motif: motif.clone(),
            steps: 50,
            batch: 8,
            ..FunctionLabConfig::default()
        };
        let mut lab = FunctionLab::new(config, None, &Device::flex()).unwrap();
        let places = lab.motif_places().to_vec();
        assert_eq!(places.len(), lab.grid().len() - 4);
        assert!((places.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let likeliest = (0..places.len())
            .max_by(|&a, &b| places[a].total_cmp(&places[b]))
            .unwrap();
        // The motif's peak lies on the point at x = -0.3, the one that says 1.8.
        assert_eq!(likeliest + 2, lab.process.nearest(-0.3), "{places:.3?}");
        assert!(places[likeliest] > 0.9, "{places:.3?}");
        while lab.step().is_some() {}
        let n = lab.grid().len();
        let frame = to_vec(lab.frame().values);
        // Blocks: [exact x, exact x0_hat, replacement x, ...], each batch x n.
        let replaced = &frame[2 * 8 * n..3 * 8 * n];
        for f in replaced.chunks(n) {
            for (k, want) in motif.iter().enumerate() {
                let got = f64::from(f[likeliest + k]);
                assert!(
                    (got - want).abs() < 0.05,
                    "replaced value {got} want {want}"
                );
            }
        }
    }
}
