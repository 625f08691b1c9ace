using Microsoft.Extensions.Options;

namespace M2M.Gateway.Ingress.Authorization;

/// <summary>Decides which topics a device may publish to and subscribe to (docs/protocol.md section 5.2).</summary>
public sealed class TopicPolicy(IOptions<TopicPolicyOptions> options)
{
    private readonly TopicPolicyOptions _options = options.Value;

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
}
