using M2M.Gateway.Ingress.Seams;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 4, for <c>devices/{id}/command-results</c> only: the device's signed answer to a command
/// (docs/protocol.md section 11.3), verified and recorded by the command part; never journaled or
/// relayed.
/// </summary>
public sealed class RecordCommandResult(IDeviceCommands? commands = null) : IPublishStage
{
    public async ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var session = context.Session;
        if (!string.Equals(context.Topic, $"devices/{session.DeviceId}/command-results", StringComparison.Ordinal))
        {
            return null;
        }

        if (commands == null)
        {
            return PublishOutcome.TopicNotAllowed;
        }

        return await commands.RecordResultAsync(session, context.Payload, cancellationToken).ConfigureAwait(false) switch
        {
            CommandResultOutcome.Recorded => PublishOutcome.CommandResultRecorded,
            CommandResultOutcome.Duplicate => PublishOutcome.CommandResultDuplicate,
            CommandResultOutcome.BadSignature => PublishOutcome.BadSignature,
            CommandResultOutcome.UnknownCommand => PublishOutcome.UnknownCommand,
            CommandResultOutcome.Unavailable => PublishOutcome.CommandsUnavailable,
            _ => PublishOutcome.MalformedResult,
        };
    }
}
