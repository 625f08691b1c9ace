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
        services.AddAuditLog();
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.Section));
        services.TryAddSingleton<AdminKeyStore>();
        services.AddHostedService<CreateFirstAdminKey>();
        services.AddProblemDetails();
        services.AddOpenApi(options => options.AddOperationTransformer(DescribeAddBodyAsync));
        return services;
    }

    // The add handler reads its body itself (so a malformed body gets the admin API's problem codes
    // rather than the framework's 415), which hides the body from the document generator: describe it here.
    private static async Task DescribeAddBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().Any(m => m.EndpointName == AdminDeviceEndpoints.AddDeviceName))
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(AddDeviceRequest), null, cancellationToken).ConfigureAwait(false) },
                },
            };
        }
    }

    /// <summary>Maps <c>/admin/v1/...</c> behind the admin key, and the OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi();
        var devices = endpoints.MapGroup("/admin/v1/devices")
            .AddEndpointFilter<RequireAdminKey>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithTags("Devices");
        AdminDeviceEndpoints.Map(devices);
        var sinks = endpoints.MapGroup("/admin/v1/sinks")
            .AddEndpointFilter<RequireAdminKey>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithTags("Sinks");
        AdminSinkEndpoints.Map(sinks);
        AdminSinkCredentialEndpoints.Map(sinks);
        return endpoints;
    }
}
