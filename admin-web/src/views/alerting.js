// Alerting: where alerts go (the configured receivers, by name), the active silences with expire
// (expireSilence), and the notification log: the last notifications with each receiver's state
// (delivered, retrying, dead-lettered, …), attempts and last error — all from the alerting section
// of getDashboardData. States this console does not know are shown as they are.
import { html, nothing } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import * as fmt from "../format.js";
import { pill, scroll, section } from "./ui.js";

// Which notifications the log shows; a receiver-level filter matches when any receiver is in it.
const FILTERS = [
  { id: "all", label: "All", test: () => true },
  { id: "delivered", label: "Delivered", test: (n) => anyReceiver(n, "delivered") },
  { id: "retrying", label: "Retrying", test: (n) => anyReceiver(n, "retrying") },
  { id: "dead", label: "Dead-lettered", test: (n) => anyReceiver(n, "dead") },
  {
    id: "held",
    label: "Silenced / inhibited",
    test: (n) => n.status === "silenced" || n.status === "inhibited",
  },
];
let filter = FILTERS[0];

const anyReceiver = (n, status) => (n.receivers ?? []).some((r) => r.status === status);

export const alerting = {
  id: "alerting",
  title: "Alerting",
  render(results, ctx) {
    return section(
      results,
      "alerting",
      (d) =>
        html`<div class="grid two">
            <section class="card" aria-labelledby="al-receivers">
              <h2 id="al-receivers">Receivers</h2>
              ${receivers(d)}
            </section>
            <section class="card" aria-labelledby="al-silences">
              <h2 id="al-silences">Active silences</h2>
              ${silences(d.silences ?? [], ctx)}
            </section>
          </div>
          <section class="card" aria-labelledby="al-log">
            <h2 id="al-log">Notification log</h2>
            ${log(d, ctx)}
          </section>`,
    );
  },
};

function receivers(d) {
  const names = d.receivers ?? [];
  return html`${
      names.length
        ? html`<ul class="plain" data-testid="receivers">
            ${names.map((n) => html`<li data-receiver=${n}><strong>${n}</strong></li>`)}
          </ul>`
        : html`<p class="muted" data-testid="no-receivers">
            No receiver is configured in this deployment: alerts are recorded but reach nobody.
          </p>`
    }
    <p class="small">
      Watchdog heartbeat ${pill(d.watchdog ? "ok" : "unknown", d.watchdog ? "on" : "off")}
    </p>
    <p class="muted small">
      Silence an alert from its row in <a href="#/monitoring">Monitoring</a>.
    </p>`;
}

const matcherText = (m) => `${m.name}${m.op ?? (m.regex ? "=~" : "=")}"${m.value}"`;

function silences(list, ctx) {
  if (!list.length) return html`<p class="muted" data-testid="no-silences">No active silences.</p>`;
  return scroll(
    html`<table class="data" data-testid="silences-table">
      <thead>
        <tr>
          <th>Matchers</th>
          <th>Ends</th>
          <th>By</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${repeat(
          list,
          (s) => s.id,
          (s) =>
            html`<tr data-silence-id=${s.id}>
              <td>
                <div class="mono small">${(s.matchers ?? []).map(matcherText).join(", ")}</div>
                <div class="small">${s.comment}</div>
                ${s.active ? nothing : html`<div class="small">${pill("pending", `starts ${fmt.when(s.startsAt)}`)}</div>`}
              </td>
              <td title=${fmt.when(s.endsAt)}>${fmt.when(s.endsAt)}</td>
              <td class="small">${fmt.text(s.createdBy)}</td>
              <td>
                <button
                  class="secondary"
                  ?disabled=${ctx.busy(`expire-${s.id}`)}
                  @click=${() => expire(s, ctx)}
                >
                  Expire
                </button>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

function expire(s, ctx) {
  ctx.act({
    id: `expire-${s.id}`,
    confirm: {
      title: "Expire this silence?",
      body: html`<p class="mono small">${(s.matchers ?? []).map(matcherText).join(", ")}</p>
        <p>Notifications it holds back go out on the notifier's next run.</p>`,
      confirmLabel: "Expire",
    },
    run: () => ctx.call("expireSilence", { silenceId: s.id }),
    done: (res) => (res.expired ? "Silence expired" : "The silence had already ended"),
  });
}

function log(d, ctx) {
  const all = d.notifications ?? [];
  const shown = all.filter(filter.test);
  const by = d.notificationsByStatus ?? {};
  return html`<p class="severity-counts" data-testid="notification-counts">
      ${Object.entries(by).map(([status, n]) => html`${pill(status, `${n} ${status}`)} `)}
    </p>
    <div class="range" role="group" aria-label="Show notifications">
      ${FILTERS.map(
        (f) =>
          html`<button
            class=${f === filter ? "primary" : "secondary"}
            aria-pressed=${f === filter}
            data-filter=${f.id}
            @click=${() => {
              filter = f;
              ctx.redraw();
            }}
          >
            ${f.label} (${all.filter(f.test).length})
          </button>`,
      )}
    </div>
    ${
      shown.length
        ? scroll(
            html`<table class="data" data-testid="notification-log">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Alert</th>
                  <th>Status</th>
                  <th>Receivers</th>
                </tr>
              </thead>
              <tbody>
                ${repeat(
                  shown,
                  (n) => n.id,
                  (n) =>
                    html`<tr
                      data-notification-id=${n.id}
                      data-alert-id=${n.alertId ?? ""}
                      data-status=${n.status ?? "unknown"}
                    >
                      <td title=${fmt.when(n.at)}>${fmt.ago(n.at)}</td>
                      <td>
                        <div>
                          ${pill(n.severity)} <strong>${n.source}</strong>
                          <span class="mono small">${n.key}</span>
                        </div>
                        <div class="small">${n.change} · ${n.message}</div>
                      </td>
                      <td>
                        ${pill(n.status)}
                        ${n.silencedBy ? html`<div class="muted small">silence ${n.silencedBy}</div>` : nothing}
                      </td>
                      <td>${receiverStates(n.receivers ?? [])}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
          )
        : html`<p class="muted" data-testid="no-notifications">
            ${all.length ? "No notification matches this filter." : "No notifications yet."}
          </p>`
    }
    <p class="muted small">The last ${all.length} notifications, newest first.</p>`;
}

function receiverStates(list) {
  if (!list.length) return html`<span class="muted small">none yet</span>`;
  return html`<ul class="plain receiver-states">
    ${list.map(
      (r) =>
        html`<li data-receiver=${r.name} data-receiver-status=${r.status ?? "unknown"}>
          ${pill(r.status)} <strong>${r.name}</strong>
          <span class="muted small"
            >${fmt.count(r.attempts)}
            attempt${r.attempts === 1 ? "" : "s"}${
              r.deliveredAt ? html` · delivered ${fmt.ago(r.deliveredAt)}` : nothing
            }${r.status === "retrying" && r.nextAttemptAt ? html` · next ${fmt.when(r.nextAttemptAt)}` : nothing}${
              r.groupId ? html` · group <span class="mono">${r.groupId}</span>` : nothing
            }</span
          >
          ${r.lastError ? html`<div class="error-text small" data-testid="last-error">${r.lastError}</div>` : nothing}
        </li>`,
    )}
  </ul>`;
}
