using Azure.Core;
using Azure.Core.Pipeline;

namespace InfluenceFunctions.IntegrationTests.Durability;

/// <summary>
/// A test pipeline policy for one chosen failure: while armed, requests <see cref="Fails"/> accepts throw
/// <see cref="InvalidDataException"/> (a failure that would fail again, so neither the SDK nor the durable retry repeats
/// it: the run fails at once); requests <see cref="Holds"/> accepts wait until <see cref="Release"/>.
/// </summary>
public sealed class InjectedFailure : HttpPipelinePolicy
{
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int failed;
    private int counted;

    public bool Armed { get; set; } = true;

    public Func<HttpMessage, bool> Fails { get; init; } = _ => false;

    public Func<HttpMessage, bool> Holds { get; init; } = _ => false;

    /// <summary>Requests that reached the service, by whether <see cref="Counts"/> accepts them.</summary>
    public Func<HttpMessage, bool> Counts { get; init; } = _ => false;

    public int Failed => Volatile.Read(ref failed);

    public int Counted => Volatile.Read(ref counted);

    public void Release() => released.TrySetResult();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        BeforeAsync(message).AsTask().GetAwaiter().GetResult();
        ProcessNext(message, pipeline);
        After(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await BeforeAsync(message);
        await ProcessNextAsync(message, pipeline);
        After(message);
    }

    public static string Path(HttpMessage message) => Uri.UnescapeDataString(message.Request.Uri.Path);

    private async ValueTask BeforeAsync(HttpMessage message)
    {
        if (Armed && Fails(message))
        {
            Interlocked.Increment(ref failed);
            throw new InvalidDataException($"Injected failure: {message.Request.Method} {Path(message)}");
        }

        if (Holds(message))
        {
            await released.Task.WaitAsync(message.CancellationToken);
        }
    }

    private void After(HttpMessage message)
    {
        if (message.Response.Status is >= 200 and < 300 && Counts(message))
        {
            Interlocked.Increment(ref counted);
        }
    }
}
