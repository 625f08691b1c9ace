using System.Text.Json;
using M2M.Gateway.Access;
using M2M.Gateway.Policies;

namespace M2M.Gateway.Admin;

/// <summary>One loaded expression policy, as the admin API shows it.</summary>
public sealed record PolicyResponse(string Name, IReadOnlyList<string> Actions, string? Description, string Expression);

/// <summary>The answer of a dry run: allowed or not, the first policy that refused, and every applicable policy's verdict.</summary>
public sealed record PolicyTestResponse(bool Allowed, string? Policy, IReadOnlyList<PolicyVerdict> Results);

/// <summary>
/// The expression policies in the admin API (docs/policies.md, "Checking policies"): the loaded
/// policies in evaluation order, and a dry run of a described request against them. Policies span
/// tenants, so only global principals read them (<see cref="AccessAction.ReadPolicies"/>). A dry run
/// is not counted in <c>m2m_policy_decisions_total</c>: the metric counts real decisions only.
/// </summary>
internal static class AdminPolicyEndpoints
{
    private const long MaxBodyBytes = 64 * 1024;

    /// <summary>The name of the dry-run operation, whose body the handler reads itself.</summary>
    public const string TestPoliciesName = "TestPolicies";

    public static void Map(RouteGroupBuilder policies)
    {
        policies.MapGet("/", (ExpressionPolicies loaded) =>
                Results.Ok(loaded.Policies.Select(p => new PolicyResponse(p.Name, p.Actions, p.Description, p.Expression)).ToList()))
            .Produces<IReadOnlyList<PolicyResponse>>()
            .RequireAccess(AccessAction.ReadPolicies, "policies.list")
            .WithName("ListPolicies").WithSummary("Lists the expression policies loaded at start, in evaluation order.");
        policies.MapPost("/test", TestAsync)
            .Produces<PolicyTestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAccess(AccessAction.ReadPolicies, "policies.test")
            .WithName(TestPoliciesName).WithSummary("Evaluates the policies for a described request ({action, principal, device, request, claims}) without counting.");
    }

    private static async Task<IResult> TestAsync(HttpContext context, ExpressionPolicies loaded)
    {
        var (body, invalid) = await AdminBodies.ReadAsync<PolicyTestRequest>(context.Request, MaxBodyBytes, "{\"action\",\"principal\",\"device\",\"request\",\"claims\"}").ConfigureAwait(false);
        if (body == null || string.IsNullOrEmpty(body.Action))
        {
            return AdminProblems.Problem(StatusCodes.Status400BadRequest, AdminProblems.InvalidBody, "Invalid request",
                invalid ?? "The body is {\"action\": \"devices.delete\", \"principal\": {...}, \"device\": {...}, \"request\": {...}, \"claims\": {...}}; action is required.");
        }

        // request.action is the action itself, as when the gateway evaluates a real request.
        var request = Map(body.Request);
        request["action"] = body.Action;
        var trials = loaded.Test(new PolicyRequest(body.Action, Map(body.Principal), Map(body.Device), request, Map(body.Claims)));
        var refusal = trials.FirstOrDefault(t => t.Decision != ExpressionPolicies.Allowed);
        return Results.Ok(new PolicyTestResponse(refusal == null, refusal?.Policy, trials));
    }

    private static Dictionary<string, object?> Map(JsonElement? value) =>
        value is { } json ? CelValues.Map(json) : new Dictionary<string, object?>(StringComparer.Ordinal);
}

/// <summary>A described request for a dry run: the action and the four variables, each a JSON object (missing ones are empty maps).</summary>
public sealed record PolicyTestRequest(string? Action, JsonElement? Principal, JsonElement? Device, JsonElement? Request, JsonElement? Claims);
