//! The MNIST U-Net: its size, its interface, and that DSM training on CPU lowers its loss.

use burn::module::Module;
use diffusion_playground::denoiser::ConditionalDenoiser;
use diffusion_playground::native::mnist::{Digits, PIXELS};
use diffusion_playground::network::{ScoreMlpConfig, UNet, UNetConfig};
use diffusion_playground::noise::{Noise, Stream};
use diffusion_playground::schedule::{Schedule, VpLinear};
use diffusion_playground::training::{DsmSettings, DsmTrainer, OptimiserSettings};
use std::path::Path;

fn device() -> burn::tensor::Device {
    burn::tensor::Device::flex()
}

/// Burn's initialisers draw from a device RNG that may be global: seed and draw under one lock so
/// tests running in parallel get the same weights every run.
fn seeded(seed: u64, device: &burn::tensor::Device) -> UNet {
    static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INIT.lock().unwrap();
    device.seed(seed);
    UNetConfig::new().init(device)
}

#[test]
fn the_unet_has_a_browser_size_and_the_denoiser_interface() {
    let model = seeded(1, &device());
    let params = model.num_params();
    assert!(
        (500_000..=1_500_000).contains(&params),
        "{params} parameters"
    );
    assert_eq!(model.dim(), PIXELS);
    let x = Noise::new(1, Stream::Prior).normal(3, PIXELS, &device());
    let level = VpLinear::default().level(0.5);
    let conditional = model.eps_given(x.clone(), &level, Some(7));
    let unconditional = model.eps_given(x, &level, None);
    assert_eq!(conditional.dims(), [3, PIXELS]);
    let gap: f32 = (conditional - unconditional).abs().max().into_scalar();
    assert!(gap > 0.0, "the label must reach the output");
}

/// Digits as rows in [-1, 1], the scale the diffusion runs at.
fn batch(digits: &Digits, noise: &mut Noise, size: usize) -> (Vec<Vec<f64>>, Vec<usize>) {
    (0..size)
        .map(|_| {
            let i = (noise.uniform() * digits.len() as f64) as usize % digits.len();
            (
                digits.images[i]
                    .iter()
                    .map(|&p| 2.0 * p as f64 - 1.0)
                    .collect(),
                digits.labels[i],
            )
        })
        .unzip()
}

#[test]
fn dsm_training_on_mnist_lowers_the_loss() {
    let digits = Digits::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mnist"))
        .expect("run scripts/fetch-mnist.sh");
    let (train, _) = digits.split(10);
    let device = device().autodiff();
    let model = seeded(11, &device);
    let settings = DsmSettings {
        optimiser: OptimiserSettings {
            learning_rate: 2e-3,
            seed: 11,
            ..OptimiserSettings::default()
        },
        ..DsmSettings::default()
    };
    let mut trainer = DsmTrainer::new(model, settings, &device);
    let schedule = VpLinear::default();
    let mut noise = Noise::new(11, Stream::Data);
    let losses: Vec<f64> = (0..STEPS)
        .map(|_| {
            let (x0, labels) = batch(&train, &mut noise, 16);
            trainer.step(&schedule, &x0, &labels)
        })
        .collect();
    let first = losses[..10].iter().sum::<f64>() / 10.0;
    let last = losses[STEPS - 10..].iter().sum::<f64>() / 10.0;
    println!("loss {first:.4} -> {last:.4}");
    assert!(last < 0.7 * first, "loss {first:.4} -> {last:.4}");
}

const STEPS: usize = 30;

/// Classifier-free guidance asks for eps with and without the label in one forward pass over a
/// doubled batch; the halves must be what two separate calls give.
#[test]
fn one_doubled_batch_gives_both_guidance_terms() {
    let device = device();
    let unet = seeded(2, &device);
    let mlp = {
        static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _guard = INIT.lock().unwrap();
        device.seed(3);
        ScoreMlpConfig::new(2).with_num_classes(3).init(&device)
    };
    let models: [(&dyn ConditionalDenoiser, usize); 2] = [(&unet, PIXELS), (&mlp, 2)];
    for (model, dim) in models {
        let x = Noise::new(4, Stream::Prior).normal(5, dim, &device);
        let level = VpLinear::default().level(0.3);
        let [conditional, unconditional] = model.eps_given_and_unconditional(x.clone(), &level, 1);
        let separate = [
            model.eps_given(x.clone(), &level, Some(1)),
            model.eps_given(x, &level, None),
        ];
        for (batched, alone) in [conditional, unconditional].into_iter().zip(separate) {
            assert_eq!(batched.dims(), [5, dim]);
            let diff: f32 = (batched - alone).abs().max().into_scalar();
            assert!(
                diff < 1e-5,
                "dim {dim}: the doubled batch differs by {diff}"
            );
        }
    }
}
