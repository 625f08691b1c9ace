using System.Text.Json;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Console.Tests.Support;

/// <summary>
/// The real gateway as a process on loopback (the gateway tests' <see cref="AdminGateway"/>), serving
/// HTTP (health, admin API for the test's own set-up) and HTTPS (the console, the token endpoint
/// devices use), with MQTT over TLS.
/// </summary>
public sealed class ConsoleGateway : IAsyncDisposable
{
    private ConsoleGateway(AdminGateway api, Uri httpsAddress)
    {
        Api = api;
        HttpsAddress = httpsAddress;
    }

    /// <summary>The gateway and its admin API client (with the first admin key).</summary>
    public AdminGateway Api { get; }

    public GatewayProcess Process => Api.Process;

    /// <summary>The HTTPS address: the console is at <c>/console</c> here.</summary>
    public Uri HttpsAddress { get; }

    public int MqttTlsPort => Api.MqttTlsPort;

    /// <summary>The plain MQTT port on loopback.</summary>
    public int MqttPort => Api.MqttPort;

    /// <summary>The first admin key (role admin).</summary>
    public string AdminKey => Api.AdminKey;

    /// <summary>An admin API client with <see cref="AdminKey"/>, over plain HTTP on loopback.</summary>
    public HttpClient Admin => Api.Client;

    /// <summary>The token endpoint devices use (the issuer is the HTTPS address).</summary>
    public string TokenEndpoint => new Uri(HttpsAddress, "/oauth2/token").ToString();

    /// <summary>The development CA the gateway's certificates chain to (devices trust it).</summary>
    public string CaPem => File.ReadAllText(Path.Combine(Process.DataDirectory, "m2m-dev-ca.pem"));

    /// <summary>Starts the gateway, with <paramref name="arguments"/> added to its command line (configuration such as <c>--Gateway:Policies:0:Name</c>).</summary>
    public static async Task<ConsoleGateway> StartAsync(params string[] arguments)
    {
        var https = new Uri($"https://127.0.0.1:{LoopbackPort.Free()}");
        var api = await AdminGateway.StartAsync(new GatewayProcess.Launch
        {
            Urls = [new Uri($"http://127.0.0.1:{LoopbackPort.Free()}"), https],
            Arguments = ["--Gateway:Relay:File:Enabled", "false", .. arguments],
        }).ConfigureAwait(false);
        return new ConsoleGateway(api, https);
    }

    /// <summary>Registers a device through the admin API and returns its secret S.</summary>
    public Task<byte[]> AddDeviceAsync(string deviceId, string tenant = "acme", params string[] roles) => Api.AddDeviceAsync(deviceId, tenant, roles);

    /// <summary>The audit log's lines.</summary>
    public IReadOnlyList<JsonElement> AuditLines() => Api.AuditLines();

    public ValueTask DisposeAsync() => Api.DisposeAsync();
}
