//! The MNIST digits the training uses, as fetched by scripts/fetch-mnist.sh.

use diffusion_playground::native::mnist::{CLASSES, Digits, PIXELS};
use std::path::Path;

fn digits() -> Digits {
    Digits::load(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/mnist")
            .as_path(),
    )
    .expect("run scripts/fetch-mnist.sh")
}

#[test]
fn ten_thousand_labelled_digits_load() {
    let d = digits();
    assert_eq!(d.len(), 10_000);
    for class in 0..CLASSES {
        let n = d.labels.iter().filter(|&&l| l == class).count();
        assert!((800..=1200).contains(&n), "class {class} has {n} images");
    }
    assert!(d.images.iter().all(|i| i.len() == PIXELS));
    // Real digits: mostly background, some ink.
    let ink: f32 = d.images[0].iter().sum::<f32>() / PIXELS as f32;
    assert!(ink > 0.05 && ink < 0.5, "mean grey level {ink}");
}

#[test]
fn the_hold_out_is_deterministic_and_disjoint() {
    let (train, test) = digits().split(10);
    let (train2, test2) = digits().split(10);
    assert_eq!(train.len() + test.len(), 10_000);
    assert_eq!(
        (train.labels.clone(), test.labels.clone()),
        (train2.labels, test2.labels)
    );
    assert!(
        (950..=1050).contains(&test.len()),
        "{} held out",
        test.len()
    );
    assert!(
        test.images.iter().all(|t| !train.images.contains(t)),
        "held-out images reappear in training"
    );
}

#[test]
fn a_damaged_digit_file_is_reported() {
    let dir = std::env::temp_dir().join(format!("mnist-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for label in 0..CLASSES {
        std::fs::write(dir.join(format!("{label}.json")), r#"{"data": [0.5, 0.5]}"#).unwrap();
    }
    let err = Digits::load(&dir).unwrap_err();
    assert!(err.contains("whole 28x28 images"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
    let err = Digits::load(Path::new("/nonexistent")).unwrap_err();
    assert!(err.contains("fetch-mnist"), "{err}");
}
