// The admin console: Firebase Auth sign-in, admin claim check, the views, the 10 s refresh.
// Config comes from /__/firebase/init.json: Firebase Hosting's reserved URL in production, the dev
// server's local copy (with an "emulators" key) locally.
import { initializeApp } from "firebase/app";
import {
  connectAuthEmulator,
  getAuth,
  onAuthStateChanged,
  signInWithEmailAndPassword,
  signOut,
} from "firebase/auth";
import { connectFunctionsEmulator, getFunctions, httpsCallable } from "firebase/functions";
import { html, nothing, render } from "lit-html";
import * as fmt from "./format.js";
import { views } from "./views/index.js";

const REFRESH_MS = 10_000;

const state = {
  phase: "loading", // loading | signed-out | denied | ready | config-error
  configError: null,
  signInError: null,
  signingIn: false,
  user: null,
  view: viewFromHash(),
  results: {}, // call key -> last good result
  errors: {}, // call key -> message of the last failure (cleared by a success)
  lastUpdated: null,
  refreshing: false,
  notices: [], // {id, kind: ok|error, text}
  confirm: null, // {title, body, confirmLabel, danger, resolve}
  busy: new Set(), // action ids in flight
};

let auth;
let functions;
let refreshTimer = null;
let refreshGeneration = 0;
let noticeId = 0;

