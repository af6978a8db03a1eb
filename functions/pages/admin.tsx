// Administration, for admins only (anyone else finds no page here): the accounts, with their
// storage, quotas and removal; the job queues; and what the server holds. The same repository
// calls as the admin API, behind forms that work without JavaScript and swap in place with htmx.
import { Hono, type Context } from "hono";
import type { PropsWithChildren } from "hono/jsx";
import { z } from "zod";
import { serverStatistics, type UserUsage } from "../../common/assets";
import { createLibrary, deleteLibrary, getLibrary, listLibraries, queueLibraryScan, type LibraryWithCount } from "../../common/libraries";
import { AppError, notFound } from "../../common/errors";
import { isAssetQueue } from "../../common/asset-jobs";
import { findingKinds, integrityReport, startIntegrityCheck, type FindingKind, type IntegrityReport } from "../../common/integrity";
import { isQueueName, type QueueName } from "../../common/jobs";
import { getQueueStates, retryFailedJobs, setQueuePaused, type QueueState } from "../../common/queue";
import type { User } from "../../common/schema";
import { createUser, emailTaken, getUser, isActive, listAllUsers, markUserDeleted, restoreUser, updateUser, type UserChanges } from "../../common/users";
import { formText, requireViewer, type Viewer, type ViewerEnv } from "../middleware/pages";
import { hashPassword } from "../services/sign-in";
import { nudgeWorker, startQueue } from "../services/jobs";
import { notifyLibrariesChanged, validateImportPaths } from "../services/libraries";
import { CsrfField, Disclosure, formatBytes, FormError, Layout } from "./layout";
import { isHtmx } from "./htmx";

type Ctx = Context<ViewerEnv>;

const gib = 1024 ** 3;

const queueTitles: Record<QueueName, string> = {
  metadataExtraction: "Metadata extraction",
  thumbnailGeneration: "Thumbnails",
  videoConversion: "Video conversion",
  backgroundTask: "Background tasks",
  library: "External libraries",
  faceDetection: "Face detection",
  facialRecognition: "Face recognition",
  smartSearch: "Things in photos and smart search",
};

const number = new Intl.NumberFormat("en");
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

// ---------------------------------------------------------------------------------------------
// Forms

// The quota field: GiB, blank for no limit.
const Quota = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (text === "") return null;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || value > 1_000_000) {
      ctx.addIssue({ code: "custom", message: "Enter the quota in GiB (a number), or leave it blank for no limit" });
      return z.NEVER;
    }
    return Math.round(value * gib);
  });

const Name = z.string().trim().min(1, "Enter a name").max(200, "Enter a name of at most 200 characters");
const Email = z.email("Enter a valid email address").max(320, "Enter an email address of at most 320 characters");

const NewUser = z.object({
  name: Name,
  email: Email,
  password: z.string().min(8, "Choose a password of at least 8 characters").max(1024, "Choose a password of at most 1024 characters"),
  quota: Quota,
  isAdmin: z.literal("on").optional(),
});

const UserEdit = z.object({ name: Name, email: Email, quota: Quota, isAdmin: z.literal("on").optional() });

interface NewUserDraft {
  name: string;
  email: string;
  quota: string;
  isAdmin: boolean;
}

// ---------------------------------------------------------------------------------------------
// The page

interface AdminView {
  viewer: Viewer;
  users: User[];
  usage: UserUsage[];
  queues: QueueState[];
  integrity: IntegrityReport;
  error?: string;
  // The new-user form, kept open with what was typed when it could not be used.
  draft?: NewUserDraft;
  // The account whose edit form stays open (after an error in it).
  editing?: string;
  libraries: LibraryWithCount[];
  libraryError?: string;
  // The new-library form, kept open with what was typed when it could not be used.
  libraryDraft?: LibraryDraft;
}

interface LibraryDraft {
  name: string;
  ownerId: string;
  importPaths: string;
  exclusionPatterns: string;
  watch: boolean;
}

// What a NAS or a photo manager leaves beside the photos: Synology's thumbnails, hidden files.
const defaultExclusions = ["**/@eaDir/**", "**/#recycle/**", "**/.*"].join("\n");

