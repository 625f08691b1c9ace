using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Journal;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>The m2m user properties of a telemetry PUBLISH, parsed (docs/protocol.md section 6.1).</summary>
/// <param name="Epoch">m2m-epoch.</param>
/// <param name="Sequence">m2m-seq.</param>
/// <param name="Timestamp">m2m-ts, Unix milliseconds, 0 when unknown.</param>
/// <param name="Signature">m2m-sig decoded: the 32 bytes of the HMAC.</param>
/// <param name="SignatureText">m2m-sig as sent (base64url), kept with the record.</param>
public sealed record SignedMessage(uint Epoch, uint Sequence, long Timestamp, byte[] Signature, string SignatureText);

/// <summary>One PUBLISH travelling through the stages of <see cref="PublishPipeline"/>, and then waiting for its PUBACK.</summary>
public sealed class PublishContext(DeviceSession session, PublishPacket packet, IJournalWaiter? waiter = null)
{
    /// <summary>When it was read off the socket (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</summary>
    public long ReceivedAt { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>The session that sent it.</summary>
    public DeviceSession Session { get; } = session;

    /// <summary>The decoded packet.</summary>
    public PublishPacket Packet { get; } = packet;

    /// <summary>Who the journal tells when the message is durable (the connection).</summary>
    public IJournalWaiter? Waiter { get; } = waiter;

    /// <summary>The exact PUBLISH topic.</summary>
    public string Topic => Packet.Topic;

    /// <summary>The exact payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload => Packet.Payload;

    /// <summary>The Content Type property, or null.</summary>
    public string? ContentType => Packet.ContentType;

    /// <summary>Set by <see cref="ExtractSignedMessage"/>.</summary>
    public SignedMessage? Message { get; set; }

    /// <summary>How it ended; null while the journal has it.</summary>
    public PublishOutcome? Outcome { get; set; }
}

/// <summary>One named stage: either the PUBLISH goes on (null) or it ends with an outcome.</summary>
public interface IPublishStage
{
    /// <summary>Runs the stage; returns null to continue with the next stage.</summary>
    ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken);
}
