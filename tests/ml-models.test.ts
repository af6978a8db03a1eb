// The image models as the worker runs them: converted from TF.js to ONNX by scripts/convert-models.ts,
// checked against the TF.js runtime itself, then on real photos from ../shared/media (faces found,
// the same person's faces closest, obvious things tagged). Wrong input ranges fail silently, so each
// model is judged on what it finds in real photos, not only on agreement.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { createRequire } from "node:module";
import { convertModels, faceApiModelsDir, humanModelsDir } from "../scripts/convert-models";
import { detectFacesInImage, fivePoints, type DetectedFace, type Point } from "../workers/ml/face-detection";
import { alignFace, cosine, embedFaces } from "../workers/ml/face-embedding";
import { models, type ModelName } from "../workers/ml/models";
import { tagObjects } from "../workers/ml/object-tags";
import {
  cropSquare,
  readRgb,
  releaseSessions,
  resizeStretched,
  run,
  toFloat,
  type RgbImage,
} from "../workers/ml/runtime";
import { faceCopies, peopleInFacePhotos } from "./helpers/faces";

const media = resolve(import.meta.dirname, "../../shared/media");
const noMedia = existsSync(media) ? false : `no shared media at ${media}`;
const faces = join(media, "faces");

before(async () => {
  await convertModels();
});

after(async () => {
  await releaseSessions();
});

// face-api's own networks on TF.js (its CommonJS build, which brings TF.js the same way), for the
// models built from their bare weights, by the class that runs each.
const faceApiNets: Partial<Record<ModelName, string>> = {
  faceDetection: "SsdMobilenetv1",
  faceLandmarks: "FaceLandmark68Net",
  faceEmbedding: "FaceRecognitionNet",
};

async function faceApiOutputs(name: ModelName, input: Float32Array): Promise<Float32Array[]> {
  const require = createRequire(import.meta.url);
  const tf = require("@tensorflow/tfjs") as typeof import("@tensorflow/tfjs");
  require("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend("wasm");
  await tf.ready();
  const faceapi = require("@vladmandic/face-api/dist/face-api.node-wasm.js");
  const spec = models[name];
  const manifest = JSON.parse(readFileSync(join(faceApiModelsDir(), `${spec.source}-weights_manifest.json`), "utf8"));
  const bytes = readFileSync(join(faceApiModelsDir(), `${spec.source}.bin`));
  const net = new faceapi[faceApiNets[name]!]();
  net.loadFromWeightMap(
    tf.io.decodeWeights(
      new Uint8Array(bytes).buffer,
      manifest.flatMap((g: { weights: unknown[] }) => g.weights),
    ),
  );
  type Tensor = import("@tensorflow/tfjs").Tensor;
  const x = tf.tensor4d(input, [1, spec.size, spec.size, 3]);
  const netInput = { toBatchTensor: () => x, isBatchInput: false };
  // The detector answers boxes and scores per photo; the landmark net's raw output is the points
  // as parts of its input (what face-api computes from it needs the photo's own size).
  const out: Tensor[] =
    name === "faceDetection"
      ? (({ boxes, scores }) => [boxes[0], scores[0]])(
          net.forwardInput(netInput) as { boxes: Tensor[]; scores: Tensor[] },
        )
      : [
          name === "faceLandmarks"
            ? net.runNet(net.faceFeatureExtractor.forwardInput(netInput))
            : net.forwardInput(netInput),
        ];
  const data = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose([x, ...out]);
  return data;
}

// A 16-bit float model's output against TF.js: the largest difference, relative to the largest value.
async function tfjsOutputs(name: ModelName, input: Float32Array): Promise<Float32Array[]> {
  if (models[name].package === "@vladmandic/face-api") return faceApiOutputs(name, input);
  const tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
  if (tf.getBackend() !== "wasm") {
    await tf.setBackend("wasm");
    await tf.ready();
  }
  const spec = models[name];
  const json = JSON.parse(readFileSync(join(humanModelsDir(), `${spec.source}.json`), "utf8"));
  const weightData = new Uint8Array(readFileSync(join(humanModelsDir(), `${spec.source}.bin`))).buffer;
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((m: { weights: unknown[] }) => m.weights),
      weightData,
      format: json.format,
    }),
  );
  const x = tf.tensor4d(input, [1, spec.size, spec.size, 3]);
  const out = model.execute(x, Object.keys(spec.outputs)) as
    | import("@tensorflow/tfjs").Tensor[]
    | import("@tensorflow/tfjs").Tensor;
  const list = Array.isArray(out) ? out : [out];
  const data = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose([x, ...list]);
  model.dispose();
  return data;
}

