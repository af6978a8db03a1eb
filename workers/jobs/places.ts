// The job that names the place of an asset whose position was set by hand.
import { getAssetWithExif, savePlaceNames } from "../../common/assets";
import { reverseGeocode } from "../media/places";
import type { JobContext } from "./context";

// Names the place of an asset whose position was set by hand, as the metadata job does for GPS tags.
export async function nameAssetPlace(context: JobContext, { assetId }: { assetId: string }): Promise<void> {
  const found = await getAssetWithExif(context.db, assetId);
  const latitude = found?.exif?.latitude;
  const longitude = found?.exif?.longitude;
  if (latitude == null || longitude == null) return;
  const place = reverseGeocode(latitude, longitude);
  await savePlaceNames(context.db, assetId, { city: place.city, state: place.state, country: place.country });
}
