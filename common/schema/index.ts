// The database schema, shared by the request handlers and the worker, one file per domain.
// `npm run db:generate` turns changes here into a SQL migration in migrations/.
export * from "./jobs";
export * from "./accounts";
export * from "./libraries";
export * from "./assets";
export * from "./albums";
export * from "./summaries";
export * from "./ml";
export * from "./sync";
