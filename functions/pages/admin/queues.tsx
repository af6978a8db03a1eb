// The jobs screen of the administration: each queue's counts, refreshed every few seconds, with
// its commands (retry failed, pause or resume, run over the library).
import { isAssetQueue } from "../../../common/asset-jobs";
import { notFound } from "../../../common/errors";
import { isQueueName, type QueueName } from "../../../common/jobs";
import type { QueueState } from "../../../common/queue";
import type { Viewer } from "../../middleware/pages";
import { FormError } from "../layout";
import { AdminTable, number, PostForm } from "./parts";

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

// The queue an address names; another name is no page.
export function queueOf(name: string): QueueName {
  if (!isQueueName(name)) throw notFound("There is no such queue.");
  return name;
}

export function QueuesSection({ viewer, queues, error }: { viewer: Viewer; queues: QueueState[]; error?: string }) {
  return (
    <section
      id="admin-queues"
      class="admin-section"
      aria-labelledby="queues-heading"
      hx-get="/admin/queues"
      hx-trigger="every 10s"
      hx-swap="outerHTML"
    >
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
              <PostForm
                viewer={viewer}
                action={`/admin/queues/${name}/${isPaused ? "resume" : "pause"}`}
                target="#admin-queues"
              >
                <button type="submit" class="button button-quiet" id={`pause-${name}`}>
                  {isPaused ? "Resume" : "Pause"}
                </button>
              </PostForm>
              {isAssetQueue(name) && (
                <>
                  <PostForm viewer={viewer} action={`/admin/queues/${name}/start`} target="#admin-queues">
                    <button
                      type="submit"
                      class="button button-quiet"
                      id={`start-missing-${name}`}
                      title="Run on the photos and videos it has not done yet"
                    >
                      Run missing
                    </button>
                  </PostForm>
                  <PostForm viewer={viewer} action={`/admin/queues/${name}/start?force=1`} target="#admin-queues">
                    <button
                      type="submit"
                      class="button button-quiet"
                      id={`start-all-${name}`}
                      title="Run again on every photo and video"
                    >
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
