namespace M2M.Fuzz.Tests;

/// <summary>
/// Found by fuzzing (tests/fuzz/access-token/regressions/claims-followed-by-bytes): a correctly
/// signed access token whose payload is a JSON object followed by more bytes passed
/// Microsoft.IdentityModel (its reader stops after the first value) and made
/// <c>AccessTokenValidator</c> throw when it read the claims itself, so the CONNECT carrying it
/// failed with an exception instead of a refusal. The payload must be one JSON object (RFC 7519
/// section 7.2): such a token is malformed.
/// </summary>
public class SignedAccessTokensWithBytesAfterTheClaimsAreMalformedTests
{
    [Fact]
    public void TheTokenIsRefusedAsMalformed() =>
        Assert.Equal("malformed_token", FuzzInputs.Replay("access-token", FuzzInputs.Read("access-token", "regressions", "claims-followed-by-bytes")));
}
