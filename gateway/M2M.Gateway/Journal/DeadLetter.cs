namespace M2M.Gateway.Journal;

/// <summary>An event a sink gave up on, kept with its last error until an operator redelivers it.</summary>
/// <param name="Id">Its id in the journal's <c>dead_letters</c> table.</param>
/// <param name="Sink">The sink that gave up.</param>
/// <param name="Position">The record's journal position.</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="Error">The last error's kind (never a secret: see the relay's FailureKind).</param>
/// <param name="FailedAt">When it last failed, Unix milliseconds.</param>
/// <param name="Queued">True while it waits for redelivery.</param>
/// <param name="Event">The event exactly as the sink was to receive it (UTF-8 JSON).</param>
public sealed record DeadLetter(long Id, string Sink, long Position, int Attempts, string Error, long FailedAt, bool Queued, string Event);
