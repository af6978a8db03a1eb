// Replays the requests the README's phone recipes make (an iOS Shortcut's "Get Contents of URL" and
// Android's HTTP Shortcuts), as the README writes them, with a key that may only upload.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createApiKey, login } from "./helpers/accounts";
import { makeJpeg } from "./helpers/media";
import { hasSharedMedia, readMetadata } from "./helpers/metadata";
import { admin, projectRoot, sharedMedia, startShoebox, waitFor, type Shoebox } from "./helpers/shoebox";

// The request in the README's "From a phone, with no app" section.
function readmeRequest(): { method: string; path: string; headers: Record<string, string> } {
  const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### From a phone, with no app"));
  const block = section.match(/```\n([\s\S]*?)```/)?.[1];
  assert.ok(block, "the README shows the phone's request");
  const [requestLine, ...rest] = block.trim().split("\n");
  const [method, path] = requestLine!.split(" ");
  const headers = Object.fromEntries(
    rest
      .filter((line) => /^[A-Za-z-]+: /.test(line))
      .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
  );
  return { method: method!, path: path!, headers };
}

describe("phone shortcuts from the README", () => {
  let shoebox: Shoebox;
  let uploadKey: string;
  const { method, path, headers } = readmeRequest();

  before(async () => {
    shoebox = await startShoebox();
    uploadKey = await createApiKey(await login(shoebox.url, admin.email, admin.password), ["asset.upload"]);
  });
  after(async () => {
    await shoebox.stop();
  });

  // The README's headers, with this server's key and the shared file's name.
  const headersFor = (fileName: string) =>
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [
        name,
        value === "YOUR_API_KEY" ? uploadKey : name === "X-File-Name" ? fileName : value,
      ]),
    );

  const photo = async () => {
    if (hasSharedMedia) {
      const file = "formats/heic/photoprism-iphone_7.heic";
      return {
        name: basename(file),
        bytes: new Uint8Array(readFileSync(join(sharedMedia, file))),
        taken: readMetadata().get(file)!.DateTimeOriginal!,
      };
    }
    const made = await makeJpeg(7, { IFD2: { DateTimeOriginal: "2018:09:10 12:16:13" } });
    return { ...made, taken: "2018:09:10 12:16:13" };
  };

  const taken = (asset: { localDateTime: string }) =>
    asset.localDateTime.slice(0, 19).replace(/-/g, ":").replace("T", " ");

  it("takes an iOS Shortcut's upload: the file as the body, named by a header", async () => {
    assert.equal(method, "POST");
    assert.equal(path, "/api/uploads/raw");
    const file = await photo();
    const response = await fetch(`${shoebox.url}${path}`, { method, headers: headersFor(file.name), body: file.bytes });
    assert.equal(response.status, 201, await response.clone().text());
    const { id, status } = (await response.json()) as { id: string; status: string };
    assert.equal(status, "created");

    const asset = await waitFor("the photo's metadata", async () => {
      const body = (await (await shoebox.api(`/api/assets/${id}`)).json()) as {
        originalFileName: string;
        localDateTime: string;
        exifInfo: { make: string | null };
      };
      return body.exifInfo?.make ? body : undefined;
    });
    assert.equal(asset.originalFileName, file.name);
    assert.equal(taken(asset), file.taken);

    const again = await fetch(`${shoebox.url}${path}`, { method, headers: headersFor(file.name), body: file.bytes });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { id, status: "duplicate" });
  });

  it("takes Android HTTP Shortcuts' upload: a form with one file, no name header", async () => {
    const file = await makeJpeg(8, { IFD2: { DateTimeOriginal: "2021:05:01 09:30:00" } });
    const form = new FormData();
    form.append("file", new Blob([file.bytes], { type: "image/jpeg" }), "PXL_20210501_093000.jpg");
    const { "X-File-Name": _name, ...withoutName } = headersFor("");
    const response = await fetch(`${shoebox.url}${path}`, { method, headers: withoutName, body: form });
    assert.equal(response.status, 201, await response.clone().text());
    const { id } = (await response.json()) as { id: string };
    const asset = (await (await shoebox.api(`/api/assets/${id}`)).json()) as { originalFileName: string };
    assert.equal(asset.originalFileName, "PXL_20210501_093000.jpg");
  });

  it("tells a shortcut what is wrong in words", async () => {
    const file = await makeJpeg(9);
    const { "X-File-Name": _name, ...withoutName } = headersFor("");
    const unnamed = await fetch(`${shoebox.url}${path}`, { method, headers: withoutName, body: file.bytes });
    assert.equal(unnamed.status, 400);
    assert.match(((await unnamed.json()) as { message: string }).message, /x-file-name/);
    const wrongKey = await fetch(`${shoebox.url}${path}`, {
      method,
      headers: { ...headersFor("a.jpg"), "x-api-key": "not-a-key" },
      body: file.bytes,
    });
    assert.equal(wrongKey.status, 401);
    // The key may upload, and nothing else.
    const listing = await fetch(`${shoebox.url}/api/albums`, { headers: { "x-api-key": uploadKey } });
    assert.equal(listing.status, 403);
  });
});
