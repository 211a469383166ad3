// Run from this folder: `npx vite` (after `npm run build` at the package root).
// The page shows the sidecar's overlay: break a type in main.ts to see it.
import { defineConfig } from 'vite';
import sidecar from '../../dist/integrations/vite/index.js';

export default defineConfig({
  plugins: [sidecar()],
});
