using M2M.Gateway.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>Ends the session (POST only, with the antiforgery token, so no link can sign an operator out).</summary>
public sealed class SignOutModel(IAuditLog audit) : PageModel
{
    public IActionResult OnGet() => LocalRedirect(ConsoleExtensions.BasePath);

    public async Task<IActionResult> OnPostAsync()
    {
        audit.Record(new AuditEvent("console.sign-out", ConsoleSession.KeyId(User), null, "ok", HttpContext.Connection.RemoteIpAddress?.ToString()));
        await HttpContext.SignOutAsync(ConsoleSession.Scheme).ConfigureAwait(false);
        return LocalRedirect(ConsoleExtensions.BasePath + "/sign-in");
    }
}
