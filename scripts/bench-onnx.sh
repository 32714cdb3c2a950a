#!/usr/bin/env bash
# Our U-Net against onnxruntime-web in the same page (bench/browser/bench-onnx.mjs): exports the
# shipped U-Net to safetensors, then to ONNX through PyTorch (bench/unet_onnx.py, which checks
# onnxruntime against PyTorch), and writes bench/browser-onnx.json. Installs onnxruntime-web,
# torch, onnx, onnxscript and onnxruntime if missing; none of them is needed by the site or tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ORT_WEB=1.30.0
scripts/ensure-tools.sh --browser
scripts/build-web.sh
if [ "$(node -p "try { require('onnxruntime-web/package.json').version } catch { '' }")" != "$ORT_WEB" ]; then
  npm install --no-save "onnxruntime-web@$ORT_WEB"
fi
python3 -c 'import torch, onnx, onnxscript, onnxruntime, safetensors' 2>/dev/null ||
  python3 -m pip install --quiet torch onnx onnxscript onnxruntime safetensors
out=target/bench-onnx
mkdir -p "$out"
cargo run --quiet --bin diffusion -- export --weights www/weights/unet.bpk --model unet --out "$out/unet.safetensors"
(cd bench && python3 unet_onnx.py --weights "../$out/unet.safetensors" --out "../$out/unet.onnx")
node bench/browser/bench-onnx.mjs
