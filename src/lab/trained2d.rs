//! The train demo's samples: the score network being trained in the page, unconditional and
//! by classifier-free guidance towards each class that has data, every run from the same noise,
//! each beside the exact score's run where the data has a closed form.

use super::{Lab, Settings};
use crate::denoiser::{Denoiser, GaussianMixture, WithLabel};
use crate::guidance::ClassifierFree;
use crate::network::ScoreMlp;
use crate::projection::Projection;
use crate::sampler::{self, Sampler, SamplerKind, Trajectory};
use crate::schedule::{Schedule, VpLinear};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Trained2dConfig {
    pub sampler: SamplerKind,
    pub steps: usize,
    pub batch: usize,
    pub seed: u64,
    pub eta: f64,
    pub snr: f64,
    /// Classifier-free guidance scale of the class runs: 1 samples the network's class
    /// conditional.
    pub w: f64,
}

impl Default for Trained2dConfig {
    fn default() -> Self {
        Self {
            sampler: SamplerKind::Ddim,
            steps: 50,
            batch: 500,
            seed: 1,
            eta: 0.0,
            snr: 0.16,
            w: 1.0,
        }
    }
}

pub const MAX_STEPS: usize = 1000;
pub const MAX_BATCH: usize = 5000;

impl Settings for Trained2dConfig {
    const WHAT: &'static str = "sample settings";

    fn validate(&self) -> Result<(), String> {
        sampler::check_settings(self.steps, MAX_STEPS, self.eta, self.snr)?;
        if !(1..=MAX_BATCH).contains(&self.batch) {
            return Err(format!("batch must be between 1 and {MAX_BATCH}"));
        }
        if !(self.w.is_finite() && self.w.abs() <= 100.0) {
            return Err("w must be between -100 and 100".into());
        }
        Ok(())
    }
}

/// One run: the class it aims at (`None`: unconditional) and whether it follows the network or
/// the closed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Trained2dRun {
    pub label: Option<usize>,
    pub exact: bool,
}

pub struct Trained2d {
    config: Trained2dConfig,
    network: Rc<ScoreMlp>,
    kinds: Vec<Trained2dRun>,
    /// The exact runs' targets: the data, or its class conditional.
    exact: Option<GaussianMixture>,
    sampler: Box<dyn Sampler>,
    schedule: VpLinear,
    runs: Vec<Trajectory>,
}

impl Trained2d {
    /// Runs for no class and each of `classes`; beside each, the closed form's, given `exact`.
    pub fn new(
        config: Trained2dConfig,
        network: Rc<ScoreMlp>,
        classes: &[usize],
        exact: Option<GaussianMixture>,
        device: &Device,
    ) -> Result<Self, String> {
        config.validate()?;
        let known = crate::network::EpsNetwork::num_classes(network.as_ref());
        if let Some(&c) = classes.iter().find(|&&c| c >= known) {
            return Err(format!("class {c}: the network knows {known} classes"));
        }
        let labels = std::iter::once(None).chain(classes.iter().copied().map(Some));
        let kinds = labels
            .flat_map(|label| {
                let exact = exact
                    .is_some()
                    .then_some(Trained2dRun { label, exact: true });
                std::iter::once(Trained2dRun {
                    label,
                    exact: false,
                })
                .chain(exact)
            })
            .collect();
        let mut lab = Self {
            sampler: config.sampler.build(config.eta, config.snr),
            config,
            network,
            kinds,
            exact,
            schedule: VpLinear::default(),
            runs: Vec::new(),
        };
        let c = &lab.config;
        let (walk, draw) = ((c.steps, lab.schedule.t_min()), (c.batch, c.seed));
        lab.start_in_step(lab.kinds.len(), walk, draw, device);
        Ok(lab)
    }

    /// What each run is, in the order of a frame's blocks.
    pub fn kinds(&self) -> &[Trained2dRun] {
        &self.kinds
    }
}

impl Lab for Trained2d {
    type Settings = Trained2dConfig;

    fn config(&self) -> &Trained2dConfig {
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
        &self.schedule
    }

    fn with_guidance<R>(
        &self,
        r: usize,
        f: impl FnOnce(&dyn Denoiser, Option<&dyn Projection>) -> R,
    ) -> R {
        let run = self.kinds[r];
        if run.exact {
            let exact = self
                .exact
                .as_ref()
                .expect("exact runs exist with the closed form");
            return match run.label {
                None => f(exact, None),
                Some(label) => f(&exact.given(label), None),
            };
        }
        match run.label {
            None => f(
                &WithLabel {
                    model: self.network.as_ref(),
                    label: None,
                },
                None,
            ),
            Some(class) => f(
                &ClassifierFree {
                    model: self.network.as_ref(),
                    class,
                    w: self.config.w,
                },
                None,
            ),
        }
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::lab::assert_refused;
    use crate::network::ScoreMlpConfig;
    use crate::presets::three_blobs;

    #[test]
    fn runs_pair_the_network_with_the_closed_form_per_class() {
        let device = Device::flex();
        let network = Rc::new(ScoreMlpConfig::new(2).with_num_classes(3).init(&device));
        let config = Trained2dConfig {
            steps: 3,
            batch: 4,
            ..Trained2dConfig::default()
        };
        let mut lab = Trained2d::new(
            config.clone(),
            network.clone(),
            &[0, 2],
            Some(three_blobs()),
            &device,
        )
        .unwrap();
        let kinds: Vec<(Option<usize>, bool)> =
            lab.kinds().iter().map(|k| (k.label, k.exact)).collect();
        assert_eq!(
            kinds,
            [
                (None, false),
                (None, true),
                (Some(0), false),
                (Some(0), true),
                (Some(2), false),
                (Some(2), true)
            ]
        );
        while lab.step().is_some() {}
        assert_eq!(lab.frame().values.dims(), [6 * 2 * 4, 2]);
        // Without a closed form, the network's runs alone.
        let alone = Trained2d::new(config.clone(), network.clone(), &[1], None, &device).unwrap();
        assert_eq!(alone.kinds().len(), 2);
        let err = Trained2d::new(config, network, &[3], None, &device)
            .err()
            .unwrap();
        assert!(err.contains("knows 3 classes"), "{err}");
    }

    #[test]
    fn bad_settings_are_refused_with_a_reason() {
        assert_refused::<Trained2dConfig>(&[
            (r#"{"steps":0}"#, "steps"),
            (r#"{"batch":0}"#, "batch"),
            (r#"{"w":1000}"#, "w must be"),
            (r#"{"sampler":"nope"}"#, "unknown sampler"),
            (r#"{"wz":1}"#, "unknown field"),
        ]);
    }
}
