// The shared-link rule of functions/services/shared-links.ts, on a real library: a link that hides
// metadata or allows no downloads plays videos only from copies, so making it queues those copies and
// wakes the worker once; a link that shows everything plays originals and queues nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { jobs } from "../../common/schema";
import { playsOnlyCopies, prepareLinkVideos, videoNotReadyForLink } from "../../functions/services/shared-links";
import { openTestLibrary, type TestLibrary } from "./helpers/library";

describe("shared links' videos", () => {
  let library: TestLibrary;
  before(async () => (library = await openTestLibrary()));
  after(() => library.close());

  const encodeJobs = async () =>
    (await library.db.select().from(jobs).where(eq(jobs.name, "encodeVideo"))).map(
      (job) => job.payload as { assetId: string },
    );

  it("plays only copies when the link hides metadata or downloads", () => {
    assert.equal(playsOnlyCopies({ showMetadata: true, allowDownload: true }), false);
    assert.equal(playsOnlyCopies({ showMetadata: false, allowDownload: true }), true);
    assert.equal(playsOnlyCopies({ showMetadata: true, allowDownload: false }), true);
  });

  it("queues copies of the album's videos once, and nudges the worker", async () => {
    const owner = await library.createUser();
    const video = await library.createAsset(owner.id, { type: "VIDEO", originalMimeType: "video/mp4" });
    const copied = await library.createAsset(owner.id, {
      type: "VIDEO",
      originalMimeType: "video/mp4",
      encodedVideoKey: "encoded-video/x.mp4",
    });
    const photo = await library.createAsset(owner.id);
    const albumId = await library.createAlbum(owner.id, [video.id, copied.id, photo.id]);

    const open = await library.createSharedLink(owner.id, { albumId });
    await prepareLinkVideos(library.c, open);
    await library.settle();
    assert.deepEqual(await encodeJobs(), []);
    assert.equal(library.nudges(), 0);

    const hiding = await library.createSharedLink(owner.id, { albumId, showMetadata: false });
    await prepareLinkVideos(library.c, hiding);
    await prepareLinkVideos(library.c, hiding);
    await library.settle();
    assert.deepEqual(await encodeJobs(), [{ assetId: video.id, evenIfPlayable: true }]);
    assert.equal(library.nudges(), 1, "the second call found the copy queued already");
  });

  it("answers a visitor 503 with a retry while the copy is made", async () => {
    const owner = await library.createUser();
    const video = await library.createAsset(owner.id, { type: "VIDEO", originalMimeType: "video/mp4" });
    const before = library.nudges();
    const error = await videoNotReadyForLink(library.c, video.id);
    await library.settle();
    assert.equal(error.status, 503);
    assert.match(error.message, /being prepared for sharing/);
    assert.ok((await encodeJobs()).some((job) => job.assetId === video.id));
    assert.equal(library.nudges(), before + 1);
  });
});
