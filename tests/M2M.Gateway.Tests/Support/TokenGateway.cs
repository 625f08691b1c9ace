using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using M2M.Gateway.Admin;
using M2M.Gateway.Audit;
using M2M.Gateway.Cluster;
using M2M.Gateway.Commands;
using M2M.Gateway.Rotation;
using M2M.Gateway.Health;
using M2M.Gateway.Https;
using M2M.Gateway.Ingress;
using M2M.Gateway.Metrics;
using M2M.Gateway.Registry;
using M2M.Gateway.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The gateway with its real registry, token service, key ring, validators and HTTPS, in the test process on
/// free loopback ports (HTTP, HTTPS, MQTT, MQTT over TLS) and a data folder the test may keep for a
/// restart. The clock is the test's.
/// </summary>
public sealed class TokenGateway : IAsyncDisposable
{
    private readonly GatewayHost _host;

    private TokenGateway(GatewayHost host) => _host = host;

    public Uri BaseAddress => _host.BaseAddress;

    public Uri HttpsAddress => _host.HttpsAddress!;

    public int MqttPort => _host.MqttPort;

    public int MqttTlsPort => _host.MqttTlsPort;

    public string DataDirectory => _host.DataDirectory;

    public IDeviceRegistry Registry => Service<IDeviceRegistry>();

    public CollectingAuditLog Audit => (CollectingAuditLog)Service<IAuditLog>();

    public T Service<T>() where T : notnull => _host.Service<T>();

    /// <summary>The token endpoint URL, the <c>aud</c> of client assertions.</summary>
    public string TokenEndpoint => Service<GatewayIssuer>().TokenEndpoint;

    /// <summary>
    /// Starts a gateway; <paramref name="dataDirectory"/> null means a fresh one, removed on dispose;
    /// <paramref name="registry"/> replaces the SQLite registry for cases it cannot stage.
    /// </summary>
    public static async Task<TokenGateway> StartAsync(TimeProvider? time = null, string? dataDirectory = null, IDeviceRegistry? registry = null, params string[] extraArguments) =>
        new(await GatewayHost.StartAsync(args => Build(args, time, registry, admin: false, realAuditLog: false), dataDirectory, https: true, ["--Gateway:Relay:File:Enabled", "false", .. extraArguments]).ConfigureAwait(false));

    /// <summary>As <see cref="StartAsync"/>, with the admin API as well (its keys: <see cref="CreateKeyAsync"/>).</summary>
    public static Task<TokenGateway> StartWithAdminAsync(TimeProvider time, string? dataDirectory = null, params string[] extraArguments) =>
        StartWithAdminAsync(time, dataDirectory, realAuditLog: false, extraArguments);

    /// <summary>As above; with the gateway's own audit log when <paramref name="realAuditLog"/> (then <see cref="Audit"/> is not there).</summary>
    public static async Task<TokenGateway> StartWithAdminAsync(TimeProvider time, string? dataDirectory, bool realAuditLog, string[] extraArguments) =>
        new(await GatewayHost.StartAsync(args => Build(args, time, null, admin: true, realAuditLog), dataDirectory, https: true, ["--Gateway:Relay:File:Enabled", "false", .. extraArguments]).ConfigureAwait(false));

    /// <summary>Creates an API key (needs <see cref="StartWithAdminAsync(TimeProvider, string?, string[])"/>) and returns the key itself.</summary>
    public async Task<string> CreateKeyAsync(string[] roles, string? tenant = null) =>
        (await Service<M2M.Gateway.Access.ApiKeyStore>().CreateAsync("test", roles, tenant, null, default).ConfigureAwait(false)).Secret;

    private static WebApplication Build(string[] args, TimeProvider? time, IDeviceRegistry? registry, bool admin, bool realAuditLog)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (registry != null)
        {
            builder.Services.AddSingleton(registry);
        }

        builder.Services.AddClusterEngines(builder.Configuration);
        if (realAuditLog)
        {
            builder.Services.AddAuditLog(builder.Configuration);
        }
        else
        {
            builder.Services.AddSingleton<IAuditLog, CollectingAuditLog>();
        }

        builder.Services.AddGatewayHealth();
        builder.Services.AddDeviceRegistry(builder.Configuration);
        builder.Services.AddMqttIngress(builder.Configuration);
        builder.Services.AddTokenService(builder.Configuration);
        builder.Services.AddGatewayHttps(builder.Configuration);
        if (admin)
        {
            builder.Services.AddAdminApi(builder.Configuration);
            builder.Services.AddDeviceCommands(builder.Configuration);
            builder.Services.AddSecretRotation(builder.Configuration);
        }

        if (time != null)
        {
            // Last, so it replaces the system clock the parts registered.
            builder.Services.AddSingleton(time);
        }

        var app = builder.Build();
        if (admin)
        {
            // As Program.cs: errors no endpoint answered become problem details.
            app.UseExceptionHandler();
        }

        app.MapGatewayHealth();
        app.MapGatewayMetrics();
        app.MapTokenService();
        app.MapGatewayHttps();
        if (admin)
        {
            app.MapAdminApi();
        }

        return app;
    }

    /// <summary>An HTTP client for the plain address.</summary>
    public HttpClient Client() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>An HTTP client for the HTTPS address that trusts only <paramref name="caPem"/> (default: the CA file the gateway exported).</summary>
    public HttpClient HttpsClient(string? caPem = null)
    {
        var ca = X509Certificate2.CreateFromPem(caPem ?? File.ReadAllText(Path.Combine(DataDirectory, GatewayCertificate.CaFileName)));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(ca);
        return new HttpClient(handler) { BaseAddress = HttpsAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>POSTs a token request with these form parameters.</summary>
    public static async Task<HttpResponseMessage> RequestTokenAsync(HttpClient client, params (string Name, string Value)[] parameters)
    {
        using var content = new FormUrlEncodedContent(parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
        return await client.PostAsync(new Uri("/oauth2/token", UriKind.Relative), content).ConfigureAwait(false);
    }

    /// <summary>The standard request of docs/protocol.md section 3.1 for <paramref name="assertion"/>.</summary>
    public static (string, string)[] Form(string assertion) =>
    [
        ("grant_type", "client_credentials"),
        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        ("client_assertion", assertion),
    ];

    /// <summary>Gets an access token with a fresh assertion; fails the test otherwise.</summary>
    public async Task<string> GetAccessTokenAsync(HttpClient client, DeviceCredential device, DateTimeOffset now)
    {
        using var response = await RequestTokenAsync(client, Form(TestAssertion.Create(device, TokenEndpoint, now))).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The JWKS as served.</summary>
    public static async Task<Microsoft.IdentityModel.Tokens.JsonWebKeySet> JwksAsync(HttpClient client)
    {
        var json = await client.GetStringAsync(new Uri("/.well-known/jwks.json", UriKind.Relative)).ConfigureAwait(false);
        return new Microsoft.IdentityModel.Tokens.JsonWebKeySet(json);
    }

    /// <summary>The metadata document as served.</summary>
    public static async Task<JsonElement> MetadataAsync(HttpClient client, string path = "/.well-known/oauth-authorization-server") =>
        (await client.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative)).ConfigureAwait(false));

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
