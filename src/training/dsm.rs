use super::noise_in_groups;
use super::trainer::{Objective, OptimiserSettings, Trainer, TrainerSettings};
use crate::denoiser::{ConditionalDenoiser, GaussianMixture};
use crate::network::EpsNetwork;
use crate::noise::{Noise, Stream};
use crate::schedule::Schedule;
use crate::tensor::from_rows;
use burn::tensor::{Device, Int, Tensor, TensorData};
use std::marker::PhantomData;

/// How the squared eps error of each sample is weighted by its noise level.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum LossWeighting {
    /// Every time counts alike: the eps loss of Ho et al. 2020.
    #[default]
    Uniform,
    /// Min-SNR-gamma (Hang et al. 2023, "Efficient Diffusion Training via Min-SNR Weighting
    /// Strategy"): in eps terms the weight is min(SNR, gamma) / SNR, SNR = alpha^2 / sigma^2, so
    /// the nearly clean times, whose gradients conflict with the noisy ones and dominate the
    /// x_0 error, count less.
    MinSnr { gamma: f64 },
}

impl LossWeighting {
    /// The weight of a sample seen at noise level alpha, sigma.
    pub fn weight(self, alpha: f64, sigma: f64) -> f64 {
        match self {
            Self::Uniform => 1.0,
            Self::MinSnr { gamma } => {
                let snr = (alpha / sigma).powi(2);
                snr.min(gamma) / snr
            }
        }
    }
}

/// The knobs of a DSM run; a checkpoint records them and a resume must match them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DsmSettings {
    #[serde(flatten)]
    pub optimiser: OptimiserSettings,
    #[serde(default)]
    pub weighting: LossWeighting,
    /// Probability of training a sample with the null label (Ilin & Friesen: 0.2).
    pub p_uncond: f64,
}

impl TrainerSettings for DsmSettings {
    fn optimiser(&mut self) -> &mut OptimiserSettings {
        &mut self.optimiser
    }
}

impl Default for DsmSettings {
    fn default() -> Self {
        Self {
            optimiser: OptimiserSettings::default(),
            weighting: LossWeighting::Uniform,
            p_uncond: 0.2,
        }
    }
}

/// Denoising score matching with eps prediction (Ho et al. 2020; Song et al. 2021):
/// t ~ U(t_min, 1), x_t = alpha(t) x_0 + sigma(t) z, loss = w(t) |eps(x_t, t, label) - z|^2 (w = 1
/// unless a [`LossWeighting`] says otherwise), with the label replaced by the null label with
/// probability `p_uncond` so that one network also learns the unconditional score classifier-free
/// guidance needs. Adam on a device with autodiff, and an
/// exponential moving average of the weights to sample with.
pub type DsmTrainer<M> = Trainer<Dsm<M>>;

/// The objective of a [`DsmTrainer`]: the loss above on the network `M`.
pub struct Dsm<M>(PhantomData<M>);

impl<M: EpsNetwork> Objective for Dsm<M> {
    type Model = M;
    type Settings = DsmSettings;
}

impl<M: EpsNetwork> Trainer<Dsm<M>> {
    /// `model` must live on `device.autodiff()`.
    pub fn new(model: M, settings: DsmSettings, device: &Device) -> Self {
        assert!(
            (0.0..=1.0).contains(&settings.p_uncond),
            "p_uncond is a probability"
        );
        Self::with(model, settings, Dsm(PhantomData), device)
    }

    /// One optimiser step on a batch of data rows with their labels; returns the loss.
    pub fn step(&mut self, schedule: &dyn Schedule, x0: &[Vec<f64>], labels: &[usize]) -> f64 {
        f64::from(self.step_queued(schedule, x0, labels).into_scalar::<f32>())
    }

    /// The same, the loss left on the device unread: the page reads a slice of steps' losses
    /// at once, asynchronously.
    pub fn step_queued(
        &mut self,
        schedule: &dyn Schedule,
        x0: &[Vec<f64>],
        labels: &[usize],
    ) -> Tensor<1> {
        let batch = x0.len();
        assert!(batch > 0 && labels.len() == batch, "one label per row");
        let null = self.state.model.num_classes();
        let noise = &mut self.state.noise;
        let device = &self.device;
        let noised = noise_in_groups(schedule, from_rows(x0, device), 1, noise);
        let dropped: Vec<i64> = labels
            .iter()
            .map(|&l| if noise.uniform() < self.settings.p_uncond { null } else { l } as i64)
            .collect();
        let labels = Tensor::<1, Int>::from_data(TensorData::new(dropped, [batch]), device);
        let error = (self.state.model.forward(noised.x, noised.t, labels) - noised.z).square();
        let loss = match self.settings.weighting {
            LossWeighting::Uniform => error.mean(),
            weighting => {
                let weights: Vec<f32> = noised
                    .levels
                    .iter()
                    .map(|l| weighting.weight(l.alpha, l.sigma) as f32)
                    .collect();
                let weights = Tensor::<2>::from_data(TensorData::new(weights, [batch, 1]), device);
                (error * weights).mean()
            }
        };
        self.state.descend_queued(loss)
    }
}

