// How long the request handlers take to be ready: on Miniflare over an in-process test library (what
// tests/routes/ starts) against workerd under the worker (what `npm start` and the end-to-end tests
// start). Both include opening and migrating a new database. Run with `npm run bench:handlers-start`.
import { openTestLibrary } from "../tests/unit/helpers/library";
import { startHandlers } from "../tests/routes/helpers/handlers";
import { startShoebox } from "../tests/helpers/shoebox";

const runs = Number(process.env.RUNS ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function miniflareStart(): Promise<number> {
  const started = performance.now();
  const library = await openTestLibrary();
  const handlers = await startHandlers(library);
  const ready = performance.now() - started;
  if ((await handlers.fetch("/api/server/ping")).status !== 200) throw new Error("Miniflare's handlers did not answer");
  await handlers.dispose();
  await library.close();
  return ready;
}

async function workerdStart(): Promise<number> {
  const started = performance.now();
  const shoebox = await startShoebox({ signUp: false });
  const ready = performance.now() - started;
  await shoebox.stop();
  return ready;
}

const results: Record<string, number[]> = {
  "Miniflare (test library + handlers)": [],
  "workerd (worker + handlers, npm start)": [],
};
for (let run = 0; run < runs; run++) {
  results["Miniflare (test library + handlers)"]!.push(await miniflareStart());
  results["workerd (worker + handlers, npm start)"]!.push(await workerdStart());
}
for (const [name, times] of Object.entries(results)) {
  console.log(`${name}: median ${Math.round(median(times))} ms over ${runs} (${times.map(Math.round).join(", ")})`);
}
