use super::noise_in_groups;
use super::trainer::{Objective, OptimiserSettings, Trainer};
use crate::network::DigitClassifier;
use crate::noise::{Noise, Stream};
use crate::schedule::{NoiseLevel, Schedule};
use crate::tensor::from_rows;
use burn::tensor::{Device, Int, Tensor, TensorData, activation};

/// The knobs of a classifier run: the optimiser's alone. A checkpoint records them and a resume
/// must match them.
pub type ClassifierSettings = OptimiserSettings;

/// Cross-entropy training of a [`DigitClassifier`]. A noise-conditioned classifier sees each
/// image at a random t on `schedule` (Dhariwal & Nichol train theirs on noised inputs);
/// a clean one sees the images as they are. Adam, a moving average of the weights to evaluate and
/// export, checkpoints and exact resume as for the denoisers.
pub type ClassifierTrainer = Trainer<CrossEntropy>;

/// The objective of a [`ClassifierTrainer`].
#[derive(Default)]
pub struct CrossEntropy;

impl Objective for CrossEntropy {
    type Model = DigitClassifier;
    type Settings = ClassifierSettings;
}

impl Trainer<CrossEntropy> {
    /// One optimiser step on images (rows in [-1, 1]) with their labels; returns the loss.
    pub fn step(&mut self, schedule: &dyn Schedule, x0: &[Vec<f64>], labels: &[usize]) -> f64 {
        let batch = x0.len();
        assert!(batch > 0 && labels.len() == batch, "one label per image");
        let device = &self.device;
        let x0 = from_rows(x0, device);
        let (x, t) = if self.state.model.is_noise_conditioned() {
            let noised = noise_in_groups(schedule, x0, 1, &mut self.state.noise);
            (noised.x, noised.t)
        } else {
            (x0, Tensor::<2>::zeros([batch, 1], device))
        };
        let targets: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
        let targets = Tensor::<1, Int>::from_data(TensorData::new(targets, [batch]), device);
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
