use crate::network::DigitClassifier;
use burn::tensor::{Tensor, activation};

/// A clean classifier as the judge of generated digits.
pub struct Judge<'a> {
    pub classifier: &'a DigitClassifier,
}

/// What the judge says of a set of images.
pub struct Verdicts {
    /// The most probable digit of each image.
    pub labels: Vec<usize>,
    /// The probability it gives that digit.
    pub confidence: Vec<f64>,
    /// The classifier's last hidden layer, per image.
    pub features: Vec<Vec<f64>>,
}

impl Judge<'_> {
    /// Verdicts on images [n, 784] in [-1, 1], in chunks of 500.
    pub fn judge(&self, images: Tensor<2>) -> Verdicts {
        let [n, _] = images.dims();
        let device = images.device();
        let mut verdicts = Verdicts {
            labels: Vec::with_capacity(n),
            confidence: Vec::with_capacity(n),
            features: Vec::with_capacity(n),
        };
        let mut start = 0;
        while start < n {
            let end = (start + 500).min(n);
            let x = images.clone().slice([start..end, 0..784]);
            let t = Tensor::<2>::zeros([end - start, 1], &device);
            let features = self.classifier.features(x.clone(), t.clone());
            let probs = activation::softmax(self.classifier.forward(x, t), 1);
            let width = self.classifier.classes();
            let probs = crate::tensor::to_vec(probs);
            for row in probs.chunks(width) {
                let (label, p) = row.iter().enumerate().fold((0, f32::MIN), |best, (i, &p)| {
                    if p > best.1 { (i, p) } else { best }
                });
                verdicts.labels.push(label);
                verdicts.confidence.push(f64::from(p));
            }
            let [_, d] = features.dims();
            verdicts.features.extend(
                crate::tensor::to_vec(features)
                    .chunks(d)
                    .map(|r| r.iter().map(|&v| f64::from(v)).collect::<Vec<f64>>()),
            );
            start = end;
        }
        verdicts
    }
}
