use super::gradient;
use crate::denoiser::{Denoiser, GaussianMixture};
use crate::schedule::NoiseLevel;
use burn::tensor::Tensor;

/// A classifier of noisy inputs, p(class | x_t): trained on noised data, or exact for a mixture.
pub trait NoisyClassifier {
    fn num_classes(&self) -> usize;
    /// log p(class | x_t) for every class, [batch, num_classes].
    fn log_probs(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2>;
}

impl NoisyClassifier for GaussianMixture {
    fn num_classes(&self) -> usize {
        crate::denoiser::ConditionalDenoiser::num_classes(self)
    }

    fn log_probs(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        self.log_class_probs(x, level)
    }
}

/// Classifier guidance (Dhariwal & Nichol 2021): score + scale * grad_x log p(class | x_t),
/// the gradient taken through the classifier by burn's autodiff. With the exact classifier and
/// scale 1 this is the exact class-conditional score (Bayes' rule).
pub struct ClassifierGuidance<'a> {
    pub model: &'a dyn Denoiser,
    pub classifier: &'a dyn NoisyClassifier,
    pub class: usize,
    pub scale: f64,
}

impl Denoiser for ClassifierGuidance<'_> {
    fn dim(&self) -> usize {
        self.model.dim()
    }

    fn eps(&self, x: Tensor<2>, level: &NoiseLevel) -> Tensor<2> {
        let eps = self.model.eps(x.clone(), level);
        if self.scale == 0.0 {
            return eps;
        }
        let class = self.class;
        let grad = gradient(x, |x| {
            let [batch, _] = x.dims();
            self.classifier
                .log_probs(x, level)
                .slice([0..batch, class..class + 1])
        });
        // score += scale * grad and eps = -sigma * score.
        eps - grad.mul_scalar(self.scale * level.sigma)
    }
}
