//! The 2D lab: one data set, one sampler, runs on the same noise — unconditional sampling and a
//! conditional target reached several ways beside its exact answer: p(x1 | x2 = y) by the
//! exact posterior, replacement and reconstruction guidance; a class by its exact conditional,
//! classifier-free guidance and classifier guidance; an energy tilt by its exact tilted mixture
//! and energy guidance, by importance weights over data samples and, where networks learned the
//! energy, by the trained intermediate energy and the trained intermediate force. The base model
//! is the closed form or a score network trained on the data ("learned"); the exact runs always
//! use the closed form.
//!
//! Plain Rust, so it is tested natively; `web` wraps it for the page.

use super::{Lab, Model, Settings, field_points};
use crate::choice;
use crate::denoiser::{ConditionalDenoiser, Denoiser, GaussianMixture, WithLabel};
use crate::guidance::{
    ClassifierFree, ClassifierGuidance, EnergyGuidance, ForceGuidance, QuadraticEnergy,
    ReconstructionGuidance, TrainedEnergyGuidance, mixture_posterior,
};
use crate::network::{ScoreMlp, TimeMlp};
use crate::observation::{Likelihood, LinearObservation};
use crate::presets::Preset;
use crate::projection::{Projection, Replacement};
use crate::sampler::{self, Sampler, SamplerKind, Trajectory};
use crate::schedule::{Schedule, ScheduleKind};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Every control of the lab. Unknown fields are rejected so a typo is an error, not a silent
/// default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lab2dConfig {
    pub preset: Preset,
    pub schedule: ScheduleKind,
    pub sampler: SamplerKind,
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
    /// What the conditional runs aim at.
    pub conditioning: Conditioning,
    /// The base model: the closed-form score or the score network trained on the data.
    pub model: Model,
    /// The class of class conditioning.
    pub label: usize,
    /// Classifier-free guidance scale, also the classifier guidance scale.
    pub w: f64,
    /// Energy guidance: the target p(x) exp(-beta E(x)) with E = |x - center|^2 / 2.
    pub beta: f64,
    pub center: [f64; 2],
}

impl Default for Lab2dConfig {
    fn default() -> Self {
        Self {
            preset: Preset::Correlated,
            schedule: ScheduleKind::Vp,
            sampler: SamplerKind::Em,
            steps: 100,
            batch: 500,
            seed: 1,
            eta: 0.0,
            snr: 0.16,
            y: 1.0,
            obs_std: 0.05,
            guidance_scale: 1.0,
            conditioning: Conditioning::Observation,
            model: Model::Exact,
            label: 0,
            w: 1.0,
            beta: 1.0,
            center: [1.5, 1.5],
        }
    }
}

/// What the conditional runs aim at: the observation x2 = y, a class, or an energy tilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "kebab-case")]
pub enum Conditioning {
    Observation,
    Class,
    Energy,
}

crate::choice!(Conditioning, "conditioning");

/// One run of the lab: the unconditional model, the exact target, or a way of reaching it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "kebab-case")]
pub enum Method {
    Unconditional,
    Exact,
    Replacement,
    Reconstruction,
    Cfg,
    Classifier,
    Energy,
    /// The trained intermediate energy (contrastive energy prediction).
    Cep,
    /// The trained intermediate force.
    Force,
}

crate::choice!(Method, "method");

impl Conditioning {
    /// The runs of each conditioning, in the order their samples appear in a frame.
    fn methods(self) -> &'static [Method] {
        use Method::*;
        match self {
            Self::Observation => &[Unconditional, Exact, Replacement, Reconstruction],
            Self::Class => &[Unconditional, Exact, Cfg, Classifier],
            Self::Energy => &[Unconditional, Exact, Energy],
        }
    }
}

/// The energy runs when networks learned the energy: importance weights, the trained
/// intermediate energy and the trained intermediate force.
const TRAINED_ENERGY_METHODS: [Method; 5] = [
    Method::Unconditional,
    Method::Exact,
    Method::Energy,
    Method::Cep,
    Method::Force,
];

/// Data sets a score network was trained on (www/weights/mlp2d-<name>.bpk).
pub const LEARNED: [Preset; 2] = [Preset::Blobs, Preset::Ring];

