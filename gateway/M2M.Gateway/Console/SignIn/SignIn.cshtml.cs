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
public sealed class SignInModel(ConsoleKeys keys, IAuditLog audit) : PageModel
{
    /// <summary>Where to go after signing in (a console path only).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The error to show, if any.</summary>
    public ConsoleProblem? Problem { get; private set; }

    public void OnGet()
    {
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

        // Only a path inside the console: a return address elsewhere would make this page an open redirect.
        var target = ReturnUrl != null && Url.IsLocalUrl(ReturnUrl) && ReturnUrl.StartsWith(ConsoleExtensions.BasePath, StringComparison.Ordinal)
            ? ReturnUrl
            : ConsoleExtensions.BasePath;
        return LocalRedirect(target);
    }

    private PageResult Refuse(ConsoleProblem problem)
    {
        Problem = problem;
        Response.StatusCode = problem.Status;
        return Page();
    }
}
