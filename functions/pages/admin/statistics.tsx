// The statistics screen of the administration: photos, videos and storage, in all and by user.
import type { UserUsage } from "../../../common/assets";
import { formatBytes } from "../layout";
import { AdminTable, number, Statistic, StorageMeter } from "./parts";

export function StatisticsSection({ usage }: { usage: UserUsage[] }) {
  const total = (key: "photos" | "videos" | "usagePhotos" | "usageVideos") =>
    usage.reduce((sum, row) => sum + row[key], 0);
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
              <StorageMeter used={row.usagePhotos + row.usageVideos} quota={row.quotaSizeInBytes} />
            </td>
          </tr>
        ))}
      </AdminTable>
    </section>
  );
}
