namespace M2M.Gateway.Relay;

/// <summary>A destination of relayed records. Each sink has its own journal position.</summary>
public interface IRecordSink
{
    /// <summary>The sink's stable name: its position key, metric label and dead-letter key.</summary>
    string Name { get; }

    /// <summary>
    /// The highest journal position the destination itself shows as delivered (0 if it cannot
    /// tell), so a crash between delivering and saving the position does not deliver twice.
    /// </summary>
    Task<long> RecoverPositionAsync(CancellationToken cancellationToken);

    /// <summary>Delivers one event; throws on failure (the relay retries with backoff).</summary>
    Task DeliverAsync(long position, byte[] eventJson, CancellationToken cancellationToken);

    /// <summary>Makes everything delivered so far durable at the destination.</summary>
    Task FlushAsync(CancellationToken cancellationToken);
}
