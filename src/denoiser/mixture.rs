use super::{ConditionalDenoiser, Denoiser, Gaussian};
use crate::linalg::Matrix;
use crate::noise::Noise;
use crate::schedule::NoiseLevel;
use crate::tensor;
use burn::tensor::{Tensor, activation};

/// One Gaussian of a labelled mixture.
#[derive(Debug, Clone)]
pub struct Component {
    pub weight: f64,
    pub label: usize,
    pub gaussian: Gaussian,
}

/// A labelled Gaussian mixture. Its score is exact at every t (a mixture of the components'
/// noised marginals), unconditionally or given a class, and so is the noisy classifier
/// p(class | x_t) that classifier guidance needs.
#[derive(Debug, Clone)]
pub struct GaussianMixture {
    components: Vec<Component>,
    num_classes: usize,
}

impl GaussianMixture {
    /// Weights are normalised; labels run 0..num_classes.
    pub fn new(mut components: Vec<Component>) -> Self {
        assert!(!components.is_empty(), "a mixture needs a component");
        let dim = components[0].gaussian.mean().len();
        assert!(
            components.iter().all(|c| c.gaussian.mean().len() == dim),
            "components disagree on dimension"
        );
        let total: f64 = components.iter().map(|c| c.weight).sum();
        assert!(
            total > 0.0 && components.iter().all(|c| c.weight >= 0.0),
            "weights must be non-negative"
        );
        for c in &mut components {
            c.weight /= total;
        }
        let num_classes = components.iter().map(|c| c.label).max().unwrap_or(0) + 1;
        Self {
            components,
            num_classes,
        }
    }

    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// Total weight of each class.
    pub fn class_weights(&self) -> Vec<f64> {
        let mut w = vec![0.0; self.num_classes];
        for c in &self.components {
            w[c.label] += c.weight;
        }
        w
    }

    /// The class-conditional distribution p(x | label).
    pub fn given(&self, label: usize) -> GaussianMixture {
        let components: Vec<_> = self
            .components
            .iter()
            .filter(|c| c.label == label)
            .cloned()
            .collect();
        assert!(!components.is_empty(), "class {label} has no component");
        let mut m = GaussianMixture::new(components);
        m.num_classes = self.num_classes;
        m
    }

    /// Exact mean and covariance of the whole mixture.
    pub fn moments(&self) -> (Vec<f64>, Matrix) {
        let d = ConditionalDenoiser::dim(self);
        let mut mean = vec![0.0; d];
        for c in &self.components {
            for (m, v) in mean.iter_mut().zip(c.gaussian.mean()) {
                *m += c.weight * v;
            }
        }
        let mut cov = Matrix::zeros(d, d);
        for c in &self.components {
            let mu = c.gaussian.mean();
            let outer = Matrix::from_fn(d, d, |i, j| (mu[i] - mean[i]) * (mu[j] - mean[j]));
            cov = cov.add(&c.gaussian.cov().add(&outer).scale(c.weight));
        }
        (mean, cov)
    }

