/** The SDK response metadata Step Functions adds to an AWS service integration's result. */
export const sdkMetadata = (requestId: string, headers: Record<string, string> = {}) => ({
  SdkHttpMetadata: {
    AllHttpHeaders: Object.fromEntries(
      Object.entries({ ...headers, 'x-amzn-RequestId': requestId }).map(([k, v]) => [k, [v]]),
    ),
    HttpHeaders: { ...headers, 'x-amzn-RequestId': requestId },
    HttpStatusCode: 200,
  },
  SdkResponseMetadata: { RequestId: requestId },
});
