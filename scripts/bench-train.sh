#!/usr/bin/env bash
# Training throughput of the MNIST U-Net (batch 64 DSM steps, loss read back every step): burn on
# the device given (cpu, vulkan or cuda), and the same network in PyTorch (bench/unet_torch.py)
# in the same run where python3 has torch, with the ratio. Writes bench/train-unet-<device>.json.
#   scripts/bench-train.sh [cpu|vulkan|cuda]
set -euo pipefail
cd "$(dirname "$0")/.."
device=${1:-cpu}
features=()
if [ "$device" != cpu ]; then features=(--features "$device"); fi
cargo build --quiet --bin diffusion "${features[@]}"
out=bench/train-unet-$device.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target/debug/diffusion bench --device "$device" --out "$tmp/burn.json"
torch_device=$device
if [ "$device" != cpu ]; then torch_device=cuda; fi
if python3 -c 'import torch' 2>/dev/null; then
  python3 bench/unet_torch.py --device "$torch_device" --out "$tmp/torch.json"
else
  echo "python3 has no torch: burn alone is measured" >&2
  echo null > "$tmp/torch.json"
fi
python3 - "$tmp/burn.json" "$tmp/torch.json" "$out" <<'PY'
import json, platform, subprocess, sys
burn, torch = (json.load(open(p)) for p in sys.argv[1:3])
result = {
    "command": "scripts/bench-train.sh " + burn["device"],
    "machine": f"{platform.machine()}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores",
    "burn": burn,
    "pytorch": torch,
    "burn_over_pytorch": burn["images_per_s"] / torch["images_per_s"] if torch else None,
}
if torch:
    print(f"burn {burn['images_per_s']:.1f} images/s, PyTorch {torch['images_per_s']:.1f} images/s: ratio {result['burn_over_pytorch']:.2f}")
json.dump(result, open(sys.argv[3], "w"), indent=2)
print("wrote", sys.argv[3])
PY
