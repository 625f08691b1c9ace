using M2M.Gateway.Admin;
using M2M.Gateway.Audit;

namespace M2M.Gateway.Access;

/// <summary>
/// The gate of the admin and consumer APIs. Every request carries <c>Authorization: Bearer
/// &lt;API key or access token&gt;</c> (RFC 6750 section 2.1). Without one, or with one no
/// <see cref="IPrincipalSource"/> accepts, the answer is 401 with <c>WWW-Authenticate: Bearer</c>
/// (RFC 6750 section 3; <c>error="invalid_token"</c> when a credential was presented), and a presented
/// wrong credential is audited. Then the endpoint's <see cref="AccessRequirement"/> is judged by
/// <see cref="AdmitPrincipal"/> (role and shared-resource rules, then the expression policies; the
/// handler judges the resource's tenant): 403 with the reason code when refused, also audited. An
/// endpoint without a requirement is refused to everyone.
/// </summary>
internal sealed class AuthenticateRequest(IEnumerable<IPrincipalSource> sources, AdmitPrincipal admit, IAuditLog audit) : IEndpointFilter
{
    /// <summary>The problem code of an endpoint that declares no access requirement.</summary>
    public const string NoAccessRule = "no_access_rule";

    private const string PrincipalItem = "m2m.access.principal";
    private const string CredentialItem = "m2m.access.credential";

    /// <summary>The principal that authenticated the request.</summary>
    public static AccessPrincipal Principal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (AccessPrincipal)context.Items[PrincipalItem]!;
    }

    /// <summary>
    /// True while the request's credential still authenticates the same principal: a long request
    /// (a stream) checks again, so that a revoked or expired key or token ends it.
    /// </summary>
    public static async ValueTask<bool> StillValidAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[CredentialItem] is not (IPrincipalSource source, string bearer))
        {
            return false;
        }

        var result = await source.AuthenticateAsync(bearer, context.RequestAborted).ConfigureAwait(false);
        var before = Principal(context);
        return result.Principal is { } now && now.Id == before.Id && now.Tenant == before.Tenant && now.Roles.SequenceEqual(before.Roles);
    }

    /// <summary>
    /// Makes <paramref name="principal"/>, admitted by <see cref="AdmitPrincipal"/>, the one the admin
    /// API's handlers act for in <paramref name="context"/>: how the console runs those handlers for its
    /// session (one code path per action), its session standing for the bearer credential.
    /// </summary>
    public static void ActAs(HttpContext context, AccessPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[PrincipalItem] = principal;
    }

    /// <summary>The audit actor of the request: its principal's id.</summary>
    public static string Actor(HttpContext context) => Principal(context).Id;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var realm = http.Request.Path.StartsWithSegments("/consumer", StringComparison.Ordinal) ? "m2m-consumer" : "m2m-admin";
        var presented = ReadBearer(http.Request.Headers.Authorization.ToString());
        var source = presented == null ? null : sources.FirstOrDefault(s => s.Accepts(presented));
        var result = source == null ? PrincipalResult.Refused("invalid_key")
            : await source.AuthenticateAsync(presented!, http.RequestAborted).ConfigureAwait(false);
        if (result.Principal is not { } principal)
        {
            if (presented != null)
            {
                audit.Record(new AuditEvent("admin.authenticate", "anonymous", null, result.Reason, http.Connection.RemoteIpAddress?.ToString()));
            }

            http.Response.Headers.WWWAuthenticate = presented == null
                ? $"Bearer realm=\"{realm}\""
                : $"Bearer realm=\"{realm}\", error=\"invalid_token\"";
            return AdminProblems.Problem(StatusCodes.Status401Unauthorized, AdminProblems.Unauthorized, "API key or access token required",
                presented == null ? "Send 'Authorization: Bearer <API key or access token>'." : DescribeRefusal(result.Reason));
        }

        http.Items[PrincipalItem] = principal;
        http.Items[CredentialItem] = (source!, presented!);
        var requirement = http.GetEndpoint()?.Metadata.GetMetadata<AccessRequirement>();
        if (await admit.AdmitAsync(principal, requirement, AccessTarget.Of(http), http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted).ConfigureAwait(false) is { } refusal)
        {
            // RFC 6750 section 3.1: insufficient_scope is the bearer scheme's word for "authenticated, but not allowed".
            http.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{realm}\", error=\"insufficient_scope\"";
            return AccessProblems.Forbidden(refusal);
        }

        return await next(context).ConfigureAwait(false);
    }

    private static string DescribeRefusal(string reason) => reason switch
    {
        "expired_key" => "The API key has expired.",
        "revoked_key" => "The API key was revoked.",
        "invalid_key" => "The API key is not known to this gateway.",
        _ => $"The access token was refused ({reason}).",
    };

    // RFC 7235 section 2.1: the scheme name is case-insensitive.
    internal static string? ReadBearer(string header)
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

/// <summary>The 403 answers of the access policy.</summary>
public static class AccessProblems
{
    /// <summary>The title of every 403 of the access policy.</summary>
    public const string Title = "Forbidden";

    /// <summary>403 with the policy's reason as the problem code.</summary>
    public static IResult Forbidden(string reason) => Forbidden(new AccessRefusal(reason));

    /// <summary>403 for <paramref name="refusal"/>: its reason as the problem code, the refusing expression policy (and its description) in the detail.</summary>
    public static IResult Forbidden(AccessRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return AdminProblems.Problem(StatusCodes.Status403Forbidden, refusal.Reason, Title, refusal.Detail);
    }

    /// <summary>The detail of the 403 for <paramref name="reason"/> (the admin API's and the console's).</summary>
    public static string Detail(string reason) => reason switch
    {
        AccessPolicy.MissingRole => "None of the credential's roles allows this action (docs/admin-api.md, \"Roles and tenants\").",
        AccessPolicy.GlobalScopeRequired => "This concerns every tenant: a tenant-scoped credential may not do it.",
        AccessPolicy.OtherTenant => "The credential is confined to another tenant.",
        AccessPolicy.PolicyDenied => "Refused by an expression policy (docs/policies.md).",
        _ => "This endpoint declares no access rule, so it is refused to everyone.",
    };
}
