import { resolve } from "node:path";
import { defineConfig } from "vite";

// Multi-page build: each page the server maps (/visit/{id}, /practitioner, /billing) is its own HTML entry.
// Assets use absolute URLs (/assets/...) because pages are served from nested paths.
export default defineConfig({
  base: "/",
  build: {
    outDir: resolve(__dirname, "../wwwroot"),
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      input: {
        index: resolve(__dirname, "index.html"),
        visit: resolve(__dirname, "visit.html"),
        practitioner: resolve(__dirname, "practitioner.html"),
        billing: resolve(__dirname, "billing.html"),
      },
    },
  },
});
