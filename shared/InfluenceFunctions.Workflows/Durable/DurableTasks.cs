using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InfluenceFunctions.Workflows.Durable;

/// <summary>
/// A unit of durable work: what an activity does, with a cancellation token. Both hosts run the same class: the
/// Functions app from an [ActivityTrigger] shell with the function's token (<see cref="DurableActivities"/>), the local
/// host through <see cref="ActivityAdapter{TInput, TOutput}"/> with the host's stopping token.
/// </summary>
public interface IActivity<TInput, TOutput>
{
    Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken);
}

/// <summary>The one adapter from <see cref="IActivity{TInput, TOutput}"/> to the Durable Task worker's activity type.</summary>
public sealed class ActivityAdapter<TInput, TOutput>(IActivity<TInput, TOutput> activity, CancellationToken stopping) : TaskActivity<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => activity.RunAsync(input, stopping);
}

/// <summary>One durable task as both hosts know it: its name (the class name), kind, class and types.</summary>
public sealed record DurableTaskInfo(string Name, DurableTaskKind Kind, Type Implementation, Type Input, Type Output)
{
    internal Action<DurableTaskRegistry> Register { get; init; } = _ => { };

    public static DurableTaskInfo Orchestrator<TOrchestrator, TInput, TOutput>()
        where TOrchestrator : TaskOrchestrator<TInput, TOutput>, new() =>
        new(typeof(TOrchestrator).Name, DurableTaskKind.Orchestrator, typeof(TOrchestrator), typeof(TInput), typeof(TOutput))
        {
            Register = registry => registry.AddOrchestrator<TOrchestrator>(),
        };

    public static DurableTaskInfo Activity<TActivity, TInput, TOutput>()
        where TActivity : class, IActivity<TInput, TOutput> =>
        new(typeof(TActivity).Name, DurableTaskKind.Activity, typeof(TActivity), typeof(TInput), typeof(TOutput))
        {
            Register = registry => registry.AddActivity(
                typeof(TActivity).Name,
                sp => new ActivityAdapter<TInput, TOutput>(
                    sp.GetRequiredService<TActivity>(),
                    sp.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None)),
        };
}

public enum DurableTaskKind
{
    Orchestrator,
    Activity,
}

/// <summary>
/// The Functions app's side of the adapters: an [OrchestrationTrigger] or [ActivityTrigger] shell is one call here,
/// naming the class it runs, so the Functions app and the local host always run the same class for the same name.
/// </summary>
public sealed class DurableActivities(IServiceProvider services)
{
    public Task<TOutput> RunAsync<TActivity, TInput, TOutput>(TInput input, CancellationToken cancellationToken)
        where TActivity : class, IActivity<TInput, TOutput> =>
        services.GetRequiredService<TActivity>().RunAsync(input, cancellationToken);

    public static Task<TOutput> OrchestrateAsync<TOrchestrator, TInput, TOutput>(TaskOrchestrationContext context)
        where TOrchestrator : TaskOrchestrator<TInput, TOutput>, new()
    {
        ArgumentNullException.ThrowIfNull(context);
        return new TOrchestrator().RunAsync(context, context.GetInput<TInput>()!);
    }
}

/// <summary>
/// Retries with exponential backoff: storage hiccups and throttling are expected at night (each request has already had
/// the SDK's own retries, StorageOptions). A failure that would fail the same way again (a bug or bad data: an argument
/// out of range, a format error) is not retried: the run fails at once and says why.
/// </summary>
public static class DurableRetry
{
    /// <summary>Exception types (full names) that say the same input will fail again.</summary>
    public static IReadOnlySet<string> Deterministic { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        typeof(ArgumentException).FullName!,
        typeof(ArgumentOutOfRangeException).FullName!,
        typeof(ArgumentNullException).FullName!,
        typeof(FormatException).FullName!,
        typeof(InvalidDataException).FullName!,
        typeof(InvalidCastException).FullName!,
        typeof(OverflowException).FullName!,
        typeof(IndexOutOfRangeException).FullName!,
        typeof(KeyNotFoundException).FullName!,
        typeof(NullReferenceException).FullName!,
        typeof(NotSupportedException).FullName!,
    };

    public static TaskOptions Options { get; } = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5,
        firstRetryInterval: TimeSpan.FromSeconds(2),
        backoffCoefficient: 2.0,
        maxRetryInterval: TimeSpan.FromMinutes(1))
    {
        HandleFailure = failure => !Deterministic.Contains(failure.ErrorType),
    });
}