function viewFromHash() {
  const id = location.hash.replace(/^#\/?/, "");
  return views.some((v) => v.id === id) ? id : "overview";
}

// ---------------------------------------------------------------- Firebase

async function loadConfig() {
  const response = await fetch("/__/firebase/init.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`/__/firebase/init.json answered HTTP ${response.status}`);
  return response.json();
}

async function start() {
  let config;
  try {
    config = await loadConfig();
  } catch (e) {
    state.phase = "config-error";
    state.configError = `Could not load the Firebase configuration: ${e.message}`;
    draw();
    return;
  }
  const { emulators, functionsRegion, ...firebaseConfig } = config;
  const app = initializeApp(firebaseConfig);
  auth = getAuth(app);
  functions = getFunctions(app, functionsRegion || __DEFAULT_FUNCTIONS_REGION__);
  if (emulators) {
    if (emulators.auth) connectAuthEmulator(auth, emulators.auth, { disableWarnings: true });
    if (emulators.functionsHost)
      connectFunctionsEmulator(functions, emulators.functionsHost, Number(emulators.functionsPort));
  }
  onAuthStateChanged(auth, async (user) => {
    stopRefresh();
    state.results = {};
    state.errors = {};
    state.lastUpdated = null;
    state.user = user;
    if (!user) {
      state.phase = "signed-out";
      draw();
      return;
    }
    // The functions enforce the claim too; this only decides what to show.
    const token = await user.getIdTokenResult();
    state.phase = token.claims.admin === true ? "ready" : "denied";
    draw();
    if (state.phase === "ready") refreshNow();
  });
}

/** Calls an admin callable; resolves to its data, rejects with a readable Error. */
export async function call(name, data = {}) {
  try {
    const result = await httpsCallable(functions, name, { timeout: 60_000 })(data);
    return result.data;
  } catch (e) {
    if (e.code === "functions/permission-denied" || e.code === "functions/unauthenticated") {
      // The claim was revoked or the session ended while the console was open.
      state.phase = auth.currentUser ? "denied" : "signed-out";
      stopRefresh();
    }
    const status = (e.code || "")
      .replace(/^functions\//, "")
      .toUpperCase()
      .replaceAll("-", "_");
    throw new Error(`${name}: ${status ? status + " — " : ""}${e.message}`);
  }
}

// ---------------------------------------------------------------- refresh

function currentView() {
  return views.find((v) => v.id === state.view);
}

/** Every call the current view needs: getDashboardData always (header status, overview), plus its getters. */
function callsFor(view) {
  return { dashboard: ["getDashboardData", {}], ...(view.calls ? view.calls(state.results) : {}) };
}

/** Keeps each call's answer (or its error, keeping the last good answer); true if all succeeded. */
function recordOutcomes(calls, settled) {
  let allGood = true;
  settled.forEach((outcome, i) => {
    const key = calls[i][0];
    if (outcome.status === "fulfilled") {
      state.results[key] = outcome.value;
      delete state.errors[key];
    } else {
      state.errors[key] = outcome.reason.message;
      allGood = false;
    }
  });
  return allGood;
}

async function refresh() {
  const generation = ++refreshGeneration;
  state.refreshing = true;
  draw();
  const view = currentView();
  const calls = Object.entries(callsFor(view));
  const settled = await Promise.allSettled(calls.map(([, [name, data]]) => call(name, data)));
  if (generation !== refreshGeneration || state.phase !== "ready") return;
  let allGood = recordOutcomes(calls, settled);
  // Follow-up calls that depend on the first answers (e.g. a chart per service).
  if (view.followUp) {
    const more = Object.entries(view.followUp(state.results));
    const extra = await Promise.allSettled(more.map(([, [name, data]]) => call(name, data)));
    if (generation !== refreshGeneration || state.phase !== "ready") return;
    allGood = recordOutcomes(more, extra) && allGood;
  }
  // Errors of calls this view no longer makes (another view's) are not this view's problem.
  const made = new Set([
    ...calls.map(([key]) => key),
    ...Object.keys(view.followUp ? view.followUp(state.results) : {}),
  ]);
  for (const key of Object.keys(state.errors)) if (!made.has(key)) delete state.errors[key];
  if (allGood) state.lastUpdated = new Date();
  state.lastAttempt = new Date();
  state.refreshing = false;
  draw();
}

function refreshNow() {
  stopRefresh();
  const loop = async () => {
    try {
      await refresh();
    } finally {
      if (state.phase === "ready") refreshTimer = setTimeout(loop, REFRESH_MS);
    }
  };
  loop();
}

function stopRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = null;
  refreshGeneration++;
  state.refreshing = false;
}

// ---------------------------------------------------------------- actions

function notify(kind, text) {
  const id = ++noticeId;
  state.notices = [...state.notices, { id, kind, text }].slice(-4);
  draw();
  if (kind === "ok") setTimeout(() => dismiss(id), 15_000);
}

function dismiss(id) {
  state.notices = state.notices.filter((n) => n.id !== id);
  draw();
}

function askConfirmation({ title, body, confirmLabel, danger }) {
  return new Promise((resolve) => {
    state.confirm = { title, body, confirmLabel, danger, resolve };
    draw();
    requestAnimationFrame(() =>
      document.querySelector("#confirm-dialog [data-autofocus]")?.focus(),
    );
  });
}

function closeConfirmation(answer) {
  const pending = state.confirm;
  state.confirm = null;
  draw();
  pending?.resolve(answer);
}

/**
 * Runs an admin action: asks first when it is destructive, shows the outcome, refreshes at once.
 * @param spec {{id, confirm?: {title, body, confirmLabel, danger}, run: () => Promise, done: (result) => string}}
 */
async function act(spec) {
  if (state.busy.has(spec.id)) return undefined;
  if (spec.confirm && !(await askConfirmation(spec.confirm))) return undefined;
  state.busy.add(spec.id);
  draw();
  try {
    const result = await spec.run();
    notify("ok", spec.done(result));
    if (spec.keep) state.results[spec.keep] = result;
    return result;
  } catch (e) {
    notify("error", e.message);
    return undefined;
  } finally {
    state.busy.delete(spec.id);
    if (state.phase === "ready") refreshNow();
    else draw();
  }
}

const context = {
  call,
  act,
  busy: (id) => state.busy.has(id),
  results: () => state.results,
  errors: () => state.errors,
  redraw: () => draw(),
  refresh: () => refreshNow(),
};

// ---------------------------------------------------------------- rendering

const root = document.getElementById("app");

function draw() {
  render(page(), root);
}

function page() {
  switch (state.phase) {
    case "loading":
      return html`<main class="centered"><p class="muted">Loading…</p></main>`;
    case "config-error":
      return html`<main class="centered">
        <div class="card error-card" role="alert">${state.configError}</div>
      </main>`;
    case "signed-out":
      return signInPage();
    case "denied":
      return deniedPage();
    default:
      return consolePage();
  }
}

function signInPage() {
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    state.signingIn = true;
    state.signInError = null;
    draw();
    try {
      await signInWithEmailAndPassword(
        auth,
        String(form.get("email")).trim(),
        String(form.get("password")),
      );
    } catch (e) {
      state.signInError =
        e.code === "auth/invalid-credential" ||
        e.code === "auth/wrong-password" ||
        e.code === "auth/user-not-found"
          ? "Wrong email or password."
          : `Sign-in failed: ${e.message}`;
    } finally {
      state.signingIn = false;
      draw();
    }
  };
  return html` <main class="centered">
    <form class="card sign-in" @submit=${submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Avalo Infra console</h1>
      <p class="muted">Sign in with your admin account.</p>
      <label
        >Email <input name="email" type="email" autocomplete="username" required autofocus
      /></label>
      <label
        >Password <input name="password" type="password" autocomplete="current-password" required
      /></label>
      ${state.signInError ? html`<p class="error-text" role="alert">${state.signInError}</p>` : nothing}
      <button type="submit" class="primary" ?disabled=${state.signingIn}>
        ${state.signingIn ? "Signing in…" : "Sign in"}
      </button>
    </form>
  </main>`;
}

function deniedPage() {
  return html` <main class="centered">
    <div class="card denied" role="alert" data-testid="access-denied">
      <h1>Access denied</h1>
      <p>
        You are signed in as <strong>${state.user?.email ?? state.user?.uid}</strong>, which is not
        an Avalo infrastructure admin (no <code>admin</code> claim). This console shows nothing to
        other accounts.
      </p>
      <p class="muted">Ask an owner to grant the admin claim, then sign in again.</p>
      <button @click=${() => signOut(auth)}>Sign out</button>
    </div>
  </main>`;
}

function overallStatus() {
  const health = state.results.dashboard?.sections?.monitoring?.data?.health;
  return health?.overall ?? "unknown";
}

function consolePage() {
  const view = currentView();
  const now = Date.now();
  const status = overallStatus();
  const errors = Object.entries(state.errors);
  return html` <header class="topbar">
      <div class="brand">Avalo Infra</div>
      <span class="pill status-${status}" title="Overall health" data-testid="overall-status"
        >${status}</span
      >
      <div class="updated" data-testid="last-updated" title="Refreshes every 10 s">
        ${state.refreshing ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}
        ${
          state.lastUpdated
            ? html`Updated
                <time datetime=${state.lastUpdated.toISOString()}
                  >${fmt.clock(state.lastUpdated)}</time
                >
                <span class="muted">(${fmt.ago(state.lastUpdated, now)})</span>`
            : html`<span class="muted">Not updated yet</span>`
        }
        <button class="link" @click=${refreshNow} ?disabled=${state.refreshing}>Refresh</button>
      </div>
      <div class="who">
        <span class="muted email">${state.user?.email}</span>
        <button class="link" @click=${() => signOut(auth)}>Sign out</button>
      </div>
    </header>
    <nav class="tabs" aria-label="Views">
      ${views.map(
        (v) =>
          html`<a
            href="#/${v.id}"
            class=${v.id === state.view ? "active" : ""}
            aria-current=${v.id === state.view ? "page" : "false"}
            data-view=${v.id}
            >${v.title}</a
          >`,
      )}
    </nav>
    <main class="content" data-view=${view.id}>
      ${
        state.notices.length
          ? html`<div class="notices">
              ${state.notices.map(
                (n) =>
                  html` <div
                    class="notice ${n.kind}"
                    role=${n.kind === "error" ? "alert" : "status"}
                    data-testid="notice-${n.kind}"
                  >
                    <span>${n.text}</span
                    ><button class="link" aria-label="Dismiss" @click=${() => dismiss(n.id)}>
                      ×
                    </button>
                  </div>`,
              )}
            </div>`
          : nothing
      }
      ${
        errors.length
          ? html`<div class="notice error" role="alert" data-testid="load-errors">
              <div>
                <strong
                  >Some data could not be
                  loaded${state.lastUpdated ? "; showing the last good values" : ""}:</strong
                >
                <ul>
                  ${errors.map(([, message]) => html`<li>${message}</li>`)}
                </ul>
              </div>
            </div>`
          : nothing
      }
      <h1 class="view-title">${view.title}</h1>
      ${view.render(state.results, context)}
    </main>
    ${state.confirm ? confirmDialog(state.confirm) : nothing}`;
}

function confirmDialog(c) {
  return html` <div
    class="overlay"
    @click=${(e) => e.target === e.currentTarget && closeConfirmation(false)}
  >
    <div
      id="confirm-dialog"
      class="card dialog"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="confirm-title"
      @keydown=${(e) => e.key === "Escape" && closeConfirmation(false)}
    >
      <h2 id="confirm-title">${c.title}</h2>
      <div class="dialog-body">${c.body}</div>
      <div class="dialog-buttons">
        <button @click=${() => closeConfirmation(false)} data-autofocus>Cancel</button>
        <button
          class=${c.danger ? "danger" : "primary"}
          data-testid="confirm"
          @click=${() => closeConfirmation(true)}
        >
          ${c.confirmLabel ?? "Confirm"}
        </button>
      </div>
    </div>
  </div>`;
}

window.addEventListener("hashchange", () => {
  state.view = viewFromHash();
  if (state.phase === "ready") refreshNow();
  else draw();
});
// The "updated N s ago" text stays current between refreshes.
setInterval(() => state.phase === "ready" && draw(), 1000);

draw();
start();
