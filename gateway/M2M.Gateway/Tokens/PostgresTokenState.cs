namespace M2M.Gateway.Tokens;

/// <summary>
/// The token service's shared state in Cluster mode (docs/scaling.md): part <see cref="Part"/> of
/// the PostgreSQL migrations. It holds what jti.db and revoked-tokens.db hold on one node, so an
/// assertion spent at one gateway is spent at all, and a token revoked at one is refused by all.
/// </summary>
public static class PostgresTokenState
{
    /// <summary>The part name in <c>m2m_schema</c>.</summary>
    public const string Part = "tokens";

    /// <summary>The channel of PostgreSQL notifications that tell every node of a revocation (payload: JSON jti, device, until).</summary>
    public const string RevokedChannel = "m2m_revoked_tokens";

    /// <summary>Forward migrations; only ever append.</summary>
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: used client-assertion ids per device, each until its assertion's exp + skew (Unix
        // seconds), and revoked access tokens by jti, each until its token's exp + skew.
        """
        CREATE TABLE used_jti (
            device_id text COLLATE "C" NOT NULL,
            jti text COLLATE "C" NOT NULL,
            expires_at bigint NOT NULL,
            PRIMARY KEY (device_id, jti)
        );
        CREATE INDEX used_jti_expiry ON used_jti (expires_at);
        CREATE TABLE revoked_tokens (
            jti text COLLATE "C" NOT NULL PRIMARY KEY,
            device_id text NOT NULL,
            tenant text NOT NULL,
            remember_until bigint NOT NULL,
            revoked_at bigint NOT NULL,
            revoked_by text NOT NULL
        );
        """,
    ];
}