function quotaText(user: Pick<User, "quotaSizeInBytes">): string {
  return user.quotaSizeInBytes === null ? "" : String(Math.round((user.quotaSizeInBytes / gib) * 100) / 100);
}

function Storage({ used, quota }: { used: number; quota: number | null }) {
  return (
    <span class="storage">
      <span>{quota === null ? `${formatBytes(used)} (no limit)` : `${formatBytes(used)} of ${formatBytes(quota)}`}</span>
      {quota !== null && (
        <meter min={0} max={Math.max(quota, 1)} value={Math.min(used, Math.max(quota, 1))} high={Math.max(quota, 1) * 0.9} aria-hidden="true"></meter>
      )}
    </span>
  );
}

// A form with the CSRF token that works without JavaScript (a post, then a redirect back) and, with
// htmx, swaps in `target` as the change left it.
function PostForm(props: PropsWithChildren<{ viewer: Viewer; action: string; target?: string; class?: string }>) {
  const { action, target = "#admin-main" } = props;
  return (
    <form class={props.class} method="post" action={action} hx-post={action} hx-target={target} hx-swap="outerHTML">
      <CsrfField viewer={props.viewer} />
      {props.children}
    </form>
  );
}

// The name and email fields of the new-user and edit forms; `idOf` keeps each form's ids apart.
function IdentityFields(props: { idOf: (field: string) => string; name?: string; email?: string }) {
  const { idOf } = props;
  return (
    <>
      <div class="field">
        <label for={idOf("name")}>Name</label>
        <input id={idOf("name")} type="text" name="name" value={props.name} required maxlength={200} autocomplete="off" />
      </div>
      <div class="field">
        <label for={idOf("email")}>Email</label>
        <input id={idOf("email")} type="email" name="email" value={props.email} required maxlength={320} autocomplete="off" />
      </div>
    </>
  );
}

function QuotaField({ id, value }: { id: string; value?: string }) {
  return (
    <div class="field">
      <label for={id}>Storage quota (GiB)</label>
      <span class="field-hint" id={`${id}-hint`}>
        Blank for no limit
      </span>
      <input id={id} type="text" inputmode="decimal" name="quota" value={value} aria-describedby={`${id}-hint`} autocomplete="off" />
    </div>
  );
}

function AdminCheck({ checked, disabled }: { checked?: boolean; disabled?: boolean }) {
  return (
    <label class="check">
      <input type="checkbox" name="isAdmin" value="on" checked={checked} disabled={disabled} />
      Admin
    </label>
  );
}

