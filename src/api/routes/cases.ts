import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';

/** Case routes (to be written). */
export function registerCaseRoutes(_app: ApiApp, _ctx: ApiContext): void {}
