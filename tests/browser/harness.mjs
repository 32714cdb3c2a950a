// Shared pieces of the browser tests and of the benchmarks in bench/browser/: a static server for
// the built site and a headless Chromium with WebGPU on SwiftShader (or without WebGPU, to test
// the fallback).
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import os from 'node:os';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const gzipAsync = promisify(gzipCallback);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
};

// Serves the repository read-only on a free loopback port: the site is under /dist/, the
// importable module under /pkg/. `mounts` serves URL prefixes from other directories (another
// build of the module as /dist/pkg/); `gzip` serves gzip -9 to clients that accept it and lets
// them cache for 10 minutes, as a static host does (GitHub Pages sends max-age=600). With
// `prefix` it serves the folder `dir` (a built site) under that path alone, as a GitHub project
// page is served under /<repo>/, and answers 404 everywhere else, so that a root-absolute URL
// fails; `outside` lists the paths asked for there. `site` is the URL of the site's folder.
export async function serve({ mounts = {}, gzip = false, prefix, dir } = {}) {
  if (prefix) mounts = { ...mounts, [prefix]: dir };
  const outside = [];
  const compressed = new Map(); // file -> Promise<gzip bytes>, compressed once
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const mount = Object.keys(mounts).find((p) => path.startsWith(p));
    if (prefix && !mount) {
      outside.push(path);
      res.writeHead(404).end('not found');
      return;
    }
    const base = mount ? resolve(mounts[mount]) : ROOT;
    let file = normalize(join(base, mount ? path.slice(mount.length) : path));
    if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
    if (path.endsWith('/')) file = join(file, 'index.html');
    try {
      let body = await readFile(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (gzip) {
        headers['cache-control'] = 'max-age=600';
        headers.vary = 'accept-encoding';
        if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
          if (!compressed.has(file)) compressed.set(file, gzipAsync(body, { level: 9 }));
          body = await compressed.get(file);
          headers['content-encoding'] = 'gzip';
        }
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}`;
  // Closing also drops kept-alive connections, so a browser cannot reach a stopped server.
  const close = () => new Promise((ok) => {
    server.close(ok);
    server.closeAllConnections();
  });
  return { url, site: `${url}${prefix ?? '/dist/'}`, outside, close };
}

const QUIET = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

const WEBGPU = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

export async function launch({ webgpu = true } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: webgpu ? [...QUIET, ...WEBGPU] : [...QUIET, '--disable-gpu'],
  });
}

// A page that records console errors and uncaught exceptions; `colorScheme` 'dark' emulates a
// system set to dark.
export async function open(browser, url, { colorScheme = 'light' } = {}) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme });
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  return { page, errors };
}

// Which builds of the module the page fetched (www/wasm.js picks one): 'pkg' or 'pkg-cpu'.
export function modulesFetched(page) {
  return page.evaluate(() => performance.getEntriesByType('resource')
    .map((r) => /\/(pkg(?:-cpu)?)\/diffusion_playground_bg\.wasm$/.exec(r.name)?.[1]).filter(Boolean));
}

// The machine a benchmark ran on, for its results file.
export function machine() {
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}

export async function waitForState(page, state, timeout = 180_000) {
  try {
    await page.waitForFunction(
      (s) => document.body.dataset.state === s || document.body.dataset.state === 'error',
      state,
      { timeout },
    );
  } catch (e) {
    // Where the page was instead, for the report.
    const where = await page.evaluate(() => `state '${document.body.dataset.state}', status '${document.getElementById('status')?.textContent}'`).catch(() => 'unknown');
    throw new Error(`waiting for state '${state}': ${e.message.split('\n')[0]}; the page is at ${where}`);
  }
  const got = await page.evaluate(() => document.body.dataset.state);
  if (got !== state) {
    const notice = await page.textContent('#notice');
    throw new Error(`page went to state '${got}' instead of '${state}': ${notice}`);
  }
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

// For a test file: one static server (`options` as for serve) and one Chromium with WebGPU,
// started before its tests and closed after them; `env.server` and `env.browser` are set once the
// tests run.
export function sharedBrowser(options) {
  const env = {};
  before(async () => {
    env.server = await serve(options);
    env.browser = await launch({ webgpu: true });
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
