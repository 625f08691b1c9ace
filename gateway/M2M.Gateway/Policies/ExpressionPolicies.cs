using System.Text.RegularExpressions;
using Cel;
using M2M.Gateway.Metrics;

namespace M2M.Gateway.Policies;

/// <summary>
/// The expression policies (docs/policies.md): CEL expressions (the Common Expression Language of
/// Kubernetes and Envoy; the <c>Cel</c> package, a C# implementation of the CEL specification) over
/// <see cref="PolicyRequest"/>'s variables, compiled once when the gateway starts. A policy that does
/// not compile stops the start with its name and the line and column of the error. At run time each
/// applicable policy is evaluated in the configured order until one refuses; an expression that is not
/// a boolean or fails to evaluate (a missing claim, a wrong type) refuses too (fail closed). Every
/// evaluation is counted by policy name and decision (<c>m2m_policy_decisions_total</c>).
/// </summary>
public sealed partial class ExpressionPolicies
{
    /// <summary>Decision labels of the metric.</summary>
    public const string Allowed = "allow";

    public const string Denied = "deny";

    public const string Failed = "error";

    private readonly IReadOnlyList<CompiledPolicy> _policies;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<ExpressionPolicies> _logger;

    public ExpressionPolicies(IConfiguration configuration, GatewayMetrics metrics, ILogger<ExpressionPolicies> logger)
    {
        _metrics = metrics;
        _logger = logger;
        var entries = configuration.GetSection(PolicyOptions.Section).Get<List<PolicyOptions>>() ?? [];
        var environment = new CelEnvironment(null, null);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var compiled = new List<CompiledPolicy>();
        foreach (var entry in entries)
        {
            if (!NamePattern().IsMatch(entry.Name) || !names.Add(entry.Name))
            {
                throw new InvalidOperationException($"{PolicyOptions.Section}: policy name '{entry.Name}' must be unique, 1 to 64 of a-z 0-9 - _ .");
            }

            if (entry.Actions.Count == 0 || entry.Actions.Any(string.IsNullOrWhiteSpace) || string.IsNullOrWhiteSpace(entry.Expression))
            {
                throw new InvalidOperationException($"{PolicyOptions.Section}: policy '{entry.Name}' needs Actions and an Expression.");
            }

            Func<object?, object?>? program = null;
            try
            {
                var compiledProgram = environment.Compile(entry.Expression);
                program = variables => compiledProgram.Invoke((Dictionary<string, object?>)variables!);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The parser's message starts with "Line L:C" (the line within the expression).
                throw new InvalidOperationException($"{PolicyOptions.Section}: policy '{entry.Name}' does not compile: {exception.Message}", exception);
            }

            compiled.Add(new CompiledPolicy(entry.Name, [.. entry.Actions], entry.Description, entry.Expression, program));
        }

        _policies = compiled;
    }

    /// <summary>The policies as configured, in evaluation order.</summary>
    public IReadOnlyList<CompiledPolicy> Policies => _policies;

    /// <summary>True when at least one policy applies to <paramref name="action"/> (callers skip building the variables otherwise).</summary>
    public bool AnyFor(string action) => _policies.Any(p => p.AppliesTo(action));

    /// <summary>Evaluates every policy that applies to the request's action, in order, until one refuses; each evaluation is counted.</summary>
    public PolicyDecision Decide(PolicyRequest request)
    {
        foreach (var verdict in Evaluate(request))
        {
            _metrics.PolicyDecision(verdict.Policy, verdict.Decision);
            if (verdict.Decision != Allowed)
            {
                return new PolicyDecision(false, verdict.Policy, _policies.First(p => p.Name == verdict.Policy).Description);
            }
        }

        return PolicyDecision.Allow;
    }

    /// <summary>
    /// A dry run (the admin API's <c>/admin/v1/policies/test</c>): every policy that applies to the
    /// request's action, each with its verdict, none counted.
    /// </summary>
    public IReadOnlyList<PolicyVerdict> Test(PolicyRequest request) => [.. Evaluate(request)];

    // Lazy: Decide stops at the first refusal, so later policies are not evaluated.
    private IEnumerable<PolicyVerdict> Evaluate(PolicyRequest request)
    {
        Dictionary<string, object?>? variables = null;
        foreach (var policy in _policies)
        {
            if (!policy.AppliesTo(request.Action))
            {
                continue;
            }

            variables ??= new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["principal"] = request.Principal,
                ["device"] = request.Device,
                ["request"] = request.Request,
                ["claims"] = request.Claims,
            };
            string decision;
            try
            {
                decision = policy.Program(variables) is true ? Allowed : Denied;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // A claim the expression reads but the token lacks, a type mismatch...: refused.
                LogFailed(policy.Name, request.Action, exception.GetType().Name);
                decision = Failed;
            }

            yield return new PolicyVerdict(policy.Name, decision);
        }
    }

    [GeneratedRegex("^[a-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy {Policy} failed to evaluate for {Action} ({Error}): refused")]
    private partial void LogFailed(string policy, string action, string error);
}

/// <summary>A compiled policy.</summary>
public sealed record CompiledPolicy(string Name, IReadOnlyList<string> Actions, string? Description, string Expression, Func<object?, object?> Program)
{
    /// <summary>Exact action names, or prefixes ending in <c>*</c>.</summary>
    public bool AppliesTo(string action) => Actions.Any(a => a.EndsWith('*')
        ? action.StartsWith(a[..^1], StringComparison.Ordinal)
        : string.Equals(a, action, StringComparison.Ordinal));
}
