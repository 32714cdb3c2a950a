#!/usr/bin/env bash
# Trains every network the site ships and exports its averaged weights into www/weights/: the
# MNIST U-Net, the clean and the noise-conditioned digit classifiers, a 2D score MLP per toy data
# set, the function score MLP and the 2D lab's intermediate energy and force networks. Checkpoints
# go to runs/; an interrupted run continues from its checkpoint when the script is run again. Every
# step count is a setting:
#   DEVICE=vulkan CLASSIFIER_STEPS=8000 scripts/train-weights.sh
set -euo pipefail
cd "$(dirname "$0")/.."
device=${DEVICE:-cpu}
features=()
if [ "$device" != cpu ]; then features=(--features "$device"); fi
cargo build --quiet --release --bin diffusion "${features[@]}"
scripts/fetch-mnist.sh
mkdir -p runs www/weights

# train NAME ARGS...: train (or continue) runs/NAME.ckpt, then export www/weights/NAME.bpk.
train() {
  local name=$1
  shift
  local resume=()
  if [ -f "runs/$name.ckpt" ]; then resume=(--resume); fi
  target/release/diffusion train --device "$device" --checkpoint "runs/$name.ckpt" "${resume[@]}" "$@"
  target/release/diffusion export --half --checkpoint "runs/$name.ckpt" --out "www/weights/$name.bpk"
}

# The classifiers: a fixed length with a cosine decay (6,000 steps took the clean one from 98.7 %
# to its figure in docs/results.md). The U-Net, the wide one: a constant rate after a warm-up and
# min-SNR-5 weighting (bench/weighting-ab.json) for 21,000 steps, then a linear cool-down to 0 at
# UNET_STEPS; its checkpoint in runs/ is committed, so each run of this script continues it (a
# longer run moves the cool-down's end, which only a checkpoint from before the cool-down can
# take: runs/unet-wide.ckpt, see docs/results.md).
train classifier --model classifier --steps "${CLASSIFIER_STEPS:-6000}" --lr 1e-3 --warmup 100 \
  --decay cosine --every 500
train noisy-classifier --model noisy-classifier --steps "${CLASSIFIER_STEPS:-6000}" --lr 1e-3 \
  --warmup 100 --decay cosine --every 500
for data in blobs ring moons swiss-roll checkerboard; do
  train "mlp2d-$data" --model mlp2d --data "$data" --steps "${MLP_STEPS:-4000}" --batch 256 --lr 1e-3 --ema 0.995 --every 1000
done
train mlp1d --model mlp1d --steps "${MLP_STEPS:-4000}" --batch 256 --lr 1e-3 --ema 0.995 --every 1000
# The 2D lab's trained energy guidance (docs/energy.md): the intermediate energy by contrastive
# energy prediction and the intermediate force, for the blobs and the ring tilted by beta = 1
# towards (1.5, 1.5) (lab::TRAINED_ENERGY), in groups of 32 that share a time; 20,000 steps took
# 2 to 2.5 min each.
for data in blobs ring; do
  for model in energy force; do
    train "$model-$data" --model "$model" --data "$data" --beta 1 --center 1.5 1.5 --group 32 \
      --steps "${ENERGY_STEPS:-20000}" --batch 1024 --lr 1e-3 --warmup 200 --decay cosine --ema 0.999 --every 5000
  done
done
train unet --model unet --width wide --steps "${UNET_STEPS:-25000}" --batch 64 --lr 1e-3 \
  --warmup 200 --decay cooldown --cooldown-from 21000 --ema 0.9995 --weighting min-snr \
  --min-snr-gamma 5 --every 250
