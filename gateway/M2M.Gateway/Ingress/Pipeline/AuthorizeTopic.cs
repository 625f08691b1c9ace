using M2M.Gateway.Ingress.Authorization;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>Stage 2: the device may publish to this topic (docs/protocol.md section 5.2, <see cref="TopicPolicy"/>).</summary>
public sealed class AuthorizeTopic(TopicPolicy policy) : IPublishStage
{
    public ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var session = context.Session;
        var allowed = policy.MayPublish(session.DeviceId, session.Tenant, session.Roles, context.Topic);
        return ValueTask.FromResult(allowed ? null : PublishOutcome.TopicNotAllowed);
    }
}
