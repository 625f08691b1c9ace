using M2M.Gateway.Ingress.Sessions;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>The m2m user properties of a telemetry PUBLISH, parsed (docs/protocol.md section 6.1).</summary>
public sealed record SignedMessage(uint Epoch, uint Sequence, long Timestamp, byte[] Signature, string SignatureText);

/// <summary>One PUBLISH travelling through the stages of <see cref="PublishPipeline"/>.</summary>
public sealed class PublishContext(DeviceSession session, string topic, byte[] payload, string? contentType, IReadOnlyList<(string Name, string Value)> userProperties) : IDisposable
{
    /// <summary>The session that sent it.</summary>
    public DeviceSession Session { get; } = session;

    /// <summary>The exact PUBLISH topic.</summary>
    public string Topic { get; } = topic;

    /// <summary>The exact payload bytes.</summary>
    public byte[] Payload { get; } = payload;

    /// <summary>The Content Type property, or null.</summary>
    public string? ContentType { get; } = contentType;

    /// <summary>The User Properties in the order they were sent.</summary>
    public IReadOnlyList<(string Name, string Value)> UserProperties { get; } = userProperties;

    /// <summary>Set by <see cref="ExtractSignedMessage"/>.</summary>
    public SignedMessage? Message { get; set; }

    /// <summary>Held from <see cref="CheckReplay"/> until the pipeline ends, so a device's check and append are atomic.</summary>
    public IDisposable? DeviceLock { get; set; }

    public void Dispose() => DeviceLock?.Dispose();
}

/// <summary>One named stage: either the PUBLISH goes on (null) or it ends with an outcome.</summary>
public interface IPublishStage
{
    /// <summary>Runs the stage; returns null to continue with the next stage.</summary>
    ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken);
}
