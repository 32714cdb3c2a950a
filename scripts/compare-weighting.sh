#!/usr/bin/env bash
# Short U-Net runs that differ only in the loss weighting: today's uniform eps loss against
# min-SNR-5 (Hang et al. 2023), same seed, batches, learning rate and EMA, trained side by side
# with one thread each. Each run's log holds its held-out eps error per time (the unweighted
# error, the same measure for both); a small eval then draws from each (DDIM, every digit,
# w = 0 and w = 1) and reads the samples with the clean classifier. Writes
# bench/weighting-ab.json. STEPS (default 250) and BIN (default target/release/diffusion) are
# settings.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${STEPS:-250}
bin=${BIN:-target/release/diffusion}
if [ -z "${BIN:-}" ]; then cargo build --quiet --release --bin diffusion; fi
scripts/fetch-mnist.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for weighting in uniform min-snr; do
  RAYON_NUM_THREADS=1 "$bin" train --model unet --steps "$steps" --batch 64 --lr 1e-3 --warmup 100 \
    --ema 0.999 --every 50 --weighting "$weighting" --checkpoint "$tmp/$weighting.ckpt" \
    > "$tmp/$weighting.train.txt" &
done
wait
for weighting in uniform min-snr; do
  "$bin" export --half --checkpoint "$tmp/$weighting.ckpt" --out "$tmp/$weighting.bpk"
  RAYON_NUM_THREADS=1 "$bin" eval --unet "$tmp/$weighting.bpk" --sampler ddim --steps 25 \
    --samples 2 --frequency-ws 1 --sweep-samples 100 --tradeoff-ws 0,1 --classifier-scales 0 \
    --step-counts 2 --steps-samples 2 --chunk 100 --out "$tmp/$weighting.eval.json" \
    > "$tmp/$weighting.eval.txt" &
done
wait
python3 - "$tmp" "$steps" <<'PY'
import datetime, json, platform, sys
tmp, steps = sys.argv[1], int(sys.argv[2])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
result = {"command": "scripts/compare-weighting.sh", "date": datetime.date.today().isoformat(),
          "machine": f"{platform.machine()} {cpu}", "steps": steps, "batch": 64, "runs": {}}
for w in ["uniform", "min-snr"]:
    log = json.load(open(f"{tmp}/{w}.ckpt.log.json"))
    ev = json.load(open(f"{tmp}/{w}.eval.json"))
    tradeoff = {q["setting"]: q for q in ev["tradeoff"]}
    result["runs"][w] = {
        "log": log,
        "unconditional_frechet": tradeoff[0.0]["frechet"],
        "w1_hits": tradeoff[1.0]["hits"],
        "w1_frechet": tradeoff[1.0]["frechet"],
    }
    last = log[-1]
    print(f"{w:8} held-out relative eps error at t = {last['held_out']['t']}: "
          + ", ".join(f"{e:.4f}" for e in last["held_out"]["relative_eps_error"])
          + f"; w = 0 Fréchet {tradeoff[0.0]['frechet']:.1f}; w = 1 hits {tradeoff[1.0]['hits']:.2f}, Fréchet {tradeoff[1.0]['frechet']:.1f}")
json.dump(result, open("bench/weighting-ab.json", "w"), indent=2)
print("wrote bench/weighting-ab.json")
PY
