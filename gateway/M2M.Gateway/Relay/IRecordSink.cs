namespace M2M.Gateway.Relay;

/// <summary>
/// A destination of relayed records (docs/ingress.md, "Sinks"). Each sink has its own journal
/// position and its own loop, which the relay supervises: any exception other than
/// <see cref="SinkDeliveryException"/>, from any member, is a failure of the sink: the relay closes
/// it, waits (exponential backoff, full jitter), recovers it and resumes from its last durable
/// position, forever. A sink is used by one loop at a time, so it needs no locking.
/// </summary>
/// <remarks>
/// A sink that sends in batches (a database, a message broker) may buffer in
/// <see cref="DeliverAsync"/> and send in <see cref="FlushAsync"/>: the relay flushes after every
/// batch and counts a record as delivered only once the flush returned. A sink that needs the
/// record's fields reads them from the event (the record format is the contract, and dead letters
/// are redelivered from the event alone).
/// </remarks>
public interface IRecordSink
{
    /// <summary>The sink's stable name: its position key, metric label and dead-letter key.</summary>
    string Name { get; }

    /// <summary>
    /// Opens (or reopens, after a failure) the destination and returns the highest journal position
    /// it shows as delivered, or 0 if it cannot tell, so a failure between delivering and recording
    /// the position does not deliver twice where the destination can tell.
    /// </summary>
    Task<long> RecoverPositionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Delivers one event. Throws <see cref="SinkDeliveryException"/> when this event could not be
    /// delivered now (retried, then dead-lettered after <see cref="RelayOptions.MaxAttempts"/>).
    /// </summary>
    ValueTask DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken);

    /// <summary>Makes everything delivered so far durable at the destination.</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Releases what <see cref="RecoverPositionAsync"/> opened; after a failure and at stop.</summary>
    ValueTask CloseAsync();
}

/// <summary>
/// The destination as a whole cannot be used now: unreachable, it refused the sink's credentials,
/// the sink is misconfigured. Thrown from any member; the relay supervises it as a sink failure
/// (close, back off, recover) and shows <see cref="Exception.Message"/>, a short stable reason
/// (<c>nats authorization</c>, <c>postgres 28P01</c>, <c>configuration: ...</c>), in /health, the
/// admin API and the <c>reason</c> label of <c>m2m_relay_sink_failures_total</c>. The reason never
/// carries a secret (a password, a token, a URL's query).
/// </summary>
public sealed class SinkFailureException : Exception
{
    public SinkFailureException()
    {
    }

    public SinkFailureException(string reason)
        : base(reason)
    {
    }

    public SinkFailureException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }
}

/// <summary>One event as every sink receives it.</summary>
/// <param name="Position">The record's journal position.</param>
/// <param name="Json">The CloudEvent, one line of UTF-8 JSON without a newline (docs/ingress.md, "Relayed records").</param>
public readonly record struct RelayEvent(long Position, ReadOnlyMemory<byte> Json);

/// <summary>
/// One event could not be delivered now (the destination refused it or did not answer); the relay
/// retries it and dead-letters it after <see cref="RelayOptions.MaxAttempts"/>. Its message is a
/// short stable reason (<c>http 503</c>, <c>nats timeout</c>): the <c>reason</c> label of
/// <c>m2m_relay_delivery_failures_total</c>, so it must come from a small set, and never carries a secret.
/// </summary>
public sealed class SinkDeliveryException : Exception
{
    public SinkDeliveryException()
    {
    }

    public SinkDeliveryException(string kind)
        : base(kind)
    {
    }

    public SinkDeliveryException(string kind, Exception innerException)
        : base(kind, innerException)
    {
    }
}
