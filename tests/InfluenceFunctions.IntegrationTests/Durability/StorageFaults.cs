using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>What an injected storage fault looks like to the client.</summary>
public enum StorageFault
{
    /// <summary>503 ServerBusy, before the service did anything (throttling).</summary>
    ServerBusy,

    /// <summary>500 InternalError, before the service did anything.</summary>
    InternalError,

    /// <summary>The request reached the service and was applied, then the service answered 500 OperationTimedOut ("the
    /// operation may or may not have succeeded"): the retry repeats a write that already happened, so the code must be
    /// idempotent, not just retried.</summary>
    Timeout,
}

/// <summary>
/// A test pipeline policy (StorageClientFactory adds it to every table and queue client, per retry) that fails a share
/// of storage calls while armed (a seeded random draw), 503 ServerBusy, 500 and timeouts in turn. The SDK sees
/// them as it would see the real thing, and retries them.
/// </summary>
public sealed class StorageFaults(double rate, int seed) : HttpPipelinePolicy
{
    private readonly Random random = new(seed);
    private readonly Lock gate = new();
    private readonly long[] injected = new long[3];
    private long calls;
    private int next;

    public bool Armed { get; set; }

    /// <summary>Only calls this accepts can fail (default: every call).</summary>
    public Func<HttpMessage, bool> Eligible { get; set; } = _ => true;

    public long Calls => Interlocked.Read(ref calls);


    public long Injected(StorageFault fault) => Interlocked.Read(ref injected[(int)fault]);

    public long InjectedTotal => injected.Sum();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: true);

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var fault = Draw(message);
        switch (fault)
        {
            case StorageFault.ServerBusy:
                message.Response = new FaultResponse(503, "ServerBusy", "The server is busy (injected).", message.Request.ClientRequestId);
                return;
            case StorageFault.InternalError:
                message.Response = new FaultResponse(500, "InternalError", "The server encountered an internal error (injected).", message.Request.ClientRequestId);
                return;
        }

        if (async)
        {
            await ProcessNextAsync(message, pipeline);
        }
        else
        {
            ProcessNext(message, pipeline);
        }

        if (fault == StorageFault.Timeout)
        {
            message.Response.Dispose();
            message.Response = new FaultResponse(500, "OperationTimedOut", "The operation could not be completed within the permitted time; it may or may not have succeeded (injected).", message.Request.ClientRequestId);
        }
    }

    private StorageFault? Draw(HttpMessage message)
    {
        if (!Armed || !Eligible(message))
        {
            return null;
        }

        Interlocked.Increment(ref calls);
        StorageFault? fault;
        lock (gate)
        {
            fault = random.NextDouble() < rate ? (StorageFault)(next++ % 3) : null;

        }

        if (fault is { } f)
        {
            Interlocked.Increment(ref injected[(int)f]);
        }

        return fault;
    }

    /// <summary>An error response as the storage services send it (the error code in x-ms-error-code).</summary>
    private sealed class FaultResponse(int status, string code, string text, string clientRequestId) : Response
    {
        private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase)
        {
            ["x-ms-error-code"] = code,
            ["x-ms-client-request-id"] = clientRequestId,
            ["x-ms-request-id"] = Guid.NewGuid().ToString(),
            ["Content-Type"] = "application/json",
        };

        public override int Status => status;

        // The pipeline's transport stage sets this for real responses; these never reach it.
        public override bool IsError => true;

        public override string ReasonPhrase => code;

        public override Stream? ContentStream { get; set; } = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            "{\"odata.error\":{\"code\":\"" + code + "\",\"message\":{\"lang\":\"en-US\",\"value\":\"" + text + "\"}}}"));

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => headers.TryGetValue(name, out value);

        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = headers.TryGetValue(name, out var value) ? [value] : null;
            return values is not null;
        }
    }
}
