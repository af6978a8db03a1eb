// Administration, for admins only (anyone else finds no page here): one page of five screens
// (statistics, users, libraries, jobs, integrity), whose forms work without JavaScript and swap in
// place with htmx. Each form calls the same service as the admin API.
import { Hono, type Context } from "hono";
import type { UserUsage } from "../../../common/assets";
import { AppError, notFound } from "../../../common/errors";
import type { IntegrityReport } from "../../../common/integrity";
import type { QueueState } from "../../../common/queue";
import { authOf, requireViewer, type ViewerEnv } from "../../middleware/pages";
import { checkIntegrity, lastIntegrityReport } from "../../services/integrity";
import { pauseQueue, queueStates, retryFailed, startQueue } from "../../services/jobs";
import { addLibrary, allLibraries, removeLibrary, scanLibrary } from "../../services/libraries";
import {
  createAccount,
  listAccounts,
  removeAccount,
  restoreAccount,
  updateAccount,
  usageByUser,
} from "../../services/users";
import { serverAbout } from "../../services/server-info";
import { isHtmx } from "../htmx";
import { FormError, Layout } from "../layout";
import { findingsShown, IntegritySection } from "./integrity";
import { LibrariesSection, LibraryList, libraryDraft, readNewLibrary, type LibrariesView } from "./libraries";
import { queueOf, QueuesSection } from "./queues";
import { StatisticsSection } from "./statistics";
import { newUserDraft, readNewUser, readUserEdit, UsersSection, type UsersView } from "./users";

type Ctx = Context<ViewerEnv>;

interface AdminView extends UsersView, LibrariesView {
  usage: UserUsage[];
  queues: QueueState[];
  integrity: IntegrityReport;
  // Which Shoebox this is, and which Immich API it speaks.
  about: ReturnType<typeof serverAbout>;
  error?: string;
}

// What an account change can alter: the users and the statistics.
function AdminMain({ view }: { view: AdminView }) {
  return (
    <div id="admin-main">
      <FormError message={view.error} />
      <StatisticsSection usage={view.usage} />
      <UsersSection view={view} />
    </div>
  );
}

function AdminPage({ view }: { view: AdminView }) {
  return (
    <Layout title="Administration" viewer={view.viewer} area="admin" current="/admin">
      <h1>Administration</h1>
      <p class="server-version">
        Shoebox {view.about.shoeboxVersion}, implementing the Immich API {view.about.version}
      </p>
      <AdminMain view={view} />
      <LibrariesSection view={view} />
      <QueuesSection viewer={view.viewer} queues={view.queues} />
      <IntegritySection viewer={view.viewer} report={view.integrity} />
    </Layout>
  );
}

const adminOf = (c: Ctx) => authOf(c.var.viewer);

async function adminView(c: Ctx, extra: Partial<AdminView> = {}): Promise<AdminView> {
  const admin = adminOf(c);
  const [users, usage, queues, integrity, libraries] = await Promise.all([
    listAccounts(c, admin, true),
    usageByUser(c, admin),
    queueStates(c, admin),
    lastIntegrityReport(c, admin, findingsShown),
    allLibraries(c, admin),
  ]);
  return { viewer: c.var.viewer, users, usage, queues, integrity, libraries, about: serverAbout(c.env), ...extra };
}

// Runs a service call; a refusal the admin can act on (400, 409) comes back as its message, to be
// shown beside the form. Anything else (a 404, say) is the error page's.
async function refusalOf(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
    return undefined;
  } catch (error) {
    if (error instanceof AppError && (error.status === 400 || error.status === 409)) return error.message;
    throw error;
  }
}

// After an account change: the users and statistics for htmx, a redirect back for a plain form,
// the page with the error (400) when the form could not be used.
async function afterUserChange(c: Ctx, extra: Partial<AdminView> = {}) {
  if (isHtmx(c)) return c.html(<AdminMain view={await adminView(c, extra)} />);
  if (extra.error) return c.html(<AdminPage view={await adminView(c, extra)} />, 400);
  return c.redirect("/admin", 303);
}

async function afterQueueChange(c: Ctx, error?: string) {
  if (isHtmx(c))
    return c.html(<QueuesSection viewer={c.var.viewer} queues={await queueStates(c, adminOf(c))} error={error} />);
  if (error) return c.html(<AdminPage view={await adminView(c)} />, 400);
  return c.redirect("/admin#queues-heading", 303);
}

