using System.Security.Cryptography;
using System.Text;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// Stage 3: the HS256 signature (RFC 7518 section 3.2) under the device's K_auth (docs/protocol.md
/// section 2.2), compared in constant time. Before any claim is trusted.
/// </summary>
public sealed class VerifyAssertion : IAssertionStage
{
    public ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken)
    {
        var authKey = DeviceKeyDerivation.DeriveAuthKey(context.Credential!.Secret.Span);
        try
        {
            var expected = HMACSHA256.HashData(authKey, Encoding.ASCII.GetBytes(context.SigningInput));
            context.SignatureVerified = CryptographicOperations.FixedTimeEquals(expected, context.Signature);
            return ValueTask.FromResult(context.SignatureVerified ? null : TokenReason.BadSignature);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(authKey);
        }
    }
}
