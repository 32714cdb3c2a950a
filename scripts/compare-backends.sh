#!/usr/bin/env bash
# Does burn's GPU backend train the MNIST U-Net like its CPU backend? Runs `diffusion bench` on the
# CPU and on the device given, from the same initial weights (drawn on the CPU) over the same random
# batches and noise, and compares the loss of every step. Writes bench/losses-<device>-vs-cpu.json.
#   STEPS=100 BATCH=16 scripts/compare-backends.sh [vulkan|cuda|cpu]
# `cpu` compares the CPU backend with itself: a check that a run is repeatable.
set -euo pipefail
cd "$(dirname "$0")/.."
device=${1:-vulkan}
steps=${STEPS:-30}
batch=${BATCH:-16}
features=()
if [ "$device" != cpu ]; then features=(--features "$device"); fi
cargo build --quiet --release --bin diffusion "${features[@]}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target/release/diffusion bench --device cpu --batch "$batch" --steps "$steps" --warmup 1 \
  --out "$tmp/reference.json"
target/release/diffusion bench --device "$device" --batch "$batch" --steps "$steps" --warmup 1 \
  --out "$tmp/device.json"
adapter="burn's CPU backend (flex)"
if [ "$device" = vulkan ]; then
  adapter=$(vulkaninfo --summary 2>/dev/null | sed -n 's/^[[:space:]]*deviceName[[:space:]]*= //p' | head -1 || true)
fi
python3 - "$tmp/reference.json" "$tmp/device.json" "$device" "${adapter:-unknown}" <<'PY'
import json, platform, subprocess, sys
cpu, gpu = (json.load(open(p)) for p in sys.argv[1:3])
device, adapter = sys.argv[3:5]
a, b = cpu["losses"], gpu["losses"]
relative = [abs(x - y) / abs(x) for x, y in zip(a, b)]
first = next((i for i, r in enumerate(relative) if r > 1e-3), None)
result = {
    "command": f"STEPS={cpu['settings']['steps']} BATCH={cpu['settings']['batch']} scripts/compare-backends.sh {device}",
    "machine": f"{platform.machine()}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores",
    "adapter": adapter,
    "cpu_losses": a,
    "device_losses": b,
    "max_relative_difference": max(relative),
    "first_step_differing_by_more_than_1e-3": first,
    "images_per_s": {"cpu": cpu["images_per_s"], "device": gpu["images_per_s"]},
}
out = f"bench/losses-{device}-vs-cpu.json"
json.dump(result, open(out, "w"), indent=2)
print(f"{len(a)} steps: cpu loss {a[0]:.4f} -> {a[-1]:.4f}, {device} ({adapter}) {b[0]:.4f} -> {b[-1]:.4f}")
print(f"largest relative difference {max(relative):.2e}; first step over 1e-3: {first}")
print("wrote", out)
PY