async function afterLibraryChange(c: Ctx, extra: Partial<AdminView> = {}) {
  if (isHtmx(c)) return c.html(<LibrariesSection view={await adminView(c, extra)} />);
  if (extra.libraryError) return c.html(<AdminPage view={await adminView(c, extra)} />, 400);
  return c.redirect("/admin#libraries-heading", 303);
}

async function integritySection(c: Ctx) {
  return c.html(
    <IntegritySection viewer={c.var.viewer} report={await lastIntegrityReport(c, adminOf(c), findingsShown)} />,
  );
}

export const adminPages = new Hono<ViewerEnv>()
  .use(requireViewer)
  // Others find no page here at all, as with anything that is not theirs.
  .use(async (c, next) => {
    if (!c.var.viewer.user.isAdmin) throw notFound("There is no page at this address.");
    await next();
  })
  .get("/", async (c) => c.html(<AdminPage view={await adminView(c)} />))
  .get("/queues", async (c) =>
    c.html(<QueuesSection viewer={c.var.viewer} queues={await queueStates(c, adminOf(c))} />),
  )
  .get("/integrity", integritySection)
  .post("/integrity/check", async (c) => {
    await checkIntegrity(c, adminOf(c));
    return isHtmx(c) ? integritySection(c) : c.redirect("/admin#integrity-heading", 303);
  })
  .post("/users", async (c) => {
    const form = await c.req.parseBody();
    const account = readNewUser(form);
    const error = account.error ?? (await refusalOf(() => createAccount(c, adminOf(c), account.value!)));
    return afterUserChange(c, error ? { error, draft: newUserDraft(form) } : {});
  })
  .post("/users/:id", async (c) => {
    const id = c.req.param("id");
    const changes = readUserEdit(await c.req.parseBody({ all: true }));
    const error = changes.error ?? (await refusalOf(() => updateAccount(c, adminOf(c), id, changes.value!)));
    return afterUserChange(c, error ? { error, editing: id } : {});
  })
  .post("/users/:id/remove", async (c) => {
    const force = (await c.req.parseBody()).force === "on";
    const error = await refusalOf(() => removeAccount(c, adminOf(c), c.req.param("id"), force));
    return afterUserChange(c, { error });
  })
  .post("/users/:id/restore", async (c) =>
    afterUserChange(c, { error: await refusalOf(() => restoreAccount(c, adminOf(c), c.req.param("id"))) }),
  )
  .get("/libraries", async (c) => {
    const admin = adminOf(c);
    const [users, libraries] = await Promise.all([listAccounts(c, admin, true), allLibraries(c, admin)]);
    return c.html(<LibraryList view={{ viewer: c.var.viewer, users, libraries }} />);
  })
  .post("/libraries", async (c) => {
    const draft = libraryDraft(await c.req.parseBody());
    const library = readNewLibrary(draft);
    const error =
      library.error ?? (await refusalOf(() => addLibrary(c, adminOf(c), library.value!, { scanNow: true })));
    return afterLibraryChange(c, error ? { libraryError: error, libraryDraft: draft } : {});
  })
  .post("/libraries/:id/scan", async (c) => {
    await scanLibrary(c, adminOf(c), c.req.param("id"));
    return afterLibraryChange(c);
  })
  .post("/libraries/:id/delete", async (c) => {
    await removeLibrary(c, adminOf(c), c.req.param("id"));
    return afterLibraryChange(c);
  })
  .post("/queues/:name/retry", async (c) => {
    await retryFailed(c, adminOf(c), queueOf(c.req.param("name")));
    return afterQueueChange(c);
  })
  .post("/queues/:name/pause", async (c) => {
    await pauseQueue(c, adminOf(c), queueOf(c.req.param("name")), true);
    return afterQueueChange(c);
  })
  .post("/queues/:name/resume", async (c) => {
    await pauseQueue(c, adminOf(c), queueOf(c.req.param("name")), false);
    return afterQueueChange(c);
  })
  .post("/queues/:name/start", async (c) => {
    const force = c.req.query("force") === "1";
    return afterQueueChange(c, await refusalOf(() => startQueue(c, adminOf(c), queueOf(c.req.param("name")), force)));
  });
