// Small pieces every view shares: status pills, cards, section placeholders, key/value lists.
import { html, nothing } from "lit-html";

/** A status word as a coloured pill; the class groups words that mean the same (ok/healthy/fresh …). */
export function pill(status, label = status) {
  return html`<span
    class="pill status-${statusClass(status)}"
    data-status=${String(status ?? "unknown")}
    >${label ?? "unknown"}</span
  >`;
}

const GOOD = new Set([
  "ok",
  "healthy",
  "fresh",
  "verified",
  "completed",
  "success",
  "applied",
  "dry-run",
  "within-sla",
  "delivered",
  "done",
]);
const WARN = new Set([
  "degraded",
  "warning",
  "draining",
  "throttled",
  "running",
  "hold",
  "stale",
  "critical-warning",
  "processing",
  "retrying",
  "pending",
  "acknowledged",
  "grouped",
]);
const BAD = new Set([
  "critical",
  "unhealthy",
  "failed",
  "error",
  "breach",
  "missing",
  "overdue",
  "exceeded",
  "dead",
]);

export function statusClass(status) {
  const s = String(status ?? "unknown").toLowerCase();
  if (GOOD.has(s)) return "ok";
  if (WARN.has(s)) return "warning";
  if (BAD.has(s)) return "critical";
  return s === "no-data" || s === "unknown" ? "unknown" : "neutral";
}

/**
 * A dashboard section from getDashboardData: calls body(data) when it is available, otherwise says
 * why not (the domain is not deployed in this build, or it failed), and "loading" before the first answer.
 */
export function section(results, name, body) {
  const dashboard = results.dashboard;
  if (!dashboard) return loading();
  const s = dashboard.sections?.[name];
  if (!s) return unavailable(`The ${name} section is not part of getDashboardData.`);
  if (!s.available) return unavailable(s.reason);
  return body(s.data);
}

export const loading = () => html`<p class="muted loading">Loading…</p>`;

export const unavailable = (reason) =>
  html`<div class="card unavailable" data-testid="unavailable">
    <strong>Not available.</strong> <span class="muted">${reason}</span>
  </div>`;

/** A labelled figure for the tiles at the top of a view. */
export const stat = (label, value, extra = nothing) =>
  html`<div class="stat">
    <div class="stat-label">${label}</div>
    <div class="stat-value">${value}</div>
    ${extra === nothing ? nothing : html`<div class="stat-extra">${extra}</div>`}
  </div>`;

/** Wraps a table so it scrolls sideways on a phone instead of breaking the layout. */
export const scroll = (table) => html`<div class="table-scroll">${table}</div>`;

/** Definition list of label/value pairs. */
export const facts = (pairs) =>
  html`<dl class="facts">
    ${pairs
      .filter(([, v]) => v !== undefined)
      .map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v}</dd>`,
      )}
  </dl>`;

export const formData = (event) => Object.fromEntries(new FormData(event.target).entries());
