import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The settings UI: loaded from the package only (relative base), never from a server.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: false },
});
