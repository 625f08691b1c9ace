using System.Buffers;
using System.Security.Cryptography;
using M2M.Gateway.Telemetry;

namespace M2M.Gateway.Ingress.Pipeline;

/// <summary>
/// Stage 5: m2m-sig is HMAC-SHA256 under the device's K_msg of the exact encoding of
/// docs/protocol.md section 6.2, compared in constant time. The HMAC context lives with the session
/// (<see cref="Sessions.DeviceSession.MessageMac"/>), so a busy device does not create and free one
/// per message; the encoding is built in a stack or pooled buffer.
/// </summary>
public sealed class VerifySignature : IPublishStage
{
    // Encodings up to this size are built on the stack.
    private const int StackLimit = 1024;

    public ValueTask<PublishOutcome?> RunAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var signed = context.Message!;
        var session = context.Session;
        var device = session.Device;
        var length = SignedMessageEncoding.GetLength(device.DeviceId, context.Topic, context.ContentType, context.Payload.Length);
        byte[]? rented = null;
        var encoding = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        encoding = encoding[..length];
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        try
        {
            SignedMessageEncoding.Write(encoding, device.DeviceId, context.Topic, signed.Epoch, signed.Sequence, signed.Timestamp, context.ContentType, context.Payload.Span);
            var mac = session.MessageMac(device);
            mac.AppendData(encoding);
            mac.GetHashAndReset(expected);
        }
        finally
        {
            if (rented != null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        var valid = CryptographicOperations.FixedTimeEquals(expected, signed.Signature);
        return ValueTask.FromResult(valid ? null : PublishOutcome.BadSignature);
    }
}
