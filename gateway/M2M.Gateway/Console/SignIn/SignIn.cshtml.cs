using M2M.Gateway.Access;
using M2M.Gateway.Admin;
using M2M.Gateway.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>
/// The sign-in page, the only page served without a session. A wrong key gets the admin API's 401
/// problem and is audited, as a wrong bearer key on the API is.
/// </summary>
public sealed class SignInModel(ConsoleKeys keys, IAuditLog audit, ConsoleOidcOptions oidc) : PageModel
{
    /// <summary>The OpenID Connect provider's button words, or null when none is configured.</summary>
    public string? Provider => oidc.Enabled ? oidc.DisplayName : null;

    /// <summary>Why a sign-in through the provider was refused (<c>?error=missing_role</c>), from its round trip.</summary>
    [BindProperty(SupportsGet = true, Name = "error")]
    public string? Error { get; set; }

    /// <summary>Where to go after signing in (a console path only).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The error to show, if any.</summary>
    public ConsoleProblem? Problem { get; private set; }

    public void OnGet()
    {
        if (Error is { Length: > 0 } reason)
        {
            Problem = reason is AccessPolicy.MissingRole
                ? ConsoleProblem.Forbidden(reason)
                : new ConsoleProblem(StatusCodes.Status401Unauthorized, reason, "Sign-in refused", reason == ConsoleOidc.MissingTenant
                    ? "The identity provider did not say which tenant you belong to."
                    : "The identity provider's sign-in did not complete.");
            Response.StatusCode = Problem.Status;
        }
    }

    /// <summary>
    /// Starts the authorization code flow with PKCE at the provider (a POST with the antiforgery
    /// token, so no other site can start it); the browser comes back to <see cref="ConsoleOidc.CallbackPath"/>.
    /// </summary>
    public IActionResult OnPostOidc()
    {
        if (!oidc.Enabled)
        {
            return NotFound();
        }

        // Back through the signed-in page: the provider's redirect is a cross-site navigation, on
        // which the browser withholds the SameSite=Strict session cookie; that page's own navigation is same-site.
        var target = Target();
        return Challenge(new AuthenticationProperties { RedirectUri = $"{ConsoleExtensions.BasePath}/signed-in?returnUrl={Uri.EscapeDataString(target)}" }, ConsoleOidc.Scheme);
    }

    public async Task<IActionResult> OnPostAsync(string? key)
    {
        var remote = HttpContext.Connection.RemoteIpAddress?.ToString();
        var result = string.IsNullOrWhiteSpace(key) ? PrincipalResult.Refused("invalid_key")
            : await keys.AuthenticateAsync(key.Trim(), HttpContext.RequestAborted).ConfigureAwait(false);
        if (result.Principal is not { } principal)
        {
            audit.Record(new AuditEvent("console.sign-in", "anonymous", null, result.Reason, remote));
            return Refuse(new ConsoleProblem(StatusCodes.Status401Unauthorized, AdminProblems.Unauthorized, "Admin API key required", result.Reason switch
            {
                "expired_key" => "That API key has expired.",
                "revoked_key" => "That API key was revoked.",
                _ => "That is not an API key of this gateway.",
            }));
        }

        // The console shows devices: a key whose roles may not read them (telemetry-reader) has
        // nothing to see, and is refused as the admin API would refuse it (403 missing_role).
        var reason = AccessPolicy.Judge(principal, AccessAction.ReadDevices);
        if (reason != AccessPolicy.Allowed)
        {
            audit.Record(new AuditEvent("console.sign-in", principal.Id, null, reason, remote, Tenant: principal.Tenant));
            return Refuse(ConsoleProblem.Forbidden(reason));
        }

        await HttpContext.SignInAsync(ConsoleSession.Scheme, ConsoleSession.Principal(principal)).ConfigureAwait(false);
        audit.Record(new AuditEvent("console.sign-in", principal.Id, null, "ok", remote, Tenant: principal.Tenant));

        return LocalRedirect(Target());
    }

    // Only a path inside the console: a return address elsewhere would make this page an open redirect.
    private string Target() => ConsoleTarget.Of(Url, ReturnUrl);

    private PageResult Refuse(ConsoleProblem problem)
    {
        Problem = problem;
        Response.StatusCode = problem.Status;
        return Page();
    }
}
