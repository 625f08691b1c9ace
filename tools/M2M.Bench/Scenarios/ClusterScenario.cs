using System.Globalization;
using M2M.Bench.Fleet;
using M2M.Bench.Measure;
using M2M.Bench.Report;
using M2M.Bench.Servers;
using M2M.Testing;

namespace M2M.Bench.Scenarios;

/// <summary>
/// Aggregate ingest of a cluster (docs/scaling.md, "Measured"): for 1, 2 and 3 gateway processes in
/// Cluster mode on a fresh three-node NATS cluster (the journal, R3) and one PostgreSQL, the devices
/// connect spread evenly over the nodes and keep <see cref="BenchOptions.InFlight"/> QoS 1 messages
/// awaiting their PUBACK, as in the throughput scenario. A PUBACK here means the message is on a
/// quorum of the journal's replicas, so the figure is acknowledged, durable ingest. Every process of
/// the cluster runs on this one machine: the CPU each used says how the load would divide over
/// machines of their own.
/// </summary>
public static class ClusterScenario
{
    public sealed record Run(int Gateways, int Number, double AcksPerSecond, double GatewayCores, double NatsCores, double MicrosPerMessage,
        long Acknowledged, double Occupancy, CpuUsage Cpu, string Load, IReadOnlyDictionary<string, int> Refused)
    {
        /// <summary>The NATS servers' CPU per acknowledged message, microseconds (all three replicas).</summary>
        public double NatsMicrosPerMessage => AcksPerSecond > 0 ? NatsCores / AcksPerSecond * 1e6 : double.NaN;

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"cluster {Number}, {Gateways} gateway(s): PUBACKs {AcksPerSecond:N0}/s (journal R3), windows {Occupancy:P0} full, {Acknowledged:N0} acknowledged{Format.Refusals(Refused)}; " +
            $"gateways {GatewayCores:0.00} cores ({MicrosPerMessage:N1} us/msg), NATS {NatsCores:0.00} cores ({NatsMicrosPerMessage:N1} us/msg); CPU {Cpu.Describe()}; {Cpu.Verdict(GatewayCores + NatsCores)}; {Load}");
    }

    /// <summary>Runs <see cref="BenchOptions.Repetitions"/> measured windows on a fresh cluster of <paramref name="gateways"/> gateways.</summary>
    public static async Task<IReadOnlyList<Run>> RunAsync(BenchOptions options, int gateways, Action<string> step)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(step);
        step($"cluster of {gateways} gateway(s): starting 3 NATS servers (JetStream cluster) and PostgreSQL");
        await using var nats = await NatsCluster.StartAsync().ConfigureAwait(false);
        await using var postgres = await PostgresServer.StartAsync().ConfigureAwait(false);
        var nodes = new List<GatewayServer>();
        using var generator = LoadGeneratorProcess.Start();
        try
        {
            // Every node names node 0's address as the issuer, as every node of a real cluster names
            // its load balancer's: a token one node issued is then valid at all of them.
            string[] Arguments(int i) =>
            [
                "--Gateway:Cluster:Mode", "Cluster",
                "--Gateway:Cluster:NodeId", $"node-{i}",
                "--Gateway:Cluster:Postgres", postgres.ConnectionString,
                "--Gateway:Cluster:Nats", nats.Urls,
                .. i == 0 ? [] : new[] { "--Gateway:Issuer", nodes[0].BaseAddress.ToString().TrimEnd('/') },
            ];

            // The first node creates the master key, the schema and the first admin key; the others
            // start with a copy of the key, as an operator provisions them.
            nodes.Add(await GatewayServer.StartAsync(options.GatewayDll, Arguments(0), null).ConfigureAwait(false));
            for (var i = 1; i < gateways; i++)
            {
                nodes.Add(await GatewayServer.StartAsync(options.GatewayDll, Arguments(i), nodes[0]).ConfigureAwait(false));
            }

            step($"cluster of {gateways}: registering {options.Devices} devices through node 0");
            await generator.RunAsync(new LoadJob { Kind = "provision", BaseAddress = nodes[0].BaseAddress.ToString(), AdminKey = nodes[0].AdminKey, Tenant = "bench", Prefix = "load", Count = options.Devices }).ConfigureAwait(false);

            var pids = new Dictionary<string, int> { ["generator"] = generator.Pid, ["driver"] = Environment.ProcessId };
            for (var i = 0; i < nodes.Count; i++)
            {
                pids[$"gateway-{i}"] = nodes[i].Process.Pid;
            }

            for (var i = 0; i < nats.Count; i++)
            {
                pids[$"nats-{i}"] = nats.Pid(i);
            }

            var runs = new List<Run>();
            for (var rep = 1; rep <= options.Repetitions; rep++)
            {
                // Tokens from node 0 only: every node accepts them (one key ring, docs/scaling.md).
                var tokens = await generator.RunAsync(new LoadJob { Kind = "tokens", BaseAddress = nodes[0].BaseAddress.ToString(), Prefix = "load", Parallel = options.Parallel }).ConfigureAwait(false);
                if (tokens.Refused.Count > 0)
                {
                    throw new InvalidOperationException($"token requests refused: {string.Join(", ", tokens.Refused.Select(r => $"{r.Key} x{r.Value}"))}");
                }

                var (result, cpu, load) = await ServerUnderTest.MeasureAsync(generator, new LoadJob
                {
                    Kind = "publish",
                    Ports = [.. nodes.Select(n => n.MqttPort)],
                    Prefix = "load",
                    Parallel = options.Parallel,
                    InFlight = options.InFlight,
                    PayloadBytes = options.PayloadBytes,
                    WarmupSeconds = options.WarmupSeconds,
                    MeasureSeconds = options.MeasureSeconds,
                    Run = rep,
                }, pids).ConfigureAwait(false);
                var seconds = result.WindowSeconds;
                var gatewayCores = Enumerable.Range(0, nodes.Count).Sum(i => cpu[$"gateway-{i}"]);
                var natsCores = Enumerable.Range(0, nats.Count).Sum(i => cpu[$"nats-{i}"]);
                var run = new Run(gateways, rep, result.WindowCount / seconds, gatewayCores, natsCores,
                    result.WindowCount > 0 ? gatewayCores * seconds / result.WindowCount * 1e6 : double.NaN, result.Count, result.Occupancy, cpu, load, result.Refused);
                step(run.Describe());
                runs.Add(run);
            }

            return runs;
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }
}
