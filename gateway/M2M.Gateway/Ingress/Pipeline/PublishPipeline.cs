using M2M.Gateway.Activity;
using M2M.Gateway.Metrics;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Every PUBLISH a device sends goes through these stages, in this order, until one of them ends it
/// (docs/ingress.md, "Verification stages"). The last, <see cref="JournalMessage"/>, hands the message
/// to the journal's writer, which applies the replay rules and makes it durable in one step; its
/// outcome arrives later through <see cref="Complete"/>. Every outcome is counted here, once.
/// </summary>
public sealed partial class PublishPipeline(
    CheckTopic checkTopic,
    AuthorizeTopic authorizeTopic,
    RenewSession renewSession,
    RecordCommandResult recordCommandResult,
    ExtractSignedMessage extractSignedMessage,
    VerifySignature verifySignature,
    CheckTimestamp checkTimestamp,
    JournalMessage journalMessage,
    GatewayMetrics metrics,
    DeviceActivity activity,
    ILogger<PublishPipeline> logger)
{
    private readonly IPublishStage[] _stages = [checkTopic, authorizeTopic, renewSession, recordCommandResult, extractSignedMessage, verifySignature, checkTimestamp, journalMessage];

    /// <summary>
    /// Runs the stages. Returns the outcome, or <see cref="PublishOutcome.Journaling"/> when the journal
    /// took the message (then <see cref="Complete"/> follows). A stage that throws ends the message with
    /// <see cref="PublishOutcome.InternalError"/>, logged with the stage's name: never a silent disconnect.
    /// </summary>
    public async ValueTask<PublishOutcome> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var outcome = PublishOutcome.Accepted;
        var index = 0;
        try
        {
            for (; index < _stages.Length; index++)
            {
                if (await _stages[index].RunAsync(context, cancellationToken).ConfigureAwait(false) is { } ended)
                {
                    outcome = ended;
                    break;
                }
            }
        }
        catch (Exception exception)
        {
            LogStageFailed(exception, _stages[index].GetType().Name, context.Session.DeviceId);
            outcome = PublishOutcome.InternalError;
        }

        if (!ReferenceEquals(outcome, PublishOutcome.Journaling))
        {
            Complete(context, outcome);
        }

        return outcome;
    }

    /// <summary>Records how a PUBLISH ended: the metric by reason, the device's activity (the console), and a log line for a refusal.</summary>
    public void Complete(PublishContext context, PublishOutcome outcome)
    {
        context.Outcome = outcome;
        metrics.Message(outcome.Reason);
        var signed = outcome.Succeeded ? context.Message : null;
        activity.Message(context.Session.DeviceId, outcome.Reason, outcome.Succeeded, context.Topic, context.Payload, signed?.Epoch, signed?.Sequence);
        if (!outcome.Succeeded)
        {
            LogRefused(context.Session.DeviceId, outcome.Reason, (int)outcome.Code, outcome.Acknowledged ? "PUBACK" : "DISCONNECT");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PUBLISH from {DeviceId} refused: {Reason} ({Packet} 0x{Code:X2})")]
    private partial void LogRefused(string deviceId, string reason, int code, string packet);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stage {Stage} failed on a PUBLISH from {DeviceId}; the connection is closed without acknowledgement and the device resends")]
    private partial void LogStageFailed(Exception exception, string stage, string deviceId);
}
