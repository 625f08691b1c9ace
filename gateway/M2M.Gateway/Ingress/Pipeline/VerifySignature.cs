using M2M.Gateway.Telemetry;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 5: m2m-sig is HMAC-SHA256 under the device's K_msg of the exact encoding of
/// docs/protocol.md section 6.2, compared in constant time.
/// </summary>
public sealed class VerifySignature : IPublishStage
{
    public ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var signed = context.Message!;
        var device = context.Session.Device;
        var encoding = SignedMessageEncoding.Encode(device.DeviceId, context.Topic, signed.Epoch, signed.Sequence, signed.Timestamp, context.ContentType, context.Payload);
        var valid = SignedMessageEncoding.VerifySignature(device.MessageKey.Span, encoding, signed.Signature);
        return ValueTask.FromResult(valid ? null : PublishOutcome.BadSignature);
    }
}
