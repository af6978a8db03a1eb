import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./common/schema/index.ts",
  out: "./migrations",
});