/// What the shipped intermediate energy and force networks learned (www/weights/energy-<data>.bpk
/// and force-<data>.bpk, scripts/train-weights.sh): E_t of the target q_0 exp(-beta E) for these
/// data sets, beta and center. Each network knows one energy, so the lab runs them only when its
/// settings are these.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrainedEnergy {
    pub data: &'static [&'static str],
    pub beta: f64,
    pub center: [f64; 2],
}

pub const TRAINED_ENERGY: TrainedEnergy = TrainedEnergy {
    data: &["blobs", "ring"],
    beta: 1.0,
    center: [1.5, 1.5],
};

impl TrainedEnergy {
    /// Whether `config` asks for the energy these networks learned.
    pub fn fits(&self, config: &Lab2dConfig) -> bool {
        config.conditioning == Conditioning::Energy
            && self.data.contains(&choice::name(config.preset))
            && config.beta == self.beta
            && config.center == self.center
    }
}

pub const MAX_STEPS: usize = 2000;
pub const MAX_BATCH: usize = 20_000;

impl Settings for Lab2dConfig {
    const WHAT: &'static str = "lab settings";

    fn validate(&self) -> Result<(), String> {
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
        finite("w", self.w)?;
        finite("beta", self.beta)?;
        finite("center", self.center[0] + self.center[1])?;
        sampler::check_settings(self.steps, MAX_STEPS, self.eta, self.snr)?;
        if !(1..=MAX_BATCH).contains(&self.batch) {
            return Err(format!("batch must be between 1 and {MAX_BATCH}"));
        }
        if !(0.0..=2.0).contains(&self.obs_std) {
            return Err("obs_std must be between 0 and 2".into());
        }
        if self.y.abs() > 10.0 {
            return Err("y must be between -10 and 10".into());
        }
        if self.guidance_scale.abs() > 100.0 || self.w.abs() > 100.0 {
            return Err("guidance_scale and w must be between -100 and 100".into());
        }
        if !(0.0..=20.0).contains(&self.beta) || self.center.iter().any(|c| c.abs() > 5.0) {
            return Err("beta must be in [0, 20] and the center in [-5, 5]^2".into());
        }
        if self.model == Model::Learned && !LEARNED.contains(&self.preset) {
            return Err(format!(
                "no score network was trained on '{}' (one of {})",
                choice::name(self.preset),
                LEARNED.map(choice::name).join(", ")
            ));
        }
        let (classes, preset) = (
            self.preset.mixture().num_classes(),
            choice::name(self.preset),
        );
        if self.conditioning == Conditioning::Class && self.label >= classes {
            return Err(format!("label must be below {classes} for '{preset}'"));
        }
        if self.conditioning == Conditioning::Class && classes < 2 {
            return Err(format!("'{preset}' has a single class"));
        }
        Ok(())
    }
}

/// The trained intermediate energy f_phi and intermediate force network h_psi of one data set's
/// [`TRAINED_ENERGY`].
#[derive(Clone)]
pub struct EnergyNetworks {
    pub energy: Rc<TimeMlp>,
    pub force: Rc<TimeMlp>,
}

/// Data samples the energy guidance estimate averages over.
const ENERGY_SAMPLES: usize = 2000;

pub struct Lab2d {
    config: Lab2dConfig,
    data: GaussianMixture,
    /// The exact answer of the conditioning: posterior, class conditional or tilted data.
    target: GaussianMixture,
    network: Option<Rc<ScoreMlp>>,
    energy_networks: Option<EnergyNetworks>,
    observation: LinearObservation,
    replacement: Replacement,
    energy: QuadraticEnergy,
    energy_samples: Vec<Vec<f64>>,
    sampler: Box<dyn Sampler>,
    schedule: Box<dyn Schedule>,
    runs: Vec<Trajectory>,
    device: Device,
}

