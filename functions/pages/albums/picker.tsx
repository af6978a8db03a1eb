// The picker: the viewer's timeline, month by month, with checkboxes, to add photos to an album;
// a page of its own without JavaScript, a dialog with it.
import type { AlbumSummary } from "../../../common/albums";
import type { Viewer } from "../../middleware/pages";
import type { PickerMonth } from "../../services/albums";
import { CsrfField, describeAsset } from "../layout";
import { hx } from "./view";

const monthFormat = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });

function monthTitle(month: string): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  return monthFormat.format(Date.UTC(year, number - 1, 1));
}

export function PickerMonths(props: { albumId: string; months: PickerMonth[]; next?: number; inAlbum: Set<string> }) {
  return (
    <>
      {props.months.map(({ month, assets }) => (
        // Months of a few photos sit side by side; the size class says how many columns a month needs.
        <fieldset class={`picker-month size-${Math.min(assets.length, 6)}`}>
          <legend>{monthTitle(month)}</legend>
          <ul class="grid picker-grid">
            {assets.map((asset) => {
              const added = props.inAlbum.has(asset.id);
              const label = describeAsset(asset);
              return (
                <li>
                  <label class={added ? "pick pick-added" : "pick"}>
                    <input
                      type="checkbox"
                      name="ids"
                      value={asset.id}
                      checked={added}
                      disabled={added}
                      aria-label={added ? `${label}, in the album already` : label}
                    />
                    <img src={`/api/assets/${asset.id}/thumbnail`} alt="" loading="lazy" decoding="async" />
                    {added && <span class="tile-cover">In album</span>}
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      ))}
      {props.next !== undefined && (
        <div class="more" id={`picker-more-${props.next}`}>
          <a
            class="button button-quiet"
            href={`/albums/${props.albumId}/add?from=${props.next}`}
            hx-get={`/albums/${props.albumId}/add?from=${props.next}&more=1`}
            hx-target={`#picker-more-${props.next}`}
            hx-swap="outerHTML"
          >
            Earlier photos
          </a>
        </div>
      )}
    </>
  );
}

export function PickerForm(props: {
  viewer: Viewer;
  album: AlbumSummary;
  months: PickerMonth[];
  next?: number;
  inAlbum: Set<string>;
  dialog: boolean;
}) {
  const { album } = props;
  return (
    <form
      class="picker"
      method="post"
      action={`/albums/${album.id}/assets`}
      data-picker-form=""
      {...(props.dialog ? hx(`/albums/${album.id}/assets`) : {})}
    >
      <CsrfField viewer={props.viewer} />
      <div class="picker-head">
        <h2 id="picker-title">{`Add to ${album.albumName}`}</h2>
        {props.dialog ? (
          <button type="button" class="button button-quiet" data-close-dialog="">
            Close
          </button>
        ) : (
          <a class="button button-quiet" href={`/albums/${album.id}`}>
            Back to the album
          </a>
        )}
      </div>
      <div class="picker-content">
        {props.months.length ? (
          <PickerMonths albumId={album.id} months={props.months} next={props.next} inAlbum={props.inAlbum} />
        ) : (
          <p class="empty">Your timeline is empty: upload photos first.</p>
        )}
      </div>
      <div class="picker-foot">
        <span class="muted" aria-live="polite" data-picked-count="">
          Choose photos to add
        </span>
        <button type="submit" class="button">
          Add to the album
        </button>
      </div>
    </form>
  );
}
