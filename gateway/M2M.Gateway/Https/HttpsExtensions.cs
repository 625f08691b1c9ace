using M2M.Gateway.Hosting;
using M2M.Gateway.Secrets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Https;

/// <summary>Registers the gateway certificate for Kestrel's HTTPS addresses and maps the CA export.</summary>
public static class HttpsExtensions
{
    /// <summary>
    /// Adds <see cref="GatewayCertificate"/> and makes it Kestrel's default HTTPS certificate, so every
    /// <c>https://</c> address in <c>Urls</c> serves it (HTTP addresses stay plain).
    /// </summary>
    public static IServiceCollection AddGatewayHttps(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpsOptions>().Bind(configuration.GetSection(HttpsOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayCertificate>();
        services.AddEncryptedFile(s => new EncryptedFile(s.GetRequiredService<DataDirectory>().Combine(GatewayCertificate.KeyFileName), "the development CA's private key"));
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, UseGatewayCertificate>();
        return services;
    }

    /// <summary>Maps GET <see cref="GatewayCertificate.CaPath"/>: the development CA certificate a board trusts.</summary>
    public static IEndpointRouteBuilder MapGatewayHttps(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(GatewayCertificate.CaPath, (GatewayCertificate certificate) =>
            certificate.CaPem == null ? Results.NotFound() : Results.Text(certificate.CaPem, "application/x-pem-file")).WithName("GetDevelopmentCaCertificate");
        return endpoints;
    }

    private sealed class UseGatewayCertificate(GatewayCertificate certificate) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions options) => options.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate.Server);
    }
}
