using M2M.Gateway.Metrics;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Every PUBLISH a device sends goes through these stages, in this order, until one of them ends it
/// (docs/ingress.md, "Verification stages").
/// </summary>
public sealed partial class PublishPipeline(
    CheckTopic checkTopic,
    AuthorizeTopic authorizeTopic,
    RenewSession renewSession,
    ExtractSignedMessage extractSignedMessage,
    VerifySignature verifySignature,
    CheckReplay checkReplay,
    JournalMessage journalMessage,
    GatewayMetrics metrics,
    ILogger<PublishPipeline> logger)
{
    private readonly IPublishStage[] _stages = [checkTopic, authorizeTopic, renewSession, extractSignedMessage, verifySignature, checkReplay, journalMessage];

    /// <summary>Runs the stages; the outcome decides the PUBACK and is counted by reason.</summary>
    public async Task<PublishOutcome> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var outcome = PublishOutcome.Accepted;
        using (context)
        {
            foreach (var stage in _stages)
            {
                if (await stage.RunAsync(context, cancellationToken).ConfigureAwait(false) is { } ended)
                {
                    outcome = ended;
                    break;
                }
            }
        }

        metrics.Message(outcome.Reason);
        if (!outcome.Succeeded)
        {
            LogRefused(context.Session.DeviceId, outcome.Reason, (int)outcome.Code);
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PUBLISH from {DeviceId} refused: {Reason} (PUBACK 0x{Code:X2})")]
    private partial void LogRefused(string deviceId, string reason, int code);
}
