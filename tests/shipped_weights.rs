//! Every weight file the site ships (www/weights/) loads into the architecture the code defines,
//! and is trained: the classifier reads held-out digits at >= 99 %, the noise-conditioned one
//! reads clean and noised ones, the score networks predict the noise far better than an untrained one
//! (and, where the data has a closed form, come close to the exact eps).

use burn::module::Module;
use burn::tensor::Device;
use diffusion_playground::denoiser::{ConditionalDenoiser, Denoiser, WithLabel};
use diffusion_playground::lab::{
    DigitLab, DigitLabConfig, Inpainting, KnownPixels, Lab, RunConfig,
};
use diffusion_playground::native::mnist::{Digits, PIXELS};
use diffusion_playground::network::{
    DigitClassifier, DigitClassifierConfig, ScoreMlpConfig, TimeMlpConfig, UNet, UNetConfig,
    load_weights,
};
use diffusion_playground::noise::{Noise, Stream};
use diffusion_playground::presets;
use diffusion_playground::schedule::{Schedule, VpLinear};
use diffusion_playground::tensor::{from_rows, to_vec};
use diffusion_playground::toy_data;
use diffusion_playground::training::{accuracy, accuracy_at};
use std::path::PathBuf;
use std::rc::Rc;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load<M: Module>(template: M, name: &str) -> M {
    let bytes = std::fs::read(root().join("www/weights").join(name)).expect("shipped file");
    load_weights(template, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The shipped U-Net, with whichever conditioning its file holds.
fn shipped_unet(device: &Device) -> UNet {
    let bytes = std::fs::read(root().join("www/weights/unet.bpk")).expect("shipped file");
    UNet::from_weights(&bytes, device).unwrap_or_else(|e| panic!("unet.bpk: {e}"))
}

fn held_out() -> (Vec<Vec<f64>>, Vec<usize>) {
    let digits = Digits::load(&root().join("data/mnist")).expect("run scripts/fetch-mnist.sh");
    let (_, test) = digits.split(10);
    let rows = test
        .images
        .iter()
        .map(|i| i.iter().map(|&p| 2.0 * f64::from(p) - 1.0).collect())
        .collect();
    (rows, test.labels)
}

/// Mean squared error of the predicted noise on `x0` seen at t = 0.1, 0.3, 0.6 (with each
/// row's label, or none), over the error of predicting zero: 1 means nothing was learned.
fn relative_eps_error(
    model: &dyn ConditionalDenoiser,
    x0: &[Vec<f64>],
    label: Option<usize>,
) -> f64 {
    let device = Device::flex();
    let schedule = VpLinear::default();
    let mut noise = Noise::new(41, Stream::Sampler);
    let (mut error, mut energy) = (0.0, 0.0);
    for t in [0.1, 0.3, 0.6] {
        let level = schedule.level(t);
        let z = noise.normal(x0.len(), model.dim(), &device);
        let xt = from_rows(x0, &device).mul_scalar(level.alpha) + z.clone().mul_scalar(level.sigma);
        let (eps, z) = (to_vec(model.eps_given(xt, &level, label)), to_vec(z));
        error += eps
            .iter()
            .zip(&z)
            .map(|(a, b)| f64::from(a - b).powi(2))
            .sum::<f64>();
        energy += z.iter().map(|b| f64::from(*b).powi(2)).sum::<f64>();
    }
    error / energy
}

#[test]
fn every_shipped_file_is_known_loads_and_is_small() {
    let dir = root().join("www/weights");
    let mut total = 0;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("www/weights exists")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let device = Device::flex();
    for name in &names {
        let size = std::fs::metadata(dir.join(name)).unwrap().len();
        // f16 weights: the wide U-Net's 1.6 M parameters are 3.2 MB, every other network far less.
        let limit = if name == "unet.bpk" {
            3_300_000
        } else {
            300_000
        };
        assert!(size <= limit, "{name} takes {size} bytes");
        total += size;
        let stem = name
            .strip_suffix(".bpk")
            .unwrap_or_else(|| panic!("{name} is not a .bpk"));
        match stem {
            "unet" => drop(shipped_unet(&device)),
            "classifier" => drop(load(DigitClassifierConfig::new().init(&device), name)),
            "noisy-classifier" => drop(load(
                DigitClassifierConfig::new()
                    .with_noise_conditioned(true)
                    .init(&device),
                name,
            )),
            "mlp1d" => drop(load(ScoreMlpConfig::new(32).init(&device), name)),
            // The trained intermediate energy and force of a 2D data set (tests/trained_energy.rs
            // measures them against the closed form).
            _ if stem.starts_with("energy-") => {
                drop(load(TimeMlpConfig::energy(2).init(&device), name))
            }
            _ if stem.starts_with("force-") => {
                drop(load(TimeMlpConfig::force(2).init(&device), name))
            }
            _ => {
                let data = stem
                    .strip_prefix("mlp2d-")
                    .unwrap_or_else(|| panic!("unknown shipped file {name}"));
                let classes = toy_data::num_classes(data)
                    .unwrap_or_else(|| panic!("{name}: unknown data set {data}"));
                drop(load(
                    ScoreMlpConfig::new(2)
                        .with_num_classes(classes)
                        .init(&device),
                    name,
                ));
            }
        }
    }
    for wanted in [
        "unet.bpk",
        "classifier.bpk",
        "noisy-classifier.bpk",
        "mlp1d.bpk",
    ] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} is not shipped");
    }
    for data in toy_data::NAMES {
        assert!(
            names.contains(&format!("mlp2d-{data}.bpk")),
            "no 2D net for {data}"
        );
    }
    println!("{} files, {total} bytes", names.len());
    assert!(total < 5_000_000, "the shipped weights take {total} bytes");
}

