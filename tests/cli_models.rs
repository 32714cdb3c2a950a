//! Every model of `diffusion train` for a few steps on CPU (the loss must fall), its export in
//! both formats, and `diffusion eval` on a tiny budget: the whole native pipeline as CI runs it.

use burn::tensor::Device;
use diffusion_playground::denoiser::ConditionalDenoiser;
use diffusion_playground::native::mnist::PIXELS;
use diffusion_playground::network::{Conditioning, UNet};
use diffusion_playground::noise::{Noise, Stream};
use diffusion_playground::schedule::{Schedule, VpLinear};
use diffusion_playground::training::Checkpoint;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `diffusion args`, whether it succeeds or not.
fn command(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diffusion"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

/// `diffusion args`, which must succeed.
fn diffusion(args: &[&str]) -> Output {
    let out = command(args);
    assert!(
        out.status.success(),
        "diffusion {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Trains `args` for `steps` steps with a checkpoint every step; returns the losses it printed.
fn train(dir: &Path, name: &str, steps: usize, args: &[&str]) -> Vec<f64> {
    let checkpoint = dir.join(format!("{name}.ckpt"));
    let steps = steps.to_string();
    let mut all = vec![
        "train",
        "--steps",
        &steps,
        "--every",
        "1",
        "--checkpoint",
        checkpoint.to_str().unwrap(),
    ];
    all.extend(args);
    let out = diffusion(&all);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(" loss ").nth(1)?.split(' ').next()?.parse().ok())
        .collect()
}

fn export(dir: &Path, name: &str, extension: &str) -> PathBuf {
    let out = dir.join(format!("{name}.{extension}"));
    let checkpoint = dir.join(format!("{name}.ckpt"));
    diffusion(&[
        "export",
        "--checkpoint",
        checkpoint.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    out
}

/// A safetensors file's header (each tensor's dtype, shape and place) and its data.
fn safetensors(path: &Path) -> (BTreeMap<String, serde_json::Value>, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    let length = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = serde_json::from_slice(&bytes[8..8 + length]).unwrap();
    (header, bytes[8 + length..].to_vec())
}

/// The tensors of a safetensors file by name, as raw bytes: the same weights give the same map,
/// though burn writes the header's metadata in no fixed order.
fn tensors(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let (header, data) = safetensors(path);
    header
        .into_iter()
        .filter_map(|(name, tensor)| {
            let offsets = tensor.get("data_offsets")?;
            let at = |i: usize| offsets[i].as_u64().unwrap() as usize;
            Some((name, data[at(0)..at(1)].to_vec()))
        })
        .collect()
}

/// A U-Net run at batch 8 checkpointing to `dir/name.ckpt`: `call` is `diffusion` where the run
/// must succeed, `command` where it must not.
fn unet_run(
    call: fn(&[&str]) -> Output,
    dir: &Path,
    name: &str,
    steps: &str,
    extra: &[&str],
) -> Output {
    let checkpoint = dir.join(format!("{name}.ckpt"));
    let mut args = vec![
        "train",
        "--model",
        "unet",
        "--batch",
        "8",
        "--steps",
        steps,
        "--checkpoint",
        checkpoint.to_str().unwrap(),
    ];
    args.extend(extra);
    call(&args)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn every_model_trains_exports_and_evaluates() {
    let dir = scratch("models");
    let runs: [(&str, usize, Vec<&str>); 5] = [
        (
            "mlp2d",
            40,
            vec![
                "--model", "mlp2d", "--data", "moons", "--batch", "256", "--lr", "1e-3",
            ],
        ),
        (
            "mlp1d",
            40,
            vec!["--model", "mlp1d", "--batch", "256", "--lr", "1e-3"],
        ),
        (
            "unet",
            16,
            vec!["--model", "unet", "--batch", "16", "--lr", "1e-3"],
        ),
        (
            "classifier",
            50,
            vec!["--model", "classifier", "--batch", "32", "--lr", "3e-3"],
        ),
        (
            "noisy-classifier",
            160,
            vec![
                "--model",
                "noisy-classifier",
                "--batch",
                "64",
                "--lr",
                "3e-3",
            ],
        ),
    ];
    for (name, steps, args) in &runs {
        let losses = train(&dir, name, *steps, args);
        assert_eq!(losses.len(), *steps, "{name}: one loss per step");
        // Quarter-run averages: single DSM and noisy-classifier losses jump with the random times.
        let quarter = steps / 4;
        let (first, last) = (mean(&losses[..quarter]), mean(&losses[steps - quarter..]));
        println!("{name}: loss {first:.4} -> {last:.4} in {steps} steps");
        assert!(last < 0.9 * first, "{name}: loss {first:.4} -> {last:.4}");
    }

    // safetensors in PyTorch's layout: linear weights [out, in], conv weights [out, in, k, k].
    let (header, _) = safetensors(&export(&dir, "unet", "safetensors"));
    assert_eq!(
        header["time1.weight"]["shape"],
        serde_json::json!([144, 72])
    );
    assert_eq!(
        header["down1.conv1.weight"]["shape"],
        serde_json::json!([32, 32, 3, 3])
    );
    assert_eq!(header["out_norm.weight"]["dtype"], "F32");

    let (unet, classifier, noisy) = (
        export(&dir, "unet", "bpk"),
        export(&dir, "classifier", "bpk"),
        export(&dir, "noisy-classifier", "bpk"),
    );
    let results = dir.join("eval.json");
    let out = diffusion(&[
        "eval",
        "--unet",
        unet.to_str().unwrap(),
        "--classifier",
        classifier.to_str().unwrap(),
        "--noisy-classifier",
        noisy.to_str().unwrap(),
        "--samples",
        "20",
        "--sweep-samples",
        "20",
        "--steps",
        "3",
        "--step-counts",
        "2,3",
        "--steps-samples",
        "10",
        "--chunk",
        "10",
        "--frequency-ws",
        "-1,0,1",
        "--tradeoff-ws",
        "0,2",
        "--classifier-scales",
        "0,2",
        "--out",
        results.to_str().unwrap(),
    ]);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("digit frequencies"), "{printed}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&results).unwrap()).unwrap();
    let accuracy = r["classifier_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&accuracy));
    let rows = r["frequencies"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let shares: Vec<f64> = row["shares"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(shares.len(), 10);
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(
            row["gamma"].as_f64().unwrap(),
            row["w"].as_f64().unwrap() - 1.0
        );
    }
    for section in ["steps", "classifier_guidance", "tradeoff"] {
        let rows = r[section].as_array().unwrap();
        assert_eq!(rows.len(), 2, "{section}");
        for row in rows {
            for key in ["hits", "confidence", "frechet"] {
                let v = row[key]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{section}.{key}: {row}"));
                assert!(v.is_finite() && v >= 0.0, "{section}.{key} = {v}");
            }
        }
    }
    // A PNG's width and height, from its header.
    let png_size = |name: &str| {
        let png = std::fs::read(dir.join(name)).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{name}");
        let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        (size(16), size(20))
    };
    // A picture grid per experiment beside the results, named after them: a row of 10 samples
    // per setting (one per digit where the experiment draws every digit; 28-pixel images, 2-pixel
    // gaps).
    for (experiment, rows) in [
        ("frequency", 3),
        ("steps", 2),
        ("classifier-guidance", 2),
        ("tradeoff", 2),
    ] {
        assert_eq!(
            png_size(&format!("eval-{experiment}.png")),
            (10 * 30 + 2, rows * 30 + 2),
            "{experiment}"
        );
    }
    // The samples conditioned on 7 at w = 1 the judge read otherwise: their verdicts, none a 7,
    // and at most two rows of ten of them (an empty grid when there are none).
    let misread: Vec<u64> = r["misread"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert!(misread.len() <= 20 && misread.iter().all(|&l| l < 10 && l != 7));
    let (columns, rows) = (
        misread.len().clamp(1, 10),
        misread.len().div_ceil(10).max(1),
    );
    assert_eq!(
        png_size("eval-misread.png"),
        (columns * 30 + 2, rows * 30 + 2)
    );
    let cos = &r["nearest_cosine"];
    assert!(cos["min"].as_f64().unwrap() <= cos["max"].as_f64().unwrap());
    assert!(cos["max"].as_f64().unwrap() <= 1.0 + 1e-6);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A U-Net run resumed into augmentation (`--augment affine --augment-from N`, as a cool-down is
/// added to a constant run) ends where a run with it from the start does; augmentation changes
/// the weights; and a resume that would change steps already taken is refused, the checkpoint
/// left as it was.
#[test]
fn a_unet_run_resumes_into_augmentation_exactly() {
    let dir = scratch("augment");
    let run = |call, name: &str, steps: &str, extra: &[&str]| {
        unet_run(
            call,
            &dir,
            name,
            steps,
            &[&["--every", "3"], extra].concat(),
        )
    };
    let augmented = ["--augment", "affine", "--augment-from", "3"];
    run(diffusion, "straight", "6", &augmented);
    run(diffusion, "split", "3", &[]);
    run(
        diffusion,
        "split",
        "6",
        &[&augmented[..], &["--resume"]].concat(),
    );
    run(diffusion, "plain", "6", &[]);
    // Step, noise position and settings; and the averaged weights, to the bit.
    let state = |name: &str| {
        Checkpoint::load(&dir.join(format!("{name}.ckpt")))
            .unwrap()
            .state
    };
    assert_eq!(state("split"), state("straight"));
    let weights = |name: &str| tensors(&export(&dir, name, "safetensors"));
    assert!(
        weights("split") == weights("straight"),
        "the resumed run differs"
    );
    assert!(
        weights("plain") != weights("straight"),
        "augmentation changed nothing"
    );

    let load = |name: &str| std::fs::read(dir.join(format!("{name}.ckpt"))).unwrap();
    let before = load("straight");
    let out = run(
        command,
        "straight",
        "9",
        &["--augment", "affine", "--augment-from", "2", "--resume"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("the augmentation differs at step 2"),
        "{err}"
    );
    assert!(
        load("straight") == before,
        "a refused resume wrote its checkpoint"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `--conditioning scale-shift --init` warm-starts a U-Net from a shift-only run's averaged
/// weights: the new run draws what the old one drew until training moves its zero scales, it
/// resumes like any run and keeps its origin on record, and the mismatches (of conditioning, of
/// width) are refused.
#[test]
fn a_scale_shift_run_starts_from_a_shift_only_run() {
    let dir = scratch("warm");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let run =
        |call, name: &str, steps: &str, extra: &[&str]| unet_run(call, &dir, name, steps, extra);
    let base = path("base.ckpt");
    let warm = ["--conditioning", "scale-shift", "--init", &base];
    run(diffusion, "base", "3", &[]);
    // A learning rate that cannot move the weights: what the run starts from is what it holds.
    run(
        diffusion,
        "warm",
        "1",
        &[&warm[..], &["--lr", "1e-12"]].concat(),
    );
    let device = Device::flex();
    let unet = |name: &str| {
        let bytes = std::fs::read(export(&dir, name, "bpk")).unwrap();
        UNet::from_weights(&bytes, &device).unwrap()
    };
    let (before, after) = (unet("base"), unet("warm"));
    assert_eq!(before.conditioning(), Conditioning::Shift);
    assert_eq!(after.conditioning(), Conditioning::ScaleShift);
    let x = Noise::new(3, Stream::Prior).normal(4, PIXELS, &device);
    let level = VpLinear::default().level(0.6);
    for label in [Some(7), None] {
        let gap: f32 = (before.eps_given(x.clone(), &level, label)
            - after.eps_given(x.clone(), &level, label))
        .abs()
        .max()
        .into_scalar();
        assert!(
            gap < 1e-4,
            "label {label:?}: the warm start moved eps by {gap}"
        );
    }

    let scale_shift = ["--conditioning", "scale-shift", "--lr", "1e-12", "--resume"];
    run(diffusion, "warm", "2", &scale_shift);
    let run_of = |name: &str| {
        Checkpoint::load(&dir.join(format!("{name}.ckpt")))
            .unwrap()
            .state
            .run
    };
    assert_eq!(run_of("warm")["init"], serde_json::json!(base));
    assert_eq!(run_of("warm")["conditioning"], "scale-shift");

    let warm_weights = path("warm.bpk");
    let garbage = path("garbage.bpk");
    std::fs::write(&garbage, b"no weights here").unwrap();
    let refused: [(&[&str], &str); 5] = [
        (&["--resume"], "the checkpoint is of"),
        (&["--init", &warm_weights], "cannot start a Shift run"),
        (
            &["--init", &base, "--width", "wide"],
            "Narrow weights cannot start a Wide run",
        ),
        (&["--init", &garbage], "not a weight file"),
        (&["--init", &base, "--resume"], "cannot be used with"),
    ];
    for (extra, needle) in refused {
        let out = run(command, "warm", "4", extra);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(needle),
            "{extra:?}: {err}"
        );
    }
    assert_eq!(
        Checkpoint::load(&dir.join("warm.ckpt")).unwrap().state.step,
        2
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `diffusion bench` times either width of the U-Net, records which in its figures, and refuses
/// an empty batch before any work.
#[test]
fn the_training_benchmark_times_either_width() {
    let dir = scratch("bench");
    for (width, parameters) in [("narrow", 510_449), ("wide", 1_600_777)] {
        let out = dir.join(format!("{width}.json"));
        let printed = diffusion(&[
            "bench",
            "--width",
            width,
            "--batch",
            "4",
            "--steps",
            "2",
            "--warmup",
            "1",
            "--out",
            out.to_str().unwrap(),
        ]);
        let figures: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(figures["settings"]["width"], width);
        assert_eq!(figures["parameters"], parameters);
        assert!(
            String::from_utf8_lossy(&printed.stdout).contains(&format!("{parameters} parameters"))
        );
        let losses = figures["losses"].as_array().unwrap();
        assert_eq!(losses.len(), 3, "one warm-up step and two timed ones");
        assert!(losses.iter().all(|l| l.as_f64().unwrap().is_finite()));
        assert!(figures["images_per_s"].as_f64().unwrap() > 0.0);
    }
    let out = dir.join("empty.json");
    let refused = command(&["bench", "--batch", "0", "--out", out.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--batch and --steps must be positive")
    );
    assert!(!out.exists());
    std::fs::remove_dir_all(dir).unwrap();
}
