using M2M.Gateway.Journal;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 7: hands the verified message to the journal (<see cref="IJournalWriter"/>: SQLite when
/// embedded, the replicated JetStream stream in Cluster mode). It applies the replay rules of
/// docs/protocol.md section 8 against the device's window and, for a new message, makes it durable
/// (with the window, or under a compare-and-set on the device's last record); only then is the
/// PUBACK 0x00 sent. The outcome reaches the connection (the waiter) in append order.
/// </summary>
public sealed class JournalMessage(IJournalWriter journal, TimeProvider time) : IPublishStage
{
    public async ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var device = context.Session.Device;
        var signed = context.Message!;
        var record = new JournalRecord(0, device.DeviceId, context.Session.Tenant, device.CredentialGeneration, context.Topic,
            signed.Epoch, signed.Sequence, signed.Timestamp, time.GetUtcNow().ToUnixTimeMilliseconds(), context.ContentType, context.Payload.ToArray(), signed.SignatureText);

        // Not cancelled with the connection: once queued, the append completes and the device's
        // resend is then recognised as a redelivery (section 8 rule 2).
        await journal.AppendAsync(new JournalAppend(record, signed.Signature, context.Waiter) { State = context }, CancellationToken.None).ConfigureAwait(false);
        return PublishOutcome.Journaling;
    }

    /// <summary>The PUBLISH outcome of a journal outcome.</summary>
    public static PublishOutcome Outcome(AppendOutcome outcome) => outcome switch
    {
        AppendOutcome.Appended => PublishOutcome.Accepted,
        AppendOutcome.Duplicate => PublishOutcome.Duplicate,
        AppendOutcome.Replayed => PublishOutcome.Replayed,
        _ => PublishOutcome.JournalUnavailable,
    };
}
