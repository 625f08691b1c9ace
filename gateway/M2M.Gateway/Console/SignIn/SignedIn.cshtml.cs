using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>
/// The end of a sign-in through the OpenID Connect provider. The provider's redirect back is a
/// cross-site navigation, on which the browser does not send the SameSite=Strict session cookie the
/// handler has just set; this page (served without a session) moves on with a navigation of its own,
/// same-site, on which the cookie is sent.
/// </summary>
public sealed class SignedInModel : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Where the browser goes next (a console path only).</summary>
    public string Target { get; private set; } = ConsoleExtensions.BasePath;

    public void OnGet() => Target = ConsoleTarget.Of(Url, ReturnUrl);
}
