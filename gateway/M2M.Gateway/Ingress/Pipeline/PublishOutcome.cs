using M2M.Gateway.Ingress.Packets;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// How a PUBLISH ended: its stable reason (the Reason String and the metric label) and the MQTT
/// reason code, per docs/protocol.md section 9.3. One table, used by every stage.
/// <see cref="Acknowledged"/> is false for the outcomes that are not the message's fault: a PUBACK
/// with any reason code ends the QoS 1 exchange (MQTT 5 section 4.3.2) and a device whose MQTT client
/// cannot read the code (nanoFramework's M2Mqtt) would drop the message, so those end the connection
/// with a DISCONNECT carrying <see cref="Code"/> instead, and the device resends the message on its
/// next connection (section 8 rule 2 recognises what was already journaled).
/// </summary>
public sealed record PublishOutcome(string Reason, ReasonCode Code, bool Acknowledged = true)
{
    public static readonly PublishOutcome Accepted = new("accepted", ReasonCode.Success);

    /// <summary>Section 8 rule 2: a resend of an accepted message.</summary>
    public static readonly PublishOutcome Duplicate = new("duplicate", ReasonCode.Success);

    /// <summary>Section 7.2: the session's deadline was extended.</summary>
    public static readonly PublishOutcome Renewed = new("renewed", ReasonCode.Success);

    /// <summary>Section 11.3: a command result verified and recorded, or a resend of one.</summary>
    public static readonly PublishOutcome CommandResultRecorded = new("command_result", ReasonCode.Success);
    public static readonly PublishOutcome CommandResultDuplicate = new("command_result_duplicate", ReasonCode.Success);

    /// <summary>Section 11.3: a result for no command sent to this device, or not in the result layout.</summary>
    public static readonly PublishOutcome UnknownCommand = new("unknown_command", ReasonCode.ImplementationSpecificError);
    public static readonly PublishOutcome MalformedResult = new("malformed_result", ReasonCode.ImplementationSpecificError);

    /// <summary>The command store failed: DISCONNECT 0x80, never a PUBACK; the device answers again when the command comes again.</summary>
    public static readonly PublishOutcome CommandsUnavailable = new("commands_unavailable", ReasonCode.UnspecifiedError, Acknowledged: false);

    public static readonly PublishOutcome MalformedProperties = new("malformed_properties", ReasonCode.ImplementationSpecificError);
    public static readonly PublishOutcome UnsupportedVersion = new("unsupported_version", ReasonCode.ImplementationSpecificError);
    public static readonly PublishOutcome Replayed = new("replayed", ReasonCode.ImplementationSpecificError);
    public static readonly PublishOutcome TimestampOutOfRange = new("timestamp_out_of_range", ReasonCode.ImplementationSpecificError);
    public static readonly PublishOutcome BadSignature = new("bad_signature", ReasonCode.NotAuthorized);
    public static readonly PublishOutcome TopicNotAllowed = new("topic_not_allowed", ReasonCode.NotAuthorized);
    public static readonly PublishOutcome RenewalRefused = new("renewal_refused", ReasonCode.NotAuthorized);
    public static readonly PublishOutcome TopicInvalid = new("topic_invalid", ReasonCode.TopicNameInvalid);

    /// <summary>The journal could not make the message durable: DISCONNECT 0x80, never a PUBACK.</summary>
    public static readonly PublishOutcome JournalUnavailable = new("journal_unavailable", ReasonCode.UnspecifiedError, Acknowledged: false);

    /// <summary>A stage failed unexpectedly (a bug): DISCONNECT 0x80, never a PUBACK.</summary>
    public static readonly PublishOutcome InternalError = new("internal_error", ReasonCode.UnspecifiedError, Acknowledged: false);

    /// <summary>The journal took the message; the outcome follows when the writer has judged it.</summary>
    public static readonly PublishOutcome Journaling = new("journaling", ReasonCode.Success);

    /// <summary>True for the outcomes that answer PUBACK 0x00.</summary>
    public bool Succeeded => Code == ReasonCode.Success;
}
