using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>
/// The console's session: after sign-in, an encrypted cookie (ASP.NET Core data protection) that
/// carries the admin key's id and role, never the key itself. The cookie is HttpOnly, Secure,
/// SameSite=Strict and scoped to <c>/console</c>; it lasts 8 hours, renewed while used. Every request
/// checks that the key still exists, so a deleted key ends its sessions at once.
/// </summary>
public static class ConsoleSession
{
    /// <summary>The authentication scheme.</summary>
    public const string Scheme = "m2m-console";

    /// <summary>The claim with the admin key's id (the audit log's actor).</summary>
    public const string KeyIdClaim = "m2m_key_id";

    /// <summary>The roles that may change things in the console.</summary>
    public static readonly string[] ActingRoles = ["admin", "operator"];

    /// <summary>The admin key id of a signed-in user.</summary>
    public static string KeyId(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirstValue(KeyIdClaim) ?? throw new InvalidOperationException("Not a console session.");
    }

    /// <summary>Whether the signed-in user may act (a device action, a redelivery).</summary>
    public static bool MayAct(ClaimsPrincipal user) => ActingRoles.Any(user.IsInRole);

    /// <summary>The principal of a session for the admin key <paramref name="keyId"/> with role <paramref name="role"/>.</summary>
    public static ClaimsPrincipal Principal(string keyId, string role) =>
        new(new ClaimsIdentity([new Claim(KeyIdClaim, keyId), new Claim(ClaimTypes.Name, keyId), new Claim(ClaimTypes.Role, role)], Scheme));

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

    /// <summary>Ends a session whose admin key no longer exists.</summary>
    internal sealed class Validator(ConsoleKeys keys)
    {
        public async Task ValidateAsync(CookieValidatePrincipalContext context)
        {
            var keyId = context.Principal?.FindFirstValue(KeyIdClaim);
            if (keyId == null || !await keys.IsActiveAsync(keyId, context.HttpContext.RequestAborted).ConfigureAwait(false))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(Scheme).ConfigureAwait(false);
            }
        }
    }
}