impl Lab2d {
    /// `network` is the score network trained on the preset, needed by the learned model only.
    pub fn new(
        config: Lab2dConfig,
        network: Option<Rc<ScoreMlp>>,
        device: &Device,
    ) -> Result<Self, String> {
        config.validate()?;
        if config.model == Model::Learned && network.is_none() {
            return Err("the learned model needs the score network's weights".into());
        }
        let data = config.preset.mixture();
        let schedule = config.schedule.build();
        let sampler = config.sampler.build(config.eta, config.snr);
        let likelihood = Likelihood::Gaussian {
            std: config.obs_std,
        };
        let observation = LinearObservation::coordinates(2, &[1], vec![config.y], likelihood);
        let energy = QuadraticEnergy {
            center: config.center.to_vec(),
            weights: vec![1.0, 1.0],
        };
        let target = match config.conditioning {
            Conditioning::Class => data.given(config.label),
            Conditioning::Energy => energy
                .tilt(&data, config.beta)
                .map_err(|e| format!("the tilted target: {e}"))?,
            Conditioning::Observation => {
                mixture_posterior(&data, &observation).map_err(|e| e.to_string())?
            }
        };
        let energy_samples = if config.conditioning == Conditioning::Energy {
            let mut noise = crate::noise::Noise::new(config.seed, crate::noise::Stream::Data);
            data.sample(ENERGY_SAMPLES, &mut noise).0
        } else {
            Vec::new()
        };
        let replacement = Replacement::new(&[None, Some(config.y)]);
        let mut lab = Self {
            config,
            data,
            target,
            network,
            energy_networks: None,
            observation,
            replacement,
            energy,
            energy_samples,
            sampler,
            schedule,
            runs: Vec::new(),
            device: device.clone(),
        };
        lab.restart();
        Ok(lab)
    }

    /// Starts every method's run from the lab's noise (again).
    fn restart(&mut self) {
        let c = &self.config;
        let (walk, draw) = ((c.steps, self.schedule.t_min()), (c.batch, c.seed));
        let device = self.device.clone();
        self.start_in_step(self.methods().len(), walk, draw, &device);
    }

