using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Tokens;

namespace M2M.Gateway.Tests;

/// <summary>
/// A session remembers the <c>jti</c> of each gateway token it rests on, so revoking one ends it
/// (docs/protocol.md section 7.1); it forgets those that expired more than the largest clock skew
/// before the newest was issued, which the revocation store no longer remembers either, so a session
/// renewed in band for months holds a few, not one per renewal.
/// </summary>
public sealed class ASessionForgetsTokensThatCanNoLongerBeRevokedTests
{
    private static readonly DateTimeOffset Start = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void HourlyRenewalsForAMonthLeaveOnlyTheTokensStillRevocable()
    {
        using var session = new DeviceSession(new DeviceRecord("sensor-1", true, "acme", [], 1, Start, ReadOnlyMemory<byte>.Empty), null, Start.AddHours(1));
        session.AddToken(Token("t0", Start));
        for (var hour = 1; hour <= 24 * 30; hour++)
        {
            session.AddToken(Token($"t{hour}", Start.AddHours(hour).AddMinutes(-10)));
        }

        // Issued 10 minutes before the previous one expired: the previous one is still revocable,
        // the one before expired 50 minutes ago, beyond the largest skew.
        Assert.Equal(["t719", "t720"], session.TokenIds);
    }

    [Fact]
    public void ATokenStillWithinTheSkewOfItsExpiryIsKept()
    {
        using var session = new DeviceSession(new DeviceRecord("sensor-1", true, "acme", [], 1, Start, ReadOnlyMemory<byte>.Empty), null, Start.AddHours(1));
        session.AddToken(Token("first", Start));
        session.AddToken(Token("second", Start.AddHours(1) + TokenOptions.MaxClockSkew));
        session.AddToken(Token("second", Start.AddHours(1) + TokenOptions.MaxClockSkew));
        session.AddToken(CredentialValidation.Valid("sensor-1", null, null, Start.AddHours(3)));

        Assert.Equal(["first", "second"], session.TokenIds);
    }

    private static CredentialValidation Token(string id, DateTimeOffset issuedAt) =>
        new(CredentialStatus.Valid, "ok", "sensor-1", null, null, issuedAt.AddHours(1), 1, issuedAt, TokenId: id);
}
