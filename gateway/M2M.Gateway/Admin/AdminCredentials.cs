using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Registry;

namespace M2M.Gateway.Admin;

/// <summary>What tells API keys and service clients apart in the admin API's answers and audit lines.</summary>
/// <param name="Audit">The audit actions' prefix (<c>key</c>: <c>key.create</c>...).</param>
/// <param name="Noun">The thing, for problem details (<c>API key</c>).</param>
/// <param name="NotFound">The 404 problem code.</param>
/// <param name="Revoked">The 409 problem code of a revoked one.</param>
internal sealed record CredentialKind(string Audit, string Noun, string NotFound, string Revoked);

/// <summary>
/// What the admin API's API keys (docs/admin-api.md, "API keys") and service clients ("Service
/// clients") share, since both are stored alike (<see cref="HashedCredentialStore"/>): the checks of a
/// new one's name, roles, tenant and expiry, the tenant rule (a tenant-scoped admin sees and changes
/// only its tenant's; another tenant's, and every global one, is answered as absent), the answers to
/// a change, and the audit line of every action.
/// </summary>
internal static class AdminCredentials
{
    /// <summary>Why a new one's name, roles, tenant or expiry is refused (code and detail), or null.</summary>
    public static (string Code, string Detail)? Validate(CredentialKind kind, string? name, IReadOnlyList<string>? roles, string? tenant, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > ApiKeyStore.MaxName || name.Any(char.IsControl))
        {
            return (AdminProblems.InvalidName, $"The name of an {kind.Noun} is 1 to {ApiKeyStore.MaxName} characters without control characters.");
        }

        if (roles is not { Count: > 0 } || roles.Distinct(StringComparer.Ordinal).Count() != roles.Count || !roles.All(AccessRoles.IsKnown))
        {
            return (AdminProblems.InvalidRoles, $"An {kind.Noun} has one or more distinct roles among: {string.Join(", ", AccessRoles.All)}.");
        }

        if (tenant != null && !DeviceNames.IsValidTenant(tenant))
        {
            return (AdminProblems.InvalidTenant, "A tenant is 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-'.");
        }

        return expiresAt <= now
            ? (AdminProblems.InvalidExpiry, "expiresAt is in the past; omit it for one that does not expire.")
            : null;
    }

    /// <summary>The record, when it exists and the principal may do <paramref name="action"/> on it; null otherwise (answered 404 alike).</summary>
    public static async Task<ApiKey?> FindAsync(HashedCredentialStore store, string id, AccessAction action, HttpContext context, AccessPolicy policy)
    {
        var key = await store.FindAsync(id, context.RequestAborted).ConfigureAwait(false);
        var principal = AuthenticateRequest.Principal(context);
        if (key == null)
        {
            return null;
        }

        var decision = action == AccessAction.ManageKeys ? policy.MayManageKey(principal, key.Tenant) : policy.Decide(principal, action, key.Tenant);

        // A tenant-scoped principal does not see global ones either.
        return decision.IsAllowed && (principal.IsGlobal || key.Tenant != null) ? key : null;
    }

    /// <summary>Answers a change with the changed record as <paramref name="describe"/> shows it, or its problem; audited.</summary>
    public static async Task<IResult> AnswerWithRecordAsync<T>(CredentialKind kind, string action, string id, ApiKey? key, KeyChange change, HttpContext context, HashedCredentialStore store, IAuditLog audit, Func<ApiKey, T> describe)
    {
        var changed = change == KeyChange.Done ? await store.FindAsync(id, context.RequestAborted).ConfigureAwait(false) : null;
        return Answer(kind, action, id, key, change, context, audit, () => describe(changed!));
    }

    /// <summary>Answers a change: 200 with <paramref name="body"/>, or 404, or 409; audited.</summary>
    public static IResult Answer<T>(CredentialKind kind, string action, string id, ApiKey? key, KeyChange change, HttpContext context, IAuditLog audit, Func<T> body)
    {
        var (result, outcome) = change switch
        {
            KeyChange.Done => (Results.Ok(body()), "ok"),
            KeyChange.Revoked => (AdminProblems.Problem(StatusCodes.Status409Conflict, kind.Revoked, $"{kind.Noun} revoked", $"The {kind.Noun} '{id}' is revoked; create a new one."), kind.Revoked),
            KeyChange.LastAdminKey => (AdminProblems.Problem(StatusCodes.Status409Conflict, AdminProblems.LastAdminKey, "Last admin key",
                $"'{id}' is the last active global admin key: create another global admin key first (m2m key create --role admin), or nobody could manage the gateway."), AdminProblems.LastAdminKey),
            _ => (NotFound(kind, id), kind.NotFound),
        };
        Audit(audit, context, $"{kind.Audit}.{action}", id, key?.Tenant, outcome);
        return result;
    }

    /// <summary>404 for an id that is absent or outside the principal's scope.</summary>
    public static IResult NotFound(CredentialKind kind, string id) =>
        AdminProblems.Problem(StatusCodes.Status404NotFound, kind.NotFound, $"{kind.Noun} not found", $"No {kind.Noun} '{id}' is known.");

    /// <summary>The audit line of an action on a key or client (its id as target when it has the form of one, its tenant).</summary>
    public static void Audit(IAuditLog audit, HttpContext context, string action, string? id, string? tenant, string outcome) =>
        audit.Record(new AuditEvent(action, AuthenticateRequest.Actor(context), null, outcome, context.Connection.RemoteIpAddress?.ToString(),
            id != null && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? id : null,
            DeviceNames.IsValidTenant(tenant) ? tenant : null));
}