async function agreement(
  name: ModelName,
  input: Float32Array,
): Promise<{ output: string; error: number; scale: number }[]> {
  const expected = await tfjsOutputs(name, input);
  const actual = await run(name, input);
  return Object.values(models[name].outputs).map((output, i) => {
    const a = actual[output]!.data as Float32Array;
    const e = expected[i]!;
    assert.equal(a.length, e.length, `${name} ${output}: size`);
    let error = 0;
    let scale = 0;
    for (let k = 0; k < a.length; k++) {
      error = Math.max(error, Math.abs(a[k]! - e[k]!));
      scale = Math.max(scale, Math.abs(e[k]!));
    }
    return { output, error, scale };
  });
}

// A real photo when the shared media is there, a made-up pattern when not.
async function photo(file: string): Promise<RgbImage> {
  if (!noMedia) return readRgb(join(media, file));
  const width = 640;
  const height = 480;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = 128 + 127 * Math.sin(i * 0.0137) * Math.cos(i * 0.00071);
  return { data, width, height };
}

describe("converted models against the TF.js runtime", () => {
  const check = (results: { output: string; error: number; scale: number }[], name: string) => {
    for (const r of results) {
      console.log(
        `${name} ${r.output}: max |ONNX − TF.js| ${r.error.toExponential(2)} (outputs up to ${r.scale.toFixed(3)})`,
      );
      assert.ok(r.error <= 1e-4 * Math.max(1, r.scale), `${name} ${r.output} differs from TF.js by ${r.error}`);
    }
  };

  it("face detection (built from face-api's weights), on a photo letterboxed into 512×512 in 0..255", async () => {
    const image = await photo("faces/face_recognition/two_people.jpg");
    check(
      await agreement(
        "faceDetection",
        toFloat(await cropSquare(image, 0, 0, Math.max(image.width, image.height), 512)),
      ),
      "faceDetection",
    );
  });

  it("face landmarks (built from face-api's weights), on a face's square in 0..255", async () => {
    const image = await photo("faces/face_recognition/obama.jpg");
    check(await agreement("faceLandmarks", toFloat(await cropSquare(image, 300, 100, 400, 112))), "faceLandmarks");
  });

  it("face embedding (built from face-api's weights), on an aligned face in 0..255", async () => {
    const image = await photo("faces/face_recognition/obama.jpg");
    const [face] = await detectFacesInImage(image);
    // Without the shared photos there is no face: a square of the pattern stands in.
    check(
      await agreement(
        "faceEmbedding",
        face ? alignFace(image, face.landmarks) : toFloat(await cropSquare(image, 200, 100, 300, 150)),
      ),
      "faceEmbedding",
    );
  });

  it("the face check (MediaPipe's face mesh), on a square in 0..1 where it is unsure of the face", async () => {
    // A face flag of 0 or 1 would agree whatever came before the sigmoid: this square, wider than
    // the face, scores about 0.5.
    const image = await photo("faces/face_recognition/obama.jpg");
    check(await agreement("faceCheck", toFloat(await cropSquare(image, 100, 0, 900, 192), 1 / 255)), "faceCheck");
  });

  it("object detection, on a photo stretched to 512×512 in 0..255", async () => {
    const image = await photo("bench/hires-debian/lomiri-16.04/friends_by_Aitzol_Berasategi.jpg");
    check(await agreement("objectDetection", toFloat(await resizeStretched(image, 512))), "objectDetection");
  });
});

