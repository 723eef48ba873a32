using Azure.Core;
using Azure.Core.Pipeline;
using InfluenceFunctions.Domain;

namespace InfluenceFunctions.Storage;

/// <summary>
/// Counts storage requests (each one is a billed transaction) as an Azure SDK pipeline policy placed per retry, so a
/// request the SDK retried counts once per attempt, and the retries are counted apart too. A total for the process,
/// plus an async-local scope so an activity can count exactly what it spent while others run beside it.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    private static readonly AsyncLocal<Scope?> CurrentScope = new();
    private long total;
    private long retries;

    public long Total => Interlocked.Read(ref total);

    /// <summary>Requests that were an SDK retry of an earlier attempt (throttling, a server error, a timeout).</summary>
    public long Retries => Interlocked.Read(ref retries);

    /// <summary>Starts counting the requests made by this async flow (and flows it starts) until disposed.</summary>
    public static Scope BeginScope()
    {
        var scope = new Scope(CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var retry = message.ProcessingContext.RetryNumber > 0;
        Interlocked.Increment(ref total);
        if (retry)
        {
            Interlocked.Increment(ref retries);
        }

        for (var scope = CurrentScope.Value; scope is not null; scope = scope.Parent)
        {
            scope.Increment(retry);
        }
    }

    public sealed class Scope : IDisposable
    {
        private long count;
        private long retries;

        internal Scope(Scope? parent) => Parent = parent;

        internal Scope? Parent { get; }

        public long Count => Interlocked.Read(ref count);

        /// <summary>How many of <see cref="Count"/> were SDK retries.</summary>
        public long Retries => Interlocked.Read(ref retries);

        internal void Increment(bool retry)
        {
            Interlocked.Increment(ref count);
            if (retry)
            {
                Interlocked.Increment(ref retries);
            }
        }

        public void Dispose()
        {
            if (ReferenceEquals(CurrentScope.Value, this))
            {
                CurrentScope.Value = Parent;
            }
        }
    }
}
