// The storage integrity screen of the administration: what the last check found, and a button to
// run one (the screen refreshes itself while it runs).
import { findingKinds, type FindingKind, type IntegrityReport } from "../../../common/integrity";
import type { Viewer } from "../../middleware/pages";
import { AdminTable, number, PostForm, Statistic } from "./parts";

const findingTitles: Record<FindingKind, { title: string; hint: string }> = {
  missing: { title: "Missing files", hint: "Files of photos and videos that are not in storage." },
  orphan: { title: "Unknown files", hint: "Files in storage that no photo or video refers to." },
  checksum: {
    title: "Damaged originals",
    hint: "Originals whose content no longer matches the checksum taken at upload.",
  },
};

// How many findings of each kind the screen lists; the counts cover them all.
export const findingsShown = 100;

export function IntegritySection({ viewer, report }: { viewer: Viewer; report: IntegrityReport }) {
  const total = findingKinds.reduce((sum, kind) => sum + report.counts[kind], 0);
  // While a check runs, the section refreshes itself to show its outcome.
  const refresh = report.checking
    ? { "hx-get": "/admin/integrity", "hx-trigger": "every 5s", "hx-swap": "outerHTML" }
    : {};
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
                    <td data-label="Asset">
                      {finding.assetId ? <a href={`/photos/${finding.assetId}`}>{finding.assetId}</a> : "None"}
                    </td>
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
