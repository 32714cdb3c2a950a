// The README's picture of the site: the classifier-free guidance demo, served and opened the way
// the browser tests do (tests/browser/harness.mjs), photographed once its run has drawn the last
// step. Fails, writing nothing, if the page reports an error.
//
//   scripts/screenshot.sh [out.png]      (docs/screenshot.png by default)
import { join } from 'node:path';
import { ROOT, launch, open, serve, waitForState } from '../tests/browser/harness.mjs';

const out = process.argv[2] ?? join(ROOT, 'docs/screenshot.png');
const server = await serve();
const browser = await launch({ webgpu: true });
try {
  // The CPU backend: on SwiftShader, WebGPU takes minutes for the same picture (docs/performance.md).
  const { page, errors } = await open(browser, `${server.url}/dist/?demo=cfg&backend=cpu&batch=16`);
  // A README-sized picture: the tests' larger viewport would leave most of it blank.
  await page.setViewportSize({ width: 1200, height: 800 });
  // A module that fails to load never sets a state: say why instead of only that time ran out.
  await waitForState(page, 'done').catch((e) => { throw new Error(`${e.message}; page errors: ${errors.join('; ') || 'none'}`); });
  if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