describe("faces in ../shared/media/faces", { skip: noMedia }, () => {
  const found = new Map<string, { image: RgbImage; faces: DetectedFace[] }>();

  before(async () => {
    for (const file of Object.keys(peopleInFacePhotos)) {
      const image = await readRgb(join(faces, file));
      found.set(file, { image, faces: (await detectFacesInImage(image)).sort((a, b) => a.box.x - b.box.x) });
    }
  });

  it("finds every face, and no other", () => {
    for (const [file, who] of Object.entries(peopleInFacePhotos)) {
      const { faces: detected } = found.get(file)!;
      console.log(
        `${file}: ${detected.map((f) => `${f.score.toFixed(2)} at ${Math.round(f.box.x)},${Math.round(f.box.y)} ${Math.round(f.box.width)}px`).join("; ")}`,
      );
      assert.equal(detected.length, who.length, `${file}: ${detected.length} faces found, ${who.length} in the photo`);
      for (const face of detected) {
        const [left, right, nose, mouth] = fivePoints(face.landmarks) as Point[];
        assert.ok(
          left![0] < right![0] && nose![1] > left![1] && mouth![1] > nose![1],
          `${file}: landmarks of an upright face`,
        );
      }
    }
  });

  it("turns faces upright with the photo's EXIF orientation", () => {
    const plain = found.get("immich/portrait.jpg")!.faces[0]!;
    const rotated = found.get("immich/portrait-orientation-6.jpg")!.faces[0]!;
    assert.ok(
      Math.abs(plain.box.x - rotated.box.x) < 10 && Math.abs(plain.box.y - rotated.box.y) < 10,
      "the same box in both",
    );
  });

  it("finds no face where there is none: dogs, a landscape, a bird, a city", async () => {
    for (const file of [
      "bench/hires-debian/lomiri-16.04/friends_by_Aitzol_Berasategi.jpg",
      "bench/hires-debian/mate-nature/Dune.jpg",
      "exif/cameras/immich-nature/prairie_falcon.jpg",
      "exif/cameras/exif-org/olympus-c960.jpg",
    ]) {
      const detected = await detectFacesInImage(await readRgb(join(media, file)));
      assert.equal(detected.length, 0, `${file}: ${JSON.stringify(detected.map((f) => f.box))}`);
    }
  });

  it("puts each person's faces closest to each other", async () => {
    const all: { who: string; file: string; embedding: Float32Array }[] = [];
    for (const [file, who] of Object.entries(peopleInFacePhotos)) {
      if (faceCopies.has(file)) continue;
      const { image, faces: detected } = found.get(file)!;
      const embeddings = await embedFaces(image, detected);
      embeddings.forEach((embedding, i) => {
        assert.ok(embedding, `${file}: the face is large and sharp enough to recognise`);
        assert.equal(embedding.length, 128);
        assert.ok(Math.abs(cosine(embedding, embedding) - 1) < 1e-4, "L2-normalised");
        all.push({ who: who[i]!, file, embedding });
      });
    }
    let right = 0;
    let queries = 0;
    const same: number[] = [];
    const different: number[] = [];
    for (let i = 0; i < all.length; i++) {
      let best = { similarity: -2, j: -1 };
      for (let j = 0; j < all.length; j++) {
        if (j === i) continue;
        const similarity = cosine(all[i]!.embedding, all[j]!.embedding);
        if (j > i) (all[i]!.who === all[j]!.who ? same : different).push(similarity);
        if (similarity > best.similarity) best = { similarity, j };
      }
      if (!all.some((o, j) => j !== i && o.who === all[i]!.who)) continue; // nobody to match
      queries++;
      if (all[best.j]!.who === all[i]!.who) right++;
      else console.log(`${all[i]!.file} (${all[i]!.who}) is closest to ${all[best.j]!.file} (${all[best.j]!.who})`);
    }
    console.log(
      `rank-1: ${right}/${queries} faces; cosine of the same person ${Math.min(...same).toFixed(3)}..${Math.max(...same).toFixed(3)}, of different people ${Math.min(...different).toFixed(3)}..${Math.max(...different).toFixed(3)}`,
    );
    assert.equal(right, queries);
  });
});

describe("object tags on photos that obviously show them", { skip: noMedia }, () => {
  const expected: Record<string, string[]> = {
    "bench/hires-debian/lomiri-16.04/friends_by_Aitzol_Berasategi.jpg": ["dog"], // two spaniels at a window
    "exif/cameras/exif-org/olympus-c960.jpg": ["car"], // a car park under a mountain
    "exif/cameras/exif-org/sanyo-vpcg250.jpg": ["car"], // cars parked on a quay
    "faces/face_recognition/two_people.jpg": ["person"],
    "exif/orientation/lychee/orientation-270.jpg": ["tv"], // computer screens
    "bench/hires-debian/lomiri-16.04/Wine_by_Jakkub_Mede.jpg": ["bottle", "wine glass"],
  };

  it("tags each with what it shows", async () => {
    for (const [file, labels] of Object.entries(expected)) {
      const { tags, objects } = await tagObjects(join(media, file));
      console.log(`${file}: ${tags.map((t) => `${t.label} ${t.score.toFixed(2)}`).join(", ")}`);
      for (const label of labels)
        assert.ok(
          tags.some((t) => t.label === label),
          `${file} should be tagged ${label}`,
        );
      assert.ok(objects.length > 0 && objects.every((o) => o.box.width > 0 && o.box.height > 0), `${file}: boxes`);
    }
  });

  it("tags no animal, person or vehicle in a landscape", async () => {
    for (const file of ["bench/hires-debian/mate-nature/Dune.jpg", "exif/cameras/immich-nature/silver_fir.jpg"]) {
      const { tags } = await tagObjects(join(media, file));
      const wrong = tags.filter((t) => ["person", "dog", "cat", "car", "bird"].includes(t.label));
      assert.deepEqual(wrong, [], `${file}: ${JSON.stringify(wrong)}`);
    }
  });
});
