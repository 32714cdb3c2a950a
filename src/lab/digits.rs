//! The MNIST demos: up to four runs of the U-Net from the same noise, each with its own sampler,
//! step count, guidance and inpainting method, so the page can put settings side by side (Ilin &
//! Friesen's 20 / 50 / 200 / 1000 steps, three inpainting methods, a guidance scale against
//! another).

use super::{Lab, Settings};
use crate::denoiser::{Denoiser, WithLabel};
use crate::guidance::{
    ClassifierFree, ClassifierGuidance, Motif, MotifObservation, ReconstructionGuidance,
};
use crate::network::{CLASSES, DigitClassifier, SIDE, UNet};
use crate::observation::{Likelihood, LinearObservation, Observation};
use crate::projection::{Projection, Replacement, repaint_times};
use crate::sampler::{self, Sampler, SamplerKind, Trajectory, uniform_times};
use crate::schedule::{Schedule, ScheduleKind};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// How a run uses the known pixels of an image, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "lowercase")]
pub enum Inpainting {
    None,
    /// Overwrite the known pixels with the noised image after every step.
    Replacement,
    /// Replacement, with RePaint's jumps back up in noise so both parts can harmonise.
    Repaint,
    /// Reconstruction guidance: the gradient of the known pixels' likelihood at x0_hat.
    Reconstruction,
    /// Reconstruction guidance with the known pixels' place unknown: they must appear somewhere,
    /// as a motif does in motif scaffolding; the likelihood is a log-sum-exp over every place
    /// their bounding box fits in the image.
    Anywhere,
}

crate::choice!(Inpainting, "inpainting");

/// One run's settings. Unknown fields are rejected so a typo is an error, not a silent default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    pub sampler: SamplerKind,
    pub steps: usize,
    /// DDIM's eta.
    pub eta: f64,
    /// The predictor–corrector's signal-to-noise ratio.
    pub snr: f64,
    /// The digit to condition on; `None` samples unconditionally.
    pub label: Option<usize>,
    /// Classifier-free guidance scale (docs/architecture.md): 0 unconditional, 1 conditional.
    pub w: f64,
    /// Classifier guidance scale, through the noise-conditioned classifier.
    pub classifier_scale: f64,
    pub inpainting: Inpainting,
    /// RePaint: intervals per jump back up, and how often each stretch is walked.
    pub jump: usize,
    pub resamplings: usize,
    /// Reconstruction guidance scale.
    pub guidance_scale: f64,
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            sampler: SamplerKind::Em,
            steps: 50,
            eta: 0.0,
            snr: 0.16,
            label: None,
            w: 1.0,
            classifier_scale: 0.0,
            inpainting: Inpainting::None,
            jump: 5,
            resamplings: 3,
            guidance_scale: 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DigitLabConfig {
    pub seed: u64,
    /// Samples per run.
    pub batch: usize,
    pub runs: Vec<RunConfig>,
}

impl Default for DigitLabConfig {
    fn default() -> Self {
        Self {
            seed: 3,
            batch: 4,
            runs: vec![RunConfig::default()],
        }
    }
}

pub const MAX_RUNS: usize = 4;
pub const MAX_BATCH: usize = 64;
pub const MAX_STEPS: usize = 1000;
/// Beyond this a guidance scale only saturates pixels; the sliders stop far below.
pub const MAX_SCALE: f64 = 100.0;

impl Settings for DigitLabConfig {
    const WHAT: &'static str = "digit settings";

    fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_RUNS).contains(&self.runs.len()) {
            return Err(format!(
                "between 1 and {MAX_RUNS} runs, not {}",
                self.runs.len()
            ));
        }
        if !(1..=MAX_BATCH).contains(&self.batch) {
            return Err(format!("batch must be between 1 and {MAX_BATCH}"));
        }
        self.runs.iter().try_for_each(RunConfig::validate)
    }
}

impl RunConfig {
    fn validate(&self) -> Result<(), String> {
        sampler::check_settings(self.steps, MAX_STEPS, self.eta, self.snr)?;
        if let Some(label) = self.label
            && label >= CLASSES
        {
            return Err(format!("label must be a digit, not {label}"));
        }
        for (name, scale) in [
            ("w", self.w),
            ("classifier_scale", self.classifier_scale),
            ("guidance_scale", self.guidance_scale),
        ] {
            if !(scale.is_finite() && scale.abs() <= MAX_SCALE) {
                return Err(format!(
                    "{name} must be between -{MAX_SCALE} and {MAX_SCALE}"
                ));
            }
        }
        if self.classifier_scale != 0.0 && self.label.is_none() {
            return Err("classifier guidance needs a label to guide towards".into());
        }
        if self.inpainting == Inpainting::Repaint && !(1..=50).contains(&self.jump) {
            return Err("RePaint's jump must be between 1 and 50".into());
        }
        if self.inpainting == Inpainting::Repaint && !(1..=10).contains(&self.resamplings) {
            return Err("RePaint's resamplings must be between 1 and 10".into());
        }
        Ok(())
    }

