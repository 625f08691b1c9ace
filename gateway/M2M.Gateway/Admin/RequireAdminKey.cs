using M2M.Gateway.Audit;

namespace M2M.Gateway.Admin;

/// <summary>
/// Every admin endpoint requires <c>Authorization: Bearer &lt;admin key&gt;</c> (RFC 6750 section 2.1).
/// Without a key, or with a wrong one, the answer is 401 with <c>WWW-Authenticate: Bearer</c>
/// (RFC 6750 section 3; <c>error="invalid_token"</c> when a key was presented), and a presented wrong
/// key is audited. The authenticated key's id is the actor of the audit events.
/// </summary>
internal sealed class RequireAdminKey(AdminKeyStore store, IAuditLog audit) : IEndpointFilter
{
    private const string ActorItem = "m2m.admin.actor";
    private const string Realm = "m2m-admin";

    /// <summary>The id of the admin key that authenticated the request.</summary>
    public static string Actor(HttpContext context) => (string)context.Items[ActorItem]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var presented = ReadBearer(http.Request.Headers.Authorization.ToString());
        var keyId = presented == null ? null : await store.AuthenticateAsync(presented, http.RequestAborted).ConfigureAwait(false);
        if (keyId == null)
        {
            if (presented != null)
            {
                audit.Record(new AuditEvent("admin.authenticate", "anonymous", null, "invalid_key", http.Connection.RemoteIpAddress?.ToString()));
            }

            http.Response.Headers.WWWAuthenticate = presented == null
                ? $"Bearer realm=\"{Realm}\""
                : $"Bearer realm=\"{Realm}\", error=\"invalid_token\"";
            return AdminProblems.Problem(StatusCodes.Status401Unauthorized, AdminProblems.Unauthorized, "Admin API key required",
                "Send 'Authorization: Bearer <admin key>'.");
        }

        http.Items[ActorItem] = keyId;
        return await next(context).ConfigureAwait(false);
    }

    // RFC 7235 section 2.1: the scheme name is case-insensitive.
    private static string? ReadBearer(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
