using System.Security.Cryptography;
using System.Text;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Stage 3: the HS256 signature (RFC 7518 section 3.2) under the device's K_auth (docs/protocol.md
/// section 2.2), compared in constant time. Before any claim is trusted.
/// </summary>
public sealed class VerifyAssertion : IAssertionStage
{
    public ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(context.Keys!.AuthKey.Span, Encoding.ASCII.GetBytes(context.SigningInput), expected);
        context.SignatureVerified = CryptographicOperations.FixedTimeEquals(expected, context.Signature);
        return ValueTask.FromResult(context.SignatureVerified ? null : TokenReason.BadSignature);
    }
}
