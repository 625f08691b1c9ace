namespace M2M.Gateway.Tokens.Revocation;

/// <summary>A remembered revocation: the token's <c>jti</c>, its device, and until when it is remembered (Unix seconds).</summary>
public sealed record RevocationEntry(string TokenId, string DeviceId, long RememberUntil);

/// <summary>
/// Where <see cref="RevokedTokens"/> keeps revocations durably: <see cref="SqliteRevocationStore"/>
/// (revoked-tokens.db, one gateway) or <see cref="PostgresRevocationStore"/> (the cluster's database,
/// which also tells every node of another node's revocations at once).
/// </summary>
public interface IRevocationStore : IDisposable
{
    /// <summary>Forgets the revocations remembered until <paramref name="now"/> or earlier and returns the rest. Throws when the store cannot be read.</summary>
    IReadOnlyList<RevocationEntry> Load(long now);

    /// <summary>Stores a revocation durably (forgetting expired ones); false when the token was revoked already.</summary>
    Task<bool> AddAsync(RevokedToken token, long rememberUntil, long now, string actor, CancellationToken cancellationToken);

    /// <summary>
    /// Starts telling <paramref name="heard"/> of revocations stored by other gateways, as they
    /// happen and in periodic full reloads (so a missed notice is bounded). A store only this
    /// gateway writes never calls it.
    /// </summary>
    void Watch(Action<IReadOnlyList<RevocationEntry>> heard);
}
