/**
 * Raw wire calls to the sandbox, for members and operations the pinned SDK clients do not know
 * (e.g. Cluster.Mode, InitializeCluster's siblings GetResourcePolicy and PutResourcePolicy) and for
 * the model conformance test, which must see exactly what went over the wire.
 */

/** A signed-looking Authorization header: the sandbox reads only the credential scope. */
function authorization(region: string, service: string): string {
  return `AWS4-HMAC-SHA256 Credential=AKIDTEST/20261129/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

/** The answer to one raw call: HTTP status, and the body parsed (JSON) or as text (XML). */
export interface RawAnswer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** One JSON 1.1 call (`target` is e.g. `BaldrApiService.DescribeClusters`). */
export async function jsonCall(
  url: string,
  service: 'cloudhsm' | 'events' | 'kms' | 'organizations',
  target: string,
  region: string,
  input: unknown,
): Promise<RawAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      authorization: authorization(region, service),
    },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, text };
}

/** One query-protocol call (EC2 or STS): `params` already flattened (`GroupId.1`, `Filter.1.Name`). */
export async function queryCall(
  url: string,
  service: 'ec2' | 'sts',
  region: string,
  params: Record<string, string>,
): Promise<RawAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: authorization(region, service),
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: {}, text };
}

/** The `<Code>` of a query-protocol error body. */
export function xmlErrorCode(text: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
}
