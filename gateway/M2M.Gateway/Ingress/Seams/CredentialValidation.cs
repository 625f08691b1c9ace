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
/// (section 3.2). <see cref="Reason"/> is a stable label for metrics and logs, never a secret.
/// </summary>
/// <param name="Status">Valid, invalid or unavailable.</param>
/// <param name="Reason">A stable reason label (e.g. "expired", "bad_signature"); "ok" when valid.</param>
/// <param name="DeviceId">The device the credential names (the token's or assertion's <c>sub</c>).</param>
/// <param name="Tenant">The token's tenant claim; null for a client assertion (the directory is asked).</param>
/// <param name="Roles">The token's roles; empty for a client assertion.</param>
/// <param name="ExpiresAt">
/// For an access token its <c>exp</c>. For a client assertion the deadline a token issued now would
/// get (now + the access-token lifetime, docs/protocol.md section 7.2), so that lifetime is
/// configured in one place, the token service.
/// </param>
public sealed record CredentialValidation(
    CredentialStatus Status,
    string Reason,
    string? DeviceId,
    string? Tenant,
    IReadOnlyList<string> Roles,
    DateTimeOffset ExpiresAt)
{
    /// <summary>True when <see cref="Status"/> is <see cref="CredentialStatus.Valid"/>.</summary>
    public bool Succeeded => Status == CredentialStatus.Valid;

    /// <summary>A valid credential.</summary>
    public static CredentialValidation Valid(string deviceId, string? tenant, IReadOnlyList<string> roles, DateTimeOffset expiresAt) =>
        new(CredentialStatus.Valid, "ok", deviceId, tenant, roles, expiresAt);

    /// <summary>A refused credential with its stable reason.</summary>
    public static CredentialValidation Invalid(string reason) =>
        new(CredentialStatus.Invalid, reason, null, null, [], DateTimeOffset.MinValue);

    /// <summary>A credential that could not be checked now.</summary>
    public static CredentialValidation Unavailable(string reason) =>
        new(CredentialStatus.Unavailable, reason, null, null, [], DateTimeOffset.MinValue);
}