    fn times(&self, t_min: f64) -> Vec<f64> {
        match self.inpainting {
            Inpainting::Repaint => repaint_times(self.steps, t_min, self.jump, self.resamplings),
            _ => uniform_times(self.steps, t_min),
        }
    }
}

/// The image that inpainting runs condition on: pixel values in [-1, 1] and which are known.
pub struct KnownPixels {
    replacement: Replacement,
    observation: LinearObservation,
    /// The known pixels' bounding box as a motif; `None` when no pixel is known.
    motif: Option<Motif>,
}

impl KnownPixels {
    pub fn new(image: &[f32], known: &[bool]) -> Result<Self, String> {
        if image.len() != known.len() {
            return Err(format!(
                "the image has {} pixels but the mask {}",
                image.len(),
                known.len()
            ));
        }
        if let Some(bad) = image.iter().find(|v| !(-1.0..=1.0).contains(*v)) {
            return Err(format!("pixel value {bad} is outside [-1, 1]"));
        }
        let observed: Vec<Option<f64>> = image
            .iter()
            .zip(known)
            .map(|(&v, &k)| k.then_some(f64::from(v)))
            .collect();
        let indices: Vec<usize> = (0..known.len()).filter(|&i| known[i]).collect();
        let values = indices.iter().map(|&i| f64::from(image[i])).collect();
        let motif = match indices.as_slice() {
            [] => None,
            _ if known.len() != SIDE * SIDE => None,
            _ => {
                let (rows, cols) = (
                    indices.iter().map(|i| i / SIDE),
                    indices.iter().map(|i| i % SIDE),
                );
                let (top, bottom) = (rows.clone().min().unwrap_or(0), rows.max().unwrap_or(0));
                let (left, right) = (cols.clone().min().unwrap_or(0), cols.max().unwrap_or(0));
                let window = [bottom - top + 1, right - left + 1];
                let box_values = (0..window[0] * window[1])
                    .map(|k| {
                        let p = (top + k / window[1]) * SIDE + left + k % window[1];
                        known[p].then_some(f64::from(image[p]))
                    })
                    .collect();
                Some(Motif::new(window, [SIDE, SIDE], box_values, 0.0)?)
            }
        };
        Ok(Self {
            motif,
            replacement: Replacement::new(&observed),
            // Exact pixels: reconstruction guidance's own widening r_t^2 keeps the variance positive.
            observation: LinearObservation::coordinates(
                known.len(),
                &indices,
                values,
                Likelihood::Gaussian { std: 0.0 },
            ),
        })
    }
}

pub struct DigitLab {
    config: DigitLabConfig,
    unet: Rc<UNet>,
    guide: Option<Rc<DigitClassifier>>,
    known: Option<KnownPixels>,
    samplers: Vec<Box<dyn Sampler>>,
    schedule: Box<dyn Schedule>,
    runs: Vec<Trajectory>,
}

impl DigitLab {
    /// `guide` is the noise-conditioned classifier, needed only by runs with classifier
    /// guidance; `known` only by inpainting runs.
    pub fn new(
        config: DigitLabConfig,
        unet: Rc<UNet>,
        guide: Option<Rc<DigitClassifier>>,
        known: Option<KnownPixels>,
        device: &Device,
    ) -> Result<Self, String> {
        config.validate()?;
        if guide.is_none() && config.runs.iter().any(|r| r.classifier_scale != 0.0) {
            return Err("classifier guidance needs the noise-conditioned classifier".into());
        }
        if known.is_none() && config.runs.iter().any(|r| r.inpainting != Inpainting::None) {
            return Err("inpainting needs an image and a mask of known pixels".into());
        }
        if known.as_ref().is_some_and(|k| k.motif.is_none())
            && config
                .runs
                .iter()
                .any(|r| r.inpainting == Inpainting::Anywhere)
        {
            return Err(
                "pixels at an unknown place need some known pixels in a 28x28 image".into(),
            );
        }
        let dim = crate::denoiser::ConditionalDenoiser::dim(unet.as_ref());
        if let Some(k) = &known
            && k.observation.a.cols() != dim
        {
            return Err(format!(
                "the image has {} pixels, the network draws {dim}",
                k.observation.a.cols()
            ));
        }
        // The U-Net was trained on the VP schedule; another would ask it about noise it never saw.
        let schedule = ScheduleKind::Vp.build();
        let samplers = config
            .runs
            .iter()
            .map(|r| r.sampler.build(r.eta, r.snr))
            .collect();
        let mut lab = Self {
            config,
            unet,
            guide,
            known,
            samplers,
            schedule,
            runs: Vec::new(),
        };
        let t_min = lab.schedule.t_min();
        let times: Vec<Vec<f64>> = lab.config.runs.iter().map(|r| r.times(t_min)).collect();
        let (batch, seed) = (lab.config.batch, lab.config.seed);
        lab.start_runs(times.len(), |r| times[r].clone(), batch, seed, device);
        Ok(lab)
    }
}

