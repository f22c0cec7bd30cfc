// Monitoring: service health against thresholds (getSystemHealth), p50/p95/p99 over time per service
// and metric with the alert threshold drawn in (getMetricsHistory), and the open alerts of every
// source with acknowledge, silence and resolve (getActiveAlerts, acknowledgeAlert, createSilence,
// resolveAlert; who acknowledged comes from the alerting section of getDashboardData).
import { html, nothing } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import { chart } from "../chart.js";
import * as fmt from "../format.js";
import { healthTable } from "./overview.js";
import { loading, pill, scroll, unavailable } from "./ui.js";

const RANGES = [
  { id: "1h", label: "1 hour", seconds: 3600, resolution: "minute" },
  { id: "6h", label: "6 hours", seconds: 6 * 3600, resolution: "minute" },
  { id: "24h", label: "24 hours", seconds: 24 * 3600, resolution: "hour" },
  { id: "7d", label: "7 days", seconds: 7 * 86400, resolution: "hour" },
];
let range = RANGES[0];

/** The metrics each service is judged on, from its threshold checks (latency when it has none). */
function seriesOf(health) {
  const pairs = [];
  for (const s of health?.services ?? []) {
    const metrics = [...new Set((s.checks ?? []).map((c) => c.metric))];
    if (!metrics.length) metrics.push(s.unit === "%" ? "packetLoss" : "latency");
    for (const metric of metrics) pairs.push({ service: s.service, metric });
  }
  return pairs;
}

const historyKey = (p) => `history:${p.service}:${p.metric}`;

export const monitoring = {
  id: "monitoring",
  title: "Monitoring",
  calls: () => ({
    systemHealth: ["getSystemHealth", {}],
    activeAlerts: ["getActiveAlerts", { limit: 100 }],
  }),
  followUp(results) {
    const to = new Date();
    const from = new Date(to.getTime() - range.seconds * 1000);
    const calls = {};
    for (const p of seriesOf(results.systemHealth)) {
      calls[historyKey(p)] = [
        "getMetricsHistory",
        {
          service: p.service,
          metric: p.metric,
          from: from.toISOString(),
          to: to.toISOString(),
          resolution: range.resolution,
        },
      ];
    }
    return calls;
  },
  render(results, ctx) {
    const health = results.systemHealth;
    if (!health)
      return results.dashboard
        ? unavailable("getSystemHealth did not answer (see the error above).")
        : loading();
    return html` <div class="grid two">
        <section class="card">
          <h2>Health</h2>
          ${healthTable(health)}
        </section>
        <section class="card">
          <h2>Open alerts</h2>
          ${alerts(results.activeAlerts, acknowledgements(results), ctx)}
        </section>
      </div>
      <section class="card">
        <h2>Percentiles over time</h2>
        <div class="range" role="group" aria-label="Time range">
          ${RANGES.map(
            (r) =>
              html`<button
                class=${r === range ? "primary" : "secondary"}
                aria-pressed=${r === range}
                @click=${() => {
                  range = r;
                  ctx.refresh();
                }}
              >
                ${r.label}
              </button>`,
          )}
        </div>
        <div class="grid charts" data-testid="metric-charts">
          ${repeat(seriesOf(health), historyKey, (p) => metricChart(p, results[historyKey(p)]))}
        </div>
      </section>`;
  },
};

function metricChart(p, series) {
  const title = `${p.service} · ${p.metric}`;
  if (!series)
    return html`<div class="chart-card">
      <h3>${title}</h3>
      ${loading()}
    </div>`;
  const points = series.points ?? [];
  const t = points.map((pt) => Date.parse(pt.t) / 1000);
  const threshold = series.threshold?.enabled ? series.threshold : null;
  const withSamples = points.filter((pt) => pt.samples > 0).length;
  let spec;
  if (p.metric === "failureRate") {
    // errorRate is a 0..1 ratio; shown in percent like the threshold.
    spec = {
      yLabel: "%",
      series: [
        {
          label: "failure rate",
          stroke: "#b91c1c",
          value: (u, v) => (v == null ? "—" : `${v.toFixed(3)} %`),
        },
      ],
      data: [t, points.map((pt) => (pt.errorRate == null ? null : pt.errorRate * 100))],
      thresholds: threshold ? [{ value: threshold.value * 100, stroke: "#b91c1c" }] : [],
    };
  } else {
    const unit = series.measureUnit ?? series.unit;
    const show = (u, v) => (v == null ? "—" : `${v.toFixed(1)} ${unit}`);
    spec = {
      yLabel: unit,
      series: [
        { label: "p50", stroke: "#16a34a", value: show },
        { label: "p95", stroke: "#d97706", value: show },
        { label: "p99", stroke: "#b91c1c", value: show },
      ],
      data: [t, points.map((pt) => pt.p50), points.map((pt) => pt.p95), points.map((pt) => pt.p99)],
      thresholds: threshold
        ? [
            {
              value: threshold.value,
              stroke: threshold.severity === "critical" ? "#b91c1c" : "#d97706",
            },
          ]
        : [],
    };
  }
  return html`<div class="chart-card" data-series=${`${p.service}:${p.metric}`}>
    <h3>${title}</h3>
    <div class="chart" ${chart(spec)}></div>
    <p class="muted small">
      ${series.resolution} resolution · ${fmt.count(withSamples)} of ${fmt.count(points.length)}
      steps with samples
      ${
        threshold
          ? html` · threshold ${threshold.statistic}
            ${p.metric === "failureRate" ? fmt.ratio(threshold.value) : `${threshold.value} ${series.unit}`}
            (${threshold.severity}, dashed)`
          : nothing
      }
    </p>
  </div>`;
}

