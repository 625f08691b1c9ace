namespace M2M.Fuzz.Tests;

/// <summary>
/// Found by fuzzing (tests/fuzz/token-request/regressions/assertion-claim-of-ill-formed-utf8): a
/// client assertion whose base64url payload decodes to a JSON string of bytes that are not UTF-8
/// made <c>ReadAssertion</c> throw (JsonDocument parses such a string and throws only when it is
/// read), so an unauthenticated request got a 500 from the token endpoint. It is a malformed
/// assertion (docs/protocol.md section 9.1: 400 invalid_request).
/// </summary>
public class AssertionsWithIllFormedUtf8ClaimsAreMalformedTests
{
    [Fact]
    public void TheAssertionIsRefusedAsMalformed() =>
        Assert.Equal("malformed_assertion", FuzzInputs.Replay("token-request", FuzzInputs.Read("token-request", "regressions", "assertion-claim-of-ill-formed-utf8")));
}
