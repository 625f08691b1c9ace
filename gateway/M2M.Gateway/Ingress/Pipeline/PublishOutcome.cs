using M2M.Gateway.Ingress.Packets;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// How a PUBLISH ended: its stable reason (the PUBACK Reason String and the metric label) and the
/// PUBACK reason code, per docs/protocol.md section 9.3. One table, used by every stage.
/// </summary>
public sealed record PublishOutcome(string Reason, ReasonCode Code)
{
    public static readonly PublishOutcome Accepted = new("accepted", ReasonCode.Success);

    /// <summary>Section 8 rule 2: a QoS 1 redelivery of an accepted message.</summary>
    public static readonly PublishOutcome Duplicate = new("duplicate", ReasonCode.Success);

    /// <summary>Section 7.2: the session's deadline was extended.</summary>
    public static readonly PublishOutcome Renewed = new("renewed", ReasonCode.Success);

    public static readonly PublishOutcome MalformedProperties = new("malformed_properties", ReasonCode.ImplementationSpecificError);
    public static readonly PublishOutcome UnsupportedVersion = new("unsupported_version", ReasonCode.ImplementationSpecificError);
    public static readonly PublishOutcome Replayed = new("replayed", ReasonCode.ImplementationSpecificError);
    public static readonly PublishOutcome BadSignature = new("bad_signature", ReasonCode.NotAuthorized);
    public static readonly PublishOutcome TopicNotAllowed = new("topic_not_allowed", ReasonCode.NotAuthorized);
    public static readonly PublishOutcome RenewalRefused = new("renewal_refused", ReasonCode.NotAuthorized);
    public static readonly PublishOutcome TopicInvalid = new("topic_invalid", ReasonCode.TopicNameInvalid);

    /// <summary>
    /// The journal could not make the message durable. Not in section 9.3 because it is not the
    /// device's fault: 0x80 (Unspecified error) without an ack, so the device keeps it and resends.
    /// </summary>
    public static readonly PublishOutcome JournalUnavailable = new("journal_unavailable", ReasonCode.UnspecifiedError);

    /// <summary>True for the outcomes that answer PUBACK 0x00.</summary>
    public bool Succeeded => Code == ReasonCode.Success;
}
