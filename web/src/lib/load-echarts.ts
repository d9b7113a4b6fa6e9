import type * as Echarts from 'echarts/core';

/** The echarts module (core with the charts the UI registers). */
export type EchartsModule = typeof Echarts;

let loading: Promise<EchartsModule> | null = null;

/**
 * echarts, loaded on first use: the chart library is about 560 kB of the UI's JavaScript and only
 * the pages that draw a chart (a case's money and dashboard views, the address page's exposure)
 * fetch it, when they first draw one.
 *
 * @example
 * const echarts = await loadEcharts();
 * echarts.init(element);
 */
export function loadEcharts(): Promise<EchartsModule> {
  loading ??= import('./echarts-runtime.ts').then((m) => m.echarts);
  return loading;
}
