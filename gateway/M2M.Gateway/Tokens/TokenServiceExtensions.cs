using M2M.Gateway.Access;
using M2M.Gateway.Cluster;
using M2M.Gateway.Hosting;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Keys;
using M2M.Gateway.Relay;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tokens.Assertion;
using M2M.Gateway.Tokens.Federation;
using M2M.Gateway.Tokens.ServiceClients;
using M2M.Gateway.Tokens.Revocation;
using M2M.Gateway.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace M2M.Gateway.Tokens;

/// <summary>Registers the token service: key ring, token endpoint, assertion and access-token validation.</summary>
public static class TokenServiceExtensions
{
    /// <summary>
    /// Adds the key ring (also the relay's <see cref="IRecordSigner"/>), the token endpoint's stages,
    /// <see cref="IClientAssertionValidator"/> and <see cref="IAccessTokenValidator"/>. Needs the
    /// registry part's <see cref="Registry.IDeviceRegistry"/>, <see cref="Secrets.ISecretProtector"/>
    /// and <see cref="Audit.IAuditLog"/> (<c>AddDeviceRegistry</c> and the audit log's registration).
    /// </summary>
    public static IServiceCollection AddTokenService(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TokenOptions>()
            .Bind(configuration.GetSection(TokenOptions.Section))
            .Configure(o =>
            {
                // docs/protocol.md section 4 names these two Gateway:Issuer and Gateway:Audience.
                o.Issuer = configuration["Gateway:Issuer"] ?? o.Issuer;
                o.Audience = configuration["Gateway:Audience"] ?? o.Audience;
            })
            .Validate(o =>
            {
                o.Validate();
                GatewayIssuer.Resolve(o, configuration);
                return true;
            })
            .ValidateOnStart();
        services.AddOptions<SigningKeyOptions>()
            .Bind(configuration.GetSection(SigningKeyOptions.Section))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataDirectory>();
        services.AddGatewayMetricsIfMissing();
        services.AddHttpClient(TrustedIssuers.HttpClientName);

        services.AddSingleton<SigningKeyRing>();
        if (ClusterExtensions.IsCluster(configuration))
        {
            // One ring for the whole cluster; loaded at start, so a node whose master key is not the
            // cluster's refuses to start.
            services.AddSingleton<IKeyRingStore, PostgresKeyRingStore>();
            services.AddHostedService<LoadSharedKeyRing>();
        }
        else
        {
            services.AddSingleton<IKeyRingStore, FileKeyRingStore>();
            services.AddEncryptedFile(s => new EncryptedFile(
                s.GetRequiredService<DataDirectory>().Combine(s.GetRequiredService<IOptions<SigningKeyOptions>>().Value.Path), "the token and record signing keys"));
        }

        services.AddSingleton<IRecordSigner, KeyRingRecordSigner>();
        services.AddSingleton<GatewayIssuer>();
        services.WithholdQueryFromLogs(GatewayIssuer.TokenPath);

        // Token state: in the data folder on one gateway, in the shared PostgreSQL database in Cluster
        // mode, so an assertion spent or a token revoked at one node is so at every node.
        if (ClusterExtensions.IsCluster(configuration))
        {
            services.AddSingleton<IJtiStore, PostgresJtiStore>();
            services.AddSingleton<IRevocationStore, PostgresRevocationStore>();
        }
        else
        {
            services.AddSingleton<IJtiStore, JtiStore>();
            services.AddSingleton<IRevocationStore, SqliteRevocationStore>();
        }

        services.AddSingleton<ReadAssertion>();
        services.AddSingleton<FindDevice>();
        services.AddSingleton<VerifyAssertion>();
        services.AddSingleton<CheckAssertionClaims>();
        services.AddSingleton<PromotePendingSecret>();
        services.AddSingleton<ConsumeJti>();
        services.AddSingleton<ClientAssertionValidator>();
        services.AddSingleton<IClientAssertionValidator>(s => s.GetRequiredService<ClientAssertionValidator>());

        services.AddSingleton<ReadOAuthForm>();
        services.AddSingleton<ValidateTokenRequest>();
        services.AddSingleton<TokenRateLimits>();
        services.AddSingleton<IssueToken>();

        // Service clients and federation (docs/tokens.md): stored as API keys are, in registry.db.
        services.TryAddSingleton<ServiceClientStore>();
        services.AddSingleton<AuthenticateServiceClient>();
        services.AddSingleton<ValidateFederatedAssertion>();
        services.AddHttpClient(ValidateFederatedAssertion.HttpClientName);
        services.TryAddSingleton<BindAccessToken>();
        services.AddRateLimiter(limiter => { });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<IOptions<TokenOptions>>((limiter, tokens) => TokenRateLimits.AddAddressPolicy(limiter, tokens.Value));

        // Revocation and introspection (RFC 7009, RFC 7662): the principals of the admin API come
        // from its registration (AddAdminApi); without it only devices may revoke their own tokens.
        services.AddSingleton<RevokedTokens>();
        services.AddSingleton<ITokenRevocations>(s => s.GetRequiredService<RevokedTokens>());
        services.TryAddSingleton<AccessPolicy>();
        services.AddSingleton<AuthenticateTokenCaller>();
        services.AddSingleton<InspectToken>();
        services.WithholdRevocationQueriesFromLogs();

        services.AddSingleton<OwnIssuerKeys>();
        services.AddSingleton<TrustedIssuers>();
        services.AddSingleton<AccessTokenValidator>();
        services.AddSingleton<IAccessTokenValidator>(s => s.GetRequiredService<AccessTokenValidator>());
        return services;
    }

    /// <summary>Maps the token, revocation and introspection endpoints, the JWKS and the metadata documents.</summary>
    public static WebApplication MapTokenService(this WebApplication app)
    {
        // Built now, so that a trusted issuer or federation source that cannot work stops the start, not the first request.
        app.Services.GetRequiredService<TrustedIssuers>();
        app.Services.GetRequiredService<ValidateFederatedAssertion>();
        app.UseRateLimiter();
        app.MapTokenEndpoint();
        app.MapTokenRevocation();
        app.MapDiscovery();
        return app;
    }

    private static void AddGatewayMetricsIfMissing(this IServiceCollection services) => services.TryAddSingleton<Metrics.GatewayMetrics>();
}