/// The squared eps error of `model` on data rows `x0` (each with its label) seen at each of
/// `times`, over the error of predicting zero: 1 means nothing was learned. The noise is fixed,
/// so successive calls on one data set compare the weights alone; the training log tracks it
/// on held-out digits to tell whether a run still improves.
pub fn relative_eps_error<M: EpsNetwork>(
    model: &M,
    schedule: &dyn Schedule,
    x0: &[Vec<f64>],
    labels: &[usize],
    times: &[f64],
    device: &Device,
) -> Vec<f64> {
    assert_eq!(x0.len(), labels.len(), "one label per row");
    let labels: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
    let labels = Tensor::<1, Int>::from_data(TensorData::new(labels, [x0.len()]), device);
    let mut noise = Noise::new(41, Stream::Sampler);
    let clean = from_rows(x0, device);
    times
        .iter()
        .map(|&t| {
            let level = schedule.level(t);
            let z = noise.normal(x0.len(), model.dim(), device);
            let x = clean.clone().mul_scalar(level.alpha) + z.clone().mul_scalar(level.sigma);
            let t = Tensor::<2>::full([x0.len(), 1], t, device);
            let error = (model.forward(x, t, labels.clone()) - z.clone())
                .square()
                .sum();
            let energy = z.square().sum();
            f64::from((error / energy).into_scalar::<f32>())
        })
        .collect()
}

/// The times at which [`exact_eps_error`] compares a network with the closed form.
pub const EXACT_ERROR_TIMES: [f64; 4] = [0.05, 0.2, 0.5, 0.8];

/// How far `model`'s eps is from the exact eps of the mixture it learned: the squared
/// difference over the squared exact eps, at points of the noised data (500 per time, fixed
/// noise) at each of [`EXACT_ERROR_TIMES`], averaged over the times and over the labels (the
/// null label and each class, each at points of its own class). 0 is the exact score, 1 an
/// error as large as eps itself. Left on the device: the page reads it asynchronously.
pub fn exact_eps_error(
    model: &dyn ConditionalDenoiser,
    exact: &GaussianMixture,
    schedule: &dyn Schedule,
    device: &Device,
) -> Tensor<1> {
    const POINTS: usize = 500;
    let mut noise = Noise::new(43, Stream::Sampler);
    let labels: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..exact.num_classes()).map(Some))
        .collect();
    let mut ratios = Vec::new();
    for label in labels {
        let target = label.map_or_else(|| exact.clone(), |l| exact.given(l));
        let clean = from_rows(&target.sample(POINTS, &mut noise).0, device);
        for &t in &EXACT_ERROR_TIMES {
            let level = schedule.level(t);
            let z = noise.normal(POINTS, 2, device);
            let x = clean.clone().mul_scalar(level.alpha) + z.mul_scalar(level.sigma);
            let truth = exact.eps_given(x.clone(), &level, label);
            let error = (model.eps_given(x, &level, label) - truth.clone())
                .square()
                .sum();
            ratios.push(error / truth.square().sum());
        }
    }
    let count = ratios.len();
    Tensor::cat(ratios, 0).sum().div_scalar(count as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::VpLinear;

    #[test]
    fn min_snr_weights_only_the_nearly_clean_times_down() {
        let schedule = VpLinear::default();
        let weighting = LossWeighting::MinSnr { gamma: 5.0 };
        for t in [0.01, 0.05, 0.1, 0.2, 0.5, 0.9] {
            let l = schedule.level(t);
            let snr = (l.alpha / l.sigma).powi(2);
            let w = weighting.weight(l.alpha, l.sigma);
            // Noisier than SNR 5 a sample counts fully; cleaner, as gamma / SNR of it.
            let expected = if snr <= 5.0 { 1.0 } else { 5.0 / snr };
            assert!((w - expected).abs() < 1e-12, "t = {t}: {w} vs {expected}");
            assert_eq!(LossWeighting::Uniform.weight(l.alpha, l.sigma), 1.0);
        }
        // On the VP schedule SNR passes 5 near t = 0.1: the weight there is about 1 and it
        // falls fast below.
        let early = schedule.level(0.01);
        assert!(weighting.weight(early.alpha, early.sigma) < 0.1);
    }
}
