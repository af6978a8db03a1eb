// The external libraries screen of the administration: each library with its scan's progress
// (refreshed every few seconds), scan and delete buttons, and the add-and-scan form.
import type { LibraryWithCount } from "../../../common/libraries";
import type { User } from "../../../common/schema";
import { isActive } from "../../../common/users";
import { formText, type Viewer } from "../../middleware/pages";
import { LibraryName, type NewLibraryFields } from "../../services/libraries";
import { Disclosure, FormError } from "../layout";
import { AdminTable, dateFormat, number, PostForm } from "./parts";
import type { FormReading } from "./users";

// What was typed in the new-library form, kept when it could not be used.
export interface LibraryDraft {
  name: string;
  ownerId: string;
  importPaths: string;
  exclusionPatterns: string;
  watch: boolean;
}

export interface LibrariesView {
  viewer: Viewer;
  users: User[];
  libraries: LibraryWithCount[];
  libraryError?: string;
  // The new-library form, kept open with what was typed when it could not be used.
  libraryDraft?: LibraryDraft;
}

// What a NAS or a photo manager leaves beside the photos: Synology's thumbnails, hidden files.
const defaultExclusions = ["**/@eaDir/**", "**/#recycle/**", "**/.*"].join("\n");

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

export function libraryDraft(form: Record<string, unknown>): LibraryDraft {
  return {
    name: formText(form.name),
    ownerId: formText(form.ownerId),
    importPaths: formText(form.importPaths),
    exclusionPatterns: formText(form.exclusionPatterns),
    watch: form.watch === "on",
  };
}

// One folder and one pattern per line.
export function readNewLibrary(draft: LibraryDraft): FormReading<NewLibraryFields> {
  const name = LibraryName.safeParse(draft.name);
  if (!name.success) return { error: name.error.issues[0]?.message ?? "Enter a name" };
  return {
    value: {
      name: name.data,
      ownerId: draft.ownerId,
      importPaths: lines(draft.importPaths),
      exclusionPatterns: lines(draft.exclusionPatterns),
      watch: draft.watch,
    },
  };
}

function ScanState({ library }: { library: LibraryWithCount }) {
  const started = library.scanStartedAt;
  const scanning =
    started !== null &&
    (library.refreshedAt === null || library.refreshedAt < started || library.scanDone < library.scanTotal);
  if (scanning) {
    const done = Math.min(library.scanDone, library.scanTotal);
    return (
      <span class="scan-state">
        <span>{`Scanning: ${number.format(done)} of ${number.format(library.scanTotal)} files`}</span>
        <progress max={Math.max(library.scanTotal, 1)} value={done}></progress>
      </span>
    );
  }
  return (
    <span>
      {library.refreshedAt === null ? "Not scanned yet" : `Scanned ${dateFormat.format(library.refreshedAt)}`}
    </span>
  );
}

// The libraries' rows, refreshed every few seconds to show a scan's progress (admin.js keeps a
// focused button from being swapped away).
export function LibraryList({ view }: { view: Pick<LibrariesView, "viewer" | "users" | "libraries"> }) {
  const ownerName = (id: string) => view.users.find((user) => user.id === id)?.name ?? "—";
  return (
    <div id="library-list" hx-get="/admin/libraries" hx-trigger="every 5s" hx-swap="outerHTML">
      {view.libraries.length === 0 ? (
        <p class="muted">
          No external libraries. Add one to show the photos of a folder on this server (a NAS share, an old archive) in
          someone's library, without copying them.
        </p>
      ) : (
        <AdminTable
          class="libraries-table"
          columns={["Library", "Owner", "Photos and videos", "Scan"]}
          actions
          caption="External libraries"
        >
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
                  <PostForm
                    class="panel remove-panel"
                    viewer={view.viewer}
                    action={`/admin/libraries/${library.id}/delete`}
                    target="#admin-libraries"
                  >
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

export function LibrariesSection({ view }: { view: LibrariesView }) {
  const draft = view.libraryDraft;
  return (
    <section id="admin-libraries" class="admin-section" aria-labelledby="libraries-heading">
      <div class="section-head">
        <h2 id="libraries-heading">External libraries</h2>
        <Disclosure label="New library" class="new-library" open={Boolean(draft)}>
          <PostForm class="panel" viewer={view.viewer} action="/admin/libraries" target="#admin-libraries">
            <div class="field">
              <label for="library-name">Name</label>
              <input
                id="library-name"
                type="text"
                name="name"
                value={draft?.name}
                required
                maxlength={200}
                autocomplete="off"
              />
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
                One absolute path per line, as the worker sees it (with docker compose, the path inside the container).
                Shoebox only reads them.
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
              <textarea
                id="library-exclusions"
                name="exclusionPatterns"
                rows={3}
                aria-describedby="library-exclusions-hint"
              >
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