// A table of this page, in its frame; with `actions`, each row ends in a cell of buttons.
function AdminTable(props: PropsWithChildren<{ class: string; columns: string[]; actions?: boolean; caption?: string }>) {
  return (
    <div class="table-wrap">
      <table class={`admin-table ${props.class}`}>
        {props.caption && <caption class="visually-hidden">{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
            {props.actions && (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

function statusOf(user: User): string {
  if (user.status === "removing") return "Being removed";
  if (user.status === "deleted") return `Removed ${user.deletedAt ? dateFormat.format(user.deletedAt) : ""}: can be restored until the grace period ends`;
  return "Active";
}

function UserEditForm({ view, user }: { view: AdminView; user: User }) {
  const self = user.id === view.viewer.user.id;
  const id = user.id;
  return (
    <Disclosure label="Edit" quiet open={view.editing === id}>
      <PostForm class="panel" viewer={view.viewer} action={`/admin/users/${id}`}>
        <IdentityFields idOf={(field) => `${field}-${id}`} name={user.name} email={user.email} />
        <QuotaField id={`quota-${id}`} value={quotaText(user)} />
        {/* Nobody takes away their own admin rights: a server could end up with no admin. */}
        <AdminCheck checked={user.isAdmin} disabled={self} />
        {self && <input type="hidden" name="isAdmin" value="on" />}
        <button type="submit" class="button">
          Save
        </button>
      </PostForm>
    </Disclosure>
  );
}

function UserActions({ view, user }: { view: AdminView; user: User }) {
  if (user.id === view.viewer.user.id || user.status === "removing") return null;
  const id = user.id;
  return (
    <Disclosure label={user.status === "deleted" ? "Restore…" : "Remove…"} quiet>
      <div class="panel remove-panel">
        {user.status === "deleted" ? (
          <PostForm viewer={view.viewer} action={`/admin/users/${id}/restore`}>
            <p>{`${user.name} can sign in again, with everything they had.`}</p>
            <button type="submit" class="button">
              Restore the account
            </button>
          </PostForm>
        ) : (
          <PostForm viewer={view.viewer} action={`/admin/users/${id}/remove`}>
            <p>{`${user.name} is signed out at once. Their photos and albums are deleted after the grace period; until then you can restore the account.`}</p>
            <button type="submit" class="button">
              Remove the account
            </button>
          </PostForm>
        )}
        <PostForm viewer={view.viewer} action={`/admin/users/${id}/remove`}>
          <input type="hidden" name="force" value="on" />
          <p>{`Or delete ${user.name}'s account with all their photos and albums now. This cannot be undone.`}</p>
          <button type="submit" class="button button-danger">
            Delete now
          </button>
        </PostForm>
      </div>
    </Disclosure>
  );
}

function UsersSection({ view }: { view: AdminView }) {
  const draft = view.draft;
  return (
    <section aria-labelledby="users-heading" class="admin-section">
      <div class="section-head">
        <h2 id="users-heading">Users</h2>
        <Disclosure label="New user" class="new-user" open={Boolean(draft)}>
          <PostForm class="panel" viewer={view.viewer} action="/admin/users">
            <IdentityFields idOf={(field) => `new-${field}`} name={draft?.name} email={draft?.email} />
            <div class="field">
              <label for="new-password">Password</label>
              <span class="field-hint" id="new-password-hint">
                At least 8 characters. Give it to them; they can change it.
              </span>
              <input id="new-password" type="password" name="password" required minlength={8} maxlength={1024} autocomplete="new-password" aria-describedby="new-password-hint" />
            </div>
            <QuotaField id="new-quota" value={draft?.quota} />
            <AdminCheck checked={draft?.isAdmin} />
            <button type="submit" class="button">
              Create the account
            </button>
          </PostForm>
        </Disclosure>
      </div>
      <AdminTable class="users-table" columns={["Name", "Role", "Storage", "Status"]} actions>
        {view.users.map((user) => (
          <tr class={user.status === "active" ? undefined : "user-removed"}>
            <th scope="row" class="user-cell">
              <span class="user-name">{user.name}</span>
              <span class="muted user-email">{user.email}</span>
            </th>
            <td data-label="Role">{user.isAdmin ? "Admin" : "User"}</td>
            <td data-label="Storage">
              <Storage used={user.quotaUsageInBytes} quota={user.quotaSizeInBytes} />
            </td>
            <td data-label="Status">{statusOf(user)}</td>
            <td class="actions-cell">
              {user.status !== "removing" && <UserEditForm view={view} user={user} />}
              <UserActions view={view} user={user} />
            </td>
          </tr>
        ))}
      </AdminTable>
    </section>
  );
}

function Statistic({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function StatisticsSection({ usage }: { usage: UserUsage[] }) {
  const total = (key: "photos" | "videos" | "usagePhotos" | "usageVideos") => usage.reduce((sum, row) => sum + row[key], 0);
  const bytes = total("usagePhotos") + total("usageVideos");
  return (
    <section aria-labelledby="stats-heading" class="admin-section">
      <h2 id="stats-heading">Library</h2>
      <dl class="stats">
        <Statistic label="Photos" value={number.format(total("photos"))} />
        <Statistic label="Videos" value={number.format(total("videos"))} />
        <Statistic label="Storage" value={formatBytes(bytes)} />
      </dl>
      <AdminTable class="usage-table" columns={["User", "Photos", "Videos", "Storage"]} caption="Usage by user">
        {usage.map((row) => (
          <tr>
            <th scope="row">{row.userName}</th>
            <td data-label="Photos">{number.format(row.photos)}</td>
            <td data-label="Videos">{number.format(row.videos)}</td>
            <td data-label="Storage">
              <Storage used={row.usagePhotos + row.usageVideos} quota={row.quotaSizeInBytes} />
            </td>
          </tr>
        ))}
      </AdminTable>
    </section>
  );
}

function QueuesSection({ viewer, queues, error }: { viewer: Viewer; queues: QueueState[]; error?: string }) {
  return (
    <section id="admin-queues" class="admin-section" aria-labelledby="queues-heading" hx-get="/admin/queues" hx-trigger="every 10s" hx-swap="outerHTML">
      <h2 id="queues-heading">Jobs</h2>
      <FormError message={error} />
      <AdminTable class="queues-table" columns={["Queue", "Running", "Waiting", "Failed", "Done"]} actions>
        {queues.map(({ name, isPaused, statistics: s }) => (
          <tr>
            <th scope="row">
              {queueTitles[name]}
              {isPaused && <span class="badge">Paused</span>}
            </th>
            <td data-label="Running">{number.format(s.active)}</td>
            <td data-label="Waiting">{number.format(s.waiting + s.delayed + s.paused)}</td>
            <td data-label="Failed" class={s.failed ? "failed" : undefined}>
              {number.format(s.failed)}
            </td>
            <td data-label="Done">{number.format(s.completed)}</td>
            <td class="actions-cell">
              <PostForm viewer={viewer} action={`/admin/queues/${name}/retry`} target="#admin-queues">
                <button type="submit" class="button button-quiet" id={`retry-${name}`} disabled={s.failed === 0}>
                  Retry failed
                </button>
              </PostForm>
              <PostForm viewer={viewer} action={`/admin/queues/${name}/${isPaused ? "resume" : "pause"}`} target="#admin-queues">
                <button type="submit" class="button button-quiet" id={`pause-${name}`}>
                  {isPaused ? "Resume" : "Pause"}
                </button>
              </PostForm>
              {isAssetQueue(name) && (
                <>
                  <PostForm viewer={viewer} action={`/admin/queues/${name}/start`} target="#admin-queues">
                    <button type="submit" class="button button-quiet" id={`start-missing-${name}`} title="Run on the photos and videos it has not done yet">
                      Run missing
                    </button>
                  </PostForm>
                  <PostForm viewer={viewer} action={`/admin/queues/${name}/start?force=1`} target="#admin-queues">
                    <button type="submit" class="button button-quiet" id={`start-all-${name}`} title="Run again on every photo and video">
                      Run all
                    </button>
                  </PostForm>
                </>
              )}
              {name === "library" && (
                <PostForm viewer={viewer} action={`/admin/queues/${name}/start`} target="#admin-queues">
                  <button type="submit" class="button button-quiet" id={`start-${name}`}>
                    Scan all
                  </button>
                </PostForm>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>
    </section>
  );
}

const findingTitles: Record<FindingKind, { title: string; hint: string }> = {
  missing: { title: "Missing files", hint: "Files of photos and videos that are not in storage." },
  orphan: { title: "Unknown files", hint: "Files in storage that no photo or video refers to." },
  checksum: { title: "Damaged originals", hint: "Originals whose content no longer matches the checksum taken at upload." },
};

// How many findings of each kind the page lists; the counts cover them all.
const findingsShown = 100;

function IntegritySection({ viewer, report }: { viewer: Viewer; report: IntegrityReport }) {
  const total = findingKinds.reduce((sum, kind) => sum + report.counts[kind], 0);
  // While a check runs, the section refreshes itself to show its outcome.
  const refresh = report.checking ? { "hx-get": "/admin/integrity", "hx-trigger": "every 5s", "hx-swap": "outerHTML" } : {};
  return (
    <section id="admin-integrity" class="admin-section" aria-labelledby="integrity-heading" {...refresh}>
      <div class="section-head">
        <h2 id="integrity-heading">Storage integrity</h2>
        <PostForm viewer={viewer} action="/admin/integrity/check" target="#admin-integrity">
          <button type="submit" class="button" id="integrity-check" disabled={report.checking}>
            {report.checking ? "Checking…" : "Check now"}
          </button>
        </PostForm>
      </div>
      <p class="muted">
        {report.checking
          ? "A check is running; what it finds replaces the list below when it is done."
          : total === 0
            ? "The last check found nothing wrong, or none has run yet."
            : "What the last check found. Nothing is changed or deleted for you."}
      </p>
      <dl class="stats">
        {findingKinds.map((kind) => (
          <Statistic label={findingTitles[kind].title} value={number.format(report.counts[kind])} />
        ))}
      </dl>
      {findingKinds
        .filter((kind) => report.counts[kind] > 0)
        .map((kind) => {
          const findings = report.findings.filter((finding) => finding.kind === kind);
          return (
            <section class="integrity-kind" aria-labelledby={`integrity-${kind}`}>
              <h3 id={`integrity-${kind}`}>{`${findingTitles[kind].title} (${number.format(report.counts[kind])})`}</h3>
              <p class="muted">
                {findingTitles[kind].hint}
                {report.counts[kind] > findings.length && ` The first ${number.format(findings.length)}, by name.`}
              </p>
              <AdminTable class="integrity-table" columns={["File", "Asset", "Detail"]}>
                {findings.map((finding) => (
                  <tr>
                    <th scope="row" class="integrity-key">
                      {finding.key}
                    </th>
                    <td data-label="Asset">{finding.assetId ? <a href={`/photos/${finding.assetId}`}>{finding.assetId}</a> : "None"}</td>
                    <td data-label="Detail">{finding.detail}</td>
                  </tr>
                ))}
              </AdminTable>
            </section>
          );
        })}
    </section>
  );
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

function ScanState({ library }: { library: LibraryWithCount }) {
  const started = library.scanStartedAt;
  const scanning = started !== null && (library.refreshedAt === null || library.refreshedAt < started || library.scanDone < library.scanTotal);
  if (scanning) {
    const done = Math.min(library.scanDone, library.scanTotal);
    return (
      <span class="scan-state">
        <span>{`Scanning: ${number.format(done)} of ${number.format(library.scanTotal)} files`}</span>
        <progress max={Math.max(library.scanTotal, 1)} value={done}></progress>
      </span>
    );
  }
  return <span>{library.refreshedAt === null ? "Not scanned yet" : `Scanned ${dateFormat.format(library.refreshedAt)}`}</span>;
}

// The libraries' rows, refreshed every few seconds to show a scan's progress (admin.js keeps a
// focused button from being swapped away).
function LibraryList({ view }: { view: Pick<AdminView, "viewer" | "users" | "libraries"> }) {
  const ownerName = (id: string) => view.users.find((user) => user.id === id)?.name ?? "—";
  return (
    <div id="library-list" hx-get="/admin/libraries" hx-trigger="every 5s" hx-swap="outerHTML">
      {view.libraries.length === 0 ? (
        <p class="muted">No external libraries. Add one to show the photos of a folder on this server (a NAS share, an old archive) in someone's library, without copying them.</p>
      ) : (
        <AdminTable class="libraries-table" columns={["Library", "Owner", "Photos and videos", "Scan"]} actions caption="External libraries">
          {view.libraries.map((library) => (
            <tr>
              <th scope="row" class="library-cell">
                <span class="library-name">
                  {library.name}
                  {library.watch && <span class="badge">Watched</span>}
                </span>
                {library.importPaths.map((path) => (
                  <code class="library-path">{path}</code>
                ))}
              </th>
              <td data-label="Owner">{ownerName(library.ownerId)}</td>
              <td data-label="Photos and videos">{number.format(library.assetCount)}</td>
              <td data-label="Scan">
                <ScanState library={library} />
              </td>
              <td class="actions-cell">
                <PostForm viewer={view.viewer} action={`/admin/libraries/${library.id}/scan`} target="#admin-libraries">
                  <button type="submit" class="button button-quiet" id={`scan-${library.id}`}>
                    Scan now
                  </button>
                </PostForm>
                <Disclosure label="Delete…" quiet>
                  <PostForm class="panel remove-panel" viewer={view.viewer} action={`/admin/libraries/${library.id}/delete`} target="#admin-libraries">
                    <p>{`The ${number.format(library.assetCount)} photos and videos of ${library.name} leave Shoebox. The files in the folder stay as they are.`}</p>
                    <button type="submit" class="button button-danger">
                      Delete the library
                    </button>
                  </PostForm>
                </Disclosure>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </div>
  );
}

function LibrariesSection({ view }: { view: AdminView }) {
  const draft = view.libraryDraft;
  return (
    <section id="admin-libraries" class="admin-section" aria-labelledby="libraries-heading">
      <div class="section-head">
        <h2 id="libraries-heading">External libraries</h2>
        <Disclosure label="New library" class="new-library" open={Boolean(draft)}>
          <PostForm class="panel" viewer={view.viewer} action="/admin/libraries" target="#admin-libraries">
            <div class="field">
              <label for="library-name">Name</label>
              <input id="library-name" type="text" name="name" value={draft?.name} required maxlength={200} autocomplete="off" />
            </div>
            <div class="field">
              <label for="library-owner">Owner</label>
              <select id="library-owner" name="ownerId" required>
                {view.users.filter(isActive).map((user) => (
                  <option value={user.id} selected={(draft?.ownerId ?? view.viewer.user.id) === user.id}>
                    {`${user.name} (${user.email})`}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="library-paths">Folders</label>
              <span class="field-hint" id="library-paths-hint">
                One absolute path per line, as the worker sees it (with docker compose, the path inside the container). Shoebox only reads them.
              </span>
              <textarea id="library-paths" name="importPaths" rows={3} required aria-describedby="library-paths-hint">
                {draft?.importPaths ?? ""}
              </textarea>
            </div>
            <div class="field">
              <label for="library-exclusions">Leave out</label>
              <span class="field-hint" id="library-exclusions-hint">
                One pattern per line: ** stands for any folders, * for any part of a name.
              </span>
              <textarea id="library-exclusions" name="exclusionPatterns" rows={3} aria-describedby="library-exclusions-hint">
                {draft?.exclusionPatterns ?? defaultExclusions}
              </textarea>
            </div>
            <label class="check">
              <input type="checkbox" name="watch" value="on" checked={draft?.watch} />
              Watch for new files
            </label>
            <button type="submit" class="button">
              Add and scan
            </button>
          </PostForm>
        </Disclosure>
      </div>
      <FormError message={view.libraryError} />
      <LibraryList view={view} />
    </section>
  );
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
      <AdminMain view={view} />
      <LibrariesSection view={view} />
      <QueuesSection viewer={view.viewer} queues={view.queues} />
      <IntegritySection viewer={view.viewer} report={view.integrity} />
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Handlers

async function adminView(c: Ctx, extra: Partial<AdminView> = {}): Promise<AdminView> {
  const { db, viewer } = c.var;
  const [users, usage, queues, integrity, libraries] = await Promise.all([
    listAllUsers(db, true),
    serverStatistics(db),
    getQueueStates(db),
    integrityReport(db, findingsShown),
    listLibraries(db),
  ]);
  return { viewer, users, usage, queues, integrity, libraries, ...extra };
}

// After an account change: the users and statistics for htmx, a redirect back for a plain form,
// the page with the error (400) when the form could not be used.
async function afterUserChange(c: Ctx, extra: Partial<AdminView> = {}) {
  if (isHtmx(c)) return c.html(<AdminMain view={await adminView(c, extra)} />);
  if (extra.error) return c.html(<AdminPage view={await adminView(c, extra)} />, 400);
  return c.redirect("/admin", 303);
}

async function afterQueueChange(c: Ctx, error?: string) {
  if (isHtmx(c)) return c.html(<QueuesSection viewer={c.var.viewer} queues={await getQueueStates(c.var.db)} error={error} />);
  if (error) return c.html(<AdminPage view={await adminView(c)} />, 400);
  return c.redirect("/admin#queues-heading", 303);
}

async function afterLibraryChange(c: Ctx, extra: Partial<AdminView> = {}) {
  if (isHtmx(c)) return c.html(<LibrariesSection view={await adminView(c, extra)} />);
  if (extra.libraryError) return c.html(<AdminPage view={await adminView(c, extra)} />, 400);
  return c.redirect("/admin#libraries-heading", 303);
}

async function libraryOr404(c: Ctx, id: string): Promise<LibraryWithCount> {
  const library = await getLibrary(c.var.db, id);
  if (!library) throw notFound("There is no such library.");
  return library;
}

// What is wrong with a new library, if anything: it needs a name, an active owner, and folders the
// worker can read.
async function newLibraryProblem(c: Ctx, draft: LibraryDraft): Promise<string | undefined> {
  const name = draft.name.trim();
  if (!name || name.length > 200) return "Enter a name of at most 200 characters.";
  const owner = await getUser(c.var.db, draft.ownerId);
  if (!owner || !isActive(owner)) return "Choose whose library the photos go into.";
  const paths = lines(draft.importPaths);
  if (paths.length === 0) return "Enter the folder to import from.";
  const refused = (await validateImportPaths(c.env, paths)).find((check) => !check.isValid);
  return refused && `${refused.importPath}: ${refused.message ?? "cannot be used"}.`;
}

// An account an admin manages: not the placeholder owner of an older library.
async function managedUser(c: Ctx, id: string): Promise<User> {
  const user = await getUser(c.var.db, id);
  if (!user || user.passwordHash === "") throw notFound("There is no such account.");
  return user;
}

function queueOf(name: string): QueueName {
  if (!isQueueName(name)) throw notFound("There is no such queue.");
  return name;
}

export const adminPages = new Hono<ViewerEnv>()
  .use(requireViewer)
  // Others find no page here at all, as with anything that is not theirs.
  .use(async (c, next) => {
    if (!c.var.viewer.user.isAdmin) throw notFound("There is no page at this address.");
    await next();
  })
  .get("/", async (c) => c.html(<AdminPage view={await adminView(c)} />))
  .get("/queues", async (c) => c.html(<QueuesSection viewer={c.var.viewer} queues={await getQueueStates(c.var.db)} />))
  .get("/integrity", async (c) => c.html(<IntegritySection viewer={c.var.viewer} report={await integrityReport(c.var.db, findingsShown)} />))
  .post("/integrity/check", async (c) => {
    if (await startIntegrityCheck(c.var.db)) nudgeWorker(c);
    if (!isHtmx(c)) return c.redirect("/admin#integrity-heading", 303);
    return c.html(<IntegritySection viewer={c.var.viewer} report={await integrityReport(c.var.db, findingsShown)} />);
  })
  .post("/users", async (c) => {
    const form = await c.req.parseBody();
    const draft: NewUserDraft = { name: formText(form.name), email: formText(form.email), quota: formText(form.quota), isAdmin: form.isAdmin === "on" };
    const parsed = NewUser.safeParse({ name: form.name, email: formText(form.email).trim(), password: form.password, quota: formText(form.quota), isAdmin: form.isAdmin });
    if (!parsed.success) return afterUserChange(c, { error: parsed.error.issues[0]?.message, draft });
    const { name, email, password, quota, isAdmin } = parsed.data;
    if (await emailTaken(c.var.db, email)) return afterUserChange(c, { error: "Another account uses this email.", draft });
    await createUser(c.var.db, { name, email, passwordHash: await hashPassword(c.env, password), quotaSizeInBytes: quota, isAdmin: isAdmin === "on" });
    return afterUserChange(c);
  })
  .post("/users/:id", async (c) => {
    const id = c.req.param("id");
    await managedUser(c, id);
    const form = await c.req.parseBody({ all: true });
    // The disabled checkbox of one's own account is sent by a hidden field instead: either may come.
    const isAdmin = [form.isAdmin].flat().includes("on") ? "on" : undefined;
    const parsed = UserEdit.safeParse({ name: form.name, email: formText(form.email).trim(), quota: formText(form.quota), isAdmin });
    if (!parsed.success) return afterUserChange(c, { error: parsed.error.issues[0]?.message, editing: id });
    const { name, email, quota } = parsed.data;
    if (await emailTaken(c.var.db, email, id)) return afterUserChange(c, { error: "Another account uses this email.", editing: id });
    const changes: UserChanges = { name, email, quotaSizeInBytes: quota, isAdmin: isAdmin === "on" };
    if (id === c.var.viewer.user.id && !changes.isAdmin) return afterUserChange(c, { error: "You cannot take away your own admin rights.", editing: id });
    await updateUser(c.var.db, id, changes);
    return afterUserChange(c);
  })
  .post("/users/:id/remove", async (c) => {
    const id = c.req.param("id");
    await managedUser(c, id);
    if (id === c.var.viewer.user.id) return afterUserChange(c, { error: "You cannot remove your own account." });
    const force = (await c.req.parseBody()).force === "on";
    const removed = await markUserDeleted(c.var.db, id, force);
    if (!removed) return afterUserChange(c, { error: "This account is being removed already." });
    if (force) nudgeWorker(c);
    return afterUserChange(c);
  })
  .post("/users/:id/restore", async (c) => {
    const id = c.req.param("id");
    await managedUser(c, id);
    if (!(await restoreUser(c.var.db, id))) return afterUserChange(c, { error: "Only a removed account still in its grace period can be restored." });
    return afterUserChange(c);
  })
  .get("/libraries", async (c) => {
    const [users, libraries] = await Promise.all([listAllUsers(c.var.db, true), listLibraries(c.var.db)]);
    return c.html(<LibraryList view={{ viewer: c.var.viewer, users, libraries }} />);
  })
  .post("/libraries", async (c) => {
    const form = await c.req.parseBody();
    const draft: LibraryDraft = {
      name: formText(form.name),
      ownerId: formText(form.ownerId),
      importPaths: formText(form.importPaths),
      exclusionPatterns: formText(form.exclusionPatterns),
      watch: form.watch === "on",
    };
    const problem = await newLibraryProblem(c, draft);
    if (problem) return afterLibraryChange(c, { libraryError: problem, libraryDraft: draft });
    const library = await createLibrary(c.var.db, {
      name: draft.name.trim(),
      ownerId: draft.ownerId,
      importPaths: [...new Set(lines(draft.importPaths))],
      exclusionPatterns: [...new Set(lines(draft.exclusionPatterns))],
      watch: draft.watch,
    });
    await queueLibraryScan(c.var.db, library.id);
    notifyLibrariesChanged(c);
    nudgeWorker(c);
    return afterLibraryChange(c);
  })
  .post("/libraries/:id/scan", async (c) => {
    const library = await libraryOr404(c, c.req.param("id"));
    await queueLibraryScan(c.var.db, library.id);
    nudgeWorker(c);
    return afterLibraryChange(c);
  })
  .post("/libraries/:id/delete", async (c) => {
    const library = await libraryOr404(c, c.req.param("id"));
    await deleteLibrary(c.var.db, library.id);
    notifyLibrariesChanged(c);
    nudgeWorker(c);
    return afterLibraryChange(c);
  })
  .post("/queues/:name/retry", async (c) => {
    await retryFailedJobs(c.var.db, queueOf(c.req.param("name")));
    nudgeWorker(c);
    return afterQueueChange(c);
  })
  .post("/queues/:name/pause", async (c) => {
    await setQueuePaused(c.var.db, queueOf(c.req.param("name")), true);
    return afterQueueChange(c);
  })
  .post("/queues/:name/resume", async (c) => {
    await setQueuePaused(c.var.db, queueOf(c.req.param("name")), false);
    nudgeWorker(c);
    return afterQueueChange(c);
  })
  .post("/queues/:name/start", async (c) => {
    try {
      await startQueue(c, queueOf(c.req.param("name")), c.req.query("force") === "1");
    } catch (error) {
      if (error instanceof AppError && error.status === 400) return afterQueueChange(c, error.message);
      throw error;
    }
    return afterQueueChange(c);
  });
