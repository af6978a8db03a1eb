// Duplicates: the groups of near-identical photos the worker found (common/duplicates.ts), each with
// the copy Shoebox proposes to keep. Confirming keeps the checked copies and moves the others to the
// trash; "Not duplicates" dissolves the group. Plain forms, which htmx turns into in-place updates.
import { Hono } from "hono";
import { metadataCount, type DuplicateGroup, type DuplicateMember } from "../../common/duplicates";
import { authOf, requireViewer, type Viewer, type ViewerEnv } from "../middleware/pages";
import { dismissGroups, myDuplicateGroups, resolveGroup } from "../services/duplicates";
import { countOf, CsrfField, describeAsset, formatBytes, formatDateTaken, Layout } from "./layout";
import { isHtmx } from "./htmx";

const pageSize = 30;

const copies = (n: number) => (n === 1 ? "1 copy" : `${n} copies`);

function Copy({ member, suggested }: { member: DuplicateMember; suggested: boolean }) {
  const { asset, exif } = member;
  const camera = [exif?.make, exif?.model].filter(Boolean).join(" ");
  const dimensions = asset.width && asset.height ? `${asset.width} × ${asset.height}` : "Unknown size";
  const megapixels = asset.width && asset.height ? ` (${((asset.width * asset.height) / 1e6).toFixed(1)} MP)` : "";
  return (
    <li class={suggested ? "duplicate-copy is-suggested" : "duplicate-copy"}>
      <a class="tile duplicate-tile" href={`/photos/${asset.id}`} data-th={asset.thumbhash ?? undefined}>
        <img src={`/api/assets/${asset.id}/thumbnail`} alt={describeAsset(asset)} loading="lazy" />
      </a>
      <label class="check duplicate-keep">
        <input type="checkbox" name="keep" value={asset.id} checked={suggested} />
        <span>{suggested ? "Keep (suggested)" : "Keep"}</span>
      </label>
      <dl class="duplicate-facts">
        <div>
          <dt>Size</dt>
          <dd>{`${dimensions}${megapixels}`}</dd>
        </div>
        <div>
          <dt>Taken</dt>
          <dd>{formatDateTaken(asset.localDateTime)}</dd>
        </div>
        <div>
          <dt>Camera</dt>
          <dd>{camera || "Unknown"}</dd>
        </div>
        <div>
          <dt>File</dt>
          <dd>
            <span class="duplicate-name">{asset.originalFileName}</span>
            {`, ${formatBytes(asset.fileSizeInByte, { decimal: true })}`}
          </dd>
        </div>
        <div>
          <dt>Details</dt>
          <dd>{countOf(metadataCount(exif), "detail")}</dd>
        </div>
      </dl>
    </li>
  );
}

function Group({ group, viewer }: { group: DuplicateGroup; viewer: Viewer }) {
  const id = group.duplicateId;
  return (
    <section class="duplicate-group" id={`group-${id}`} aria-label={`${copies(group.assets.length)} of one photo`}>
      <form
        method="post"
        action={`/duplicates/${id}/resolve`}
        hx-post={`/duplicates/${id}/resolve`}
        hx-target={`#group-${id}`}
        hx-swap="outerHTML"
      >
        <CsrfField viewer={viewer} />
        <ul class="duplicate-copies">
          {group.assets.map((member) => (
            <Copy member={member} suggested={member.asset.id === group.suggestedKeepId} />
          ))}
        </ul>
        <div class="duplicate-actions">
          <button type="submit" class="button">
            Keep checked, trash the others
          </button>
          <button
            type="submit"
            class="button button-quiet"
            formaction={`/duplicates/${id}/dismiss`}
            hx-post={`/duplicates/${id}/dismiss`}
          >
            Not duplicates
          </button>
        </div>
      </form>
    </section>
  );
}

// What replaces a group once it is dealt with.
function Outcome({ id, message }: { id: string; message: string }) {
  return (
    <section class="duplicate-group is-done" id={`group-${id}`}>
      <p role="status">{message}</p>
    </section>
  );
}

function DuplicatesPage({ viewer, groups, page }: { viewer: Viewer; groups: DuplicateGroup[]; page: number }) {
  const more = groups.length > pageSize;
  const shown = groups.slice(0, pageSize);
  return (
    <Layout title="Duplicates" viewer={viewer} area="duplicates" current="/duplicates">
      <div class="page-heading">
        <h1>Duplicates</h1>
        <p class="muted">
          Photos and videos that look the same: copies, resized or re-saved versions, bursts. Shoebox checks the copy to
          keep — the largest, then the one with the most details, then the largest file; the others go to the trash,
          where they stay 30 days.
        </p>
      </div>
      {shown.length === 0 ? (
        <p class="empty">
          {page > 1
            ? "No more duplicates."
            : "No duplicates found. New photos are compared with your library as they arrive."}
        </p>
      ) : (
        <div class="duplicate-list">
          {shown.map((group) => (
            <Group group={group} viewer={viewer} />
          ))}
        </div>
      )}
      {(page > 1 || more) && (
        <nav class="duplicate-pages" aria-label="More duplicates">
          {page > 1 && <a href={page === 2 ? "/duplicates" : `/duplicates?page=${page - 1}`}>Newer</a>}
          {more && <a href={`/duplicates?page=${page + 1}`}>Older</a>}
        </nav>
      )}
    </Layout>
  );
}

function keptIds(value: unknown): string[] {
  return [value].flat().filter((v): v is string => typeof v === "string");
}

export const duplicatePages = new Hono<ViewerEnv>()
  .use(requireViewer)
  .get("/", async (c) => {
    const page = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query("page") ?? "1", 10) || 1));
    // One more than shown, to know whether there is a next page.
    const groups = await myDuplicateGroups(c, authOf(c.var.viewer), {
      limit: pageSize + 1,
      offset: (page - 1) * pageSize,
    });
    return c.html(<DuplicatesPage viewer={c.var.viewer} groups={groups} page={page} />);
  })
  .post("/:id/resolve", async (c) => {
    const id = c.req.param("id");
    const result = await resolveGroup(
      c,
      authOf(c.var.viewer),
      id,
      keptIds((await c.req.parseBody({ all: true })).keep),
    );
    if (!isHtmx(c)) return c.redirect("/duplicates", 303);
    return c.html(
      <Outcome
        id={id}
        message={`Kept ${copies(result.kept.length)}; ${copies(result.trashed.length)} moved to the trash.`}
      />,
    );
  })
  .post("/:id/dismiss", async (c) => {
    const id = c.req.param("id");
    await dismissGroups(c, authOf(c.var.viewer), [id]);
    if (!isHtmx(c)) return c.redirect("/duplicates", 303);
    return c.html(<Outcome id={id} message="Marked as not duplicates." />);
  });