impl Lab for DigitLab {
    type Settings = DigitLabConfig;

    fn config(&self) -> &DigitLabConfig {
        &self.config
    }

    fn runs(&self) -> &[Trajectory] {
        &self.runs
    }

    fn runs_mut(&mut self) -> &mut Vec<Trajectory> {
        &mut self.runs
    }

    fn sampler(&self, r: usize) -> &dyn Sampler {
        self.samplers[r].as_ref()
    }

    fn schedule(&self) -> &dyn Schedule {
        self.schedule.as_ref()
    }

    fn with_guidance<R>(
        &self,
        r: usize,
        f: impl FnOnce(&dyn Denoiser, Option<&dyn Projection>) -> R,
    ) -> R {
        let run = &self.config.runs[r];
        let unet: &UNet = &self.unet;
        let (cfg, plain, classified, reconstructed, anywhere);
        let mut model: &dyn Denoiser = match run.label {
            Some(class) => {
                cfg = ClassifierFree {
                    model: unet,
                    class,
                    w: run.w,
                };
                &cfg
            }
            None => {
                plain = WithLabel {
                    model: unet,
                    label: None,
                };
                &plain
            }
        };
        if let (Some(class), Some(guide)) = (run.label, &self.guide)
            && run.classifier_scale != 0.0
        {
            classified = ClassifierGuidance {
                model,
                classifier: guide.as_ref(),
                class,
                scale: run.classifier_scale,
            };
            model = &classified;
        }
        let known = self.known.as_ref();
        let observation: Option<&dyn Observation> = match (run.inpainting, known) {
            (Inpainting::Reconstruction, Some(k)) => Some(&k.observation),
            (
                Inpainting::Anywhere,
                Some(KnownPixels {
                    motif: Some(motif), ..
                }),
            ) => {
                anywhere = MotifObservation {
                    points: None,
                    motif,
                };
                Some(&anywhere)
            }
            _ => None,
        };
        if let Some(observation) = observation {
            reconstructed = ReconstructionGuidance {
                model,
                observation,
                scale: run.guidance_scale,
                damped: true,
            };
            model = &reconstructed;
        }
        let projection: Option<&dyn Projection> = match (run.inpainting, known) {
            (Inpainting::Replacement | Inpainting::Repaint, Some(k)) => Some(&k.replacement),
            _ => None,
        };
        f(model, projection)
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;
    use crate::lab::assert_refused;
    use crate::network::{DigitClassifierConfig, UNetConfig};
    use crate::tensor::to_vec;

    fn lab(config: DigitLabConfig, known: Option<KnownPixels>) -> Result<DigitLab, String> {
        let device = Device::flex();
        let guide = DigitClassifierConfig::new()
            .with_noise_conditioned(true)
            .init(&device);
        DigitLab::new(
            config,
            Rc::new(UNetConfig::new().init(&device)),
            Some(Rc::new(guide)),
            known,
            &device,
        )
    }

    fn run(overrides: RunConfig) -> RunConfig {
        RunConfig {
            steps: 3,
            ..overrides
        }
    }

    #[test]
    fn bad_settings_are_rejected_with_a_message() {
        assert_refused::<DigitLabConfig>(&[
            (r#"{"runs":[]}"#, "runs"),
            (r#"{"batch":0}"#, "batch"),
            (r#"{"runs":[{"sampler":"nope"}]}"#, "unknown sampler"),
            (r#"{"runs":[{"steps":0}]}"#, "steps"),
            (r#"{"runs":[{"label":10}]}"#, "digit"),
            (r#"{"runs":[{"label":7,"w":1e6}]}"#, "w must be"),
            (r#"{"runs":[{"classifier_scale":2}]}"#, "needs a label"),
            (r#"{"runs":[{"inpainting":"magic"}]}"#, "bad digit settings"),
            (r#"{"runz":[]}"#, "unknown field"),
        ]);
        let inpaint = DigitLabConfig {
            runs: vec![RunConfig {
                inpainting: Inpainting::Replacement,
                ..RunConfig::default()
            }],
            ..DigitLabConfig::default()
        };
        assert!(lab(inpaint, None).err().unwrap().contains("needs an image"));
        assert!(KnownPixels::new(&[2.0], &[true]).is_err());
        assert!(KnownPixels::new(&[0.0; 3], &[true]).is_err());
    }

    #[test]
    fn runs_share_their_noise_and_end_at_their_own_step_counts() {
        let config = DigitLabConfig {
            seed: 5,
            batch: 2,
            runs: vec![
                run(RunConfig::default()),
                RunConfig {
                    steps: 5,
                    sampler: SamplerKind::Ddim,
                    label: Some(7),
                    w: 3.0,
                    ..RunConfig::default()
                },
            ],
        };
        let mut lab = lab(config, None).unwrap();
        let start = to_vec(lab.frame().values);
        let block = 2 * 784;
        // Rows: run 0 x, run 0 x0_hat, run 1 x, run 1 x0_hat.
        assert_eq!(start[0..block], start[2 * block..3 * block]);
        let mut frames = 0;
        while let Some(frame) = lab.step() {
            frames += 1;
            assert_eq!(frame.moves, vec![frames.min(3), frames]);
        }
        assert_eq!(frames, 5);
        assert_eq!(lab.moves_total(), vec![3, 5]);
        assert!(to_vec(lab.frame().values).iter().all(|v| v.is_finite()));
    }

    #[test]
    fn replacement_and_repaint_keep_the_known_pixels() {
        let image: Vec<f32> = (0..784)
            .map(|i| if i % 3 == 0 { 0.8 } else { -0.6 })
            .collect();
        let known: Vec<bool> = (0..784).map(|i| i < 392).collect();
        let runs = [
            Inpainting::Replacement,
            Inpainting::Repaint,
            Inpainting::Reconstruction,
        ]
        .map(|inpainting| {
            run(RunConfig {
                inpainting,
                jump: 1,
                resamplings: 2,
                ..RunConfig::default()
            })
        })
        .to_vec();
        let config = DigitLabConfig {
            batch: 2,
            runs,
            ..DigitLabConfig::default()
        };
        let mut lab = lab(config, Some(KnownPixels::new(&image, &known).unwrap())).unwrap();
        assert!(
            lab.moves_total()[1] > lab.moves_total()[0],
            "RePaint walks back up"
        );
        while lab.step().is_some() {}
        let end = to_vec(lab.frame().values);
        let t_min = ScheduleKind::Vp.build().level(1e-3);
        let x_of = |r: usize| &end[r * 2 * 2 * 784..(r * 2 + 1) * 2 * 784];
        for r in 0..2 {
            for (i, v) in x_of(r).iter().enumerate() {
                let p = i % 784;
                if known[p] {
                    let want = t_min.alpha * f64::from(image[p]);
                    assert!(
                        (f64::from(*v) - want).abs() < 6.0 * t_min.sigma,
                        "run {r} pixel {p}"
                    );
                }
            }
        }
        assert!(x_of(2).iter().all(|v| v.is_finite()));
    }

    /// The place-unknown run needs known pixels to place, and with them runs to finite images.
    #[test]
    fn pixels_at_an_unknown_place_need_known_pixels_and_run() {
        let image = vec![-1.0f32; 784];
        let anywhere = DigitLabConfig {
            batch: 2,
            runs: vec![run(RunConfig {
                inpainting: Inpainting::Anywhere,
                steps: 3,
                ..RunConfig::default()
            })],
            ..DigitLabConfig::default()
        };
        let none = KnownPixels::new(&image, &[false; 784]).unwrap();
        let err = lab(anywhere.clone(), Some(none)).err().unwrap();
        assert!(err.contains("need some known pixels"), "{err}");
        // A 6 x 4 patch with a hole: a 23 x 25 grid of places.
        let known: Vec<bool> = (0..784)
            .map(|p| (10..16).contains(&(p / 28)) && (3..7).contains(&(p % 28)) && p != 12 * 28 + 4)
            .collect();
        let patch = KnownPixels::new(&image, &known).unwrap();
        assert_eq!(patch.motif.as_ref().unwrap().places(), 23 * 25);
        let mut lab = lab(anywhere, Some(patch)).unwrap();
        while lab.step().is_some() {}
        assert!(to_vec(lab.frame().values).iter().all(|v| v.is_finite()));
    }
}
