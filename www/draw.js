// Canvas drawing for the 2D lab. World coordinates span [-RANGE, RANGE] on both axes.

const RANGE = 4;
const HIST_HEIGHT = 70;
export const COLORS = {
  unconditional: '#4c6ef5',
  exact: '#2b8a3e',
  replacement: '#e8590c',
  reconstruction: '#ae3ec9',
};

function toCanvas(canvas, x, y) {
  const { width, height } = canvas;
  return [((x + RANGE) / (2 * RANGE)) * width, height - ((y + RANGE) / (2 * RANGE)) * height];
}

function axes(ctx, canvas) {
  ctx.strokeStyle = '#dee2e6';
  ctx.lineWidth = 1;
  ctx.beginPath();
  const [x0, y0] = toCanvas(canvas, 0, 0);
  ctx.moveTo(0, y0); ctx.lineTo(canvas.width, y0);
  ctx.moveTo(x0, 0); ctx.lineTo(x0, canvas.height);
  ctx.stroke();
}

function scatter(ctx, canvas, points, color, radius) {
  ctx.fillStyle = color;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [px, py] = toCanvas(canvas, points[i], points[i + 1]);
    ctx.fillRect(px - radius, py - radius, 2 * radius, 2 * radius);
  }
}

// Histogram of the first coordinate in the top band, with the exact density as a curve.
function histogram(ctx, canvas, points, color, density) {
  const bins = 48;
  const counts = new Array(bins).fill(0);
  let n = 0;
  for (let i = 0; i < points.length; i += 2) {
    const b = Math.floor(((points[i] + RANGE) / (2 * RANGE)) * bins);
    if (b >= 0 && b < bins) counts[b] += 1;
    n += 1;
  }
  const width = canvas.width / bins;
  const binWorld = (2 * RANGE) / bins;
  const peak = Math.max(...density.values, 1e-9);
  const scale = (HIST_HEIGHT - 6) / peak;
  ctx.fillStyle = color + '88';
  counts.forEach((c, b) => {
    const h = (c / Math.max(n, 1) / binWorld) * scale;
    ctx.fillRect(b * width, HIST_HEIGHT - h, width - 1, h);
  });
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  density.xs.forEach((x, i) => {
    const [px] = toCanvas(canvas, x, 0);
    const py = HIST_HEIGHT - density.values[i] * scale;
    if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
  });
  ctx.stroke();
}

// One panel: the data behind in grey, the run's points in colour, and for conditional runs the
// line x2 = y and the histogram of x1 against the exact conditional.
export function drawPanel(canvas, { data, points, color, y, density }) {
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  axes(ctx, canvas);
  scatter(ctx, canvas, data, '#ced4da', 1);
  if (y !== undefined) {
    const [, py] = toCanvas(canvas, 0, y);
    ctx.strokeStyle = '#868e96';
    ctx.setLineDash([4, 4]);
    ctx.beginPath(); ctx.moveTo(0, py); ctx.lineTo(canvas.width, py); ctx.stroke();
    ctx.setLineDash([]);
  }
  scatter(ctx, canvas, points, color, 1.5);
  if (density) histogram(ctx, canvas, points, color, density);
}

export function densityGrid() {
  const xs = [];
  for (let i = 0; i <= 200; i += 1) xs.push(-RANGE + (2 * RANGE * i) / 200);
  return xs;
}
