using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.App;
using M2M.Gateway.Https;
using M2M.Gateway.Secrets;
using M2M.Testing;
using DeviceCredential = M2M.Device.Core.Storage.DeviceCredential;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// A cluster as docs/scaling.md deploys one, all on loopback: a three-node NATS cluster with
/// JetStream, one PostgreSQL, N real gateway processes in Cluster mode, and TCP load balancers in
/// front of their MQTT and HTTPS ports, through which devices of the device core (the host build of
/// the firmware's application) get their tokens and connect. Every node is given the same master
/// key and the same development CA, as an operator gives them the same key and certificate.
/// </summary>
public sealed class ClusterRig : IAsyncDisposable
{
    private readonly string _folder;
    private readonly List<Node> _nodes = [];
    private readonly List<RunningDevice> _devices = [];
    private readonly List<string> _drives = [];
    private readonly int _httpsBalancerPort = LoopbackPort.Free();
    private TcpLoadBalancer? _mqtt;
    private TcpLoadBalancer? _https;

    private ClusterRig(string folder, NatsCluster nats, PostgresServer postgres)
    {
        _folder = folder;
        Nats = nats;
        Postgres = postgres;
    }

    public NatsCluster Nats { get; }

    public PostgresServer Postgres { get; }

    /// <summary>More command-line arguments every node gets (e.g. its sinks).</summary>
    public IReadOnlyList<string> ExtraArguments { get; private set; } = [];

    /// <summary>The issuer every node names, behind the HTTPS load balancer.</summary>
    public string Issuer => $"https://127.0.0.1:{_httpsBalancerPort}";

    /// <summary>The first admin key, written by the first node.</summary>
    public string AdminKey { get; private set; } = string.Empty;

    /// <summary>The MQTT port of the load balancer.</summary>
    public int MqttPort => _mqtt!.Port;

    public int Count => _nodes.Count;

    /// <summary>The gateway process of node <paramref name="i"/>.</summary>
    public GatewayProcess Gateway(int i) => _nodes[i].Process!;

    /// <summary>The MQTT port of node <paramref name="i"/> itself, bypassing the load balancer.</summary>
    public int NodeMqttPort(int i) => _nodes[i].MqttPort;

