namespace M2M.Gateway.Ingress.Seams;

/// <summary>How a credential check ended.</summary>
public enum CredentialStatus
{
    /// <summary>The credential is valid.</summary>
    Valid,

    /// <summary>The credential does not validate (signature, issuer, audience, lifetime, reuse...).</summary>
    Invalid,

    /// <summary>The gateway cannot check it right now (registry or issuer unreachable): MQTT 0x88.</summary>
    Unavailable,
}

/// <summary>
/// The outcome of validating an access token (docs/protocol.md section 4) or a client assertion
/// (section 3.2). <see cref="Reason"/> is a stable label for metrics and logs, never a secret. A valid
/// access token also says what binds it to a registration (<see cref="CredentialGeneration"/> or
/// <see cref="IssuedAt"/>); the ingress checks that binding against the device directory.
/// </summary>
/// <param name="Status">Valid, invalid or unavailable.</param>
/// <param name="Reason">A stable reason label (e.g. "expired", "bad_signature"); "ok" when valid.</param>
/// <param name="DeviceId">The device the credential names (the token's or assertion's <c>sub</c>).</param>
/// <param name="Tenant">
/// The tenant a trusted external issuer's token names in its configured tenant claim: it must equal
/// the directory's. Null when the token has no say (the gateway's own tokens, client assertions, an
/// issuer without a tenant claim): the directory's tenant applies either way.
/// </param>
/// <param name="Roles">
/// The roles a trusted external issuer's token names in its configured roles claim: the session's
/// roles are the directory's narrowed to these. Null when the token has no say.
/// </param>
/// <param name="ExpiresAt">
/// For an access token its <c>exp</c>. For a client assertion the deadline a token issued now would
/// get (now + the access-token lifetime, docs/protocol.md section 7.2), so that lifetime is
/// configured in one place, the token service.
/// </param>
/// <param name="CredentialGeneration">
/// The gateway's own access token's <c>m2m_gen</c>: the credential generation it was issued for.
/// Null for tokens of trusted external issuers and for client assertions.
/// </param>
/// <param name="IssuedAt">An access token's <c>iat</c>; null for a client assertion.</param>
/// <param name="ExternalIssuer">
/// The trusted external issuer whose token this is (its <c>iss</c>); null for the gateway's own
/// tokens and for client assertions. In-band renewal of its session may name that issuer's token
/// endpoint (docs/protocol.md section 7.2).
/// </param>
/// <param name="TokenId">
/// The gateway's own access token's <c>jti</c>, by which it can be revoked (RFC 7009): a session
/// remembers it, and ends when it is revoked. Null for other credentials.
/// </param>
public sealed record CredentialValidation(
    CredentialStatus Status,
    string Reason,
    string? DeviceId,
    string? Tenant,
    IReadOnlyList<string>? Roles,
    DateTimeOffset ExpiresAt,
    long? CredentialGeneration = null,
    DateTimeOffset? IssuedAt = null,
    string? ExternalIssuer = null,
    string? TokenId = null)
{
    /// <summary>
    /// An access token's claims as CEL values (strings, 64-bit integers, doubles, booleans, lists,
    /// maps), for the expression policies (docs/policies.md); null for a client assertion.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Claims { get; init; }

    /// <summary>
    /// For a token the gateway issued to a service client (docs/tokens.md, "Service clients"): the
    /// client's id; <see cref="DeviceId"/> is then null, <see cref="Tenant"/> and <see cref="Roles"/>
    /// are the token's. Such a token is refused wherever a device's is expected (MQTT).
    /// </summary>
    public string? ServiceClientId { get; init; }

    /// <summary>True when <see cref="Status"/> is <see cref="CredentialStatus.Valid"/>.</summary>
    public bool Succeeded => Status == CredentialStatus.Valid;

    /// <summary>A valid credential that carries no binding of its own (a client assertion: it is bound by its key).</summary>
    public static CredentialValidation Valid(string deviceId, string? tenant, IReadOnlyList<string>? roles, DateTimeOffset expiresAt) =>
        new(CredentialStatus.Valid, "ok", deviceId, tenant, roles, expiresAt);

    /// <summary>A valid access token of the gateway's own issuer, bound to the credential generation it names.</summary>
    public static CredentialValidation OwnToken(string deviceId, long credentialGeneration, DateTimeOffset issuedAt, DateTimeOffset expiresAt, string tokenId) =>
        new(CredentialStatus.Valid, "ok", deviceId, null, null, expiresAt, credentialGeneration, issuedAt, TokenId: tokenId);

    /// <summary>A valid access token the gateway issued to a service client, bound to the generation of its secret.</summary>
    public static CredentialValidation ServiceToken(string clientId, string? tenant, IReadOnlyList<string> roles, long generation, DateTimeOffset issuedAt, DateTimeOffset expiresAt, string tokenId) =>
        new(CredentialStatus.Valid, "ok", null, tenant, roles, expiresAt, generation, issuedAt, TokenId: tokenId) { ServiceClientId = clientId };

    /// <summary>A valid access token of a trusted external issuer, bound by its <c>iat</c>.</summary>
    public static CredentialValidation ExternalToken(string deviceId, string? tenant, IReadOnlyList<string>? roles, DateTimeOffset issuedAt, DateTimeOffset expiresAt, string issuer) =>
        new(CredentialStatus.Valid, "ok", deviceId, tenant, roles, expiresAt, null, issuedAt, issuer);

    /// <summary>A refused credential with its stable reason.</summary>
    public static CredentialValidation Invalid(string reason) =>
        new(CredentialStatus.Invalid, reason, null, null, null, DateTimeOffset.MinValue);

    /// <summary>A credential that could not be checked now.</summary>
    public static CredentialValidation Unavailable(string reason) =>
        new(CredentialStatus.Unavailable, reason, null, null, null, DateTimeOffset.MinValue);
}
