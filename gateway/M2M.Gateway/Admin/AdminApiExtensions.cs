using M2M.Gateway.Access;
using M2M.Gateway.Audit;
using M2M.Gateway.Registry;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;

namespace M2M.Gateway.Admin;

/// <summary>Registers and maps the admin API (docs/admin-api.md).</summary>
public static class AdminApiExtensions
{
    /// <summary>
    /// Adds the admin key store, the first-key creation at start, problem details and the OpenAPI
    /// document. Needs the registry (<see cref="RegistryExtensions.AddDeviceRegistry"/>) and the
    /// audit log (<see cref="AuditLogExtensions.AddAuditLog"/>), which it adds if missing.
    /// </summary>
    public static IServiceCollection AddAdminApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDeviceRegistry(configuration);
        services.AddAuditLog(configuration);
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.Section));
        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<ServiceClientStore>();
        services.TryAddSingleton<BindAccessToken>();
        services.TryAddSingleton<Metrics.GatewayMetrics>();
        services.TryAddSingleton<AccessPolicy>();
        services.TryAddSingleton<Policies.ExpressionPolicies>();
        services.TryAddSingleton<JudgeByPolicies>();
        services.TryAddSingleton<AdmitPrincipal>();
        services.TryAddSingleton<AuditLogReader>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPrincipalSource, ApiKeyPrincipals>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPrincipalSource, AccessTokenPrincipals>());
        services.AddHostedService<CreateFirstAdminKey>();
        services.AddProblemDetails();
        services.AddOpenApi(options => options.AddOperationTransformer(DescribeAddBodyAsync));
        return services;
    }

    // Handlers that read their body themselves (so a malformed body gets the admin API's problem
    // codes rather than the framework's 415) hide it from the document generator: describe it here.
    private static readonly Dictionary<string, (Type Body, bool Required)> ReadBodies = new(StringComparer.Ordinal)
    {
        [AdminDeviceEndpoints.AddDeviceName] = (typeof(AddDeviceRequest), true),
        [AdminKeyEndpoints.CreateKeyName] = (typeof(CreateKeyRequest), true),
        [AdminKeyEndpoints.ExpireKeyName] = (typeof(ExpireKeyRequest), false),
        [AdminClientEndpoints.CreateClientName] = (typeof(CreateClientRequest), true),
    };

    private static async Task DescribeAddBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        if (name != null && ReadBodies.TryGetValue(name, out var body))
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = body.Required,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Body, null, cancellationToken).ConfigureAwait(false) },
                },
            };
        }
    }

    /// <summary>
    /// Maps <c>/admin/v1/...</c> behind <see cref="AuthenticateRequest"/> (an API key or access token,
    /// and the endpoint's access rule), and the OpenAPI document at <c>/openapi/v1.json</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi();
        var devices = Group(endpoints, "/admin/v1/devices", "Devices");
        AdminDeviceEndpoints.Map(devices);
        AdminCommandEndpoints.Map(devices);
        AdminRotationEndpoints.Map(devices);
        var sinks = Group(endpoints, "/admin/v1/sinks", "Sinks");
        AdminSinkEndpoints.Map(sinks);
        AdminSinkCredentialEndpoints.Map(sinks);
        AdminKeyEndpoints.Map(Group(endpoints, "/admin/v1/keys", "API keys"));
        AdminClientEndpoints.Map(Group(endpoints, "/admin/v1/clients", "Service clients"));
        AdminAuditEndpoints.Map(Group(endpoints, "/admin/v1/audit", "Audit"));
        AdminPolicyEndpoints.Map(Group(endpoints, "/admin/v1/policies", "Policies"));
        return endpoints;
    }

    /// <summary>A group of endpoints behind the access gate: each answers 401 without a credential and 403 when its rule refuses.</summary>
    public static RouteGroupBuilder Group(IEndpointRouteBuilder endpoints, string prefix, string tag) =>
        endpoints.MapGroup(prefix)
            .AddEndpointFilter<AuthenticateRequest>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithTags(tag);
}
