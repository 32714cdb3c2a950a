#!/usr/bin/env bash
# Trains every network the site ships and exports its averaged weights into www/weights/: the
# MNIST U-Net, the clean and the noise-conditioned digit classifiers, a 2D score MLP per toy data
# set and the function score MLP. Checkpoints go to runs/; an interrupted run continues from its
# checkpoint when the script is run again. Every step count is a setting:
#   DEVICE=vulkan UNET_STEPS=20000 scripts/train-weights.sh
set -euo pipefail
cd "$(dirname "$0")/.."
device=${DEVICE:-cpu}
features=()
if [ "$device" != cpu ]; then features=(--features "$device"); fi
cargo build --quiet --bin diffusion "${features[@]}"
scripts/fetch-mnist.sh
mkdir -p runs www/weights

# train NAME ARGS...: train (or continue) runs/NAME.ckpt, then export www/weights/NAME.bpk.
train() {
  local name=$1
  shift
  local resume=()
  if [ -f "runs/$name.ckpt" ]; then resume=(--resume); fi
  target/debug/diffusion train --device "$device" --checkpoint "runs/$name.ckpt" "${resume[@]}" "$@"
  target/debug/diffusion export --half --checkpoint "runs/$name.ckpt" --out "www/weights/$name.bpk"
}

train classifier --model classifier --steps "${CLASSIFIER_STEPS:-3000}" --lr 1e-3 --every 250
train noisy-classifier --model noisy-classifier --steps "${CLASSIFIER_STEPS:-3000}" --lr 1e-3 --every 250
for data in blobs ring moons swiss-roll checkerboard; do
  train "mlp2d-$data" --model mlp2d --data "$data" --steps "${MLP_STEPS:-4000}" --batch 256 --lr 1e-3 --ema 0.995 --every 1000
done
train mlp1d --model mlp1d --steps "${MLP_STEPS:-4000}" --batch 256 --lr 1e-3 --ema 0.995 --every 1000
train unet --model unet --steps "${UNET_STEPS:-2000}" --batch 32 --lr 1e-3 --ema 0.995 --every 50
