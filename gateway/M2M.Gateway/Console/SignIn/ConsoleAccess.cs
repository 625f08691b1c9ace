using System.Security.Claims;
using M2M.Gateway.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace M2M.Gateway.OperatorConsole.SignIn;

/// <summary>What an admin API action answered the console: its value (the response body) or its problem.</summary>
/// <param name="Value">The body the admin API would have sent (a <c>DeviceResponse</c>, a <c>CommandResponse</c>...), when it succeeded.</param>
/// <param name="Problem">Its problem details, when it did not.</param>
public sealed record ConsoleOutcome(object? Value, ConsoleProblem? Problem)
{
    /// <summary>The outcome of an admin API handler's <paramref name="result"/>.</summary>
    public static ConsoleOutcome Of(IResult result) => result switch
    {
        ProblemHttpResult problem => new ConsoleOutcome(null, new ConsoleProblem(
            problem.StatusCode,
            problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code as string ?? string.Empty : string.Empty,
            problem.ProblemDetails.Title ?? string.Empty,
            problem.ProblemDetails.Detail)),
        IValueHttpResult value => new ConsoleOutcome(value.Value, null),
        _ => new ConsoleOutcome(null, null),
    };
}

/// <summary>
/// The console behind the admin API's access gate, and acting through the admin API's own code: a
/// console action is admitted by <see cref="AdmitPrincipal"/> (the role rules, then the expression
/// policies, docs/policies.md, judged for the admin API request that does the same thing, with the
/// same <c>access.denied</c> audit line and 403 problem), then done by the admin API's handler for
/// the session's key (the same tenant scoping, registry calls, audit actions and problems). Pages
/// only hide controls with <see cref="Allows"/>; the POST that acts is decided here, so a forged
/// request is refused as a shown one is.
/// </summary>
public sealed class ConsoleAccess(AdmitPrincipal admit)
{
    /// <summary>Whether the signed-in <paramref name="user"/> may do <paramref name="action"/> (on <paramref name="tenant"/>'s resource): for showing a control, not counted.</summary>
    public static bool Allows(ClaimsPrincipal user, AccessAction action, string? tenant = null) =>
        AccessPolicy.Judge(ConsoleSession.Access(user), action, tenant) == AccessPolicy.Allowed;

    /// <summary>
    /// Runs <paramref name="handler"/>, an admin API handler, for the session of <paramref name="context"/>
    /// once the access gate admits <paramref name="requirement"/> on <paramref name="target"/> (the API
    /// request's method, path and route id); its answer, or the gate's 403.
    /// </summary>
    public async Task<ConsoleOutcome> RunAsync(HttpContext context, AccessRequirement requirement, AccessTarget target, Func<Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(handler);
        var principal = ConsoleSession.Access(context.User);
        var refusal = await admit.AdmitAsync(principal, requirement, target, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
        if (refusal != null)
        {
            return new ConsoleOutcome(null, new ConsoleProblem(StatusCodes.Status403Forbidden, refusal.Reason, AccessProblems.Title, refusal.Detail));
        }

        AuthenticateRequest.ActAs(context, principal);
        return ConsoleOutcome.Of(await handler().ConfigureAwait(false));
    }
}
