// The console's views, in navigation order. Each view: {id, title, calls?(results) → {key: [function, data]},
// followUp?(results) → more calls that depend on the first answers, render(results, ctx) → lit template}.
import { alerting } from "./alerting.js";
import { backups } from "./backups.js";
import { cdn } from "./cdn.js";
import { costs } from "./costs.js";
import { monitoring } from "./monitoring.js";
import { overview } from "./overview.js";
import { regions } from "./regions.js";
import { scaling } from "./scaling.js";

export const views = [overview, regions, scaling, cdn, costs, monitoring, alerting, backups];
