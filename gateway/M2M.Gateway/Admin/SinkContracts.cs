using M2M.Gateway.Journal;
using M2M.Gateway.Relay;

namespace M2M.Gateway.Admin;

/// <summary>A relay sink as <c>GET /admin/v1/sinks</c> shows it (docs/admin-api.md, "Sinks").</summary>
/// <param name="Name">The sink: <c>file</c>, <c>webhook</c>, <c>nats</c>, <c>postgres</c>... (docs/sinks.md).</param>
/// <param name="State"><c>starting</c>, <c>delivering</c>, <c>retrying</c>, <c>failing</c>, <c>stuck</c>, or <c>standby</c> (Cluster mode: another node delivers it).</param>
/// <param name="Position">Every journal record up to here is delivered or dead-lettered.</param>
/// <param name="SavedPosition">The position last saved in the journal.</param>
/// <param name="Lag">Journal records not delivered yet.</param>
/// <param name="LagSeconds">Age in seconds of the oldest record not delivered yet (0 when caught up).</param>
/// <param name="DeadLetters">Its dead letters now.</param>
/// <param name="LastError">The kind of its last failure, if any.</param>
/// <param name="Since">When it entered its state.</param>
/// <param name="Node">Cluster mode: the node delivering it (the lease holder); null when embedded.</param>
public sealed record SinkResponse(string Name, string State, long Position, long SavedPosition, long Lag, double LagSeconds, long DeadLetters, string? LastError, DateTimeOffset Since, string? Node)
{
    public static SinkResponse From(SinkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.Name, report.State, report.Position, report.SavedPosition, report.Lag, report.LagSeconds, report.DeadLetters, report.LastError, report.Since, report.Node);
    }
}

/// <summary>A dead letter, without its event's data.</summary>
/// <param name="Id">Its id, for a selected redelivery.</param>
/// <param name="Position">The record's journal position.</param>
/// <param name="EventId">The CloudEvents <c>id</c> (device/generation/epoch/seq).</param>
/// <param name="Subject">The event's subject (the MQTT topic).</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="Error">The last error's kind.</param>
/// <param name="FailedAt">When it last failed.</param>
/// <param name="Queued">True while it waits for redelivery.</param>
public sealed record DeadLetterResponse(long Id, long Position, string? EventId, string? Subject, int Attempts, string Error, DateTimeOffset FailedAt, bool Queued)
{
    public static DeadLetterResponse From(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        string? id = null, subject = null;
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(letter.Event);
            id = document.RootElement.TryGetProperty("id", out var i) ? i.GetString() : null;
            subject = document.RootElement.TryGetProperty("subject", out var s) ? s.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Stored by this gateway, so JSON; shown without id and subject otherwise.
        }

        return new(letter.Id, letter.Position, id, subject, letter.Attempts, letter.Error, DateTimeOffset.FromUnixTimeMilliseconds(letter.FailedAt), letter.Queued);
    }
}

/// <summary>A page of a sink's dead letters, oldest first.</summary>
/// <param name="Sink">The sink.</param>
/// <param name="Total">How many dead letters it has in all.</param>
/// <param name="DeadLetters">This page.</param>
/// <param name="Next">The <c>after</c> value of the next page, or null on the last one.</param>
public sealed record DeadLetterPage(string Sink, long Total, IReadOnlyList<DeadLetterResponse> DeadLetters, long? Next);

/// <summary>The body of a redelivery request: the ids to redeliver, or none (no body) for all.</summary>
/// <param name="Ids">Dead letter ids.</param>
public sealed record RedeliverRequest(IReadOnlyList<long>? Ids);

/// <summary>The answer to a redelivery request (202: the sink redelivers them in the background).</summary>
/// <param name="Sink">The sink.</param>
/// <param name="Queued">The ids now queued for redelivery.</param>
/// <param name="NotFound">Requested ids that are not dead letters of this sink.</param>
public sealed record RedeliverResponse(string Sink, IReadOnlyList<long> Queued, IReadOnlyList<long> NotFound);
