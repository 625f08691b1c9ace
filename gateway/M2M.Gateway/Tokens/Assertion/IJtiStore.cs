namespace M2M.Gateway.Tokens.Assertion;

/// <summary>
/// The assertion ids already used, per device (docs/protocol.md section 3.2 rule 5; RFC 7523
/// section 3 item 7): <see cref="JtiStore"/> (jti.db, one gateway) or
/// <see cref="PostgresJtiStore"/> (every node of a cluster).
/// </summary>
public interface IJtiStore
{
    /// <summary>
    /// Records <paramref name="jti"/> for the device until <paramref name="rememberUntil"/>; false when
    /// it was used before. Completes once the decision is durable; throws a
    /// <see cref="System.Data.Common.DbException"/> or <see cref="IOException"/> when it could not be
    /// made durable (then nothing was spent).
    /// </summary>
    Task<bool> TryConsumeAsync(string deviceId, string jti, DateTimeOffset now, DateTimeOffset rememberUntil, CancellationToken cancellationToken);
}
