/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API the dev server forwards to; `make run` serves the built app from the API itself.
const API_TARGET = process.env.COURZLY_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: {
      "/api": { target: API_TARGET, changeOrigin: false, ws: true },
    },
  },
  build: {
    // scripts/check-bundle-size.mjs reads the manifest to find what loads initially.
    manifest: true,
    // Maps for decoding stack traces, without the comment that makes browsers fetch them.
    sourcemap: "hidden",
    target: "es2022",
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    css: false,
  },
});
