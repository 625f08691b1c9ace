using System.Globalization;
using System.Net.Http.Headers;
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

    private AdminGateway(GatewayProcess process, string adminKey, int mqttPort)
    {
        Process = process;
        MqttPort = mqttPort;
        AdminKey = adminKey;
        Client = new HttpClient { BaseAddress = process.BaseAddress };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public GatewayProcess Process { get; }

    public string AdminKey { get; }

    /// <summary>The plain MQTT port of the ingress.</summary>
    public int MqttPort { get; }

    /// <summary>A client that sends the admin key.</summary>
    public HttpClient Client { get; }

    public string DataDirectory => Process.DataDirectory;

    /// <summary>Starts a gateway on <paramref name="dataDirectory"/> (a fresh one when null), with <paramref name="extraArguments"/>.</summary>
    public static async Task<AdminGateway> StartAsync(string? dataDirectory = null, params string[] extraArguments)
    {
        var mqttPort = LoopbackPort.Free();
        var process = await GatewayProcess.StartAsync(
            "M2M.Gateway.dll",
            dataDirectory,
            [
                "--Gateway:Admin:InitialKeyFile", KeyFileName,
                "--Gateway:Mqtt:Port", mqttPort.ToString(CultureInfo.InvariantCulture),
                "--Gateway:Mqtt:TlsPort", LoopbackPort.Free().ToString(CultureInfo.InvariantCulture),
                .. extraArguments,
            ]).ConfigureAwait(false);
        var key = (await File.ReadAllTextAsync(Path.Combine(process.DataDirectory, KeyFileName)).ConfigureAwait(false)).Trim();
        return new AdminGateway(process, key, mqttPort);
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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync().ConfigureAwait(false);
    }
}
