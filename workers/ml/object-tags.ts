// Things in photos with CenterNet (MobileNetV3, COCO's 80 classes): the whole photo stretched to
// 512×512, a 128×128 heatmap per class. A class is a tag of the photo when its heatmap peaks at or
// above a threshold; each peak (a local maximum over 3×3 cells) with its extents is an object's box.
import { readRgb, resizeStretched, run, toFloat, type RgbImage } from "./runtime";

export const cocoClasses = [
  "person",
  "bicycle",
  "car",
  "motorcycle",
  "airplane",
  "bus",
  "train",
  "truck",
  "boat",
  "traffic light",
  "fire hydrant",
  "stop sign",
  "parking meter",
  "bench",
  "bird",
  "cat",
  "dog",
  "horse",
  "sheep",
  "cow",
  "elephant",
  "bear",
  "zebra",
  "giraffe",
  "backpack",
  "umbrella",
  "handbag",
  "tie",
  "suitcase",
  "frisbee",
  "skis",
  "snowboard",
  "sports ball",
  "kite",
  "baseball bat",
  "baseball glove",
  "skateboard",
  "surfboard",
  "tennis racket",
  "bottle",
  "wine glass",
  "cup",
  "fork",
  "knife",
  "spoon",
  "bowl",
  "banana",
  "apple",
  "sandwich",
  "orange",
  "broccoli",
  "carrot",
  "hot dog",
  "pizza",
  "donut",
  "cake",
  "chair",
  "couch",
  "potted plant",
  "bed",
  "dining table",
  "toilet",
  "tv",
  "laptop",
  "mouse",
  "remote",
  "keyboard",
  "cell phone",
  "microwave",
  "oven",
  "toaster",
  "sink",
  "refrigerator",
  "book",
  "clock",
  "vase",
  "scissors",
  "teddy bear",
  "hair drier",
  "toothbrush",
] as const;

export type CocoClass = (typeof cocoClasses)[number];

export interface ObjectTag {
  label: CocoClass;
  score: number; // the class's highest heatmap value
}

export interface DetectedObject {
  label: CocoClass;
  score: number;
  box: { x: number; y: number; width: number; height: number }; // image pixels
}

export interface ObjectResult {
  tags: ObjectTag[]; // best first
  objects: DetectedObject[]; // best first
}

const size = 512;
const grid = 128;
const stride = size / grid;
const classes = cocoClasses.length;

// A class is kept from this score on: a wrong tag costs more than a missing one. On the tune split
// of `npm run eval:ml` every wrong tag scored 0.42 or less (a remote, a chair, a cat in The Scream).
export const defaultMinScore = 0.45;

// Animals the model mistakes for one another on one animal (a cat for a dog, a squirrel for a bear):
// where two of them are found in one place, only the surer is kept.
const animals = new Set<CocoClass>([
  "bird",
  "cat",
  "dog",
  "horse",
  "sheep",
  "cow",
  "elephant",
  "bear",
  "zebra",
  "giraffe",
]);

const overlaps = (a: DetectedObject["box"], b: DetectedObject["box"]) => {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 && w * h >= 0.5 * Math.min(a.width * a.height, b.width * b.height);
};

// The tags and objects without the animals that sit where a surer animal of another kind was found.
function withoutSwappedAnimals(tags: ObjectTag[], objects: DetectedObject[]): ObjectResult {
  const kept: DetectedObject[] = [];
  const dropped = new Set<CocoClass>();
  for (const tag of tags) {
    if (!animals.has(tag.label)) continue;
    const mine = objects.filter((o) => o.label === tag.label);
    if (mine.every((o) => kept.some((k) => k.label !== o.label && overlaps(k.box, o.box)))) dropped.add(tag.label);
    else kept.push(...mine);
  }
  return { tags: tags.filter((t) => !dropped.has(t.label)), objects: objects.filter((o) => !dropped.has(o.label)) };
}

export async function tagObjectsInImage(
  image: RgbImage,
  { minScore = defaultMinScore, maxObjects = 20 } = {},
): Promise<ObjectResult> {
  const pixels = await resizeStretched(image, size);
  const out = await run("objectDetection", toFloat(pixels));
  const heat = out.heatmap!.data as Float32Array; // [128, 128, 80]
  const extents = out.extents!.data as Float32Array; // [128, 128, 4]: left, top, right, bottom in input pixels
  const best = new Float32Array(classes);
  const objects: DetectedObject[] = [];
  const kx = image.width / size;
  const ky = image.height / size;
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < grid; x++) {
      const cell = y * grid + x;
      for (let c = 0; c < classes; c++) {
        const v = heat[cell * classes + c]!;
        if (v > best[c]!) best[c] = v;
        if (v < minScore) continue;
        let peak = true;
        for (let dy = -1; dy <= 1 && peak; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const nx = x + dx;
            const ny = y + dy;
            if (
              (dx || dy) &&
              nx >= 0 &&
              ny >= 0 &&
              nx < grid &&
              ny < grid &&
              heat[(ny * grid + nx) * classes + c]! > v
            ) {
              peak = false;
              break;
            }
          }
        if (!peak) continue;
        const e = extents.subarray(cell * 4, cell * 4 + 4);
        const x1 = Math.max(0, (x * stride - e[0]!) * kx);
        const y1 = Math.max(0, (y * stride - e[1]!) * ky);
        const x2 = Math.min(image.width, (x * stride + e[2]!) * kx);
        const y2 = Math.min(image.height, (y * stride + e[3]!) * ky);
        objects.push({ label: cocoClasses[c]!, score: v, box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 } });
      }
    }
  }
  const tags = [...best]
    .map((score, c) => ({ label: cocoClasses[c]!, score }))
    .filter((t) => t.score >= minScore)
    .sort((a, b) => b.score - a.score);
  const sorted = objects.sort((a, b) => b.score - a.score);
  const result = withoutSwappedAnimals(tags, sorted);
  return { tags: result.tags, objects: result.objects.slice(0, maxObjects) };
}

export async function tagObjects(
  input: string | Buffer,
  options?: { minScore?: number; maxObjects?: number },
): Promise<ObjectResult> {
  return tagObjectsInImage(await readRgb(input), options);
}
