using Azure.Core;
using Azure.Core.Pipeline;
using InfluenceFunctions.Domain;

namespace InfluenceFunctions.Storage;

/// <summary>
/// Counts storage requests (each one is a billed transaction) as an Azure SDK pipeline policy. A total for the
/// process, plus an async-local scope so an activity can count exactly what it spent while others run beside it.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    private static readonly AsyncLocal<Scope?> CurrentScope = new();
    private long total;

    public long Total => Interlocked.Read(ref total);

    /// <summary>Starts counting the requests made by this async flow (and flows it starts) until disposed.</summary>
    public static Scope BeginScope()
    {
        var scope = new Scope(CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        Interlocked.Increment(ref total);
        for (var scope = CurrentScope.Value; scope is not null; scope = scope.Parent)
        {
            scope.Increment();
        }
    }

    public sealed class Scope : IDisposable
    {
        private long count;

        internal Scope(Scope? parent) => Parent = parent;

        internal Scope? Parent { get; }

        public long Count => Interlocked.Read(ref count);

        internal void Increment() => Interlocked.Increment(ref count);

        public void Dispose()
        {
            if (ReferenceEquals(CurrentScope.Value, this))
            {
                CurrentScope.Value = Parent;
            }
        }
    }
}
