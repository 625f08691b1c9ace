using System.Buffers.Text;
using System.Text.Json;
using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>
/// Console sign-in through an OpenID Connect provider (<see cref="ConsoleOidcOptions"/>): ASP.NET
/// Core's OpenID Connect handler runs the authorization code flow with PKCE (OpenID Connect Core 1.0
/// section 3.1, RFC 7636) and validates the ID token (signature from the provider's JWKS, issuer,
/// audience, nonce); here the validated token's claims become the session's principal, as an API
/// key's roles and tenant do. No token is kept: the browser holds only the console's session cookie.
/// </summary>
public static class ConsoleOidc
{
    /// <summary>The authentication scheme of the provider.</summary>
    public const string Scheme = "m2m-console-oidc";

    /// <summary>Where the provider sends the browser back (under the console's cookie path).</summary>
    public const string CallbackPath = ConsoleExtensions.BasePath + "/signin-oidc";

    /// <summary>The prefix of a person's id in the session and the audit log (<c>oidc:{sub}</c>); API key ids start with <c>ak-</c>.</summary>
    public const string ActorPrefix = "oidc:";

    /// <summary>The refusal when <see cref="ConsoleOidcOptions.TenantClaim"/> is set and the token lacks it.</summary>
    public const string MissingTenant = "missing_tenant";

    /// <summary>Whether a session was opened through the provider (no API key behind it).</summary>
    public static bool IsPerson(string actorId) => actorId.StartsWith(ActorPrefix, StringComparison.Ordinal);

    internal static void Configure(OpenIdConnectOptions options, ConsoleOidcOptions oidc)
    {
        options.Authority = oidc.Authority;
        options.ClientId = oidc.ClientId;
        options.ClientSecret = string.IsNullOrEmpty(oidc.ClientSecret) ? null : oidc.ClientSecret;
        options.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.UsePkce = true;

        // The code comes back in the query of a top-level GET (RFC 6749 section 4.1.2): no page of
        // the provider posts a form to the console.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.CallbackPath = CallbackPath;
        options.SignInScheme = ConsoleSession.Scheme;
        options.SaveTokens = false;
        options.MapInboundClaims = false;
        options.Scope.Clear();
        foreach (var scope in oidc.Scopes.Append("openid").Distinct(StringComparer.Ordinal))
        {
            options.Scope.Add(scope);
        }

        // The correlation and nonce cookies live for the round trip to the provider only; they come
        // back on the provider's redirect, a cross-site navigation, hence SameSite=Lax.
        options.CorrelationCookie.Path = ConsoleExtensions.BasePath;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.Always;
        options.NonceCookie.Path = ConsoleExtensions.BasePath;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.Always;
    }

    /// <summary>
    /// The session principal of a person whose ID token <paramref name="payload"/> (already validated)
    /// carries: the roles the provider grants (mapped to built-in ones), the tenant when one is
    /// configured, or why the person is refused.
    /// </summary>
    public static (AccessPrincipal? Principal, string? Refusal) Map(JsonElement payload, ConsoleOidcOptions oidc)
    {
        ArgumentNullException.ThrowIfNull(oidc);
        if (ClaimPath.Text(payload, oidc.SubjectClaim) is not { } subject)
        {
            return (null, "missing_subject");
        }

        var roles = ClaimPath.Strings(payload, oidc.RolesClaim)
            .Select(r => oidc.RoleMap.TryGetValue(r, out var mapped) ? mapped : r)
            .Where(AccessRoles.IsKnown)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        string? tenant = null;
        if (!string.IsNullOrEmpty(oidc.TenantClaim))
        {
            tenant = ClaimPath.Text(payload, oidc.TenantClaim);
            if (tenant == null || !Registry.DeviceNames.IsValidTenant(tenant))
            {
                return (null, MissingTenant);
            }
        }

        var principal = new AccessPrincipal(ActorPrefix + subject, roles, tenant);

        // As for an API key: a person whose roles may not read devices has nothing to see here.
        var reason = AccessPolicy.Judge(principal, AccessAction.ReadDevices);
        return reason == AccessPolicy.Allowed ? (principal, null) : (null, reason);
    }

    /// <summary>Replaces the handler's principal by the session's, or refuses the sign-in; both audited as <c>console.sign-in</c>.</summary>
    internal static Task TokenValidatedAsync(TokenValidatedContext context, ConsoleOidcOptions oidc, IAuditLog audit)
    {
        var idToken = context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage.IdToken;
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(idToken.Split('.')[1]));
        var (principal, refusal) = Map(payload.RootElement, oidc);
        var remote = context.HttpContext.Connection.RemoteIpAddress?.ToString();
        if (principal == null)
        {
            audit.Record(new AuditEvent("console.sign-in", "oidc", null, refusal!, remote));
            context.Fail(refusal!);
            return Task.CompletedTask;
        }

        context.Principal = ConsoleSession.Principal(principal);
        audit.Record(new AuditEvent("console.sign-in", principal.Id, null, "ok", remote, Tenant: principal.Tenant));
        return Task.CompletedTask;
    }

    /// <summary>A failed round trip (refused person, denied consent, provider error) ends on the sign-in page with its reason.</summary>
    internal static Task RemoteFailureAsync(RemoteFailureContext context)
    {
        var reason = context.Failure?.Message is { Length: > 0 and <= 64 } message && message.All(c => char.IsAsciiLetterLower(c) || c == '_') ? message : "oidc_failed";
        context.Response.Redirect($"{ConsoleExtensions.BasePath}/sign-in?error={reason}");
        context.HandleResponse();
        return Task.CompletedTask;
    }
}
