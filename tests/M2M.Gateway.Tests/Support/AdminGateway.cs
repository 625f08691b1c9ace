using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Testing;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The real gateway as a process on loopback, with its first admin key written to
/// <c>admin.key</c> in its data folder (Gateway:Admin:InitialKeyFile), and an HTTP client for it.
/// </summary>
public sealed class AdminGateway : IAsyncDisposable
{
    public const string KeyFileName = "admin.key";

    private AdminGateway(GatewayProcess process, string adminKey, int mqttPort, int mqttTlsPort)
    {
        Process = process;
        MqttPort = mqttPort;
        MqttTlsPort = mqttTlsPort;
        AdminKey = adminKey;
        Client = new HttpClient { BaseAddress = process.BaseAddress };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public GatewayProcess Process { get; }

    public string AdminKey { get; }

    /// <summary>The plain MQTT port of the ingress.</summary>
    public int MqttPort { get; }

    /// <summary>The MQTT over TLS port of the ingress.</summary>
    public int MqttTlsPort { get; }

    /// <summary>A client that sends the admin key.</summary>
    public HttpClient Client { get; }

    public string DataDirectory => Process.DataDirectory;

    /// <summary>Starts a gateway on <paramref name="dataDirectory"/> (a fresh one when null), with more command-line arguments.</summary>
    public static Task<AdminGateway> StartAsync(string? dataDirectory = null, params string[] extraArguments) =>
        StartAsync(new GatewayProcess.Launch { DataDirectory = dataDirectory, Arguments = extraArguments });

    /// <summary>Starts a gateway as <paramref name="launch"/> says (its arguments come before the admin and MQTT ones).</summary>
    public static async Task<AdminGateway> StartAsync(GatewayProcess.Launch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var mqttPort = LoopbackPort.Free();
        var mqttTlsPort = LoopbackPort.Free();
        var process = await GatewayProcess.StartAsync(launch with
        {
            Arguments =
            [
                .. launch.Arguments,
                "--Gateway:Admin:InitialKeyFile", KeyFileName,
                "--Gateway:Mqtt:Port", mqttPort.ToString(CultureInfo.InvariantCulture),
                "--Gateway:Mqtt:TlsPort", mqttTlsPort.ToString(CultureInfo.InvariantCulture),
            ],
        }).ConfigureAwait(false);
        var key = (await File.ReadAllTextAsync(Path.Combine(process.DataDirectory, KeyFileName)).ConfigureAwait(false)).Trim();
        return new AdminGateway(process, key, mqttPort, mqttTlsPort);
    }

    /// <summary>Registers a device through the admin API and returns its secret S.</summary>
    public Task<byte[]> AddDeviceAsync(string deviceId, string tenant = "acme", params string[] roles) => AddDeviceAsync(Client, deviceId, tenant, roles);

    /// <summary>Registers a device through the admin API that <paramref name="client"/> reaches and returns its secret S.</summary>
    public static async Task<byte[]> AddDeviceAsync(HttpClient client, string deviceId, string tenant = "acme", params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var added = await client.PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { id = deviceId, tenant, roles }).ConfigureAwait(false);
        var body = await added.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(added.StatusCode == System.Net.HttpStatusCode.Created, body);
        return System.Buffers.Text.Base64Url.DecodeFromChars(JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>Creates an API key with the bootstrap key and returns its id and the key itself.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string name, string[] roles, string? tenant = null)
    {
        using var created = await Client.PostAsJsonAsync(new Uri("/admin/v1/keys", UriKind.Relative), new { name, roles, tenant }).ConfigureAwait(false);
        var body = await created.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, body);
        var key = JsonDocument.Parse(body).RootElement;
        return (key.GetProperty("id").GetString()!, key.GetProperty("key").GetString()!);
    }

    /// <summary>A client of this gateway that sends <paramref name="bearer"/> (an API key or an access token).</summary>
    public HttpClient ClientWith(string bearer)
    {
        var client = new HttpClient { BaseAddress = Process.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>The audit log's lines.</summary>
    public IReadOnlyList<JsonElement> AuditLines()
    {
        var path = Path.Combine(DataDirectory, "audit.jsonl");
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    /// <summary>The ids of the events the file sink (on by default) holds, in file order.</summary>
    public IReadOnlyList<string> FileSinkIds() =>
        [.. File.ReadAllLines(Path.Combine(DataDirectory, "telemetry.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!)];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync().ConfigureAwait(false);
    }
}
