namespace M2M.Gateway.Policies;

/// <summary>
/// One expression policy (configuration array <c>Gateway:Policies</c>, docs/policies.md): a CEL
/// expression that must be true for the requests it applies to. Policies are judged after the
/// built-in rules (topic rules, roles and tenants) and can only refuse what those allow.
/// </summary>
public sealed class PolicyOptions
{
    /// <summary>The configuration section (an array).</summary>
    public const string Section = "Gateway:Policies";

    /// <summary>The policy's name: the metric label and what a refusal names. Unique; <c>a-z 0-9 - _ .</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// The actions it applies to (docs/policies.md, "Actions"): <c>mqtt.publish</c>,
    /// <c>mqtt.subscribe</c>, or an HTTP API action such as <c>devices.delete</c>; a trailing
    /// <c>*</c> matches a prefix (<c>mqtt.*</c>, <c>*</c>).
    /// </summary>
    public List<string> Actions { get; set; } = [];

    /// <summary>The CEL expression; true allows, false refuses. It may span lines.</summary>
    public string Expression { get; set; } = string.Empty;

    /// <summary>Optional: why it refuses, for the operator (docs, <c>m2m policies list</c>).</summary>
    public string? Description { get; set; }
}