#[test]
fn the_shipped_classifiers_read_held_out_digits() {
    let device = Device::flex();
    let (rows, labels) = held_out();
    let clean: DigitClassifier = load(DigitClassifierConfig::new().init(&device), "classifier.bpk");
    let noisy: DigitClassifier = load(
        DigitClassifierConfig::new()
            .with_noise_conditioned(true)
            .init(&device),
        "noisy-classifier.bpk",
    );
    let (a, b) = (
        accuracy(&clean, &rows, &labels, &device),
        accuracy(&noisy, &rows, &labels, &device),
    );
    // Classifier guidance asks the noise-conditioned one to read digits through noise: at t = 0.2
    // they are still legible, at t = 0.5 (SNR 0.09) barely.
    let through_noise = |t: f64| {
        let level = Some(VpLinear::default().level(t));
        accuracy_at(&noisy, level, &rows, &labels, &device)
    };
    let (c, d) = (through_noise(0.2), through_noise(0.5));
    println!(
        "held-out accuracy: clean {a:.4}, noise-conditioned {b:.4} at t = 0, {c:.4} at t = 0.2, \
         {d:.4} at t = 0.5"
    );
    // The shipped files reach 0.9930, 0.9890, 0.9840 and 0.5908 (f16, 997 digits), the files
    // they replaced 0.9870, 0.9809, 0.9779 and 0.5597: those, or a file that reads a few more
    // digits wrong, fail.
    assert!(
        a >= 0.99,
        "the clean classifier reads {a:.4} of held-out digits"
    );
    assert!(
        b >= 0.985 && c >= 0.98,
        "the noise-conditioned classifier reads {b:.4} of clean digits, {c:.4} at t = 0.2"
    );
    assert!(
        d >= 0.575,
        "the noise-conditioned classifier reads {d:.4} at t = 0.5"
    );
}

#[test]
fn the_shipped_unet_predicts_the_noise_of_held_out_digits() {
    let device = Device::flex();
    let (rows, labels) = held_out();
    let unet = shipped_unet(&device);
    // 100 held-out digits, all of one class so one label serves the batch.
    let sevens: Vec<Vec<f64>> = rows
        .iter()
        .zip(&labels)
        .filter(|(_, l)| **l == 7)
        .map(|(r, _)| r.clone())
        .take(100)
        .collect();
    let conditional = relative_eps_error(&unet, &sevens, Some(7));
    let unconditional = relative_eps_error(&unet, &sevens, None);
    let untrained = relative_eps_error(&UNetConfig::new().init(&device), &sevens, Some(7));
    println!(
        "relative eps error on held-out 7s: untrained {untrained:.3}, shipped {conditional:.5} \
         (label 7), {unconditional:.5} (null label)"
    );
    // The shipped U-Net, the wide one (1,600,000 training images, the last 256,000 cooling the
    // learning rate down), reaches 0.02554 and 0.02619; the one it replaced, as wide but cooled
    // 3,000 steps earlier (1,408,000), 0.02556 and 0.02623: that one, or a worse file, fails. The
    // noise is seeded, so the figures repeat.
    assert!(conditional < 0.02555 && unconditional < 0.02621 && untrained > 0.5);
    // The label carries information: knowing it predicts the noise at least as well.
    assert!(conditional <= unconditional * 1.02);
}

