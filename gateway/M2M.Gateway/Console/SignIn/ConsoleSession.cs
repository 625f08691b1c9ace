using System.Security.Claims;
using M2M.Gateway.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>
/// The console's session: after sign-in, an encrypted cookie (ASP.NET Core data protection) that
/// carries the API key's id, roles and tenant (its <see cref="AccessPrincipal"/>), never the key itself. The cookie is HttpOnly, Secure,
/// SameSite=Strict and scoped to <c>/console</c>; it lasts 8 hours, renewed while used. Every request
/// checks that the key still exists, so a deleted key ends its sessions at once.
/// </summary>
public static class ConsoleSession
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "m2m-console";

    /// <summary>The claim with the admin key's id (the audit log's actor).</summary>
    public const string KeyIdClaim = "m2m_key_id";

    /// <summary>The claim with the tenant a tenant-scoped key is confined to (absent for a global key).</summary>
    public const string TenantClaim = "m2m_tenant";

    /// <summary>The admin key id of a signed-in user.</summary>
    public static string KeyId(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirstValue(KeyIdClaim) ?? throw new InvalidOperationException("Not a console session.");
    }

    /// <summary>The access principal of a session: the one <see cref="AccessPolicy"/> judges, as it judges the key on the admin API.</summary>
    public static AccessPrincipal Access(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new AccessPrincipal(KeyId(user), user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList(), user.FindFirstValue(TenantClaim));
    }

    /// <summary>The principal of a session for <paramref name="access"/>.</summary>
    public static ClaimsPrincipal Principal(AccessPrincipal access)
    {
        ArgumentNullException.ThrowIfNull(access);
        var claims = new List<Claim> { new(KeyIdClaim, access.Id), new(ClaimTypes.Name, access.Id) };
        claims.AddRange(access.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        if (access.Tenant != null)
        {
            claims.Add(new Claim(TenantClaim, access.Tenant));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    internal static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = "m2m-console";
        options.Cookie.Path = ConsoleExtensions.BasePath;
        options.Cookie.HttpOnly = true;
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.SlidingExpiration = true;
        options.LoginPath = ConsoleExtensions.BasePath + "/sign-in";
        options.LogoutPath = ConsoleExtensions.BasePath + "/sign-out";
        options.AccessDeniedPath = ConsoleExtensions.BasePath + "/denied";
        options.ReturnUrlParameter = "returnUrl";
    }

    /// <summary>Ends a session whose key is no longer active, or no longer has the roles and tenant the session was opened with.</summary>
    internal sealed class Validator(ConsoleKeys keys)
    {
        public async Task ValidateAsync(CookieValidatePrincipalContext context)
        {
            var keyId = context.Principal?.FindFirstValue(KeyIdClaim);

            // A person signed in through the provider has no key here: the session lasts its 8 hours
            // (docs/console.md, "Signing in with OpenID Connect").
            if (keyId != null && ConsoleOidc.IsPerson(keyId))
            {
                return;
            }

            var now = keyId == null ? null : await keys.FindActiveAsync(keyId, context.HttpContext.RequestAborted).ConfigureAwait(false);
            var before = now == null ? null : Access(context.Principal!);
            if (now == null || before == null || now.Tenant != before.Tenant || !now.Roles.Order(StringComparer.Ordinal).SequenceEqual(before.Roles.Order(StringComparer.Ordinal)))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(Scheme).ConfigureAwait(false);
            }
        }
    }
}
