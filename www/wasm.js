// The site ships its module twice: pkg/ with WebGPU and the CPU backend (3.8 MB gzip) and pkg-cpu/
// with the CPU backend alone (0.75 MB gzip, scripts/build-wasm.sh). A page that will not use WebGPU
// (the URL asks for the CPU, the browser has no WebGPU or offers no adapter) loads the small one,
// and draws its first step 1.5 to 2.3 times as soon (scripts/bench-startup.sh). Every page script
// imports the module from here; the wasm download starts as this file runs.

async function webgpuMissing() {
  if (!navigator.gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  try {
    return (await navigator.gpu.requestAdapter()) ? '' : 'WebGPU could not start: the browser offers no adapter';
  } catch (e) {
    return `WebGPU could not start: ${e.message ?? e}`;
  }
}

const cpuAsked = new URLSearchParams(location.search).get('backend') === 'cpu';
// Why this browser cannot run WebGPU, or '' (also when the CPU was asked for: nobody looked).
export const webgpuProblem = cpuAsked ? '' : await webgpuMissing();
// Whether this page loaded the build with WebGPU.
export const withWebGpu = !cpuAsked && !webgpuProblem;

const dir = withWebGpu ? './pkg' : './pkg-cpu';
const wasmFile = fetch(new URL(`${dir}/diffusion_playground_bg.wasm`, import.meta.url));
const bindings = await import(`${dir}/diffusion_playground.js`);

export default function init() {
  return bindings.default({ module_or_path: wasmFile });
}
export const { Backend, DigitLab, DigitModels, EnergyNetworks, FunctionLab, Lab2d, ScoreNetwork, Trainer2d, samplers, schedules } = bindings;