/** alertId -> {acknowledgedAt, acknowledgedBy, note} of the open alerts someone acknowledged. */
function acknowledgements(results) {
  const s = results.dashboard?.sections?.alerting;
  const list = s?.available ? (s.data?.acknowledged ?? []) : [];
  return new Map(list.map((a) => [a.alertId, a]));
}

function alerts(answer, acked, ctx) {
  if (!answer) return loading();
  const list = answer.alerts ?? [];
  if (!list.length) return html`<p class="muted" data-testid="no-open-alerts">No open alerts.</p>`;
  return html`${scroll(
    html`<table class="data alerts-table" data-testid="alerts-table">
      <thead>
        <tr>
          <th>Severity</th>
          <th>Alert</th>
          <th>Since</th>
          <th class="num">Count</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        ${repeat(
          list,
          (a) => a.id,
          (a) =>
            html`<tr data-alert-id=${a.id} data-alert-key=${`${a.source}/${a.key}`}>
              <td>${pill(a.severity)}</td>
              <td>
                <div><strong>${a.source}</strong> <span class="mono small">${a.key}</span></div>
                <div class="small">${a.message}</div>
              </td>
              <td title=${fmt.when(a.openedAt)}>
                ${fmt.ago(a.openedAt)}
                <div class="muted small">last ${fmt.ago(a.lastSeen)}</div>
              </td>
              <td class="num">${fmt.count(a.count)}</td>
              <td class="alert-actions">
                ${acknowledgeControl(a, acked.get(a.id), ctx)} ${silenceControl(a, ctx)}
                ${resolveForm(a, ctx)}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  )}
  ${answer.truncated ? html`<p class="muted small">Showing the first ${list.length}.</p>` : nothing}`;
}

function acknowledgeControl(a, ack, ctx) {
  if (ack)
    return html`<p class="small" data-testid="acknowledged">
      ${pill("acknowledged")} by ${ack.acknowledgedBy ?? "someone"}
      <span class="muted" title=${fmt.when(ack.acknowledgedAt)}
        >${fmt.ago(ack.acknowledgedAt)}</span
      >
    </p>`;
  const acknowledge = () =>
    ctx.act({
      id: `ack-${a.id}`,
      run: () => ctx.call("acknowledgeAlert", { alertId: a.id }),
      done: (res) =>
        res.changed === false
          ? `${a.source}/${a.key} was already acknowledged`
          : `Acknowledged ${a.source}/${a.key}`,
    });
  return html`<button
    class="secondary"
    @click=${acknowledge}
    ?disabled=${ctx.busy(`ack-${a.id}`)}
    title="Tell PagerDuty and Slack someone is on it; the alert stays open"
  >
    Acknowledge
  </button>`;
}

/** "Silence…": a silence of this alert's source and key (Alertmanager-style exact matchers). */
function silenceControl(a, ctx) {
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const matchers = ["source", "key"]
      .map((name) => ({ name, value: String(form.get(name) ?? "").trim() }))
      .filter((m) => m.value);
    const durationMinutes = Number(form.get("durationMinutes"));
    const comment = String(form.get("comment")).trim();
    ctx.act({
      id: `silence-${a.id}`,
      run: () => ctx.call("createSilence", { matchers, durationMinutes, comment }),
      done: (res) =>
        `Silenced ${matchers.map((m) => m.value).join(" / ")} until ${fmt.when(res.endsAt)}`,
    });
  };
  return html`<details class="control silence" data-testid="silence-control">
    <summary>Silence…</summary>
    <form class="stack" @submit=${submit} data-testid="silence-form">
      <label>Source <input name="source" .value=${a.source} maxlength="200" /></label>
      <label>Key <input name="key" .value=${a.key} maxlength="200" /></label>
      <label
        >Duration (minutes)
        <input name="durationMinutes" type="number" min="1" max="10080" value="60" required
      /></label>
      <label
        >Comment
        <input name="comment" required maxlength="500" placeholder="e.g. planned maintenance"
      /></label>
      <button type="submit" class="primary" ?disabled=${ctx.busy(`silence-${a.id}`)}>
        Create silence
      </button>
    </form>
  </details>`;
}

function resolveForm(a, ctx) {
  const submit = (event) => {
    event.preventDefault();
    const note = new FormData(event.target).get("note").trim();
    ctx.act({
      id: `resolve-${a.id}`,
      confirm: {
        title: "Resolve this alert?",
        body: html`<p>${pill(a.severity)} <strong>${a.source}</strong> ${a.message}</p>
          <p>Note: “${note}”</p>
          <p class="muted small">If the condition persists the next check opens a new alert.</p>`,
        confirmLabel: "Resolve",
      },
      run: () => ctx.call("resolveAlert", { alertId: a.id, note }),
      done: (res) =>
        res.wasOpen === false
          ? `Alert ${a.source}/${a.key} was already resolved`
          : `Resolved ${a.source}/${a.key}`,
    });
  };
  return html`<form class="inline resolve" @submit=${submit}>
    <input name="note" required maxlength="1000" placeholder="note" aria-label="Resolution note" />
    <button type="submit" ?disabled=${ctx.busy(`resolve-${a.id}`)}>Resolve</button>
  </form>`;
}
