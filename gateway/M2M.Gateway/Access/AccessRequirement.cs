namespace M2M.Gateway.Access;

/// <summary>
/// Endpoint metadata: the action an endpoint of the admin or consumer API performs. An endpoint
/// behind <see cref="AuthenticateRequest"/> without it is refused to everyone (deny by default).
/// </summary>
/// <param name="Action">What the endpoint does, as the built-in roles judge it.</param>
/// <param name="Operation">
/// Its name for the expression policies (docs/policies.md, "Actions"), e.g. <c>devices.delete</c>:
/// finer than <paramref name="Action"/>, one per endpoint.
/// </param>
public sealed record AccessRequirement(AccessAction Action, string Operation);

/// <summary>Declares an endpoint's <see cref="AccessRequirement"/>.</summary>
public static class AccessRequirementExtensions
{
    /// <summary>
    /// The endpoint performs <paramref name="action"/>, named <paramref name="operation"/> for the
    /// expression policies: only principals whose roles allow it, and whom every applicable policy
    /// allows, reach the handler.
    /// </summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, AccessAction action, string operation)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRequirement(action, operation));

    /// <summary>The endpoint performs <paramref name="requirement"/> (declared once, e.g. in <c>Admin/AdminOperations</c>).</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, AccessRequirement requirement)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(requirement);
}
