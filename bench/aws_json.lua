-- wrk script: one AWS JSON request, target and body from the environment.
--   WRK_TARGET  X-Amz-Target value, e.g. CodeBuild_20161006.StartBuild
--   WRK_BODY    JSON body
--   WRK_CT      content type (default application/x-amz-json-1.1)
wrk.method = "POST"
wrk.path = "/"
wrk.headers["Content-Type"] = os.getenv("WRK_CT") or "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = os.getenv("WRK_TARGET")
wrk.headers["Authorization"] =
  "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/codebuild/aws4_request, " ..
  "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.body = os.getenv("WRK_BODY") or "{}"

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000.0, latency:percentile(99) / 1000.0,
    summary.requests, errors))
end
