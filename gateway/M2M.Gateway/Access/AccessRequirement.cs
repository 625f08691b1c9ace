namespace M2M.Gateway.Access;

/// <summary>
/// Endpoint metadata: the action an endpoint of the admin or consumer API performs. An endpoint
/// behind <see cref="AuthenticateRequest"/> without it is refused to everyone (deny by default).
/// </summary>
/// <param name="Action">What the endpoint does.</param>
public sealed record AccessRequirement(AccessAction Action);

/// <summary>Declares an endpoint's <see cref="AccessRequirement"/>.</summary>
public static class AccessRequirementExtensions
{
    /// <summary>The endpoint performs <paramref name="action"/>: only principals whose roles allow it reach the handler.</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, AccessAction action)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRequirement(action));
}
