// The step loop every demo shares: one lab at a time, one move and one readback per drawn
// frame, with restart / pause / step. Restarting bumps a generation number so a frame still in
// flight from the previous lab is dropped, not drawn.

// A User Timing mark (for devtools and bench/browser/bench-startup.mjs) of the page's first
// drawn frame, step or finished run: only the first per page load, not every restart's.
function markFirst(name) {
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

export function createRunner(view) {
  let generation = 0;
  let running = false;
  let lab = null;
  let draw = null;
  let describe = null;
  let lastInfo = null;
  let stepMs = [];

  const meanMs = () => (stepMs.length ? `${(stepMs.reduce((a, b) => a + b, 0) / stepMs.length).toFixed(1)} ms` : '–');

  async function show(frame, gen) {
    const info = describe(frame);
    const data = new Float32Array(await frame.read());
    if (gen !== generation) return false;
    await draw(data, info);
    lastInfo = info;
    return info;
  }

  async function advance(gen) {
    const start = performance.now();
    const frame = lab.step();
    if (!frame) return;
    const info = await show(frame, gen);
    if (!info) return;
    stepMs.push(performance.now() - start);
    markFirst('first step drawn');
    view.status(`${info.text}, ${meanMs()} per step on ${view.backendName()}`);
  }

  async function loop(gen) {
    try {
      while (gen === generation && running && !lab.done) {
        await advance(gen);
        await nextFrame();
      }
    } catch (e) {
      if (gen !== generation) return;
      running = false;
      view.stopped(e, 'Sampling stopped');
      return;
    }
    if (gen === generation && lab.done) {
      running = false;
      markFirst('run done');
      view.setState('done');
      view.status(`done: ${lastInfo.text}, ${meanMs()} per step on ${view.backendName()}`);
      view.pauseLabel('Pause');
    }
  }

  return {
    // Runs `newLab` from its first frame; `newDraw(data, info)` draws a frame's values and
    // `newDescribe(frame)` says where it is ({ text }).
    async start(newLab, newDraw, newDescribe) {
      generation += 1;
      const gen = generation;
      running = false;
      lab?.free();
      lab = newLab;
      draw = newDraw;
      describe = newDescribe;
      stepMs = [];
      if (!(await show(lab.frame(), gen))) return;
      markFirst('first frame drawn');
      running = true;
      view.setState('running');
      view.pauseLabel('Pause');
      loop(gen);
    },
    // Drops the current lab (a setting changed, or the backend).
    stop() {
      generation += 1;
      running = false;
      lab?.free();
      lab = null;
    },
    togglePause() {
      if (!lab) return;
      running = !running && !lab.done;
      view.pauseLabel(running ? 'Pause' : 'Resume');
      if (running) loop(generation);
    },
    async step() {
      if (!lab || lab.done) return;
      running = false;
      view.pauseLabel('Resume');
      try {
        await advance(generation);
      } catch (e) {
        view.stopped(e, 'Sampling stopped');
      }
    },
  };
}
