namespace M2M.Gateway.Ingress.Authorization;

/// <summary>
/// Configuration section <c>Gateway:Mqtt:Authorization</c>. Topic filters may use MQTT wildcards
/// and the placeholders <c>{id}</c> (the device id) and <c>{tenant}</c> (the token's tenant).
/// The defaults are docs/protocol.md section 5.2; <see cref="Rules"/> widen or narrow them by tenant and role.
/// </summary>
public sealed class TopicPolicyOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:Mqtt:Authorization";

    /// <summary>Topics every device may publish to; null means the protocol's defaults.</summary>
    public List<string>? Publish { get; set; }

    /// <summary>Topic filters every device may subscribe to; null means the protocol's defaults.</summary>
    public List<string>? Subscribe { get; set; }

    /// <summary>Extra grants and denials for devices of a tenant and/or role.</summary>
    public List<TopicRule> Rules { get; set; } = [];

    /// <summary>docs/protocol.md section 5.2: own telemetry (and streams), own auth topic, own command results.</summary>
    public static readonly IReadOnlyList<string> DefaultPublish = ["devices/{id}/telemetry", "devices/{id}/telemetry/+", "devices/{id}/auth", "devices/{id}/command-results"];

    /// <summary>docs/protocol.md section 5.2: own command topics.</summary>
    public static readonly IReadOnlyList<string> DefaultSubscribe = ["devices/{id}/commands/#"];
}

/// <summary>
/// A rule that applies to devices whose tenant equals <see cref="Tenant"/> (when set) and that hold
/// <see cref="Role"/> (when set). Denials win over grants.
/// </summary>
public sealed class TopicRule
{
    /// <summary>Tenant the rule applies to; null for every tenant.</summary>
    public string? Tenant { get; set; }

    /// <summary>Role the rule applies to; null for every role.</summary>
    public string? Role { get; set; }

    /// <summary>Topic filters additionally allowed for publishing.</summary>
    public List<string> Publish { get; set; } = [];

    /// <summary>Topic filters additionally allowed for subscribing.</summary>
    public List<string> Subscribe { get; set; } = [];

    /// <summary>Topic filters refused for publishing even if granted elsewhere.</summary>
    public List<string> DenyPublish { get; set; } = [];

    /// <summary>Topic filters refused for subscribing even if granted elsewhere.</summary>
    public List<string> DenySubscribe { get; set; } = [];
}
