import type { ApiApp } from '../app.ts';
import type { ApiContext } from '../context.ts';

/** Alert routes (to be written). */
export function registerAlertRoutes(_app: ApiApp, _ctx: ApiContext): void {}
