namespace InfluenceFunctions.Domain;

/// <summary>How long daily signals are kept: the 90-day scoring window plus a margin for late data and re-runs.</summary>
public static class SignalRetention
{
    /// <summary>Days of signals stored per user and network (the packed series trims to this).</summary>
    public const int Days = 120;
}
