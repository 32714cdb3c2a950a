#!/usr/bin/env bash
# Trains every network the site ships and exports its averaged weights into www/weights/: the
# MNIST U-Net, the clean and the noise-conditioned digit classifiers, a 2D score MLP per toy data
# set and the function score MLP. Checkpoints go to runs/; an interrupted run continues from its
# checkpoint when the script is run again. Every step count is a setting:
#   DEVICE=vulkan UNET_STEPS=60000 scripts/train-weights.sh
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
# to its figure in the README). The U-Net: a constant rate after a warm-up and min-SNR-5 weighting
# (bench/weighting-ab.json), for as many steps as it keeps improving; its checkpoint in runs/ is
# committed, so each run of this script continues it.
train classifier --model classifier --steps "${CLASSIFIER_STEPS:-6000}" --lr 1e-3 --warmup 100 \
  --decay cosine --every 500
train noisy-classifier --model noisy-classifier --steps "${CLASSIFIER_STEPS:-6000}" --lr 1e-3 \
  --warmup 100 --decay cosine --every 500
for data in blobs ring moons swiss-roll checkerboard; do
  train "mlp2d-$data" --model mlp2d --data "$data" --steps "${MLP_STEPS:-4000}" --batch 256 --lr 1e-3 --ema 0.995 --every 1000
done
train mlp1d --model mlp1d --steps "${MLP_STEPS:-4000}" --batch 256 --lr 1e-3 --ema 0.995 --every 1000
train unet --model unet --steps "${UNET_STEPS:-40000}" --batch 64 --lr 1e-3 --warmup 200 \
  --ema 0.9995 --weighting min-snr --min-snr-gamma 5 --every 250
