using System.Collections.Concurrent;
using M2M.Gateway.Ingress.Seams;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Tokens.Revocation;

/// <summary>An access token to revoke: what the store keeps of it (never the token itself).</summary>
/// <param name="TokenId">Its <c>jti</c>.</param>
/// <param name="DeviceId">Its <c>sub</c>.</param>
/// <param name="Tenant">Its <c>tenant</c> claim.</param>
/// <param name="ExpiresAt">Its <c>exp</c>.</param>
public sealed record RevokedToken(string TokenId, string DeviceId, string Tenant, DateTimeOffset ExpiresAt);

/// <summary>
/// The revoked access tokens (RFC 7009 section 2), by <c>jti</c>: durably in an
/// <see cref="IRevocationStore"/> (revoked-tokens.db, or the cluster's PostgreSQL database) so a
/// restart forgets none, and in memory, where every CONNECT, renewal and session revalidation asks.
/// Each is kept until its token's <c>exp</c> + the clock skew (after that the validation refuses the
/// token as expired anyway), then pruned at the next revocation or start. In Cluster mode the store
/// also tells of other nodes' revocations: each joins the set and raises <see cref="TokenRevoked"/>
/// here too, so a session on this node using that token ends.
/// </summary>
public sealed class RevokedTokens : ITokenRevocations, IDisposable
{
    private readonly ConcurrentDictionary<string, long> _revoked = new(StringComparer.Ordinal);
    private readonly IRevocationStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _skew;

    public RevokedTokens(IRevocationStore store, TimeProvider time, IOptions<TokenOptions> options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _time = time;
        _skew = options.Value.ClockSkew;

        // Read here, so a store that cannot be read stops the gateway at start rather than letting a
        // revoked token through.
        foreach (var entry in store.Load(Now()))
        {
            _revoked[entry.TokenId] = entry.RememberUntil;
        }

        store.Watch(OnHeard);
    }

    public event EventHandler<string>? TokenRevoked;

    /// <summary>Number of revocations remembered (expired ones are pruned at the next revocation).</summary>
    public int Count => _revoked.Count;

    public bool IsRevoked(string tokenId) => _revoked.ContainsKey(tokenId);

    /// <summary>
    /// Revokes <paramref name="token"/> durably, then announces it (<see cref="TokenRevoked"/>); false
    /// when it was revoked already. Throws a <see cref="System.Data.Common.DbException"/> when it could not be made durable.
    /// </summary>
    public async Task<bool> RevokeAsync(RevokedToken token, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = Now();
        var rememberUntil = (token.ExpiresAt + _skew).ToUnixTimeSeconds();
        var added = await _store.AddAsync(token, rememberUntil, now, actor, cancellationToken).ConfigureAwait(false);
        Prune(now);
        if (_revoked.TryAdd(token.TokenId, rememberUntil) || added)
        {
            TokenRevoked?.Invoke(this, token.DeviceId);
        }

        return added;
    }

    public void Dispose() => _store.Dispose();

    // Revocations stored by other nodes (a notice, or a reload): each new one ends its sessions here.
    private void OnHeard(IReadOnlyList<RevocationEntry> entries)
    {
        var now = Now();
        Prune(now);
        foreach (var entry in entries)
        {
            if (entry.RememberUntil > now && _revoked.TryAdd(entry.TokenId, entry.RememberUntil))
            {
                TokenRevoked?.Invoke(this, entry.DeviceId);
            }
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Forgets the revocations of tokens that expired (beyond the skew) before <paramref name="now"/>.</summary>
    private void Prune(long now)
    {
        foreach (var (jti, until) in _revoked)
        {
            if (until <= now)
            {
                _revoked.TryRemove(new KeyValuePair<string, long>(jti, until));
            }
        }
    }
}
