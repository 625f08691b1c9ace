using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Console.Tests.Support;

/// <summary>
/// The real gateway as a process on loopback, serving HTTP (health, admin API for the test's own
/// set-up) and HTTPS (the console, the token endpoint devices use), with MQTT over TLS, its first
/// admin key written to <c>admin.key</c> in its data folder.
/// </summary>
public sealed class ConsoleGateway : IAsyncDisposable
{
    private const string KeyFileName = "admin.key";

    private ConsoleGateway(GatewayProcess process, Uri httpsAddress, int mqttTlsPort, string adminKey)
    {
        Process = process;
        HttpsAddress = httpsAddress;
        MqttTlsPort = mqttTlsPort;
        AdminKey = adminKey;
        Admin = new HttpClient { BaseAddress = process.BaseAddress };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public GatewayProcess Process { get; }

    /// <summary>The HTTPS address: the console is at <c>/console</c> here.</summary>
    public Uri HttpsAddress { get; }

    public int MqttTlsPort { get; }

    /// <summary>The first admin key (role admin).</summary>
    public string AdminKey { get; }

    /// <summary>An admin API client with <see cref="AdminKey"/>, over plain HTTP on loopback.</summary>
    public HttpClient Admin { get; }

    /// <summary>The token endpoint devices use (the issuer is the HTTPS address).</summary>
    public string TokenEndpoint => new Uri(HttpsAddress, "/oauth2/token").ToString();

    /// <summary>The development CA the gateway's certificates chain to (devices trust it).</summary>
    public string CaPem => File.ReadAllText(Path.Combine(Process.DataDirectory, "m2m-dev-ca.pem"));

    public static async Task<ConsoleGateway> StartAsync()
    {
        var https = new Uri($"https://127.0.0.1:{LoopbackPort.Free()}");
        var mqttTls = LoopbackPort.Free();
        var process = await GatewayProcess.StartAsync(new GatewayProcess.Launch
        {
            Urls = [new Uri($"http://127.0.0.1:{LoopbackPort.Free()}"), https],
            Arguments =
            [
                "--Gateway:Admin:InitialKeyFile", KeyFileName,
                "--Gateway:Mqtt:TlsPort", mqttTls.ToString(CultureInfo.InvariantCulture),
                "--Gateway:Relay:File:Enabled", "false",
            ],
        }).ConfigureAwait(false);
        var key = (await File.ReadAllTextAsync(Path.Combine(process.DataDirectory, KeyFileName)).ConfigureAwait(false)).Trim();
        return new ConsoleGateway(process, https, mqttTls, key);
    }

    /// <summary>Registers a device through the admin API and returns its secret S.</summary>
    public async Task<byte[]> AddDeviceAsync(string deviceId, string tenant = "acme", params string[] roles)
    {
        using var added = await Admin.PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { id = deviceId, tenant, roles }).ConfigureAwait(false);
        var body = await added.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(added.StatusCode == System.Net.HttpStatusCode.Created, body);
        return System.Buffers.Text.Base64Url.DecodeFromChars(JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>The audit log's lines.</summary>
    public IReadOnlyList<JsonElement> AuditLines()
    {
        var path = Path.Combine(Process.DataDirectory, "audit.jsonl");
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Process.DisposeAsync().ConfigureAwait(false);
    }
}
