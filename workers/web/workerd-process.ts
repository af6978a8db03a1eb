// Runs workerd as a child process and reports the port it listens on (it may be picked by the OS).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import type { HandlerSecrets } from "./handler-settings";
import { secretEnvironment } from "./workerd-config";

// The workerd package exports the path of the binary for this platform (as a CommonJS default).
const workerdBinary = (createRequire(import.meta.url)("workerd") as { default: string }).default;

const setpriv =
  process.platform === "linux" ? ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path)) : undefined;

export interface WorkerdProcess {
  child: ChildProcess;
  port: number;
  // Settles when workerd exits: why, and whether it was asked to (a SIGINT or SIGTERM, as a terminal's
  // Ctrl-C sends to the whole process group).
  exited: Promise<{ reason: string; requested: boolean }>;
  stop(): Promise<void>;
}

export interface StartWorkerdOptions {
  configPath: string;
  // Handed to workerd in its environment, where the config's secret bindings read them.
  secrets: HandlerSecrets;
}

export async function startWorkerd(options: StartWorkerdOptions): Promise<WorkerdProcess> {
  const args = ["serve", options.configPath, "--control-fd=3"];
  // Where util-linux's setpriv is at hand (Linux), workerd gets SIGTERM even if the worker is killed
  // outright, so it can never outlive it.
  const [command, commandArgs] = setpriv
    ? [setpriv, ["--pdeathsig", "TERM", "--", workerdBinary, ...args]]
    : [workerdBinary, args];
  const child = spawn(command, commandArgs, {
    stdio: ["ignore", "inherit", "inherit", "pipe"],
    env: {
      ...process.env,
      ...Object.fromEntries(
        Object.entries(secretEnvironment).map(([name, variable]) => [
          variable,
          options.secrets[name as keyof HandlerSecrets],
        ]),
      ),
    },
  });

  const exited = new Promise<{ reason: string; requested: boolean }>((resolve) => {
    child.once("exit", (code, signal) =>
      resolve({
        reason: signal ? `workerd was stopped by ${signal}` : `workerd exited with code ${code}`,
        requested: signal === "SIGINT" || signal === "SIGTERM",
      }),
    );
    child.once("error", (error) => resolve({ reason: `workerd could not start: ${error.message}`, requested: false }));
  });

  // workerd writes one JSON line per socket to the control descriptor once it listens.
  const control = createInterface({ input: child.stdio[3] as Readable });
  const listening = new Promise<number>((resolve) => {
    control.on("line", (line) => {
      try {
        const message = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (message.event === "listen" && message.socket === "http" && message.port) resolve(message.port);
      } catch {
        // Not a control message we know.
      }
    });
  });

  const port = await Promise.race([listening, exited.then(({ reason }) => Promise.reject(new Error(reason)))]);

  return {
    child,
    port,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
