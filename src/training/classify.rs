use super::checkpoint::Checkpoint;
use super::learning_rate::LearningRateSchedule;
use super::noise_at_random_times;
use super::optimised::Optimised;
use crate::network::DigitClassifier;
use crate::noise::{Noise, Stream};
use crate::schedule::{NoiseLevel, Schedule};
use crate::tensor::from_rows;
use burn::tensor::{Device, Int, Tensor, TensorData, activation};

/// The knobs of a classifier run; a checkpoint records them and a resume must match them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClassifierSettings {
    /// The peak learning rate.
    pub learning_rate: f64,
    #[serde(default)]
    pub lr_schedule: LearningRateSchedule,
    pub ema_decay: f64,
    pub seed: u64,
}

/// Cross-entropy training of a [`DigitClassifier`]. A noise-conditioned classifier sees each
/// image at a random t on `schedule` (Dhariwal & Nichol train theirs on noised inputs);
/// a clean one sees the images as they are. Adam, a moving average of the weights to evaluate and
/// export, checkpoints and exact resume as for the denoisers.
pub struct ClassifierTrainer {
    state: Optimised<DigitClassifier>,
    settings: ClassifierSettings,
    device: Device,
}

impl ClassifierTrainer {
    /// `model` must live on `device.autodiff()`.
    pub fn new(model: DigitClassifier, settings: ClassifierSettings, device: &Device) -> Self {
        Self {
            state: Optimised::new(
                model,
                settings.learning_rate,
                settings.lr_schedule,
                settings.ema_decay,
                settings.seed,
            ),
            settings,
            device: device.clone(),
        }
    }

    pub fn model(&self) -> &DigitClassifier {
        &self.state.model
    }

    /// The moving average of the weights, without autodiff.
    pub fn ema(&self) -> &DigitClassifier {
        self.state.ema()
    }

    pub fn steps(&self) -> u64 {
        self.state.steps()
    }

    pub fn checkpoint(&self, run: serde_json::Value) -> Result<Checkpoint, String> {
        self.state.checkpoint(&self.settings, run)
    }

    /// Continues from `checkpoint`, which must have been written with the same settings.
    pub fn resume(mut self, checkpoint: &Checkpoint) -> Result<Self, String> {
        self.state = self.state.resume(&self.settings, checkpoint)?;
        Ok(self)
    }

    /// One optimiser step on images (rows in [-1, 1]) with their labels; returns the loss.
    pub fn step(&mut self, schedule: &dyn Schedule, x0: &[Vec<f64>], labels: &[usize]) -> f64 {
        let batch = x0.len();
        assert!(batch > 0 && labels.len() == batch, "one label per image");
        let x0 = from_rows(x0, &self.device);
        let (x, t) = if self.state.model.is_noise_conditioned() {
            let noised = noise_at_random_times(schedule, x0, &mut self.state.noise);
            (noised.x, noised.t)
        } else {
            (x0, Tensor::<2>::zeros([batch, 1], &self.device))
        };
        let targets: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
        let targets = Tensor::<1, Int>::from_data(TensorData::new(targets, [batch]), &self.device);
        let log_probs = activation::log_softmax(self.state.model.forward(x, t), 1);
        let loss = log_probs
            .gather(1, targets.reshape([batch, 1]))
            .mean()
            .neg();
        self.state.descend(loss)
    }
}

/// Share of `images` (rows in [-1, 1]) the classifier labels correctly, clean (t = 0).
pub fn accuracy(
    model: &DigitClassifier,
    images: &[Vec<f64>],
    labels: &[usize],
    device: &Device,
) -> f64 {
    accuracy_at(model, None, images, labels, device)
}

/// Share of `images` a noise-conditioned classifier labels correctly when it sees each at the
/// time and noise level given (x_t = alpha x_0 + sigma z, z drawn from a fixed seed, so that
/// successive calls compare the weights alone); clean at t = 0 for `None`.
pub fn accuracy_at(
    model: &DigitClassifier,
    level: Option<NoiseLevel>,
    images: &[Vec<f64>],
    labels: &[usize],
    device: &Device,
) -> f64 {
    let mut noise = Noise::new(43, Stream::Sampler);
    let mut correct = 0;
    for (chunk, chunk_labels) in images.chunks(500).zip(labels.chunks(500)) {
        let clean = from_rows(chunk, device);
        let (x, t) = match level {
            None => (clean, 0.0),
            Some(l) => (
                clean.mul_scalar(l.alpha)
                    + noise
                        .normal(chunk.len(), images[0].len(), device)
                        .mul_scalar(l.sigma),
                l.t,
            ),
        };
        let t = Tensor::<2>::full([chunk.len(), 1], t, device);
        let predicted = model.forward(x, t).argmax(1).into_data();
        let predicted = predicted.convert::<i64>();
        let predicted = predicted.as_slice::<i64>().expect("argmax gives integers");
        correct += predicted
            .iter()
            .zip(chunk_labels)
            .filter(|(p, l)| **p as usize == **l)
            .count();
    }
    correct as f64 / images.len() as f64
}
