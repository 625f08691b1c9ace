using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Policies;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Authorization;

/// <summary>
/// Decides which topics a device may publish to and subscribe to (docs/protocol.md section 5.2): the
/// built-in topic rules first (by tenant and role), then the expression policies that apply to
/// <c>mqtt.publish</c> or <c>mqtt.subscribe</c> (docs/policies.md), which can only refuse more.
/// </summary>
public sealed class TopicPolicy(IOptions<TopicPolicyOptions> options, ExpressionPolicies? policies = null)
{
    /// <summary>The policy actions of the MQTT ingress (docs/policies.md, "Actions").</summary>
    public const string PublishAction = "mqtt.publish";

    public const string SubscribeAction = "mqtt.subscribe";

    private readonly TopicPolicyOptions _options = options.Value;

    /// <summary>
    /// True when the session's device may publish to <paramref name="topic"/>: built-in rules, then expression policies.
    /// The auth topic is the protocol's own (in-band renewal, section 7.2), never data: policies do not
    /// judge it, so no policy can cut sessions at their deadline.
    /// </summary>
    public bool MayPublish(DeviceSession session, string topic) =>
        MayPublish(session.DeviceId, session.Tenant, session.Roles, topic)
        && (string.Equals(topic, $"devices/{session.DeviceId}/auth", StringComparison.Ordinal) || Policies(session, PublishAction, topic));

    /// <summary>True when the session's device may subscribe to <paramref name="filter"/>: built-in rules, then expression policies.</summary>
    public bool MaySubscribe(DeviceSession session, string filter) =>
        MaySubscribe(session.DeviceId, session.Tenant, session.Roles, filter) && Policies(session, SubscribeAction, filter);

    /// <summary>True when the device may publish to <paramref name="topic"/> (a topic name, no wildcards).</summary>
    public bool MayPublish(string deviceId, string? tenant, IReadOnlyList<string> roles, string topic)
    {
        var rules = Applicable(tenant, roles).ToList();
        if (rules.SelectMany(r => r.DenyPublish).Any(f => TopicFilter.Overlaps(Expand(f, deviceId, tenant), topic)))
        {
            return false;
        }

        return (_options.Publish ?? TopicPolicyOptions.DefaultPublish).Concat(rules.SelectMany(r => r.Publish))
            .Any(f => TopicFilter.Overlaps(Expand(f, deviceId, tenant), topic));
    }

    /// <summary>
    /// True when every topic <paramref name="filter"/> can match is one the device may subscribe to,
    /// and none of them is denied.
    /// </summary>
    public bool MaySubscribe(string deviceId, string? tenant, IReadOnlyList<string> roles, string filter)
    {
        var rules = Applicable(tenant, roles).ToList();
        if (rules.SelectMany(r => r.DenySubscribe).Any(f => TopicFilter.Overlaps(Expand(f, deviceId, tenant), filter)))
        {
            return false;
        }

        return (_options.Subscribe ?? TopicPolicyOptions.DefaultSubscribe).Concat(rules.SelectMany(r => r.Subscribe))
            .Any(f => TopicFilter.Covers(Expand(f, deviceId, tenant), filter));
    }

    private IEnumerable<TopicRule> Applicable(string? tenant, IReadOnlyList<string> roles) =>
        _options.Rules.Where(r =>
            (r.Tenant == null || string.Equals(r.Tenant, tenant, StringComparison.Ordinal))
            && (r.Role == null || roles.Contains(r.Role, StringComparer.Ordinal)));

    private static string Expand(string filter, string deviceId, string? tenant) =>
        filter.Replace("{id}", deviceId, StringComparison.Ordinal).Replace("{tenant}", tenant ?? string.Empty, StringComparison.Ordinal);

    private bool Policies(DeviceSession session, string action, string topic)
    {
        if (policies == null || !policies.AnyFor(action))
        {
            return true;
        }

        var device = session.Device;
        var roles = session.Roles.Cast<object?>().ToList();
        var record = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = device.DeviceId,
            ["tenant"] = device.Tenant,
            ["roles"] = roles,
            ["enabled"] = device.Enabled,
        };
        var principal = new Dictionary<string, object?>(record, StringComparer.Ordinal) { ["kind"] = "device" };
        var request = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["action"] = action,
            ["topic"] = topic,
            ["stream"] = Stream(device.DeviceId, topic),
            ["tenant"] = device.Tenant,
        };
        return policies.Decide(new PolicyRequest(action, principal, record, request, session.Claims)).Allowed;
    }

    /// <summary>The stream of a telemetry topic (<c>devices/{id}/telemetry/{stream}</c>), "" for the default stream and any other topic.</summary>
    private static string Stream(string deviceId, string topic)
    {
        var prefix = $"devices/{deviceId}/telemetry/";
        return topic.StartsWith(prefix, StringComparison.Ordinal) ? topic[prefix.Length..] : string.Empty;
    }
}
