import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';

/** Label routes (to be written). */
export function registerLabelRoutes(_app: ApiApp, _ctx: ApiContext): void {}
