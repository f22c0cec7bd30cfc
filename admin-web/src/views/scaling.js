// Scaling: per logical service the instances (current, desired, bounds and where they come from),
// the last decision and cooldown, burst protection on/off, a manual scale override, and the recent
// decisions (getScalingStatus, getScalingHistory).
import { html, nothing } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import * as fmt from "../format.js";
import { facts, formData, loading, pill, scroll, unavailable } from "./ui.js";

const BURST_REASONS = ["promotion", "event", "celebrity", "manual"];

export const scaling = {
  id: "scaling",
  title: "Scaling",
  calls: () => ({
    scalingStatus: ["getScalingStatus", {}],
    scalingHistory: ["getScalingHistory", { limit: 25 }],
  }),
  render(results, ctx) {
    const status = results.scalingStatus;
    if (!status)
      return results.dashboard
        ? unavailable("getScalingStatus did not answer (see the error above).")
        : loading();
    const services = status.services ?? [];
    return html` <p class="muted">
        Actuator <strong>${status.actuator}</strong>${
          status.actuator === "dry-run" ? " — decisions are recorded, Cloud Run is not changed" : ""
        }.
      </p>
      <div class="grid services" data-testid="scaling-services">
        ${repeat(
          services,
          (s) => s.service,
          (s) => serviceCard(s, ctx),
        )}
      </div>
      <div class="grid two">
        <section class="card">
          <h2>Manual scale</h2>
          ${manualScaleForm(services, ctx)}
        </section>
        <section class="card">
          <h2>Burst protection for every service</h2>
          <p class="muted small">
            Raises every service's maximum to the burst ceiling and holds scale-downs.
          </p>
          ${burstForm("all", ctx)}
          <button
            class="secondary"
            ?disabled=${ctx.busy("burst-off-all")}
            @click=${() => burstOff("all", ctx)}
          >
            Turn off for all
          </button>
        </section>
      </div>
      <section class="card">
        <h2>Recent decisions</h2>
        ${history(results.scalingHistory)}
      </section>`;
  },
};

function serviceCard(s, ctx) {
  const burst = s.burst ?? {};
  const override = s.override ?? {};
  const m = s.lastMetrics;
  return html`<section class="card service" data-service=${s.service}>
    <h2>
      ${s.service} ${burst.active ? pill("warning", `burst · ${burst.trigger}`) : nothing}
      ${override.active ? pill("neutral", "manual override") : nothing}
    </h2>
    <div class="instances">
      <div>
        <span class="big" data-testid="current">${fmt.count(s.currentInstances)}</span
        ><span class="muted small">running</span>
      </div>
      <div>
        <span class="big" data-testid="desired">${fmt.count(s.desiredInstances)}</span
        ><span class="muted small">desired</span>
      </div>
      <div>
        <span class="big">${fmt.count(s.bounds?.min)}–${fmt.count(s.bounds?.max)}</span
        ><span class="muted small">bounds (${s.bounds?.source})</span>
      </div>
    </div>
    ${facts([
      ["CPU / memory", m ? `${fmt.ratio(m.cpu)} / ${fmt.ratio(m.memory)}` : "no metrics"],
      ["Requests/s", m ? fmt.number(m.rps) : "—"],
      ["Metrics age", m ? fmt.duration(m.ageSeconds) : "—"],
      [
        "Last decision",
        s.lastDecision?.action
          ? html`${pill(decisionStatus(s.lastDecision.action), s.lastDecision.action)}
              <span class="small">${s.lastDecision.reason}</span>`
          : "none yet",
      ],
      [
        "Cooldown",
        s.cooldown?.remainingSeconds ? fmt.duration(s.cooldown.remainingSeconds) : "none",
      ],
      [
        "Actuation",
        s.actuation?.status
          ? html`${pill(s.actuation.status)}${s.actuation.error ? html` <span class="error-text small">${s.actuation.error}</span>` : nothing}`
          : "—",
      ],
      ["Override", override.active ? overrideText(override) : undefined],
      [
        "Burst",
        burst.active
          ? `${burst.reason ?? burst.trigger}, ${burst.expiresAt ? `until ${fmt.when(burst.expiresAt)}` : "until turned off"}`
          : undefined,
      ],
    ])}
    ${regionsTable(s.regions)}
    ${s.lastDecision?.message ? html`<p class="small muted">${s.lastDecision.message}</p>` : nothing}
    <div class="actions">
      ${
        burst.active
          ? html`<button
              class="secondary"
              data-testid="burst-off"
              ?disabled=${ctx.busy(`burst-off-${s.service}`)}
              @click=${() => burstOff(s.service, ctx)}
            >
              Turn burst off
            </button>`
          : html`<details class="control">
              <summary>Burst protection…</summary>
              ${burstForm(s.service, ctx)}
            </details>`
      }
    </div>
  </section>`;
}

