namespace M2M.Fuzz.Tests;

/// <summary>
/// Found by fuzzing (tests/fuzz/access-token/regressions): a correctly signed access token whose
/// <c>exp</c> or <c>nbf</c> lies outside years 1-9999 made <c>AccessTokenValidator</c> throw
/// (DateTimeOffset.FromUnixTimeSeconds), and an <c>exp</c> at the very end of year 9999 overflowed
/// when the clock skew was added to it; the MQTT CONNECT of whoever sent it failed with an exception
/// instead of a refusal. A NumericDate no date can hold is a malformed token (docs/tokens.md); the
/// skew moves "now" instead of the claim, so the latest date that exists is simply a valid exp.
/// </summary>
public class AccessTokensWithTimesOutsideADatesRangeAreMalformedTests
{
    [Theory]
    [InlineData("exp-beyond-year-9999", "malformed_token")]
    [InlineData("nbf-before-year-1", "malformed_token")]
    [InlineData("exp-at-the-end-of-year-9999", "ok")]
    public void TheTokenGetsAReasonInsteadOfAnException(string input, string reason) =>
        Assert.Equal(reason, FuzzInputs.Replay("access-token", FuzzInputs.Read("access-token", "regressions", input)));
}
