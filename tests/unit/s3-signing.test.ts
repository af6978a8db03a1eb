// SigV4 as S3 checks it, against the examples AWS publishes in "Authenticating Requests (AWS
// Signature Version 4)" for the S3 API. The local S3 server the integration tests use does not check
// signatures, so these are what proves them.
import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { AwsV4Signer } from "aws4fetch";
import { createS3Storage } from "../../common/s3";

const example = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  region: "us-east-1",
  service: "s3",
  datetime: "20130524T000000Z",
};
const emptyPayload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const signatureOf = (authorization: string | null) => authorization?.match(/Signature=([0-9a-f]{64})/)?.[1];

describe("S3 request signing (AWS's published examples)", () => {
  it("signs GET Object with a Range", async () => {
    const signed = await new AwsV4Signer({
      ...example,
      url: "https://examplebucket.s3.amazonaws.com/test.txt",
      method: "GET",
      headers: { range: "bytes=0-9", "x-amz-content-sha256": emptyPayload },
      allHeaders: true,
    }).sign();
    assert.equal(
      signatureOf(signed.headers.get("authorization")),
      "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
  });

  it("signs GET Bucket lifecycle and a listing with a query", async () => {
    const lifecycle = await new AwsV4Signer({
      ...example,
      url: "https://examplebucket.s3.amazonaws.com/?lifecycle",
      headers: { "x-amz-content-sha256": emptyPayload },
    }).sign();
    assert.equal(
      signatureOf(lifecycle.headers.get("authorization")),
      "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
    );
    const listing = await new AwsV4Signer({
      ...example,
      url: "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
      headers: { "x-amz-content-sha256": emptyPayload },
    }).sign();
    assert.equal(
      signatureOf(listing.headers.get("authorization")),
      "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
    );
  });

  it("presigns a GET through Shoebox's bucket client exactly as AWS's example", async () => {
    mock.timers.enable({ apis: ["Date"], now: Date.parse("2013-05-24T00:00:00Z") });
    try {
      const bucket = createS3Storage(
        {
          endpoint: "https://s3.amazonaws.com",
          bucket: "examplebucket",
          region: "us-east-1",
          accessKeyId: example.accessKeyId,
          secretAccessKey: example.secretAccessKey,
          forcePathStyle: false,
        },
        () => Promise.reject(new Error("no request expected")),
      );
      const url = new URL(await bucket.presign("GET", "test.txt", 86400));
      assert.equal(url.origin + url.pathname, "https://examplebucket.s3.amazonaws.com/test.txt");
      assert.equal(url.searchParams.get("X-Amz-Credential"), "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request");
      assert.equal(url.searchParams.get("X-Amz-SignedHeaders"), "host");
      assert.equal(
        url.searchParams.get("X-Amz-Signature"),
        "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
      );
    } finally {
      mock.timers.reset();
    }
  });

  it("addresses keys path-style, encoded, and signs the length of a presigned PUT", async () => {
    const seen: Request[] = [];
    const bucket = createS3Storage(
      {
        endpoint: "http://nas.local:9000",
        bucket: "photos",
        region: "eu-west-1",
        accessKeyId: "id",
        secretAccessKey: "secret",
        forcePathStyle: true,
      },
      async (request) => {
        seen.push(request);
        return new Response(null, { status: 404 });
      },
    );
    assert.equal(await bucket.size("admin/2019/2019-06-01/Été à Nice #1.jpg"), null);
    assert.equal(
      seen[0]!.url,
      "http://nas.local:9000/photos/admin/2019/2019-06-01/%C3%89t%C3%A9%20%C3%A0%20Nice%20%231.jpg",
    );
    assert.match(
      seen[0]!.headers.get("authorization") ?? "",
      /Credential=id\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date/,
    );
    const put = new URL(await bucket.presign("PUT", "uploads/x.jpg", 900, {}, { "content-length": "1234" }));
    assert.equal(put.searchParams.get("X-Amz-SignedHeaders"), "content-length;host");
    assert.equal(put.searchParams.get("X-Amz-Expires"), "900");
  });
});
