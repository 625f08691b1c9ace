using M2M.Gateway.Registry;

namespace M2M.Gateway.Tokens.Assertion;

/// <summary>What the assertion stages learn about one client assertion, in order.</summary>
/// <param name="assertion">The compact JWS as received.</param>
/// <param name="clientId">The request's <c>client_id</c>, if any (section 3.1: it must equal <c>sub</c>).</param>
/// <param name="now">The gateway time the whole check uses.</param>
public sealed class AssertionContext(string assertion, string? clientId, DateTimeOffset now)
{
    public string Assertion { get; } = assertion;

    public string? ClientId { get; } = clientId;

    public DateTimeOffset Now { get; } = now;

    /// <summary>
    /// In-band renewal only: the token endpoint of the trusted issuer whose token opened the session,
    /// accepted as <c>aud</c> besides the gateway's own (docs/protocol.md section 7.2). Never set at the
    /// token endpoint, so an assertion made for another server cannot buy a token here.
    /// </summary>
    public string? RenewalAudience { get; init; }

    /// <summary>The claims, set by <see cref="ReadAssertion"/>.</summary>
    public AssertionClaims? Claims { get; set; }

    /// <summary>The JWS signing input (header.payload, RFC 7515 section 5.1) and signature; set by <see cref="ReadAssertion"/>.</summary>
    public string SigningInput { get; set; } = string.Empty;

    public byte[] Signature { get; set; } = [];

    /// <summary>The assertion's <c>sub</c> once it is a well-formed device id (for the audit log).</summary>
    public string? DeviceId { get; set; }

    /// <summary>Set by <see cref="FindDevice"/>. Holds K_auth: never logged.</summary>
    public DeviceKeys? Keys { get; set; }

    /// <summary>Set by <see cref="VerifyAssertion"/> when the signature verified under a pending S' (section 12.6), not the current S.</summary>
    public PendingAuthKey? PendingSecret { get; set; }

    /// <summary>True once <see cref="VerifyAssertion"/> found the signature made with the device's K_auth.</summary>
    public bool SignatureVerified { get; set; }
}

/// <summary>The claims of section 3.2; times in Unix seconds.</summary>
public sealed record AssertionClaims(string Issuer, string Subject, IReadOnlyList<string> Audiences, string JwtId, long IssuedAt, long ExpiresAt, long? NotBefore)
{
    /// <summary>Longest assertion lifetime, <c>exp - iat</c>, in seconds (section 3.2).</summary>
    public const int MaxLifetimeSeconds = 300;

    /// <summary>Section 3.2 rule 4: <c>0 &lt; exp - iat &lt;= 300</c>; an assertion without it is never accepted.</summary>
    public bool HasAcceptableLifetime => ExpiresAt - IssuedAt is > 0 and <= MaxLifetimeSeconds;
}

/// <summary>One check of a client assertion: null to go on, or the reason it is refused.</summary>
public interface IAssertionStage
{
    ValueTask<TokenReason?> RunAsync(AssertionContext context, CancellationToken cancellationToken);
}
