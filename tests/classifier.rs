//! The digit classifiers: the clean one that judges samples, the noise-conditioned one that
//! guides them. Trained briefly on CPU, both must move far above chance.

use diffusion_playground::guidance::NoisyClassifier;
use diffusion_playground::native::mnist::Digits;
use diffusion_playground::network::{DigitClassifier, DigitClassifierConfig};
use diffusion_playground::noise::{Noise, Stream};
use diffusion_playground::schedule::{Schedule, VpLinear};
use diffusion_playground::tensor::{from_rows, to_vec};
use diffusion_playground::training::{
    ClassifierSettings, ClassifierTrainer, LearningRateSchedule, accuracy,
};
use std::path::Path;

fn seeded(
    config: &DigitClassifierConfig,
    seed: u64,
    device: &burn::tensor::Device,
) -> DigitClassifier {
    static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INIT.lock().unwrap();
    device.seed(seed);
    config.init(device)
}

fn rows(digits: &Digits) -> Vec<Vec<f64>> {
    digits
        .images
        .iter()
        .map(|i| i.iter().map(|&p| 2.0 * f64::from(p) - 1.0).collect())
        .collect()
}

fn train(noise_conditioned: bool, steps: usize) -> (DigitClassifier, Vec<Vec<f64>>, Vec<usize>) {
    let digits = Digits::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mnist"))
        .expect("run scripts/fetch-mnist.sh");
    let (train, test) = digits.split(10);
    let (images, labels) = (rows(&train), train.labels);
    let device = burn::tensor::Device::flex().autodiff();
    let config = DigitClassifierConfig::new()
        .with_noise_conditioned(noise_conditioned)
        .with_channels(16);
    let settings = ClassifierSettings {
        learning_rate: 3e-3,
        lr_schedule: LearningRateSchedule::default(),
        ema_decay: 0.99,
        seed: 3,
    };
    let mut trainer = ClassifierTrainer::new(seeded(&config, 3, &device), settings, &device);
    let mut noise = Noise::new(3, Stream::Data);
    let schedule = VpLinear::default();
    for _ in 0..steps {
        let picks: Vec<usize> = (0..64)
            .map(|_| ((noise.uniform() * images.len() as f64) as usize).min(images.len() - 1))
            .collect();
        let batch: Vec<Vec<f64>> = picks.iter().map(|&i| images[i].clone()).collect();
        let batch_labels: Vec<usize> = picks.iter().map(|&i| labels[i]).collect();
        trainer.step(&schedule, &batch, &batch_labels);
    }
    (trainer.model().clone(), rows(&test), test.labels)
}

#[test]
fn the_clean_classifier_learns_the_digits() {
    let (model, test, labels) = train(false, 300);
    let device = burn::tensor::Device::flex();
    let acc = accuracy(&model, &test, &labels, &device);
    println!("held-out accuracy after 300 steps: {acc:.3}");
    // Chance is 0.1; the full run (`diffusion train`, more steps) is what reaches 98 %.
    assert!(acc > 0.9, "held-out accuracy {acc:.3}");
}

#[test]
fn the_noise_conditioned_classifier_is_sure_at_low_noise_and_unsure_at_high_noise() {
    let (model, test, labels) = train(true, 300);
    let device = burn::tensor::Device::flex();
    let schedule = VpLinear::default();
    let x0 = from_rows(&test[..500], &device);
    let mut noise = Noise::new(9, Stream::Sampler);
    let mut confidence = Vec::new();
    for t in [0.05, 0.95] {
        let level = schedule.level(t);
        let xt = x0.clone().mul_scalar(level.alpha)
            + noise.normal(500, 784, &device).mul_scalar(level.sigma);
        let log_probs = to_vec(model.log_probs(xt, &level));
        let right: f64 = log_probs
            .chunks(10)
            .zip(&labels[..500])
            .map(|(lp, &l)| f64::from(lp[l]).exp())
            .sum::<f64>()
            / 500.0;
        confidence.push(right);
    }
    println!(
        "mean probability of the true digit: t = 0.05 {:.3}, t = 0.95 {:.3}",
        confidence[0], confidence[1]
    );
    assert!(
        confidence[0] > 0.8,
        "at t = 0.05 the true digit gets {:.3}",
        confidence[0]
    );
    // At t = 0.95 the image is nearly pure noise: close to the 0.1 of a uniform guess.
    assert!(
        confidence[1] < 0.2,
        "at t = 0.95 the true digit still gets {:.3}",
        confidence[1]
    );
}
