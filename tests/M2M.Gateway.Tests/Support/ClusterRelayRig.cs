using System.Globalization;
using M2M.Gateway.Cluster;
using M2M.Gateway.Cluster.Relay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using M2M.Gateway.Journal;
using M2M.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// For the relay's Cluster-mode tests: one PostgreSQL, one NATS server with JetStream, the journal
/// stream created as the cluster's write side creates it, and records published into it the way the
/// write side does (<see cref="JournalStreamRecord"/>), so the relay is tested on its own. Gateway
/// processes started on the rig are cluster nodes sharing both engines; started with a webhook, the
/// rig also holds the receiver those nodes' webhook sink delivers to.
/// </summary>
public sealed class ClusterRelayRig : IAsyncDisposable
{
    public const string Device = "sensor-1";

    private readonly ClusterOptions _cluster = new() { Replicas = 1 };
    private readonly NatsConnection _nats;
    private readonly List<GatewayProcess> _nodes = [];
    private readonly string _masterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(M2M.Gateway.Secrets.MasterKey.Length));
    private readonly WebhookReceiver? _webhook;

    private ClusterRelayRig(PostgresServer postgres, NatsServer natsServer, WebhookReceiver? webhook)
    {
        Postgres = postgres;
        Nats = natsServer;
        _webhook = webhook;
        _nats = new NatsConnection(new NatsOpts { Url = natsServer.Url });
        JetStream = new NatsJSContext(_nats);
    }

    public PostgresServer Postgres { get; }

    public NatsServer Nats { get; }

    public INatsJSContext JetStream { get; }

    public string Stream => _cluster.JournalStream;

    /// <summary>The webhook receiver of a rig started with one.</summary>
    public WebhookReceiver Webhook => _webhook ?? throw new InvalidOperationException("the rig was started without a webhook");

    /// <summary>A folder for the test's files (a shared sink file), removed with the rig.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("m2m-cluster-relay-").FullName;

    /// <summary>Starts the engines, and with <paramref name="webhook"/> a <see cref="Webhook"/> receiver.</summary>
    public static async Task<ClusterRelayRig> StartAsync(bool webhook = false)
    {
        var postgres = await PostgresServer.StartAsync().ConfigureAwait(false);
        var nats = await NatsServer.StartAsync().ConfigureAwait(false);
        var rig = new ClusterRelayRig(postgres, nats, webhook ? await WebhookReceiver.StartAsync().ConfigureAwait(false) : null);
        await rig.JetStream.CreateStreamAsync(ReplayCheckpoints.JournalStreamConfig(rig._cluster)).ConfigureAwait(false);
        return rig;
    }

    /// <summary>The Gateway:Cluster settings of node <paramref name="node"/>, and relay retries and leases fast enough for a test.</summary>
    public IReadOnlyList<string> NodeArguments(string node) =>
    [
        "--Gateway:Cluster:Mode", "Cluster",
        "--Gateway:Cluster:NodeId", node,
        "--Gateway:Cluster:Postgres", Postgres.ConnectionString,
        "--Gateway:Cluster:Nats", Nats.Url,
        "--Gateway:Cluster:Replicas", "1",
        "--Gateway:Cluster:Relay:LeaseInterval", "00:00:00.500",
        "--Gateway:Relay:MaxAttempts", "100000",
        "--Gateway:Relay:InitialBackoff", "00:00:00.020",
        "--Gateway:Relay:MaxBackoff", "00:00:00.100",
        "--Gateway:Relay:PositionSaveInterval", "00:00:00.200",
    ];

    /// <summary>Starts a gateway process as cluster node <paramref name="node"/> with <paramref name="arguments"/> on top.</summary>
    public async Task<GatewayProcess> StartNodeAsync(string node, params string[] arguments)
    {
        // Every node of a cluster holds the same master key, or it refuses to start (docs/scaling.md).
        var process = await GatewayProcess.StartAsync(new GatewayProcess.Launch
        {
            Arguments = [.. NodeArguments(node), .. arguments],
            Environment = new Dictionary<string, string> { [M2M.Gateway.Secrets.MasterKey.EnvironmentVariable] = _masterKey },
        }).ConfigureAwait(false);
        _nodes.Add(process);
        return process;
    }

    /// <summary>Starts cluster node <paramref name="node"/> whose webhook sink delivers to <see cref="Webhook"/>, with the other sinks' <paramref name="arguments"/>.</summary>
    public Task<GatewayProcess> StartWebhookNodeAsync(string node, params string[] arguments) =>
        StartNodeAsync(node, [.. arguments, "--Gateway:Relay:Webhook:Url", Webhook.Url.ToString()]);

    /// <summary>
    /// Waits until the record of seq <paramref name="sentinel"/> reached <see cref="Webhook"/>, and
    /// returns the event ids received up to it, in arrival order. Publish the sentinel last: once it
    /// has arrived, everything before it has.
    /// </summary>
    public async Task<IReadOnlyList<string>> WebhookIdsThroughAsync(uint sentinel)
    {
        var id = EventId(sentinel);
        var received = await Eventually.ValueAsync(() => Webhook.Deliveries.Select(d => d.Id!).ToList(), ids => ids.Contains(id), "the sentinel at the webhook").ConfigureAwait(false);
        return [.. received.TakeWhile(other => other != id).Append(id)];
    }

    /// <summary>
    /// The relay's Cluster-mode journal of one node, in the test process, with the sinks
    /// <paramref name="relay"/> enables (Gateway:Relay settings), <paramref name="retention"/>, and
    /// <paramref name="fold"/> as the replay checkpoints' fold; its tables migrated and its backlog
    /// read every 100 ms. Dispose the provider to stop it.
    /// </summary>
    public async Task<(ServiceProvider Services, IRelayJournal Journal)> RelayJournalAsync(IReplayFold fold, TimeSpan retention, params (string Key, string Value)[] relay)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Cluster:Mode"] = "Cluster",
            ["Gateway:Cluster:NodeId"] = "node-a",
            ["Gateway:Cluster:Postgres"] = Postgres.ConnectionString,
            ["Gateway:Cluster:Nats"] = Nats.Url,
            ["Gateway:Cluster:Replicas"] = "1",
            ["Gateway:Cluster:Relay:BacklogInterval"] = "00:00:00.100",
            ["Gateway:Journal:Retention"] = retention.ToString("c", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in relay)
        {
            settings["Gateway:Relay:" + key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton(fold);
        services.AddOptions<JournalOptions>().Bind(configuration.GetSection(JournalOptions.Section));
        services.AddClusterEngines(configuration).AddClusterRelay(configuration);
        var provider = services.BuildServiceProvider();
        var journal = provider.GetRequiredService<IRelayJournal>();
        journal.MigrateRelayTables();
        await provider.GetRequiredService<ClusterRelayJournal>().StartAsync(CancellationToken.None).ConfigureAwait(false);

        return (provider, journal);
    }

    /// <summary>The record of seq <paramref name="seq"/> (payload: the seq's low byte).</summary>
    public static JournalRecord Record(uint seq) =>
        new(0, Device, "acme", 1, $"devices/{Device}/telemetry", 1, seq, 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null, [(byte)seq], "c2lnbmF0dXJl");

    /// <summary>The event id the relay gives the record of seq <paramref name="seq"/>.</summary>
    public static string EventId(uint seq) => string.Create(CultureInfo.InvariantCulture, $"{Device}/1/1/{seq}");

    /// <summary>The event ids of seq <paramref name="first"/> to <paramref name="last"/>, in order.</summary>
    public static IReadOnlyList<string> EventIds(uint first, uint last) => [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(seq => EventId((uint)seq))];

    /// <summary>Journals seq <paramref name="first"/> to <paramref name="last"/> as the write side does, each acknowledged by JetStream.</summary>
    public async Task PublishAsync(uint first, uint last)
    {
        for (var seq = first; seq <= last; seq++)
        {
            await JournalStreamWrite.WriteAsync(JetStream, _cluster, Record(seq), "test").ConfigureAwait(false);
        }
    }

    /// <summary>The stream's first and last sequence now.</summary>
    public async Task<(long First, long Last)> StreamStateAsync()
    {
        var stream = await JetStream.GetStreamAsync(Stream).ConfigureAwait(false);
        return ((long)stream.Info.State.FirstSeq, (long)stream.Info.State.LastSeq);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        if (_webhook is not null)
        {
            await _webhook.DisposeAsync().ConfigureAwait(false);
        }

        await _nats.DisposeAsync().ConfigureAwait(false);
        await Nats.DisposeAsync().ConfigureAwait(false);
        await Postgres.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(Folder, recursive: true);
    }
}
