namespace M2M.Gateway.Relay;

/// <summary>
/// Consecutive journal records as signed events: built and signed once, delivered to every sink
/// (each takes the events after its own position).
/// </summary>
public sealed class RelayBatch
{
    public RelayBatch(RelayEvent[] events, string signature)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfZero(events.Length);
        ArgumentException.ThrowIfNullOrEmpty(signature);
        Events = events;
        Signature = signature;
    }

    /// <summary>The events, in journal order.</summary>
    public RelayEvent[] Events { get; }

    /// <summary>The batch's JWS (<c>m2mgatewaysig</c> of every event).</summary>
    public string Signature { get; }

    /// <summary>The first record's position.</summary>
    public long First => Events[0].Position;

    /// <summary>The last record's position.</summary>
    public long Last => Events[^1].Position;
}