#[test]
fn the_shipped_score_mlps_match_the_exact_scores() {
    let device = Device::flex();
    let schedule = VpLinear::default();
    let exact_error = |model: &dyn ConditionalDenoiser,
                       exact: &dyn Denoiser,
                       x0: &[Vec<f64>],
                       label: Option<usize>| {
        let mut noise = Noise::new(43, Stream::Sampler);
        let (mut error, mut count) = (0.0, 0.0);
        for t in [0.1, 0.3, 0.6] {
            let level = schedule.level(t);
            let xt = from_rows(x0, &device).mul_scalar(level.alpha)
                + noise
                    .normal(x0.len(), exact.dim(), &device)
                    .mul_scalar(level.sigma);
            let a = to_vec(model.eps_given(xt.clone(), &level, label));
            let b = to_vec(exact.eps(xt, &level));
            error += a
                .iter()
                .zip(&b)
                .map(|(p, q)| f64::from(p - q).powi(2))
                .sum::<f64>();
            count += a.len() as f64;
        }
        error / count
    };
    let blobs = presets::three_blobs();
    let (x0, labels) = blobs.sample(512, &mut Noise::new(44, Stream::Data));
    // The conditional score is checked where its class puts data.
    let ones: Vec<Vec<f64>> = x0
        .iter()
        .zip(&labels)
        .filter(|(_, l)| **l == 1)
        .map(|(x, _)| x.clone())
        .collect();
    let mlp = load(
        ScoreMlpConfig::new(2).with_num_classes(3).init(&device),
        "mlp2d-blobs.bpk",
    );
    let (uncond, cond) = (
        exact_error(
            &mlp,
            &WithLabel {
                model: &blobs,
                label: None,
            },
            &x0,
            None,
        ),
        exact_error(
            &mlp,
            &WithLabel {
                model: &blobs,
                label: Some(1),
            },
            &ones,
            Some(1),
        ),
    );
    let gp = toy_data::function_prior().prior();
    let (f0, _) = toy_data::sample_functions(256, &mut Noise::new(45, Stream::Data));
    let mlp1d = load(ScoreMlpConfig::new(32).init(&device), "mlp1d.bpk");
    let functions = exact_error(&mlp1d, &gp, &f0, None);
    println!(
        "mean squared eps error against the exact eps: blobs {uncond:.4} (null), {cond:.4} (label 1); functions {functions:.4}"
    );
    // An untrained network is off by ~1 per coordinate (tests/training.rs: ~3 on the blobs);
    // the shipped ones measured 0.007, 0.001 and 0.006.
    assert!(uncond < 0.03 && cond < 0.03 && functions < 0.03);

    // The data sets without a closed form: far below the noise's own energy.
    for data in ["ring", "moons", "swiss-roll", "checkerboard"] {
        let classes = toy_data::num_classes(data).unwrap();
        let mlp = load(
            ScoreMlpConfig::new(2)
                .with_num_classes(classes)
                .init(&device),
            &format!("mlp2d-{data}.bpk"),
        );
        let (x0, _) = toy_data::sample(data, 512, &mut Noise::new(46, Stream::Data)).unwrap();
        let relative = relative_eps_error(&mlp, &x0, None);
        println!("{data}: relative eps error {relative:.3}");
        assert!(relative < 0.5, "{data}: relative eps error {relative:.3}");
    }
}

/// The inpainting demo's three methods with the shipped U-Net: a held-out 7 with its top half
/// known. Each must end with samples whose known half matches the image, far closer than
/// unguided samples from the same noise; reconstruction guidance must not blow up (undamped,
/// it does at any scale: see `ReconstructionGuidance::damped`).
#[test]
fn the_shipped_unet_inpaints_a_held_out_digit() {
    let device = Device::flex();
    let (rows, labels) = held_out();
    let seven = rows[labels.iter().position(|&l| l == 7).unwrap()].clone();
    let image: Vec<f32> = seven.iter().map(|&v| v as f32).collect();
    let known: Vec<bool> = (0..PIXELS).map(|p| p < PIXELS / 2).collect();
    let unet = Rc::new(shipped_unet(&device));
    let methods = [
        Inpainting::None,
        Inpainting::Replacement,
        Inpainting::Repaint,
        Inpainting::Reconstruction,
    ];
    let config = DigitLabConfig {
        seed: 3,
        batch: 4,
        runs: methods
            .iter()
            .map(|&inpainting| RunConfig {
                steps: 20,
                inpainting,
                ..RunConfig::default()
            })
            .collect(),
    };
    let known_pixels = KnownPixels::new(&image, &known).unwrap();
    let mut lab = DigitLab::new(config, unet, None, Some(known_pixels), &device).unwrap();
    while lab.step().is_some() {}
    let frame = to_vec(lab.frame().values);
    let batch_pixels = 4 * PIXELS;
    // Mean squared error of the final x0_hat on the known half, per method.
    let errors: Vec<f64> = (0..methods.len())
        .map(|m| {
            let x0_hat = &frame[(2 * m + 1) * batch_pixels..(2 * m + 2) * batch_pixels];
            assert!(x0_hat.iter().all(|v| v.is_finite()), "{:?}", methods[m]);
            let sum: f64 = (0..batch_pixels)
                .filter(|i| known[i % PIXELS])
                .map(|i| f64::from(x0_hat[i].clamp(-1.0, 1.0) - image[i % PIXELS]).powi(2))
                .sum();
            sum / (batch_pixels / 2) as f64
        })
        .collect();
    println!(
        "known-half mean squared error: unguided, replacement, RePaint, reconstruction {errors:.3?}"
    );
    for (m, e) in errors.iter().enumerate().skip(1) {
        assert!(
            *e < 0.1 && *e * 4.0 < errors[0],
            "{:?}: {e} vs unguided {}",
            methods[m],
            errors[0]
        );
    }
}