    /// This lab's runs, in the order of a frame's blocks.
    pub fn methods(&self) -> &'static [Method] {
        if self.energy_networks.is_some() {
            &TRAINED_ENERGY_METHODS
        } else {
            self.config.conditioning.methods()
        }
    }

    /// The trained energy networks; their runs exist only when the lab has them.
    fn energy_networks(&self) -> &EnergyNetworks {
        self.energy_networks
            .as_ref()
            .expect("the trained energy runs exist only with their networks")
    }

    /// Adds the runs of the trained energy networks (before the first step): energy guidance
    /// three ways on the same noise beside the exact target. Only for the energy they learned.
    pub fn use_energy_networks(&mut self, networks: EnergyNetworks) -> Result<(), String> {
        let trained = TRAINED_ENERGY;
        if !trained.fits(&self.config) {
            return Err(format!(
                "the energy networks learned beta = {} and centre ({}, {}) on {} under energy \
                 conditioning, not these settings",
                trained.beta,
                trained.center[0],
                trained.center[1],
                trained.data.join(", ")
            ));
        }
        if self.runs[0].index() > 0 {
            return Err("energy networks join a lab before its first step".into());
        }
        self.energy_networks = Some(networks);
        self.restart();
        Ok(())
    }

    /// eps of every method's (guided) denoiser at time `t` for the points `xy` (flattened pairs),
    /// stacked like a frame's blocks: the field the samplers follow.
    pub fn eps_field(&self, t: f64, xy: &[f32]) -> Result<Tensor<2>, String> {
        let x = field_points(xy, t, &self.device)?;
        let level = self.schedule.level(t);
        let fields = (0..self.methods().len())
            .map(|m| self.with_parts(m, |parts| parts.model.eps(x.clone(), &level)))
            .collect();
        Ok(Tensor::cat(fields, 0))
    }

    /// The exact target's density of x1 at `xs` (at t = 0): p(x1 | x2 = y) when conditioning on
    /// an observation.
    pub fn exact_x1_density(&self, xs: &[f64]) -> Vec<f64> {
        xs.iter()
            .map(|&x| {
                self.target
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
        flat_samples(&self.data, n, self.config.seed)
    }

    /// Exact samples of the conditioning's target, flattened [n, 2].
    pub fn target_samples(&self, n: usize) -> Vec<f32> {
        flat_samples(&self.target, n, self.config.seed)
    }

    /// The forward process at time `t` for `batch` data points: x_t = alpha x_0 + sigma z with
    /// x_0 and z fixed by the seed, stacked as [x_t; x_0].
    pub fn forward(&self, t: f64) -> Result<Tensor<2>, String> {
        if !(0.0..=1.0).contains(&t) {
            return Err("t must be in [0, 1]".into());
        }
        let batch = self.config.batch;
        let x0 = crate::tensor::from_rows(
            &self
                .data
                .sample(
                    batch,
                    &mut crate::noise::Noise::new(self.config.seed, crate::noise::Stream::Data),
                )
                .0,
            &self.device,
        );
        let z = crate::noise::Noise::new(self.config.seed, crate::noise::Stream::Prior).normal(
            batch,
            2,
            &self.device,
        );
        let level = self.schedule.level(t.max(1e-9));
        let xt = x0.clone().mul_scalar(level.alpha) + z.mul_scalar(level.sigma);
        Ok(Tensor::cat(vec![xt, x0], 0))
    }
}

fn flat_samples(mixture: &GaussianMixture, n: usize, seed: u64) -> Vec<f32> {
    let mut noise = crate::noise::Noise::new(seed, crate::noise::Stream::Data);
    let (xs, _) = mixture.sample(n, &mut noise);
    xs.into_iter().flatten().map(|v| v as f32).collect()
}

impl Lab for Lab2d {
    type Settings = Lab2dConfig;

    fn config(&self) -> &Lab2dConfig {
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
        let c = &self.config;
        let learned;
        let base: &dyn ConditionalDenoiser = match &self.network {
            Some(network) if c.model == Model::Learned => {
                learned = network.as_ref();
                learned
            }
            _ => &self.data,
        };
        let unconditional = WithLabel {
            model: base,
            label: None,
        };
        let (guided_cfg, guided_classifier, guided_energy, guided_reconstruction);
        let (guided_cep, guided_force);
        let (model, projection): (&dyn Denoiser, Option<&dyn crate::projection::Projection>) =
            match self.methods()[m] {
                Method::Unconditional => (&unconditional, None),
                Method::Exact => (&self.target, None),
                Method::Replacement => (&unconditional, Some(&self.replacement)),
                Method::Reconstruction => {
                    guided_reconstruction = ReconstructionGuidance {
                        model: &unconditional,
                        observation: &self.observation,
                        scale: c.guidance_scale,
                        damped: c.model == Model::Learned,
                    };
                    (&guided_reconstruction, None)
                }
                Method::Cfg => {
                    guided_cfg = ClassifierFree {
                        model: base,
                        class: c.label,
                        w: c.w,
                    };
                    (&guided_cfg, None)
                }
                Method::Classifier => {
                    guided_classifier = ClassifierGuidance {
                        model: &unconditional,
                        classifier: &self.data,
                        class: c.label,
                        scale: c.w,
                    };
                    (&guided_classifier, None)
                }
                Method::Energy => {
                    guided_energy = EnergyGuidance::new(
                        &unconditional,
                        &self.energy,
                        c.beta,
                        &self.energy_samples,
                        &self.device,
                    );
                    (&guided_energy, None)
                }
                Method::Cep => {
                    guided_cep = TrainedEnergyGuidance {
                        model: &unconditional,
                        energy: &self.energy_networks().energy,
                    };
                    (&guided_cep, None)
                }
                Method::Force => {
                    guided_force = ForceGuidance {
                        model: &unconditional,
                        force: &self.energy_networks().force,
                    };
                    (&guided_force, None)
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
        assert_refused::<Lab2dConfig>(&[
            (r#"{"sampler":"nope"}"#, "unknown sampler"),
            (r#"{"steps":0}"#, "steps"),
            (r#"{"batch":100000000}"#, "batch"),
            (r#"{"stepz":3}"#, "unknown field"),
            (r#"{"y":"x"}"#, "bad lab settings"),
            (r#"{"preset":"moons"}"#, "unknown data set"),
            ("not json", "bad lab settings"),
            (r#"{"conditioning":"vibes"}"#, "unknown conditioning"),
            (r#"{"conditioning":"class"}"#, "single class"),
            (
                r#"{"preset":"blobs","conditioning":"class","label":3}"#,
                "label",
            ),
            (r#"{"model":"learned"}"#, "no score network"),
            (r#"{"w":1e6}"#, "between -100 and 100"),
            (
                r#"{"schedule":"linear"}"#,
                "unknown schedule 'linear' (one of vp, cosine, ve)",
            ),
            (r#"{"model":"magic"}"#, "unknown model"),
            (r#"{"sampler":3}"#, "bad lab settings"),
        ]);
        assert_eq!(
            Lab2dConfig::from_json("{}").unwrap(),
            Lab2dConfig::default()
        );
    }

    /// The page's settings as it sends them, read and written back unchanged.
    #[test]
    fn the_page_settings_round_trip() {
        let json = r#"{"preset":"ring","schedule":"cosine","sampler":"ode-heun","steps":3,"batch":100,"seed":2,"eta":0.0,"snr":0.16,"y":1.0,"obs_std":0.05,"guidance_scale":1.0,"conditioning":"class","model":"learned","label":1,"w":2.0,"beta":1.0,"center":[1.5,1.5]}"#;
        let config = Lab2dConfig::from_json(json).unwrap();
        assert_eq!(config.sampler, SamplerKind::OdeHeun);
        assert_eq!(serde_json::to_string(&config).unwrap(), json);
        let vp = Lab2dConfig::from_json(r#"{"schedule":"vp-linear"}"#).unwrap();
        assert_eq!(vp.schedule, ScheduleKind::Vp);
    }

    #[test]
    fn runs_share_their_noise_and_replacement_pins_x2() {
        let config = Lab2dConfig {
            steps: 5,
            batch: 8,
            ..Lab2dConfig::default()
        };
        let mut lab = Lab2d::new(config.clone(), None, &Device::flex()).unwrap();
        let start = to_vec(lab.frame().values);
        // The exact and unconditional runs start from the same prior sample.
        assert_eq!(start[0..16], start[32..48]);
        let mut frames = 0;
        while let Some(frame) = lab.step() {
            frames += 1;
            assert_eq!(frame.moves[0], frames);
        }
        assert_eq!(frames, 5);
        let end = to_vec(lab.frame().values);
        let replacement_x = &end[64..80];
        let t_min = ScheduleKind::Vp.build().level(1e-3);
        for pair in replacement_x.chunks(2) {
            assert!((pair[1] as f64 - t_min.alpha * config.y).abs() < 5.0 * t_min.sigma);
        }
    }

    /// The final x of every run of a finished lab, as [method][batch] pairs.
    fn finish(config: Lab2dConfig) -> (Lab2d, Vec<Vec<[f64; 2]>>) {
        let batch = config.batch;
        let mut lab = Lab2d::new(config, None, &Device::flex()).unwrap();
        while lab.step().is_some() {}
        let end = to_vec(lab.frame().values);
        let runs = (0..lab.methods().len())
            .map(|m| {
                end[2 * m * batch * 2..(2 * m + 1) * batch * 2]
                    .chunks(2)
                    .map(|p| [f64::from(p[0]), f64::from(p[1])])
                    .collect()
            })
            .collect();
        (lab, runs)
    }

    /// With the exact model, CFG at w = 1 and classifier guidance at scale 1 (the exact
    /// classifier) are the exact class conditional: samples of blob 1 of three, against 30 % of
    /// unconditional samples. 2,000 samples: the share's standard error is at most 0.011.
    #[test]
    fn class_guidance_at_one_is_the_exact_class_conditional() {
        let config = Lab2dConfig {
            preset: Preset::Blobs,
            conditioning: Conditioning::Class,
            label: 1,
            w: 1.0,
            steps: 100,
            batch: 2000,
            ..Lab2dConfig::default()
        };
        let (_, runs) = finish(config);
        // Blob 1 sits at (2, -1.2), the others at (-2, -1.2) and (0, 2), all with sd 0.4.
        let share = |run: &Vec<[f64; 2]>| {
            run.iter().filter(|p| p[0] > 1.0 && p[1] < 0.4).count() as f64 / run.len() as f64
        };
        let shares: Vec<f64> = runs.iter().map(share).collect();
        assert!((shares[0] - 0.3).abs() < 0.05, "unconditional {shares:?}");
        for (m, s) in shares.iter().enumerate().skip(1) {
            assert!(*s > 0.97, "method {m}: share {s} ({shares:?})");
        }
    }

    /// Energy guidance (Monte Carlo over 2,000 data samples) reaches the exact tilted target:
    /// sample means agree within 0.1 (the target's sd is at most 1; standard error 0.03).
    #[test]
    fn energy_guidance_reaches_the_exact_tilted_target() {
        let config = Lab2dConfig {
            preset: Preset::Blobs,
            conditioning: Conditioning::Energy,
            beta: 1.0,
            center: [1.5, 1.5],
            steps: 100,
            batch: 2000,
            ..Lab2dConfig::default()
        };
        let (lab, runs) = finish(config);
        let mean = |run: &Vec<[f64; 2]>| {
            let n = run.len() as f64;
            [0, 1].map(|i| run.iter().map(|p| p[i]).sum::<f64>() / n)
        };
        let exact = mean(&runs[1]);
        let guided = mean(&runs[2]);
        let unconditional = mean(&runs[0]);
        for i in 0..2 {
            assert!(
                (exact[i] - guided[i]).abs() < 0.1,
                "{exact:?} vs {guided:?}"
            );
        }
        // The tilt moves the samples towards the center, visibly.
        assert!(
            exact[0] - unconditional[0] > 0.3,
            "{exact:?} vs {unconditional:?}"
        );
        assert_eq!(lab.target_samples(3).len(), 6);
    }

    /// The trained energy runs join the lab on the same noise, and only for the energy the
    /// networks learned. (Untrained networks here: tests/trained_energy.rs measures the shipped.)
    #[test]
    fn energy_networks_add_their_runs_for_their_energy_only() {
        let device = Device::flex();
        let networks = EnergyNetworks {
            energy: Rc::new(crate::network::TimeMlpConfig::energy(2).init(&device)),
            force: Rc::new(crate::network::TimeMlpConfig::force(2).init(&device)),
        };
        let config = Lab2dConfig {
            preset: Preset::Blobs,
            conditioning: Conditioning::Energy,
            steps: 3,
            batch: 8,
            ..Lab2dConfig::default()
        };
        assert!(TRAINED_ENERGY.fits(&config));
        assert!(TRAINED_ENERGY.fits(&Lab2dConfig {
            preset: Preset::Ring,
            ..config.clone()
        }));
        let mut lab = Lab2d::new(config.clone(), None, &device).unwrap();
        lab.use_energy_networks(networks.clone()).unwrap();
        assert_eq!(lab.methods(), TRAINED_ENERGY_METHODS);
        let start = to_vec(lab.frame().values);
        // Blocks of 8 pairs, x and x0_hat per run: every run's x starts from the same noise.
        for m in 1..5 {
            assert_eq!(start[0..16], start[32 * m..32 * m + 16], "run {m}");
        }
        lab.step();
        assert!(lab.use_energy_networks(networks.clone()).is_err());
        for other in [
            Lab2dConfig {
                beta: 2.0,
                ..config.clone()
            },
            Lab2dConfig {
                center: [1.0, 1.5],
                ..config.clone()
            },
            Lab2dConfig {
                preset: Preset::Correlated,
                ..config.clone()
            },
            Lab2dConfig {
                conditioning: Conditioning::Class,
                ..config.clone()
            },
        ] {
            let mut lab = Lab2d::new(other, None, &device).unwrap();
            let err = lab.use_energy_networks(networks.clone()).unwrap_err();
            assert!(err.contains("beta = 1"), "{err}");
        }
    }

    #[test]
    fn the_forward_process_blurs_data_into_the_prior() {
        let config = Lab2dConfig {
            batch: 4000,
            ..Lab2dConfig::default()
        };
        let lab = Lab2d::new(config, None, &Device::flex()).unwrap();
        let at = |t: f64| to_vec(lab.forward(t).unwrap());
        let start = at(0.0);
        let gap = start[..8000]
            .iter()
            .zip(&start[8000..])
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(gap < 1e-3, "x_t at t = 0 is x_0, not {gap} away");
        let end = at(1.0);
        let xs: Vec<f64> = end[..8000].iter().map(|&v| f64::from(v)).collect();
        let mean = xs.iter().sum::<f64>() / 8000.0;
        let var = xs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 8000.0;
        // N(0, 1): standard errors 0.011 (mean) and 0.016 (variance).
        assert!(
            mean.abs() < 0.05 && (var - 1.0).abs() < 0.07,
            "{mean} {var}"
        );
        assert!(lab.forward(1.5).is_err());
    }
}
