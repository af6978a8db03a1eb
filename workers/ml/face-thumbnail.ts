// A person's picture: a square around one face, cut from the preview the face was found on.
import sharp from "sharp";

export interface FaceBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

// The face with some room around it (1.6 times its larger side), kept inside the image, as a JPEG
// of `size` pixels square.
export async function cropFace(preview: Buffer, box: FaceBox, size = 250): Promise<Buffer> {
  const image = sharp(preview, { limitInputPixels: 100_000_000 });
  const { width = 0, height = 0 } = await image.metadata();
  const side = Math.min(width, height, Math.round(1.6 * Math.max(box.x2 - box.x1, box.y2 - box.y1)));
  if (side < 1) throw new Error("The face is outside the image");
  const cx = (box.x1 + box.x2) / 2;
  const cy = (box.y1 + box.y2) / 2;
  const left = Math.max(0, Math.min(width - side, Math.round(cx - side / 2)));
  const top = Math.max(0, Math.min(height - side, Math.round(cy - side / 2)));
  return image
    .extract({ left, top, width: side, height: side })
    .resize(size, size)
    .jpeg({ quality: 85, mozjpeg: true })
    .toBuffer();
}
