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
        var identity = string.IsNullOrWhiteSpace(key) ? null : await keys.AuthenticateAsync(key.Trim(), HttpContext.RequestAborted).ConfigureAwait(false);
        if (identity == null)
        {
            audit.Record(new AuditEvent("console.sign-in", "anonymous", null, "invalid_key", remote));
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Problem = new ConsoleProblem(StatusCodes.Status401Unauthorized, AdminProblems.Unauthorized, "Admin API key required", "That is not an admin API key of this gateway.");
            return Page();
        }

        await HttpContext.SignInAsync(ConsoleSession.Scheme, ConsoleSession.Principal(identity.KeyId, identity.Role)).ConfigureAwait(false);
        audit.Record(new AuditEvent("console.sign-in", identity.KeyId, null, "ok", remote));

        // Only a path inside the console: a return address elsewhere would make this page an open redirect.
        var target = ReturnUrl != null && Url.IsLocalUrl(ReturnUrl) && ReturnUrl.StartsWith(ConsoleExtensions.BasePath, StringComparison.Ordinal)
            ? ReturnUrl
            : ConsoleExtensions.BasePath;
        return LocalRedirect(target);
    }
}