    /// <summary>
    /// Starts the engines and <paramref name="gateways"/> nodes, each given the command-line
    /// arguments <paramref name="arguments"/> returns for the rig's PostgreSQL (e.g. its sinks).
    /// </summary>
    public static async Task<ClusterRig> StartAsync(int gateways, Func<PostgresServer, IReadOnlyList<string>>? arguments = null)
    {
        var folder = Directory.CreateTempSubdirectory("m2m-cluster-").FullName;
        var nats = await NatsCluster.StartAsync();
        var postgres = await PostgresServer.StartAsync();
        var rig = new ClusterRig(folder, nats, postgres);
        try
        {
            rig.ExtraArguments = arguments?.Invoke(postgres) ?? [];
            for (var i = 0; i < gateways; i++)
            {
                rig._nodes.Add(new Node(i, Path.Combine(folder, $"node-{i}")));
            }

            // The first node creates the master key, the development CA and the first admin key; the
            // others start from copies of the first two, as an operator provisions them.
            await rig.StartNodeAsync(0);
            rig.AdminKey = (await File.ReadAllTextAsync(Path.Combine(rig._nodes[0].DataDirectory, AdminGateway.KeyFileName))).Trim();
            foreach (var node in rig._nodes.Skip(1))
            {
                Directory.CreateDirectory(node.DataDirectory);
                foreach (var file in new[] { MasterKey.FileName, GatewayCertificate.CaFileName, GatewayCertificate.KeyFileName })
                {
                    var target = Path.Combine(node.DataDirectory, file);
                    File.Copy(Path.Combine(rig._nodes[0].DataDirectory, file), target); // keeps the owner-only mode
                }
            }

            await Task.WhenAll(Enumerable.Range(1, gateways - 1).Select(rig.StartNodeAsync));
            rig._mqtt = new TcpLoadBalancer([.. rig._nodes.Select(n => n.MqttPort)]);
            rig._https = new TcpLoadBalancer([.. rig._nodes.Select(n => n.HttpsPort)], rig._httpsBalancerPort);
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts node <paramref name="i"/> (again, after <see cref="KillAsync"/>) on its data folder and ports.</summary>
    public async Task StartNodeAsync(int i)
    {
        var node = _nodes[i];
        node.Process = await GatewayProcess.StartAsync(new GatewayProcess.Launch
        {
            DataDirectory = node.DataDirectory,
            Urls = [new Uri($"http://127.0.0.1:{node.HttpPort}"), new Uri($"https://127.0.0.1:{node.HttpsPort}")],
            Arguments =
            [
                "--Gateway:Cluster:Mode", "Cluster",
                "--Gateway:Cluster:NodeId", $"node-{i}",
                "--Gateway:Cluster:Postgres", Postgres.ConnectionString,
                "--Gateway:Cluster:Nats", Nats.Urls,
                "--Gateway:Issuer", Issuer,
                "--Gateway:Admin:InitialKeyFile", AdminGateway.KeyFileName,
                "--Gateway:Mqtt:Port", node.MqttPort.ToString(CultureInfo.InvariantCulture),
                "--Gateway:Mqtt:TlsPort", "0",
                .. ExtraArguments,
            ],
        });
    }

    /// <summary>Kills node <paramref name="i"/> (SIGKILL, as a crash).</summary>
    public Task KillAsync(int i) => _nodes[i].Process!.KillAsync();

    /// <summary>An HTTP client of node <paramref name="i"/>'s admin API with the first admin key.</summary>
    public HttpClient Admin(int i)
    {
        var client = new HttpClient { BaseAddress = _nodes[i].Process!.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>Registers a device through node <paramref name="node"/>'s admin API; returns its secret S.</summary>
    public async Task<byte[]> AddDeviceAsync(string deviceId, int node = 0)
    {
        using var admin = Admin(node);
        return await AdminGateway.AddDeviceAsync(admin, deviceId);
    }

    /// <summary>An access token of a device, from the token endpoint behind the HTTPS load balancer (docs/protocol.md section 3).</summary>
    public async Task<string> TokenAsync(string deviceId, byte[] secret)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_nodes[0].DataDirectory, GatewayCertificate.CaFileName)));
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(ca);
        using var client = new HttpClient(handler) { BaseAddress = new Uri(Issuer) };
        var assertion = TestAssertion.Sign(Registry.DeviceKeyDerivation.DeriveAuthKey(secret), TestAssertion.Claims(deviceId, Issuer + "/oauth2/token", DateTimeOffset.UtcNow));
        using var response = await TokenGateway.RequestTokenAsync(client, TokenGateway.Form(assertion));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// Boots a device of the device core provisioned with the load balancer's addresses (or node
    /// <paramref name="node"/>'s own MQTT port), collecting telemetry every <paramref name="intervalSeconds"/>.
    /// </summary>
    public RunningDevice StartDevice(string deviceId, byte[] secret, int intervalSeconds = 1, int? node = null)
    {
        var drive = Directory.CreateTempSubdirectory("m2m-cluster-device-").FullName;
        _drives.Add(drive);
        var credential = new DeviceCredential(deviceId, secret, Issuer + "/oauth2/token", "127.0.0.1", node is { } n ? NodeMqttPort(n) : MqttPort)
        {
            CaCertificatePem = File.ReadAllText(Path.Combine(_nodes[0].DataDirectory, GatewayCertificate.CaFileName)),
            MqttTls = false,
        };
        RunningDevice.Provision(drive, credential, new DeviceConfig { TelemetryIntervalSeconds = intervalSeconds });
        var device = RunningDevice.Boot(drive, new CountingRestart());
        _devices.Add(device);
        return device;
    }

    /// <summary>What a device's application and session last reported, for a failure message.</summary>
    public static string Explain(RunningDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var app = device.App;
        return string.Create(CultureInfo.InvariantCulture,
            $"state {app.State}, last error {app.LastError ?? "none"} ({app.LastErrorType ?? "-"}), connects {app.Session?.Connects}, last reason code 0x{app.Session?.LastReasonCode:X2}, acknowledged {app.Session?.Acknowledged}");
    }

    /// <summary>The output of every gateway process, for a failure message.</summary>
    public string Output => string.Join("\n", _nodes.Select(n => $"--- node {n.Index}\n{n.Process?.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _devices)
        {
            device.Dispose();
        }

        foreach (var node in _nodes)
        {
            if (node.Process != null)
            {
                await node.Process.DisposeAsync();
            }
        }

        if (_mqtt != null)
        {
            await _mqtt.DisposeAsync();
        }

        if (_https != null)
        {
            await _https.DisposeAsync();
        }

        await Postgres.DisposeAsync();
        await Nats.DisposeAsync();
        foreach (var drive in _drives)
        {
            Directory.Delete(drive, recursive: true);
        }

        Directory.Delete(_folder, recursive: true);
    }

    private sealed class Node(int index, string dataDirectory)
    {
        public int Index { get; } = index;

        public string DataDirectory { get; } = dataDirectory;

        public int HttpPort { get; } = LoopbackPort.Free();

        public int HttpsPort { get; } = LoopbackPort.Free();

        public int MqttPort { get; } = LoopbackPort.Free();

        public GatewayProcess? Process { get; set; }
    }
}

/// <summary>Waits that say, when they time out, what the cluster's parts last reported.</summary>
public static class ExplainedWait
{
    /// <summary>Awaits <paramref name="wait"/>; a timeout is rethrown with <paramref name="explain"/>'s text added.</summary>
    public static async Task OrExplain(this Task wait, Func<string> explain)
    {
        ArgumentNullException.ThrowIfNull(wait);
        ArgumentNullException.ThrowIfNull(explain);
        try
        {
            await wait.ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message}\n{explain()}", exception);
        }
    }
}
