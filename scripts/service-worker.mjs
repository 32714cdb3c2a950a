// trunk's post-build hook (trunk.toml): writes the version and precache list into the built
// site's sw.js (www/sw.js says why). The version is a hash of every file of the build, so any
// change to the site makes a new worker; the list is every file but the two module builds
// (pkg/, pkg-cpu/), which the page hands the worker itself, the one it loaded.
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) throw new Error('service-worker.mjs: no built site (TRUNK_STAGING_DIR or an argument)');

const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
  .filter((e) => e.isFile())
  .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
  .filter((f) => f !== 'sw.js')
  .sort();
const hash = createHash('sha256');
for (const f of files) hash.update(f).update(await readFile(join(dir, f)));
const version = hash.digest('hex').slice(0, 16);
const precache = ['./', ...files.filter((f) => !/^pkg(-cpu)?\//.test(f))];

const worker = join(dir, 'sw.js');
const source = await readFile(worker, 'utf8');
const written = source
  .replace("const VERSION = 'development';", `const VERSION = '${version}';`)
  .replace('const PRECACHE = [];', `const PRECACHE = ${JSON.stringify(precache)};`);
if (written === source) throw new Error('service-worker.mjs: sw.js has no placeholders');
await writeFile(worker, written);
console.log(`sw.js: version ${version}, ${precache.length} files precached`);
