using System.Globalization;
using M2M.Testing;

namespace M2M.Bench.Servers;

/// <summary>
/// The built gateway (M2M.Gateway.dll) as a child process on free loopback ports, with a fresh data
/// folder, its relay writing the JSON-lines file sink the benchmark tails, and its first admin key written to
/// a file (Gateway:Admin:InitialKeyFile) so the benchmark can provision devices.
/// </summary>
public sealed class GatewayServer : IDisposable
{
    // The gateway's master key file (Secrets/MasterKey.FileName); the benchmark does not reference the gateway.
    private const string MasterKeyFileName = "master.key";

    private readonly string _dataDirectory;

    private GatewayServer(ServerProcess process, string dataDirectory, Uri baseAddress, int mqttPort, string adminKey)
    {
        Process = process;
        _dataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        MqttPort = mqttPort;
        AdminKey = adminKey;
    }

    public ServerProcess Process { get; }

    public Uri BaseAddress { get; }

    public int MqttPort { get; }

    /// <summary>The admin API key; kept in memory only, never printed.</summary>
    public string AdminKey { get; }

    /// <summary>The token endpoint, the <c>aud</c> of client assertions (docs/protocol.md section 3.2).</summary>
    public string TokenEndpoint => new Uri(BaseAddress, "/oauth2/token").ToString();

    /// <summary>The JSON-lines file sink's output (Gateway:Relay:File:Path, default telemetry.jsonl in the data folder).</summary>
    public string TelemetryFile => Path.Combine(_dataDirectory, "telemetry.jsonl");

    public static Task<GatewayServer> StartAsync(string gatewayDll) => StartAsync(gatewayDll, [], null);

    /// <summary>
    /// Starts a gateway with more command-line arguments (a cluster node's), its data folder holding
    /// a copy of <paramref name="masterKeyFrom"/>'s master key when given (every node of a cluster has
    /// the same). The admin key is the one the first node wrote, when given, since a node joining a
    /// database that has keys writes none.
    /// </summary>
    public static async Task<GatewayServer> StartAsync(string gatewayDll, IReadOnlyList<string> extraArguments, GatewayServer? masterKeyFrom)
    {
        ArgumentNullException.ThrowIfNull(extraArguments);
        var dataDirectory = ChildProcesses.CreateFolder("m2m-bench-gateway-");
        if (masterKeyFrom != null)
        {
            // File.Copy keeps the owner-only mode the gateway insists on.
            File.Copy(Path.Combine(masterKeyFrom._dataDirectory, MasterKeyFileName), Path.Combine(dataDirectory, MasterKeyFileName));
        }

        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var mqttPort = LoopbackPort.Free();
        var keyFile = Path.Combine(dataDirectory, "admin-key");
        string[] arguments =
        [
            gatewayDll,
            "--urls", baseAddress.ToString(),
            "--Gateway:DataDirectory", dataDirectory,
            "--Gateway:Mqtt:Port", mqttPort.ToString(CultureInfo.InvariantCulture),
            "--Gateway:Mqtt:TlsPort", "0",
            "--Gateway:Admin:InitialKeyFile", keyFile,
            "--Gateway:Relay:File:Enabled", "true",
            // One load generator on one address asks for every token: the per-address and per-client
            // limits of docs/protocol.md section 9.1 would measure the limiter, not the endpoint.
            "--Gateway:Tokens:RequestsPerAddress", "1000000000",
            "--Gateway:Tokens:RequestsPerClient", "1000000",
            "--Logging:LogLevel:Default", "Warning",
            .. extraArguments,
        ];
        var process = ServerProcess.Start("gateway", "dotnet", arguments, dataDirectory);
        try
        {
            await process.WaitForPortAsync(mqttPort, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            await process.WaitForPortAsync(baseAddress.Port, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            var adminKey = masterKeyFrom?.AdminKey ?? await ReadAdminKeyAsync(keyFile, process).ConfigureAwait(false);
            return new GatewayServer(process, dataDirectory, baseAddress, mqttPort, adminKey);
        }
        catch
        {
            process.Dispose();
            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>Finds M2M.Gateway.dll built next to this repository's sources (Release first).</summary>
    public static string? FindBuiltGateway()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var candidate = Path.Combine(directory.FullName, "gateway", "M2M.Gateway", "bin", configuration, "net10.0", "M2M.Gateway.dll");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public void Dispose()
    {
        Process.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static async Task<string> ReadAdminKeyAsync(string keyFile, ServerProcess process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (File.Exists(keyFile))
            {
                var key = (await File.ReadAllTextAsync(keyFile).ConfigureAwait(false)).Trim();
                if (key.Length > 0)
                {
                    return key;
                }
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"The gateway wrote no admin key to Gateway:Admin:InitialKeyFile:{Environment.NewLine}{process.RecentOutput}");
    }
}
