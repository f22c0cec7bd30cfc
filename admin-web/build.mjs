// Builds the admin dashboard into admin-web/dist/: one bundled, minified ES module (the Firebase JS
// SDK, lit-html and uPlot come from node_modules, pinned by package-lock.json), the page and the
// styles. Firebase Hosting publishes dist/ (firebase.json "public"); the dev server serves it at
// /admin/. Run by bin/dev, bin/test and deploy.sh (build_admin_web in bin/lib.sh):
//   node admin-web/build.mjs
import { build } from "esbuild";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const src = join(here, "src");
const dist = join(here, "dist");

// The functions' region when init.json does not say (Hosting's reserved init.json never does).
const catalog = JSON.parse(await readFile(join(root, "catalog.json"), "utf8"));
if (typeof catalog.region !== "string" || !catalog.region) {
  throw new Error("catalog.json has no region");
}

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const result = await build({
  entryPoints: { app: join(src, "main.js") },
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  outdir: dist,
  entryNames: "[name]-[hash]",
  define: { __DEFAULT_FUNCTIONS_REGION__: JSON.stringify(catalog.region) },
  metafile: true,
  logLevel: "warning",
});

// Content-hashed names, so the page never mixes an old script with a new page after a deploy.
const outputs = Object.keys(result.metafile.outputs).map((p) => p.split("/").pop());
const script = outputs.find((name) => name.startsWith("app-") && name.endsWith(".js"));
if (!script) throw new Error(`esbuild produced no app bundle: ${outputs.join(", ")}`);

const css = [
  await readFile(join(root, "node_modules/uplot/dist/uPlot.min.css"), "utf8"),
  await readFile(join(src, "styles.css"), "utf8"),
].join("\n");
const cssName = `app-${createHash("sha256").update(css).digest("hex").slice(0, 8).toUpperCase()}.css`;
await writeFile(join(dist, cssName), css);

const page = (await readFile(join(src, "index.html"), "utf8"))
  .replace("%APP_JS%", `./${script}`)
  .replace("%APP_CSS%", `./${cssName}`);
if (page.includes("%APP_")) throw new Error("index.html has an unreplaced placeholder");
await writeFile(join(dist, "index.html"), page);
await copyFile(join(src, "favicon.svg"), join(dist, "favicon.svg"));

console.log(`admin-web built: dist/${script}, dist/${cssName}`);
