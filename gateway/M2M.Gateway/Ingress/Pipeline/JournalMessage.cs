using M2M.Gateway.Journal;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 7: writes the verified message and its new replay mark to the journal and waits until
/// they are durable; only then is the PUBACK 0x00 sent (docs/protocol.md section 8, rule 1).
/// </summary>
public sealed partial class JournalMessage(TelemetryJournal journal, TimeProvider time, ILogger<JournalMessage> logger) : IPublishStage
{
    public async ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var device = context.Session.Device;
        var signed = context.Message!;
        var record = new JournalRecord(0, device.DeviceId, context.Session.Tenant, device.CredentialGeneration, context.Topic,
            signed.Epoch, signed.Sequence, signed.Timestamp, time.GetUtcNow().ToUnixTimeMilliseconds(), context.ContentType, context.Payload, signed.SignatureText);
        try
        {
            // Not cancelled with the connection: once queued, the append completes and the device's
            // resend is then recognised as a redelivery (section 8 rule 2).
            await journal.AppendAsync(record, CancellationToken.None).ConfigureAwait(false);
            return PublishOutcome.Accepted;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogJournalFailed(exception, device.DeviceId);
            return PublishOutcome.JournalUnavailable;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The journal could not store a message of {DeviceId}; it was not acknowledged")]
    private partial void LogJournalFailed(Exception exception, string deviceId);
}
