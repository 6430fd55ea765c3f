#!/usr/bin/env node
// Fails when src/api/schema.d.ts is not what openapi-typescript makes of src/api/openapi.json,
// i.e. someone changed the API (or edited the generated file) without regenerating.
// `make api-client` refreshes openapi.json from the backend and then runs `npm run gen:api`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const spec = join(root, "src", "api", "openapi.json");
const committed = join(root, "src", "api", "schema.d.ts");
const STALE = "the generated API client is out of date: run make api-client";

// The same generator and arguments as `npm run gen:api`, writing to a temporary file.
const require = createRequire(import.meta.url);
const pkgPath = require.resolve("openapi-typescript/package.json");
const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin["openapi-typescript"];
const cli = join(dirname(pkgPath), bin);

const workDir = mkdtempSync(join(tmpdir(), "courzly-api-client-"));
try {
  const fresh = join(workDir, "schema.d.ts");
  const run = spawnSync(process.execPath, [cli, spec, "-o", fresh], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr);
    console.error(`check-api-client: openapi-typescript failed on ${spec}`);
    process.exit(2);
  }
  if (!existsSync(committed)) {
    console.error(`${STALE} (src/api/schema.d.ts is missing)`);
    process.exit(1);
  }
  const expected = readFileSync(fresh, "utf8").split("\n");
  const actual = readFileSync(committed, "utf8").split("\n");
  const line = expected.findIndex((text, i) => text !== actual[i]);
  if (line !== -1 || expected.length !== actual.length) {
    const at = line !== -1 ? line : Math.min(expected.length, actual.length);
    console.error(STALE);
    console.error(`  first difference in src/api/schema.d.ts at line ${at + 1}:`);
    console.error(`    expected: ${JSON.stringify(expected[at] ?? "<end of file>")}`);
    console.error(`    found:    ${JSON.stringify(actual[at] ?? "<end of file>")}`);
    process.exit(1);
  }
  console.log("check-api-client: src/api/schema.d.ts matches src/api/openapi.json.");
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
