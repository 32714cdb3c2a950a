// Drawing for the MNIST demos: images in [-1, 1] as grey squares, and the classifier's verdicts
// as a bar chart.

export const PIXELS = 784;
export const SIDE = 28;

// The grey level of an image value in [-1, 1] (clamped): what is drawn and what is downloaded.
export const grey = (v) => Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));

// Images `first` to `first + count` of `data` (rows of 784) in a grid on `canvas`, which is
// resized to fit them at one canvas pixel per image pixel; CSS scales it up.
export function drawDigits(canvas, data, first, count, columns) {
  const cols = Math.min(columns, count);
  const rows = Math.ceil(count / cols);
  const gap = 2;
  canvas.width = cols * (SIDE + gap) - gap;
  canvas.height = rows * (SIDE + gap) - gap;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#adb5bd';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const image = ctx.createImageData(SIDE, SIDE);
  for (let k = 0; k < count; k += 1) {
    const offset = (first + k) * PIXELS;
    for (let p = 0; p < PIXELS; p += 1) {
      const v = grey(data[offset + p]);
      image.data.set([v, v, v, 255], 4 * p);
    }
    ctx.putImageData(image, (k % cols) * (SIDE + gap), Math.floor(k / cols) * (SIDE + gap));
  }
}

// Counts of each digit as bars; `target` is drawn in colour.
export function drawHistogram(canvas, counts, target) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const total = counts.reduce((a, b) => a + b, 0);
  const bar = width / 10;
  const base = height - 18;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  counts.forEach((c, d) => {
    const h = total ? (c / total) * (base - 14) : 0;
    ctx.fillStyle = d === target ? '#e8590c' : '#868e96';
    ctx.fillRect(d * bar + 3, base - h, bar - 6, h);
    ctx.fillStyle = '#212529';
    ctx.fillText(String(d), d * bar + bar / 2, height - 4);
    if (c) ctx.fillText(String(c), d * bar + bar / 2, base - h - 2);
  });
}

// Argmax of each row of [n][10] probabilities, counted per digit.
export function countVerdicts(probabilities) {
  const counts = new Array(10).fill(0);
  for (let i = 0; i + 10 <= probabilities.length; i += 10) {
    let best = 0;
    for (let d = 1; d < 10; d += 1) if (probabilities[i + d] > probabilities[i + best]) best = d;
    counts[best] += 1;
  }
  return counts;
}
