//! The `diffusion` command line, run as a user would.

use burn::module::Module;
use burn::tensor::Device;
use diffusion_playground::denoiser::ConditionalDenoiser;
use diffusion_playground::network::ScoreMlpConfig;
use diffusion_playground::noise::{Noise, Stream};
use diffusion_playground::schedule::{Schedule, VpLinear};
use diffusion_playground::tensor::to_vec;
use diffusion_playground::training::{Checkpoint, LiveConfig, LiveTrainer};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn diffusion(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diffusion"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn train(checkpoint: &Path, steps: &str, resume: bool) -> Output {
    let path = checkpoint.to_str().unwrap();
    let mut args = vec![
        "train", "--model", "mlp2d", "--data", "moons", "--steps", steps, "--every", "20",
    ];
    args.extend([
        "--batch",
        "64",
        "--lr",
        "0.002",
        "--seed",
        "4",
        "--checkpoint",
        path,
    ]);
    if resume {
        args.push("--resume");
    }
    diffusion(&args)
}

#[test]
fn an_interrupted_and_resumed_run_ends_where_an_uninterrupted_one_does() {
    let dir = scratch("resume");
    let (split, whole) = (dir.join("split.ckpt"), dir.join("whole.ckpt"));
    let first = train(&split, "40", false);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("step 40"));
    let second = train(&split, "60", true);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let straight = train(&whole, "60", false);
    assert!(straight.status.success());
    let (a, b) = (
        Checkpoint::load(&split).unwrap(),
        Checkpoint::load(&whole).unwrap(),
    );
    assert_eq!(a.state, b.state, "step, noise position and settings");

    // The training log beside each checkpoint: one entry per checkpoint, the resumed run's
    // continuing the first run's (same steps, images and losses), training time adding up.
    let log = |checkpoint: &Path| -> Vec<serde_json::Value> {
        let path = format!("{}.log.json", checkpoint.display());
        serde_json::from_slice(&std::fs::read(path).expect("a training log")).unwrap()
    };
    let (resumed, uninterrupted) = (log(&split), log(&whole));
    let column = |entries: &[serde_json::Value], key: &str| -> Vec<serde_json::Value> {
        entries.iter().map(|e| e[key].clone()).collect()
    };
    assert_eq!(column(&resumed, "step"), [20, 40, 60]);
    assert_eq!(column(&resumed, "images"), [1280, 2560, 3840]);
    assert_eq!(column(&resumed, "loss"), column(&uninterrupted, "loss"));
    let seconds: Vec<f64> = column(&resumed, "seconds")
        .iter()
        .map(|s| s.as_f64().unwrap())
        .collect();
    assert!(
        seconds[0] > 0.0 && seconds.windows(2).all(|w| w[1] > w[0]),
        "{seconds:?}"
    );

    // Export: the averaged weights load into the architecture the code defines, and both runs'
    // weights compute the same eps to the bit.
    let eps = |checkpoint: &Path, name: &str| {
        let out = dir.join(name);
        let (c, o) = (checkpoint.to_str().unwrap(), out.to_str().unwrap());
        let export = diffusion(&["export", "--checkpoint", c, "--out", o]);
        assert!(
            export.status.success(),
            "{}",
            String::from_utf8_lossy(&export.stderr)
        );
        let device = burn::tensor::Device::flex();
        let model = ScoreMlpConfig::new(2).with_num_classes(2).init(&device);
        let model = model
            .try_load_file(&out)
            .expect("the exported weights load");
        let x = Noise::new(1, Stream::Prior).normal(16, 2, &device);
        to_vec(model.eps_given(x, &VpLinear::default().level(0.4), Some(1)))
    };
    assert!(
        eps(&split, "split.bpk") == eps(&whole, "whole.bpk"),
        "the resumed run's weights differ"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_input_gets_a_clear_message() {
    let dir = scratch("bad");
    let ckpt = dir.join("x.ckpt");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "train",
                "--model",
                "mlp2d",
                "--data",
                "spiral",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "unknown data set",
        ),
        (
            vec![
                "train",
                "--model",
                "mlp2d",
                "--batch",
                "0",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "--batch",
        ),
        (
            vec![
                "train",
                "--model",
                "mlp2d",
                "--resume",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "checkpoint I/O failed",
        ),
        (
            vec![
                "train",
                "--model",
                "unet",
                "--mnist",
                "/nonexistent",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "fetch-mnist",
        ),
        (
            vec![
                "train",
                "--model",
                "mlp2d",
                "--weighting",
                "min-snr",
                "--min-snr-gamma",
                "0",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "--min-snr-gamma",
        ),
        (
            vec![
                "train",
                "--model",
                "mlp2d",
                "--decay",
                "cooldown",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "needs --cooldown-from",
        ),
        (
            vec![
                "train",
                "--model",
                "mlp2d",
                "--cooldown-from",
                "5",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "--cooldown-from goes with --decay cooldown",
        ),
        (
            vec![
                "train",
                "--model",
                "classifier",
                "--augment",
                "affine",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "--augment is for the U-Net",
        ),
        (
            vec![
                "train",
                "--model",
                "classifier",
                "--init",
                "www/weights/unet.bpk",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "--conditioning, --width and --init are for the U-Net",
        ),
        (
            vec![
                "train",
                "--model",
                "noisy-classifier",
                "--width",
                "wide",
                "--checkpoint",
                ckpt.to_str().unwrap(),
            ],
            "--conditioning, --width and --init are for the U-Net",
        ),
    ];
    for (args, needle) in cases {
        let out = diffusion(&args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    std::fs::write(&ckpt, b"DIFFCKP1 but then garbage").unwrap();
    let out = train(&ckpt, "10", true);
    assert!(String::from_utf8_lossy(&out.stderr).contains("checkpoint is unusable"));

    // A damaged training log stops a resume before any step, and leaves both files as they were.
    let good = dir.join("good.ckpt");
    assert!(train(&good, "20", false).status.success());
    let log = dir.join("good.ckpt.log.json");
    std::fs::write(&log, b"[{\"step\": ").unwrap();
    let before = std::fs::read(&good).unwrap();
    let out = train(&good, "40", true);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("training log"),
        "{err}"
    );
    assert_eq!(std::fs::read(&good).unwrap(), before);
    assert_eq!(std::fs::read(&log).unwrap(), b"[{\"step\": ");
    std::fs::remove_dir_all(dir).unwrap();
}

/// `kill -9` at arbitrary moments of a run that checkpoints every step: every time, the file on
/// disk is a complete checkpoint, `--resume` carries on from it, and no temporary file is left
/// that a later run would trip over.
#[test]
fn a_run_killed_at_any_moment_resumes_from_an_intact_checkpoint() {
    let dir = scratch("kill");
    let ckpt = dir.join("run.ckpt");
    let path = ckpt.to_str().unwrap();
    let start = |resume: bool| {
        let mut args = vec![
            "train", "--model", "mlp2d", "--data", "ring", "--steps", "100000", "--every", "1",
        ];
        args.extend(["--batch", "256", "--checkpoint", path]);
        if resume {
            args.push("--resume");
        }
        Command::new(env!("CARGO_BIN_EXE_diffusion"))
            .args(&args)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut last_step = 0;
    // Kill delays from a fixed sequence, spread over the write cycle of a checkpoint.
    for (round, delay_ms) in [300u64, 437, 511, 602, 373].into_iter().enumerate() {
        let mut child = start(round > 0);
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // Still running: a resume that refused the checkpoint would have exited by now.
        assert!(
            child.try_wait().unwrap().is_none(),
            "round {round}: the run stopped early"
        );
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        match Checkpoint::load(&ckpt) {
            Ok(c) => {
                assert!(
                    c.state.step > last_step,
                    "round {round}: no progress from step {last_step}"
                );
                last_step = c.state.step;
            }
            // Killed before the first checkpoint of the first run: nothing to resume yet.
            Err(e) => assert!(round == 0 && !ckpt.exists(), "round {round}: {e}"),
        }
    }
    assert!(last_step > 0, "no checkpoint was ever written");
    // Temporary files of killed writers may remain, but never under the checkpoint's or the
    // log's name.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            ["run.ckpt", "run.ckpt.log.json"].contains(&name.as_str())
                || name.starts_with(".run.ckpt.tmp-")
                || name.starts_with(".run.ckpt.log.json.tmp-"),
            "unexpected file {name}"
        );
    }
    // The log is whole, in step order, and never ahead of the checkpoint.
    let log: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(dir.join("run.ckpt.log.json")).unwrap()).unwrap();
    let steps: Vec<u64> = log.iter().map(|e| e["step"].as_u64().unwrap()).collect();
    assert!(steps.windows(2).all(|w| w[1] > w[0]), "{steps:?}");
    assert!(*steps.last().unwrap() <= last_step);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Absurd values a user might type: refused before anything is loaded or allocated.
#[test]
fn absurd_eval_settings_are_refused_before_any_work() {
    for (args, needle) in [
        (
            vec!["--frequency-ws", "1,1e6"],
            "guidance scale 1000000 is out of range",
        ),
        (
            vec!["--classifier-scales", "NaN"],
            "guidance scale NaN is out of range",
        ),
        (vec!["--steps", "0"], "--steps positive"),
        (vec!["--chunk", "1000000000"], "per chunk"),
        (vec!["--samples", "10000000000"], "samples per setting"),
        (vec!["--step-counts", "20,1000000"], "steps"),
        (
            vec!["--tradeoff-ws", "0,one"],
            "'one': invalid float literal",
        ),
        (
            vec!["--tradeoff-ws", "-1,-200"],
            "guidance scale -200 is out of range",
        ),
    ] {
        let mut all = vec!["eval"];
        all.extend(&args);
        let out = diffusion(&all);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

/// A U-Net whose weights are NaN (a valid file): `eval` stops with a message naming the fault
/// instead of writing tables of NaN.
#[test]
fn samples_that_turn_nan_stop_eval_with_a_message() {
    let dir = scratch("nan");
    let shipped = std::fs::read("www/weights/unet.bpk").unwrap();
    // burnpack: magic, u16 version, u32 metadata length, metadata, then the tensor data; all
    // ones is NaN in f16 and f32 at any alignment.
    let data_start = 10 + u32::from_le_bytes(shipped[6..10].try_into().unwrap()) as usize;
    let mut poisoned = shipped.clone();
    poisoned[data_start..].fill(0xff);
    let unet = dir.join("nan-unet.bpk");
    std::fs::write(&unet, poisoned).unwrap();
    let out = diffusion(&[
        "eval",
        "--unet",
        unet.to_str().unwrap(),
        "--samples",
        "2",
        "--steps",
        "2",
        "--chunk",
        "2",
        "--frequency-ws",
        "1",
        "--out",
        dir.join("eval.json").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NaN or infinite at step 2"), "{err}");
    assert!(!dir.join("eval.json").exists());
    assert!(!dir.join("eval-frequency.png").exists());
    std::fs::remove_dir_all(dir).unwrap();
}

/// `export --weights` converts a shipped weight file (what the ONNX benchmark starts from):
/// safetensors in f32 with PyTorch's names; models whose size only a checkpoint knows are refused.
#[test]
fn a_shipped_weight_file_exports_to_safetensors() {
    let dir = scratch("export-weights");
    let out = dir.join("unet.safetensors");
    let done = diffusion(&[
        "export",
        "--weights",
        "www/weights/unet.bpk",
        "--model",
        "unet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let bytes = std::fs::read(&out).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    assert_eq!(header["output.weight"]["dtype"], "F32");
    // The shipped U-Net is the wide one: 40 channels at full resolution.
    assert_eq!(
        header["output.weight"]["shape"],
        serde_json::json!([1, 40, 3, 3])
    );
    let refused = diffusion(&[
        "export",
        "--weights",
        "www/weights/mlp2d-blobs.bpk",
        "--model",
        "mlp2d",
        "--out",
        dir.join("mlp.safetensors").to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("export it with --checkpoint"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// A run on a data set with a closed form logs its averaged network's error against the exact
/// score, and the page's trainer (`LiveTrainer`, the same code in the browser) reaches the same
/// error with the same settings.
#[test]
fn a_blobs_run_logs_its_error_against_the_exact_score_as_the_page_trainer_reaches_it() {
    let dir = scratch("exact");
    let checkpoint = dir.join("blobs.ckpt");
    let path = checkpoint.to_str().unwrap();
    let out = diffusion(&[
        "train",
        "--model",
        "mlp2d",
        "--data",
        "blobs",
        "--steps",
        "100",
        "--every",
        "50",
        "--batch",
        "64",
        "--lr",
        "1e-3",
        "--ema",
        "0.995",
        "--checkpoint",
        path,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(format!("{path}.log.json")).unwrap()).unwrap();
    let errors: Vec<f64> = log
        .iter()
        .map(|e| e["held_out"]["exact_eps_error"].as_f64().unwrap())
        .collect();
    assert!(errors[1] < errors[0] && errors[0] < 1.0, "{errors:?}");

    let config = LiveConfig {
        batch: 64,
        ..LiveConfig::default()
    };
    let mut page = LiveTrainer::new(config, &Device::flex()).unwrap();
    page.train(100).unwrap();
    let reached = f64::from(page.exact_error().unwrap().into_scalar::<f32>());
    assert!(
        (reached - errors[1]).abs() < 1e-4 * errors[1],
        "{reached} in the page's trainer, {} natively",
        errors[1]
    );
    // Without a closed form there is nothing to measure against.
    let moons = dir.join("moons.ckpt");
    assert!(train(&moons, "20", false).status.success());
    let log: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(format!("{}.log.json", moons.display())).unwrap())
            .unwrap();
    assert!(log[0]["held_out"].is_null());
    std::fs::remove_dir_all(dir).unwrap();
}