// Per region (the controller decides each region of a service on its own metrics, bounded by its
// share of the routed traffic): instances running, the floor, the bounds and any pre-warm.
function regionsTable(regions) {
  // one region (or the whole service) is what the card above already shows
  if (!regions || regions.length < 2) return nothing;
  return scroll(
    html`<table class="data small" data-testid="scaling-regions">
      <thead>
        <tr>
          <th>Region</th>
          <th>Running</th>
          <th>Desired</th>
          <th>Bounds</th>
          <th>Share</th>
          <th>Last</th>
        </tr>
      </thead>
      <tbody>
        ${regions.map(
          (r) =>
            html`<tr data-region=${r.region}>
              <td>${r.region}</td>
              <td data-testid="region-current">${fmt.count(r.currentInstances)}</td>
              <td data-testid="region-desired">${fmt.count(r.desiredInstances)}</td>
              <td>
                ${fmt.count(r.minInstances)}–${fmt.count(r.maxInstances)}${
                  r.prewarm ? html` ${pill("warning", `pre-warm ${r.prewarm}`)}` : nothing
                }
              </td>
              <td>${fmt.ratio(r.share)}</td>
              <td class="small">${r.lastAction} · ${r.lastReason}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

const decisionStatus = (action) =>
  action === "scale_up" || action === "scale_down"
    ? "applied"
    : action === "hold"
      ? "hold"
      : "neutral";

function overrideText(o) {
  const what =
    o.instances != null
      ? `exactly ${o.instances}`
      : `min ${o.minInstances ?? "—"}, max ${o.maxInstances ?? "—"}`;
  return `${what} until ${fmt.when(o.expiresAt)}${o.by ? ` (${o.by})` : ""}`;
}

function burstForm(service, ctx) {
  const submit = (event) => {
    event.preventDefault();
    const f = formData(event);
    const data = { service, reason: f.reason };
    if (f.durationMinutes) data.durationMinutes = Number(f.durationMinutes);
    ctx.act({
      id: `burst-on-${service}`,
      confirm:
        service === "all"
          ? {
              title: "Burst protection for every service?",
              body: html`<p>
                Every service may scale to the burst ceiling until it is turned
                off${data.durationMinutes ? ` or ${data.durationMinutes} min pass` : ""}. This can
                cost a lot.
              </p>`,
              confirmLabel: "Turn on for all",
              danger: true,
            }
          : undefined,
      run: () => ctx.call("enableBurstProtection", data),
      done: (res) => `Burst protection on for ${res.services.map((s) => s.service).join(", ")}`,
    });
  };
  return html`<form class="inline" @submit=${submit} data-testid="burst-form">
    <label
      >Reason
      <select name="reason">
        ${BURST_REASONS.map((r) => html`<option>${r}</option>`)}
      </select></label
    >
    <label
      >Minutes
      <input name="durationMinutes" type="number" min="1" max="10080" placeholder="no expiry"
    /></label>
    <button type="submit" class="primary" ?disabled=${ctx.busy(`burst-on-${service}`)}>
      Turn burst on
    </button>
  </form>`;
}

function burstOff(service, ctx) {
  ctx.act({
    id: `burst-off-${service}`,
    confirm: {
      title:
        service === "all"
          ? "Turn burst protection off everywhere?"
          : `Turn burst protection off for ${service}?`,
      body: html`<p>
        The normal maximum applies again and scale-downs resume after the stabilisation window.
      </p>`,
      confirmLabel: "Turn off",
      danger: true,
    },
    run: () => ctx.call("disableBurstProtection", { service }),
    done: (res) => {
      const changed = res.services.filter((s) => s.changed).map((s) => s.service);
      return changed.length
        ? `Burst protection off for ${changed.join(", ")}`
        : "No burst was active";
    },
  });
}

function manualScaleForm(services, ctx) {
  const submit = (event) => {
    event.preventDefault();
    const f = formData(event);
    const data = { service: f.service, durationMinutes: Number(f.durationMinutes) };
    if (f.mode === "exact") data.instances = Number(f.instances);
    else {
      if (f.minInstances !== "") data.minInstances = Number(f.minInstances);
      if (f.maxInstances !== "") data.maxInstances = Number(f.maxInstances);
    }
    const what =
      data.instances != null
        ? `exactly ${data.instances} instances`
        : `min ${data.minInstances ?? "unchanged"}, max ${data.maxInstances ?? "unchanged"}`;
    ctx.act({
      id: "manual-scale",
      confirm: {
        title: `Scale ${data.service}?`,
        body: html`<p>
          Override the autoscaler for <strong>${data.service}</strong>: ${what}, for
          ${data.durationMinutes} minutes.
        </p>`,
        confirmLabel: "Apply override",
        danger: true,
      },
      run: () => ctx.call("manualScale", data),
      done: (res) =>
        `${res.service}: override ${overrideText(res.override)}; decision ${res.decision?.action ?? "—"} → ${res.decision?.desiredInstances ?? "—"} desired`,
    });
  };
  return html`<form class="stack" @submit=${submit} data-testid="manual-scale-form">
    <label
      >Service
      <select name="service">
        ${services.map((s) => html`<option>${s.service}</option>`)}
      </select></label
    >
    <fieldset class="inline">
      <legend>Override</legend>
      <label><input type="radio" name="mode" value="exact" checked /> exactly</label>
      <input name="instances" type="number" min="0" max="1000" value="5" aria-label="Instances" />
      <label><input type="radio" name="mode" value="bounds" /> bounds</label>
      <input
        name="minInstances"
        type="number"
        min="0"
        max="1000"
        placeholder="min"
        aria-label="Minimum instances"
      />
      <input
        name="maxInstances"
        type="number"
        min="1"
        max="1000"
        placeholder="max"
        aria-label="Maximum instances"
      />
    </fieldset>
    <label
      >For (minutes)
      <input name="durationMinutes" type="number" min="1" max="10080" value="60" required
    /></label>
    <button type="submit" class="danger" ?disabled=${ctx.busy("manual-scale")}>
      Apply override
    </button>
  </form>`;
}

function history(page) {
  const events = page?.events ?? [];
  if (!events.length) return html`<p class="muted">No decisions recorded yet.</p>`;
  return scroll(
    html`<table class="data" data-testid="scaling-history">
      <thead>
        <tr>
          <th>When</th>
          <th>Service</th>
          <th>Action</th>
          <th>Reason</th>
          <th class="num">Current</th>
          <th class="num">Desired</th>
          <th>Trigger</th>
        </tr>
      </thead>
      <tbody>
        ${repeat(
          events,
          (e) => e.id ?? `${e.service}@${e.at}`,
          (e) =>
            html`<tr>
              <td title=${fmt.when(e.at)}>${fmt.clock(e.at)}</td>
              <td>${e.service}</td>
              <td>${pill(decisionStatus(e.action), e.action ?? e.kind)}</td>
              <td class="small">${e.reason ?? ""}</td>
              <td class="num">${fmt.count(e.currentInstances)}</td>
              <td class="num">${fmt.count(e.desiredInstances)}</td>
              <td class="small">${e.trigger ?? ""}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}
