import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The console: built into apps/console/dist and served by the control plane in
 * production (same origin, so no CORS); in development `vite` serves it on
 * :5173 and proxies the API, the development issuer and graphql-ws to the
 * control plane at GANTRY_API_URL (default http://127.0.0.1:4000).
 */
const api = process.env['GANTRY_API_URL'] ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Not "assets": that is a console route (/:org/:deployment/assets).
    assetsDir: '_console',
    chunkSizeWarningLimit: 2048,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/graphql': { target: api, ws: true },
      '/api': api,
      '/realms': api,
      '/console-config.json': api,
    },
  },
});
