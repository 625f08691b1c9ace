using Microsoft.AspNetCore.Authorization;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>
/// Who may see and who may act in the console. Every signed-in key may look; changing anything (a
/// device action, a redelivery) needs a key whose role may act.
/// </summary>
public static class ConsolePolicies
{
    /// <summary>Any console session.</summary>
    public const string SignedIn = "console";

    /// <summary>A console session whose key may change things.</summary>
    public const string Act = "console-act";

    internal static void RequireSignedIn(AuthorizationPolicyBuilder policy) =>
        policy.AddAuthenticationSchemes(ConsoleSession.Scheme).RequireAuthenticatedUser();

    internal static void RequireActor(AuthorizationPolicyBuilder policy) =>
        policy.AddAuthenticationSchemes(ConsoleSession.Scheme).RequireAuthenticatedUser().RequireRole(ConsoleSession.ActingRoles);
}
