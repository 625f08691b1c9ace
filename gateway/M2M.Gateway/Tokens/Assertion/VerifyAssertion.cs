using System.Security.Cryptography;
using System.Text;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Stage 3: the HS256 signature (RFC 7518 section 3.2) under the device's K_auth (docs/protocol.md
/// section 2.2), compared in constant time. Before any claim is trusted. When it does not verify and
/// the device has a pending secret S' from an over-the-air rotation (section 12.6), the signature is
/// checked under K_auth of S' too; <see cref="PromotePendingSecret"/> makes S' current once every
/// other stage accepted the assertion.
/// </summary>
public sealed class VerifyAssertion(IPendingCredentials? pending = null) : IAssertionStage
{
    public async ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken)
    {
        var signingInput = Encoding.ASCII.GetBytes(context.SigningInput);
        context.SignatureVerified = Verifies(context.Keys!.AuthKey.Span, signingInput, context.Signature);
        if (!context.SignatureVerified && pending != null)
        {
            var candidate = await pending.FindPendingAuthKeyAsync(context.Keys.Device, cancellationToken).ConfigureAwait(false);
            if (candidate != null)
            {
                context.SignatureVerified = Verifies(candidate.AuthKey, signingInput, context.Signature);
                context.PendingSecret = context.SignatureVerified ? candidate : null;
                CryptographicOperations.ZeroMemory(candidate.AuthKey);
            }
        }

        return context.SignatureVerified ? null : TokenReason.BadSignature;
    }

    private static bool Verifies(ReadOnlySpan<byte> key, byte[] signingInput, byte[] signature)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, signingInput, expected);
        return CryptographicOperations.FixedTimeEquals(expected, signature);
    }
}
