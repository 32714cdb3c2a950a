#!/usr/bin/env bash
# Training throughput of the MNIST U-Net (DSM steps, loss read back every step): burn on the
# device given (cpu, vulkan or cuda), and the same network in PyTorch (bench/unet_torch.py) in the
# same run where python3 has torch, with the ratio. Writes bench/train-unet-<device>.json, or for
# the wide U-Net bench/train-unet-<device>-wide.json, with the narrow one timed in the same run.
#   scripts/bench-train.sh [cpu|vulkan|cuda]
# BATCH (default 64) sets the batch, WIDTH (narrow or wide, default narrow) the U-Net's width.
# BASELINE=path/to/another/diffusion also times that binary in the same run (say, a build from
# before a change), reported as "baseline".
set -euo pipefail
cd "$(dirname "$0")/.."
device=${1:-cpu}
batch=${BATCH:-64}
width=${WIDTH:-narrow}
features=()
if [ "$device" != cpu ]; then features=(--features "$device"); fi
cargo build --quiet --release --bin diffusion "${features[@]}"
out=bench/train-unet-$device.json
# Only a wide run names its width, so that a BASELINE built before widths existed still runs.
width_args=()
if [ "$width" != narrow ]; then
  out=bench/train-unet-$device-$width.json
  width_args=(--width "$width")
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target/release/diffusion bench --device "$device" "${width_args[@]}" --batch "$batch" --out "$tmp/burn.json"
if [ "$width" != narrow ]; then
  target/release/diffusion bench --device "$device" --batch "$batch" --out "$tmp/narrow.json"
else
  echo null > "$tmp/narrow.json"
fi
if [ -n "${BASELINE:-}" ]; then
  "$BASELINE" bench --device "$device" "${width_args[@]}" --batch "$batch" --out "$tmp/baseline.json"
else
  echo null > "$tmp/baseline.json"
fi
torch_device=$device
if [ "$device" != cpu ]; then torch_device=cuda; fi
if python3 -c 'import torch' 2>/dev/null; then
  python3 bench/unet_torch.py --device "$torch_device" --width "$width" --batch "$batch" --out "$tmp/torch.json"
else
  echo "python3 has no torch: burn alone is measured" >&2
  echo null > "$tmp/torch.json"
fi
python3 - "$tmp/burn.json" "$tmp/baseline.json" "$tmp/torch.json" "$tmp/narrow.json" "$out" "${BASELINE:-}" <<'PY'
import datetime, json, platform, subprocess, sys
burn, baseline, torch, narrow = (json.load(open(p)) for p in sys.argv[1:5])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
ratio = lambda a, b: a["images_per_s"] / b["images_per_s"] if a and b else None
result = {
    "command": ("WIDTH=wide " if burn["settings"]["width"] == "wide" else "") + "scripts/bench-train.sh " + burn["device"],
    "date": datetime.date.today().isoformat(),
    "machine": f"{platform.machine()} {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores",
    "burn": burn,
    "baseline_binary": sys.argv[6] or None,
    "baseline": baseline,
    "pytorch": torch,
    "burn_over_pytorch": ratio(burn, torch),
    "baseline_over_pytorch": ratio(baseline, torch),
    "burn_over_baseline": ratio(burn, baseline),
    "narrow": narrow,
    "burn_over_narrow": ratio(burn, narrow),
}
for name, figures in [("burn", burn), ("baseline", baseline), ("PyTorch", torch), ("narrow", narrow)]:
    if figures:
        print(f"{name}: {figures['images_per_s']:.1f} images/s")
for key in ["burn_over_pytorch", "baseline_over_pytorch", "burn_over_baseline", "burn_over_narrow"]:
    if result[key] is not None:
        print(f"{key}: {result[key]:.2f}")
json.dump(result, open(sys.argv[5], "w"), indent=2)
print("wrote", sys.argv[5])
PY
