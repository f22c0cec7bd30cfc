// Starts the emulators the local stack and the tests need, on loopback ports: free ones, or with
// --default-ports the Local Emulator Suite's ports from firebase.json's "emulators" block where
// they are free (bin/dev; the tests always take free ones so several runs can share a machine):
//   - Firestore: the patched @firestore-emulator/server (./firestore.mjs), in this process;
//   - Auth: firebase-tools' Auth emulator (needs no download), as a child process;
//   - with --maildev, MailDev (npm maildev: a real SMTP server with a web UI and a REST API) for
//     the alert emails, as a child process (bin/dev; MailDev's own ports 1025/1080 where free).
// An emulator whose *_EMULATOR_HOST variable is already set is reused, not started.
// Writes KEY=VALUE lines to --write-env once everything answers, and stops all it started on
// SIGINT/SIGTERM or when its parent goes away (stdin closes).
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import http from "node:http";
import { startFirestore, stats, writesPerDocument } from "./firestore.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const envFile = option("--write-env", null);
const projectId = option("--project", process.env.GOOGLE_CLOUD_PROJECT || "demo-avalo");
const watchStdin = args.includes("--exit-with-stdin");
const defaultPorts = args.includes("--default-ports");
const withMailDev = args.includes("--maildev");
const suitePorts = defaultPorts
  ? (JSON.parse(fs.readFileSync(path.join(root, "firebase.json"), "utf8")).emulators ?? {})
  : {};

const children = [];
let firestore = null;
let stopping = false;

function log(message) {
  process.stderr.write(`[emulators] ${message}\n`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The emulator's port from firebase.json when --default-ports is given and it is free, else any free one.
async function portFor(name) {
  const wanted = suitePorts[name]?.port;
  if (!wanted) return freePort();
  const free = await new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(wanted, "127.0.0.1", () => server.close(() => resolve(true)));
  });
  if (free) return wanted;
  const other = await freePort();
  log(`port ${wanted} (firebase.json emulators.${name}) is taken; ${name} uses ${other} instead`);
  return other;
}

async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

// MailDev's own defaults when --default-ports is given and they are free, else free ones.
async function portOr(wanted, name) {
  if (!defaultPorts) return freePort();
  const free = await new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(wanted, "127.0.0.1", () => server.close(() => resolve(true)));
  });
  if (free) return wanted;
  const other = await freePort();
  log(`port ${wanted} (MailDev's default ${name} port) is taken; it uses ${other} instead`);
  return other;
}

// MailDev on loopback only, mail kept in memory (gone when it stops, like the emulators' data).
async function startMailDev() {
  const smtp = await portOr(1025, "SMTP");
  const web = await portOr(1080, "web");
  const bin = path.join(root, "node_modules", "maildev", "dist", "bin", "maildev.js");
  if (!fs.existsSync(bin)) throw new Error(`MailDev is not installed at ${bin} (npm ci)`);
  const child = spawn(
    process.execPath,
    [
      bin,
      "--smtp",
      String(smtp),
      "--ip",
      "127.0.0.1",
      "--web",
      String(web),
      "--web-ip",
      "127.0.0.1",
      "--max-emails",
      "500",
    ],
    { stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env } },
  );
  children.push(child);
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  try {
    await waitForHttp(`http://127.0.0.1:${web}/api/healthz`, 60_000, child);
  } catch (e) {
    throw new Error(`MailDev did not start: ${e.message}\n${output}`);
  }
  return { smtp: `127.0.0.1:${smtp}`, web: `http://127.0.0.1:${web}/` };
}

async function startAuth() {
  const port = await portFor("auth");
  const hub = await freePort();
  const logging = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "avalo-auth-emulator-"));
  fs.writeFileSync(
    path.join(dir, "firebase.json"),
    JSON.stringify({
      emulators: {
        auth: { host: "127.0.0.1", port },
        hub: { host: "127.0.0.1", port: hub },
        logging: { host: "127.0.0.1", port: logging },
        ui: { enabled: false },
        singleProjectMode: true,
      },
    }),
  );
  const bin = path.join(root, "node_modules", "firebase-tools", "lib", "bin", "firebase.js");
  const child = spawn(
    process.execPath,
    [
      bin,
      "emulators:start",
      "--only",
      "auth",
      "--project",
      projectId,
      "--config",
      path.join(dir, "firebase.json"),
    ],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      env: { ...process.env, FIREBASE_CLI_DISABLE_UPDATE_CHECK: "true", CI: "true" },
    },
  );
  children.push(child);
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 120_000, child);
  } catch (e) {
    throw new Error(`the Auth emulator did not start: ${e.message}\n${output}`);
  }
  return `127.0.0.1:${port}`;
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  if (firestore) firestore.stop();
  setTimeout(() => {
    for (const child of children) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    process.exit(code);
  }, 1500).unref();
  if (children.length === 0) process.exit(code);
}

process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
if (watchStdin) {
  process.stdin.on("end", () => stop(0));
  process.stdin.on("error", () => stop(0));
  process.stdin.resume();
}

try {
  let firestoreHost = process.env.FIRESTORE_EMULATOR_HOST;
  let firestoreAdmin = "";
  if (firestoreHost) {
    log(`using the Firestore emulator at ${firestoreHost} (FIRESTORE_EMULATOR_HOST)`);
  } else {
    const port = await portFor("firestore");
    firestore = await startFirestore(port);
    firestoreHost = `127.0.0.1:${port}`;
    log(`Firestore emulator (@firestore-emulator/server, patched) on ${firestoreHost}`);
    // A side port with write statistics: GET /stats (totals, for "nothing was written" assertions)
    // and GET /stats/documents?top=N (the most-written documents, for write-rate measurements).
    const adminPort = await freePort();
    const admin = http.createServer((req, res) => {
      res.setHeader("Content-Type", "application/json");
      const url = new URL(req.url, "http://localhost");
      if (url.pathname === "/stats/documents") {
        const top = Math.min(1000, Number(url.searchParams.get("top") ?? 10));
        const rows = [...writesPerDocument.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, top)
          .map(([path, writes]) => ({ path, writes }));
        res.end(JSON.stringify(rows));
        return;
      }
      res.end(JSON.stringify(stats));
    });
    await new Promise((resolve) => admin.listen(adminPort, "127.0.0.1", resolve));
    admin.unref();
    firestoreAdmin = `127.0.0.1:${adminPort}`;
  }
  let authHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  if (authHost) {
    log(`using the Auth emulator at ${authHost} (FIREBASE_AUTH_EMULATOR_HOST)`);
  } else {
    authHost = await startAuth();
    log(`Auth emulator (firebase-tools) on ${authHost}`);
  }
  let env = `FIRESTORE_EMULATOR_HOST=${firestoreHost}\nAVALO_FIRESTORE_EMULATOR_STATS=${firestoreAdmin}\nFIREBASE_AUTH_EMULATOR_HOST=${authHost}\nGOOGLE_CLOUD_PROJECT=${projectId}\n`;
  if (withMailDev) {
    const mail = await startMailDev();
    log(`MailDev: SMTP ${mail.smtp}, web UI and REST API ${mail.web}`);
    env += `AVALO_MAILDEV_SMTP=${mail.smtp}\nAVALO_MAILDEV_WEB=${mail.web}\n`;
  }
  if (envFile) {
    fs.writeFileSync(`${envFile}.tmp`, env);
    fs.renameSync(`${envFile}.tmp`, envFile);
  }
  process.stdout.write(env);
  log("ready");
} catch (e) {
  log(`failed: ${e.stack || e}`);
  stop(1);
}
