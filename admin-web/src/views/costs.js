// Costs: this month's budgets as bars with the 70/80/90 % marks and the month-end forecast with
// its confidence (getBudgetStatus: trailing-7-day rate, blended with last month early on, none
// from under a day of data), unit costs (getCostMetrics), a six-month spend trend, and the throttling
// override (disableThrottling).
import { html, nothing } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import { chart } from "../chart.js";
import * as fmt from "../format.js";
import { formData, loading, pill, scroll, stat, unavailable } from "./ui.js";

const TREND_MONTHS = 6;
const MARKS = [70, 80, 90];

/** yyyy-MM of the month `back` months before the current UTC month (billing periods are UTC months). */
export function monthId(back, now = new Date()) {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

const trendKey = (month) => `costMetrics:${month}`;

export const costs = {
  id: "costs",
  title: "Costs",
  calls(results) {
    const calls = {
      budgetStatus: ["getBudgetStatus", {}],
      [trendKey(monthId(0))]: ["getCostMetrics", { period: monthId(0) }],
    };
    // Closed months do not change: ask for each once.
    for (let back = 1; back < TREND_MONTHS; back++) {
      const month = monthId(back);
      if (!results[trendKey(month)]) calls[trendKey(month)] = ["getCostMetrics", { period: month }];
    }
    return calls;
  },
  render(results, ctx) {
    const budget = results.budgetStatus;
    if (!budget)
      return results.dashboard
        ? unavailable("getBudgetStatus did not answer (see the error above).")
        : loading();
    const current = results[trendKey(monthId(0))];
    return html` <div class="grid tiles">
        ${stat(
          `Spent in ${budget.period}`,
          fmt.money(sum(budget.services, "spentMinor")),
          html`of
          ${fmt.money(
            sum(
              budget.services.filter((s) => s.budgeted),
              "budgetMinor",
            ),
          )}
          budgeted`,
        )}
        ${stat(
          "Forecast to month end",
          fmt.money(sum(budget.services, "forecastMinor")),
          html`confidence ${leastConfident(budget.services)}`,
        )}
        ${
          current
            ? html` ${stat("Cost per active user", fmt.moneyExact(current.costPerActiveUserMinor), html`${fmt.count(current.activeUsers)} active users`)}
              ${stat("Cost per chat / call", html`${fmt.moneyExact(current.costPerChatMinor)} / ${fmt.moneyExact(current.costPerCallMinor)}`)}
              ${stat("Spend / revenue", fmt.percent(num(current.spendToRevenuePercent)), html`revenue ${fmt.money(current.revenueMinor)}`)}`
            : nothing
        }
      </div>
      <section class="card">
        <h2>Budgets, ${budget.period}</h2>
        <p class="muted small legend">
          Bar: spent · light bar: month-end forecast (trailing 7-day rate, blended with last month
          in the first week) · marks at 70 % (alert), 80 % (throttle), 90 % (critical)
        </p>
        <div class="budgets" data-testid="budgets">
          ${repeat(
            budget.services,
            (s) => s.service,
            (s) => budgetBar(s, ctx),
          )}
        </div>
      </section>
      <div class="grid two">
        <section class="card">
          <h2>Spend trend</h2>
          ${trend(results)}
        </section>
        <section class="card">
          <h2>Throttling override</h2>
          ${overrideForm(budget.services, ctx)}
        </section>
      </div>
      ${
        current
          ? html`<section class="card">
              <h2>Spend by service, ${current.period}</h2>
              ${spendTable(current)}
            </section>`
          : nothing
      }`;
  },
};

const BASIS = {
  blended: "blended with last month",
  "previous-month": "last month's spend",
  "month-to-date": "month-to-date rate",
  "trailing-7d": "last 7 days' rate",
};
const CONFIDENCE = ["none", "low", "medium", "high"];

/** The weakest forecast confidence among the budgeted services (what the total is worth). */
function leastConfident(services) {
  const levels = services
    .filter((s) => s.budgeted)
    .map((s) => CONFIDENCE.indexOf(s.forecastConfidence))
    .filter((i) => i >= 0);
  return levels.length ? CONFIDENCE[Math.min(...levels)] : "none";
}

const num = (v) => (v == null ? null : Number(v));
const sum = (list, key) => list.reduce((total, s) => total + (num(s[key]) ?? 0), 0);

function budgetBar(s, ctx) {
  const percent = num(s.percent) ?? 0;
  const forecast = num(s.forecastPercent) ?? 0;
  // The bar's full width is 100 % of the budget, stretched when spend or forecast overshoots.
  const scale = Math.min(200, Math.max(100, percent, forecast));
  const at = (p) => `${(Math.max(0, p) / scale) * 100}%`;
  const override = s.override?.active ? s.override : null;
  return html`<div class="budget" data-service=${s.service} data-state=${s.state}>
    <div class="budget-head">
      <strong>${s.service}</strong> ${pill(s.state)}
      ${s.mode ? html`<span class="muted small">${s.mode}</span>` : nothing}
      ${override ? html`<span class="chip">throttling off until ${fmt.when(override.until)}</span>` : nothing}
      <span class="budget-figures"
        >${fmt.money(s.spentMinor)}
        ${
          s.budgeted
            ? html`/ ${fmt.money(s.budgetMinor)} <strong>${fmt.percent(percent)}</strong>`
            : html`<span class="muted">(no budget)</span>`
        }</span
      >
    </div>
    ${
      s.budgeted
        ? html`<div
              class="bar"
              role="meter"
              aria-label="${s.service} budget used"
              aria-valuemin="0"
              aria-valuemax="100"
              aria-valuenow=${percent.toFixed(1)}
            >
              <div
                class="bar-forecast"
                style="width:${at(forecast)}"
                title="forecast ${fmt.percent(forecast)}"
              ></div>
              <div class="bar-fill state-${s.state}" style="width:${at(percent)}"></div>
              ${marksFor(s).map((m) => html`<div class="bar-mark" style="left:${at(m)}" title="${m} %"><span>${m}</span></div>`)}
              <div class="bar-mark full" style="left:${at(100)}" title="100 %"></div>
            </div>
            <div class="muted small" data-testid="forecast" data-confidence=${s.forecastConfidence}>
              ${
                s.forecastMinor == null
                  ? "no forecast yet (less than a day of data)"
                  : html`forecast ${fmt.money(s.forecastMinor)} (${fmt.percent(forecast)}) ·
                    ${s.forecastConfidence}
                    confidence${BASIS[s.forecastBasis] ? html`, ${BASIS[s.forecastBasis]}` : nothing}`
              }
            </div>`
        : nothing
    }
  </div>`;
}

/** The service's own thresholds when it has them, else the standard 70/80/90. */
function marksFor(s) {
  const own = [s.alertPercent, s.throttlePercent, s.criticalPercent].filter(
    (v) => typeof v === "number",
  );
  return [...new Set([...MARKS, ...own])].sort((a, b) => a - b);
}

function trend(results) {
  const months = [];
  for (let back = TREND_MONTHS - 1; back >= 0; back--) months.push(monthId(back));
  const points = months.map((m) => results[trendKey(m)]);
  if (points.every((p) => !p)) return loading();
  const budgetTotal =
    sum(
      (results.budgetStatus?.services ?? []).filter((s) => s.budgeted),
      "budgetMinor",
    ) / 100;
  const x = months.map((_, i) => i);
  const spend = points.map((p) => (p ? p.totalSpendMinor / 100 : null));
  return html`<div
      class="chart"
      data-testid="cost-trend"
      ${chart({
        xTime: false,
        yLabel: "PLN",
        xValues: (u, splits) => splits.map((i) => months[i] ?? ""),
        series: [
          {
            label: "Spend (PLN)",
            stroke: "#2563eb",
            fill: "rgba(37,99,235,0.35)",
            bars: true,
            value: (u, v) => (v == null ? "—" : fmt.money(v * 100)),
          },
          {
            label: "Monthly budget",
            stroke: "#b91c1c",
            dash: [6, 4],
            value: (u, v) => (v == null ? "—" : fmt.money(v * 100)),
          },
        ],
        data: [x, spend, x.map(() => budgetTotal)],
      })}
    ></div>
    <p class="muted small">
      ${months[0]} – ${months[months.length - 1]}; the current month is month-to-date.
    </p>`;
}

function spendTable(m) {
  return scroll(
    html`<table class="data">
      <thead>
        <tr>
          <th>Service</th>
          <th class="num">Spend</th>
          <th class="num">Events</th>
          <th>Breakdown</th>
        </tr>
      </thead>
      <tbody>
        ${m.services.map(
          (s) =>
            html`<tr>
              <td>${s.service}</td>
              <td class="num">${fmt.moneyExact(s.costMinor)}</td>
              <td class="num">${fmt.count(s.events)}</td>
              <td class="small">
                ${Object.entries(s.breakdownMinor ?? {}).map(([k, v]) => html`<span class="chip">${k} ${fmt.money(v)}</span> `)}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

function overrideForm(services, ctx) {
  const submit = (event) => {
    event.preventDefault();
    const f = formData(event);
    const data = {
      service: f.service,
      durationMinutes: Number(f.durationMinutes),
      reason: f.reason.trim(),
    };
    ctx.act({
      id: "disable-throttling",
      confirm: {
        title: `Stop throttling ${data.service}?`,
        body: html`<p>
          Budget throttling of <strong>${data.service}</strong> is off for ${data.durationMinutes}
          minutes, even over budget. Spend is not capped meanwhile.
        </p>`,
        confirmLabel: "Disable throttling",
        danger: true,
      },
      run: () => ctx.call("disableThrottling", data),
      done: (res) => `Throttling of ${data.service} disabled until ${fmt.when(res.until)}`,
    });
  };
  return html`<form class="stack" @submit=${submit}>
    <label
      >Service
      <select name="service">
        ${services.map((s) => html`<option>${s.service}</option>`)}
      </select></label
    >
    <label
      >For (minutes)
      <input name="durationMinutes" type="number" min="1" max="10080" value="60" required
    /></label>
    <label
      >Reason
      <input
        name="reason"
        required
        maxlength="500"
        placeholder="e.g. launch event, approved by finance"
    /></label>
    <button type="submit" class="danger" ?disabled=${ctx.busy("disable-throttling")}>
      Disable throttling
    </button>
  </form>`;
}
