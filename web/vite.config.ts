import { defineConfig } from 'vitest/config';

// Vite's own esbuild transform compiles TSX with the automatic JSX runtime, so no React
// plugin is needed (we give up fast refresh in `npm run dev`, nothing else).
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  server: {
    // `npm run dev` talks to a locally running `shopdesk serve`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      onwarn(warning, warn) {
        // react-router marks its modules "use client" (for React Server Components); that
        // directive means nothing in a client-only bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warning.code === 'SOURCEMAP_ERROR') return;
        warn(warning);
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
