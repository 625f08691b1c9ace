using M2M.Gateway.Ingress.Authorization;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 2: the device may publish to this topic (docs/protocol.md section 5.2, <see cref="TopicPolicy"/>).
/// The last allowed topic is remembered by the session (<see cref="Sessions.DeviceSession.KnownTopic"/>).
/// </summary>
public sealed class AuthorizeTopic(TopicPolicy policy) : IPublishStage
{
    public ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var session = context.Session;
        if (string.Equals(context.Topic, session.KnownTopic, StringComparison.Ordinal))
        {
            return ValueTask.FromResult<PublishOutcome?>(null);
        }

        if (!policy.MayPublish(session, context.Topic))
        {
            return ValueTask.FromResult<PublishOutcome?>(PublishOutcome.TopicNotAllowed);
        }

        session.KnownTopic = context.Topic;
        return ValueTask.FromResult<PublishOutcome?>(null);
    }
}
