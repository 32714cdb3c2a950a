#!/usr/bin/env python3
"""Prints the tables of docs/results.md (markdown) from a results file of `diffusion eval`, so that
the figures in the docs are the file's, not copies typed by hand:
    scripts/eval-tables.py [results/mnist-eval.json]
"""
import json
import os
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "results/mnist-eval.json"
r = json.load(open(path))
s = r["settings"]
pct = lambda x: f"{100 * x:.0f}" if abs(100 * x - round(100 * x)) < 1e-9 else f"{100 * x:.1f}"

print(f"From `{path}`: `diffusion eval` with {s['samples']} samples per row of the frequency table "
      f"and {s['sweep_samples']} per setting of the sweeps, {s['sampler']} with {s['steps']} steps; "
      f"the steps comparison with {s['steps_sampler']}, {s['steps_samples']} samples per step count. "
      f"The clean classifier reads {100 * r['classifier_accuracy']:.2f} % of the {r['held_out']} "
      f"held-out digits; Fréchet floor (held-out against as many training digits) {r['frechet_floor']:.1f}.\n")

c = s["class"]
# The picture grids `diffusion eval` writes beside its results file, linked from docs/.
stem = os.path.splitext(path)[0]
grid = lambda experiment, alt: print(f"![{alt}](../{stem}-{experiment}.png)\n")
print(f"Digit frequencies (% of samples conditioned on {c} read as each digit):\n")
print("| w (gamma) | " + " | ".join(f"**{d}**" if d == c else str(d) for d in range(10)) + " |")
print("| --- |" + " ---: |" * 10)
for row in r["frequencies"]:
    cells = [f"**{pct(x)}**" if d == c else pct(x) for d, x in enumerate(row["shares"])]
    print(f"| {row['w']:g} ({row['gamma']:g}) | " + " | ".join(cells) + " |")
print()
grid("frequency", f"The first ten samples conditioned on {c}, a row per w from "
     + ", ".join(f"{row['w']:g}" for row in r["frequencies"]))

if "misread" in r:
    at_w1 = next((row for row in r["frequencies"] if row["w"] == 1), None)
    share = f"{pct(1 - at_w1['shares'][c])} % of them; " if at_w1 else ""
    print(f"Samples conditioned on {c} at w = 1 that the judge reads as another digit ({share}the "
          f"first {len(r['misread'])}, read as {', '.join(map(str, r['misread']))}):\n")
    grid("misread", f"Samples conditioned on {c} at w = 1 that the clean classifier reads otherwise")

n = r["nearest_cosine"]
print(f"Nearest training digit, cosine similarity of samples conditioned on {c} at w = 1: "
      f"min {n['min']:.3f}, median {n['median']:.3f}, max {n['max']:.3f} (a copy would be above 0.99).\n")

for key, title, alt in [
        ("steps", f"{s['steps_sampler']} steps (every digit, w = 1)",
         "One sample of each digit 0 to 9, a row per step count"),
        ("tradeoff", "w (every digit)", "One sample of each digit 0 to 9, a row per w"),
        ("classifier_guidance", f"classifier scale (unconditional model, digit {c})",
         f"The first ten samples guided towards {c}, a row per classifier scale")]:
    print(f"| {title} | read as asked, % | confidence | Fréchet |")
    print("| ---: | ---: | ---: | ---: |")
    for q in r[key]:
        print(f"| {q['setting']:g} | {pct(q['hits'])} | {q['confidence']:.3f} | {q['frechet']:.1f} |")
    print()
    rows = ", ".join(f"{q['setting']:g}" for q in r[key])
    grid(key.replace("_", "-"), f"{alt}: {rows}")
