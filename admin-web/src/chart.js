// uPlot charts as a lit-html directive: the chart is created once per element and later renders only
// hand it new data (setData), so the 10 s refresh updates the lines in place without rebuilding
// the canvas (no flicker, the legend and cursor stay where they are).
import uPlot from "uplot";
import { nothing } from "lit-html";
import { AsyncDirective, directive } from "lit-html/async-directive.js";

const HEIGHT = 220;

class ChartDirective extends AsyncDirective {
  plot = null;
  element = null;
  shape = "";
  resizeObserver = null;

  render() {
    return nothing;
  }

  /**
   * @param part the element part (the chart's container)
   * @param spec {{series: Array<{label, stroke, fill?, dash?, bars?}>, data: Array<number[]>, yLabel?, xTime?: boolean,
   *               thresholds?: Array<{value, stroke}>, yMin?: number, xValues?: (u, splits) => string[]}}
   */
  update(part, [spec]) {
    const element = part.element;
    // A different series layout needs a new chart; the same layout only gets new data.
    const shape = JSON.stringify([
      spec.series.map((s) => [s.label, !!s.bars]),
      spec.yLabel,
      spec.xTime !== false,
      (spec.thresholds || []).map((t) => t.value),
    ]);
    if (this.plot && (this.element !== element || this.shape !== shape)) {
      this.destroy();
    }
    if (!this.plot) {
      this.element = element;
      this.shape = shape;
      this.plot = new uPlot(options(spec, widthOf(element)), spec.data, element);
      this.resizeObserver = new ResizeObserver(() => {
        if (this.plot) this.plot.setSize({ width: widthOf(element), height: HEIGHT });
      });
      this.resizeObserver.observe(element);
    } else {
      this.plot.setData(spec.data);
    }
    return nothing;
  }

  destroy() {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.plot?.destroy();
    this.plot = null;
  }

  disconnected() {
    this.destroy();
  }
}

const widthOf = (element) =>
  Math.max(200, Math.floor(element.getBoundingClientRect().width || 300));

function options(spec, width) {
  const bars = uPlot.paths.bars({ size: [0.6, 48] });
  const thresholds = spec.thresholds || [];
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // Categories (e.g. months) get half a step of room each side, so the end bars are not cut.
      x:
        spec.xTime === false
          ? { time: false, range: (u, min, max) => [min - 0.5, max + 0.5] }
          : { time: true },
      y: {
        range: (u, min, max) => {
          const top = Math.max(max ?? 0, ...thresholds.map((t) => t.value)) * 1.1 || 1;
          return [spec.yMin ?? Math.min(0, min ?? 0), top];
        },
      },
    },
    axes: [
      spec.xValues
        ? { values: spec.xValues, stroke: "#566", grid: { stroke: "#eef1f4" } }
        : { stroke: "#566", grid: { stroke: "#eef1f4" } },
      { label: spec.yLabel, stroke: "#566", grid: { stroke: "#eef1f4" }, size: 56 },
    ],
    series: [
      {},
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.stroke,
        fill: s.fill,
        width: s.bars ? 1 : 2,
        dash: s.dash,
        spanGaps: false,
        paths: s.bars ? bars : undefined,
        points: { show: false },
        value: s.value,
      })),
    ],
    hooks: {
      // Threshold lines (e.g. the p95 alert threshold) drawn across the plot.
      draw: [
        (u) => {
          const { ctx } = u;
          for (const t of thresholds) {
            const y = u.valToPos(t.value, "y", true);
            ctx.save();
            ctx.strokeStyle = t.stroke;
            ctx.setLineDash([6, 4]);
            ctx.lineWidth = 1.5;
            ctx.beginPath();
            ctx.moveTo(u.bbox.left, y);
            ctx.lineTo(u.bbox.left + u.bbox.width, y);
            ctx.stroke();
            ctx.restore();
          }
        },
      ],
    },
  };
}

export const chart = directive(ChartDirective);
