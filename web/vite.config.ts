import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// The UI is served by `chaintrail serve` under /ui/ (src/api/ui.ts) from dist/web, beside the CLI's
// bundle. `npm run dev:web` proxies the API to a `chaintrail serve` on port 8787 (its default).
export default defineConfig({
  root: here,
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: path.join(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    // cytoscape and echarts are large; they load with the pages that use them.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:8787',
      '/api': 'http://127.0.0.1:8787',
    },
  },
});
