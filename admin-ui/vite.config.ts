import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The Go server embeds the build from internal/webui/dist/app; `npm run dev`
// proxies the API to a running `mycourier serve` (MYCOURIER_API, default
// http://127.0.0.1:8080).
const api = process.env.MYCOURIER_API ?? 'http://127.0.0.1:8080';

// React Router 7 exports only its development build, which runs its
// development warnings (strings built on every route render); the build
// uses the production one it ships beside it.
const routerProduction = (file: string) => fileURLToPath(new URL(`./node_modules/react-router/dist/production/${file}`, import.meta.url));

export default defineConfig(({ command }) => ({
    plugins: [react()],
    resolve: {
        alias:
            command === 'build'
                ? [
                      { find: /^react-router$/, replacement: routerProduction('index.mjs') },
                      { find: /^react-router\/dom$/, replacement: routerProduction('dom-export.mjs') },
                  ]
                : [],
    },
    build: {
        outDir: '../internal/webui/dist/app',
        emptyOutDir: true,
        sourcemap: false,
        chunkSizeWarningLimit: 1200,
        rollupOptions: {
            input: { index: 'index.html', playground: 'playground.html' },
        },
    },
    server: {
        proxy: {
            '/graphql': api,
            '/files': api,
            '/export': api,
            '/acts': api,
        },
    },
    test: {
        environment: 'node',
        include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
        // The first jsdom dialog test of a file renders MUI cold: 5.6–6.8 s on
        // the loaded shared machine, over Vitest's 5 s default.
        testTimeout: 30_000,
    },
}));
