using System.Globalization;
using System.Security.Cryptography;
using M2M.Bench.Fleet;
using M2M.Bench.Servers;
using Spectre.Console;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Runs the chosen scenarios against the gateway and Mosquitto, each on servers it starts on loopback
/// and stops afterwards, and collects the rows of the ratio table.
/// </summary>
public sealed class BenchRunner(BenchOptions options, IAnsiConsole console)
{
    private const string Tenant = "bench";
    private readonly List<ScenarioResult> _results = [];

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken cancellationToken)
    {
        if (Wants("throughput") || Wants("storm") || Wants("tokens"))
        {
            await RunGroupAsync("throughput, storm, tokens", RunTrafficScenariosAsync, cancellationToken).ConfigureAwait(false);
        }

        if (Wants("idle"))
        {
            await RunGroupAsync("idle connections", RunIdleScenarioAsync, cancellationToken).ConfigureAwait(false);
        }

        return _results;
    }

    /// <summary>A failed group becomes a row saying why, so the other groups' figures still print.</summary>
    private async Task RunGroupAsync(string name, Func<CancellationToken, Task> run, CancellationToken cancellationToken)
    {
        try
        {
            await run(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or TimeoutException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            _results.Add(new ScenarioResult(name, "failed", "", null, null, true, e.Message));
        }
    }

    private bool Wants(string scenario) => options.Scenarios.Contains(scenario);

    private void Step(string text) => console.MarkupLineInterpolated($"[grey]{DateTime.UtcNow:HH:mm:ss}[/] {text}");

    private async Task RunTrafficScenariosAsync(CancellationToken cancellationToken)
    {
        ThroughputScenario.Figures? gatewayLoad = null;
        TokenIssuanceScenario.Figures? tokens = null;
        ConnectionStormScenario.Figures? gatewayStorm = null;
        Step("starting the gateway");
        using (var gateway = await GatewayServer.StartAsync(options.GatewayDll).ConfigureAwait(false))
        using (var api = new GatewayApi(gateway.BaseAddress, gateway.AdminKey))
        {
            var stormCount = Wants("storm") || Wants("tokens") ? options.StormDevices : 0;
            Step($"provisioning {options.Devices + stormCount} devices through the admin API");
            var loadDevices = Wants("throughput") ? await api.ProvisionManyAsync("load", options.Devices, Tenant, cancellationToken).ConfigureAwait(false) : [];
            var stormDevices = await api.ProvisionManyAsync("storm", stormCount, Tenant, cancellationToken).ConfigureAwait(false);
            if (stormCount > 0)
            {
                Step($"token issuance: {stormCount} tokens, {options.Parallel} requests in flight");
                tokens = await TokenIssuanceScenario.RunAsync(api, stormDevices, gateway.Process, options.Parallel, cancellationToken).ConfigureAwait(false);
            }

            if (Wants("throughput"))
            {
                await TokenIssuanceScenario.RunAsync(api, loadDevices, gateway.Process, options.Parallel, cancellationToken).ConfigureAwait(false);
                Step($"throughput: {options.Devices} devices x {options.MessagesPerDevice} QoS 1 messages -> gateway -> JSON-lines sink");
                await using var sink = new FileTailSink(gateway.TelemetryFile);
                gatewayLoad = await ThroughputScenario.RunAsync(gateway.MqttPort, loadDevices, d => (d.Id, d.AccessToken), sink, gateway.Process, options, cancellationToken).ConfigureAwait(false);
            }

            if (Wants("storm"))
            {
                Step($"connection storm: {stormCount} devices with fresh tokens -> gateway");
                gatewayStorm = await ConnectionStormScenario.RunAsync(gateway.MqttPort, [.. stormDevices.Where(d => d.AccessToken != null).Select(d => (d.Id, (string?)d.Id, d.AccessToken))], gateway.Process, options.Parallel, cancellationToken).ConfigureAwait(false);
            }
        }

        if (tokens != null && Wants("tokens"))
        {
            _results.Add(new ScenarioResult("token issuance", "tokens/s", "/s", tokens.TokensPerSecond, null, true,
                $"{tokens.Issued} issued{Refusals(tokens.Refused)}; CPU: generator {tokens.GeneratorCores:0.00}, gateway {tokens.ServerCores:0.00} cores"));
        }

        if (Wants("throughput"))
        {
            Step($"throughput: the same load, unauthenticated -> Mosquitto -> subscriber");
            using var mosquitto = await MosquittoServer.StartAsync().ConfigureAwait(false);
            await using var sink = await SubscriberSink.StartAsync(mosquitto.Port).ConfigureAwait(false);
            var devices = Enumerable.Range(0, options.Devices).Select(i => new BenchDevice($"load-{i:D5}", RandomNumberGenerator.GetBytes(32))).ToList();
            var mosquittoLoad = await ThroughputScenario.RunAsync(mosquitto.Port, devices, _ => (null, null), sink, mosquitto.Process, options, cancellationToken).ConfigureAwait(false);
            AddThroughput(gatewayLoad!, mosquittoLoad);
        }

        if (Wants("storm"))
        {
            Step($"connection storm: {options.StormDevices} devices with passwords -> Mosquitto");
            var users = Enumerable.Range(0, options.StormDevices).Select(i => ($"storm-{i:D5}", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)))).ToList();
            using var mosquitto = await MosquittoServer.StartAsync(users).ConfigureAwait(false);
            var storm = await ConnectionStormScenario.RunAsync(mosquitto.Port, [.. users.Select(u => (u.Item1, (string?)u.Item1, (string?)u.Item2))], mosquitto.Process, options.Parallel, cancellationToken).ConfigureAwait(false);
            _results.Add(new ScenarioResult("connection storm", "connects/s", "/s", gatewayStorm!.ConnectsPerSecond, storm.ConnectsPerSecond, true,
                $"gateway {gatewayStorm.Connected} ok{Refusals(gatewayStorm.Refused)}, CPU gen {gatewayStorm.GeneratorCores:0.00} / gw {gatewayStorm.ServerCores:0.00}; " +
                $"mosquitto {storm.Connected} ok{Refusals(storm.Refused)}, CPU gen {storm.GeneratorCores:0.00} / mq {storm.ServerCores:0.00}"));
        }
    }

    private async Task RunIdleScenarioAsync(CancellationToken cancellationToken)
    {
        var most = options.IdleCounts.Max();
        IReadOnlyList<IdleConnectionsScenario.Point> gatewayPoints;
        Step("starting a fresh gateway for idle connections");
        using (var gateway = await GatewayServer.StartAsync(options.GatewayDll).ConfigureAwait(false))
        using (var api = new GatewayApi(gateway.BaseAddress, gateway.AdminKey))
        {
            Step($"provisioning {most} devices and their tokens");
            var devices = await api.ProvisionManyAsync("idle", most, Tenant, cancellationToken).ConfigureAwait(false);
            await TokenIssuanceScenario.RunAsync(api, devices, gateway.Process, options.Parallel, cancellationToken).ConfigureAwait(false);
            Step($"idle connections to the gateway: {string.Join(", ", options.IdleCounts)}");
            gatewayPoints = await IdleConnectionsScenario.RunAsync(gateway.MqttPort, [.. devices.Select(d => (d.Id, (string?)d.Id, d.AccessToken))], gateway.Process, options.IdleCounts, options.Parallel, cancellationToken).ConfigureAwait(false);
        }

        Step($"idle connections to Mosquitto: {string.Join(", ", options.IdleCounts)}");
        using var mosquitto = await MosquittoServer.StartAsync().ConfigureAwait(false);
        var mosquittoPoints = await IdleConnectionsScenario.RunAsync(mosquitto.Port, [.. Enumerable.Range(0, most).Select(i => ($"idle-{i:D5}", (string?)null, (string?)null))], mosquitto.Process, options.IdleCounts, options.Parallel, cancellationToken).ConfigureAwait(false);
        foreach (var (g, m) in gatewayPoints.Zip(mosquittoPoints))
        {
            _results.Add(new ScenarioResult($"idle connections ({g.Devices.ToString("N0", CultureInfo.InvariantCulture)})", "memory per device", "B", g.BytesPerDevice, m.BytesPerDevice, false,
                $"connected gw {g.Connected}{Refusals(g.Refused)}, mq {m.Connected}{Refusals(m.Refused)}; RSS gateway {g.ResidentBytes / 1048576.0:0.0} MiB, mosquitto {m.ResidentBytes / 1048576.0:0.0} MiB"));
        }
    }

    private void AddThroughput(ThroughputScenario.Figures g, ThroughputScenario.Figures m)
    {
        _results.Add(new ScenarioResult("throughput (QoS 1)", "records/s at sink", "/s", g.RecordsPerSecond, m.RecordsPerSecond, true,
            $"delivered gw {g.Delivered}/{g.Expected} (refused {g.Refused}), mq {m.Delivered}/{m.Expected}; " +
            $"CPU gen {g.GeneratorCores:0.00} / gw {g.ServerCores:0.00} cores, gen {m.GeneratorCores:0.00} / mq {m.ServerCores:0.00} cores; " +
            $"offered gw {g.SendsPerSecond:0}/s, mq {m.SendsPerSecond:0}/s"));
        _results.Add(new ScenarioResult("throughput latency", "p50", "ms", g.P50, m.P50, false));
        _results.Add(new ScenarioResult("throughput latency", "p99", "ms", g.P99, m.P99, false));
        _results.Add(new ScenarioResult("throughput latency", "p99.9", "ms", g.P999, m.P999, false));
    }

    private static string Refusals(IReadOnlyDictionary<string, int> refused) =>
        refused.Count == 0 ? "" : ", refused " + string.Join(", ", refused.Select(r => $"{r.Key} x{r.Value}"));
}
