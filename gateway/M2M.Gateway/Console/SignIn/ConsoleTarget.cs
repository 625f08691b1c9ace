using Microsoft.AspNetCore.Mvc;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>Where to go after signing in: a path inside the console only, so that no sign-in page is an open redirect.</summary>
public static class ConsoleTarget
{
    /// <summary><paramref name="returnUrl"/> when it is a local path under <c>/console</c>, else <c>/console</c>.</summary>
    public static string Of(IUrlHelper url, string? returnUrl)
    {
        ArgumentNullException.ThrowIfNull(url);
        return returnUrl != null && url.IsLocalUrl(returnUrl) && returnUrl.StartsWith(ConsoleExtensions.BasePath, StringComparison.Ordinal)
            ? returnUrl
            : ConsoleExtensions.BasePath;
    }
}
