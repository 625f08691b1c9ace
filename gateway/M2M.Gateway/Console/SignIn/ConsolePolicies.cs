using Microsoft.AspNetCore.Authorization;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>
/// The console's one authorization policy: a console session. What a session's key may see and do
/// is decided by the admin API's access policy (<see cref="ConsoleAccess"/>), not by policies here.
/// </summary>
public static class ConsolePolicies
{
    /// <summary>Any console session.</summary>
    public const string SignedIn = "console";

    internal static void RequireSignedIn(AuthorizationPolicyBuilder policy) =>
        policy.AddAuthenticationSchemes(ConsoleSession.Scheme).RequireAuthenticatedUser();
}