    /// Exact samples of x_0 with their labels.
    pub fn sample(&self, n: usize, noise: &mut Noise) -> (Vec<Vec<f64>>, Vec<usize>) {
        let mut xs = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let u = noise.uniform();
            let mut acc = 0.0;
            let k = self
                .components
                .iter()
                .position(|c| {
                    acc += c.weight;
                    u < acc
                })
                .unwrap_or(self.components.len() - 1);
            let c = &self.components[k];
            xs.push(
                c.gaussian
                    .sample(1, noise)
                    .expect("component covariance is PSD")
                    .remove(0),
            );
            labels.push(c.label);
        }
        (xs, labels)
    }

    /// Per component k: log w_k + log N(x; alpha mu_k, C_k) up to a shared constant, as a
    /// [batch, K] tensor, and (x - alpha mu_k) C_k^-1, the component's negative score.
    fn component_terms(&self, x: &Tensor<2>, level: &NoiseLevel) -> (Tensor<2>, Vec<Tensor<2>>) {
        let device = x.device();
        let mut logits = Vec::with_capacity(self.components.len());
        let mut solves = Vec::with_capacity(self.components.len());
        for c in &self.components {
            let (precision, logdet) = c
                .gaussian
                .marginal_cov(level)
                .spd_inverse_logdet()
                .expect("marginal covariance is positive definite for sigma > 0");
            let shift: Vec<f64> = c.gaussian.mean().iter().map(|m| level.alpha * m).collect();
            let diff = x.clone() - tensor::row(&shift, &device);
            let solve = diff.clone().matmul(tensor::matrix(&precision, &device));
            let quad = (diff * solve.clone()).sum_dim(1);
            logits.push(
                quad.mul_scalar(-0.5)
                    .add_scalar(c.weight.ln() - 0.5 * logdet),
            );
            solves.push(solve);
        }
        (Tensor::cat(logits, 1), solves)
    }

    /// log p(class | x_t) for every class, [batch, num_classes]: the exact noisy classifier.
    /// Each class's log-sum-exp is shifted by its own maximum, so a point far from a class (at
    /// low noise, every component's density underflows) still gets a finite log probability
    /// and gradient, where log(sum(exp)) would give -inf and NaN.
    pub fn log_class_probs(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        let device = x.device();
        let (logits, _) = self.component_terms(&x, level);
        let log_sum_exp = |masked: Tensor<2>| {
            let shift = masked.clone().max_dim(1).detach();
            (masked - shift.clone()).exp().sum_dim(1).log() + shift
        };
        let total = log_sum_exp(logits.clone());
        let per_class = (0..self.num_classes)
            .map(|c| {
                // Components of other classes are pushed far below any real logit.
                let outside: Vec<f64> = self
                    .components
                    .iter()
                    .map(|k| if k.label == c { 0.0 } else { -1e30 })
                    .collect();
                log_sum_exp(logits.clone() + tensor::row(&outside, &device))
            })
            .collect();
        Tensor::cat(per_class, 1) - total
    }

    fn mixture_eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        let (logits, solves) = self.component_terms(&x, level);
        let responsibilities = activation::softmax(logits, 1);
        let [batch, _] = responsibilities.dims();
        let mut score = None;
        for (k, solve) in solves.into_iter().enumerate() {
            let term = responsibilities.clone().slice([0..batch, k..k + 1]) * solve;
            score = Some(match score {
                None => term,
                Some(s) => s + term,
            });
        }
        score
            .expect("at least one component")
            .mul_scalar(level.sigma)
    }
}

impl ConditionalDenoiser for GaussianMixture {
    fn dim(&self) -> usize {
        self.components[0].gaussian.mean().len()
    }

    fn num_classes(&self) -> usize {
        self.num_classes
    }

    fn eps_given(&self, x: Tensor<2>, level: &NoiseLevel, label: Option<usize>) -> Tensor<2> {
        match label {
            None => self.mixture_eps(x, level),
            Some(label) => self.given(label).mixture_eps(x, level),
        }
    }
}

impl Denoiser for GaussianMixture {
    fn dim(&self) -> usize {
        ConditionalDenoiser::dim(self)
    }

    fn eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        self.mixture_eps(x, level)
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use crate::guidance::ClassifierGuidance;
    use crate::schedule::{Schedule, VpLinear};
    use crate::tensor::{from_rows, to_vec};
    use burn::tensor::Device;

    /// Far from every blob at low noise each component's density underflows; the class
    /// probabilities and the classifier-guidance gradient must stay finite there.
    #[test]
    fn class_probabilities_stay_finite_far_from_the_data() {
        let data = crate::presets::three_blobs();
        let level = VpLinear::default().level(1e-3);
        let x = from_rows(
            &[vec![30.0, 30.0], vec![-3.6, 3.6], vec![2.0, -1.2]],
            &Device::flex(),
        );
        let log_p = to_vec(data.log_class_probs(x.clone(), &level));
        assert!(log_p.iter().all(|v| v.is_finite()), "{log_p:?}");
        // The third point sits on blob 1: near-certain class 1.
        assert!(log_p[7] > -1e-3, "{log_p:?}");
        let guided = ClassifierGuidance {
            model: &data,
            classifier: &data,
            class: 2,
            scale: 1.0,
        };
        let eps = to_vec(crate::denoiser::Denoiser::eps(&guided, x, &level));
        assert!(eps.iter().all(|v| v.is_finite()), "{eps:?}");
    }
}
