namespace M2M.Bench.Scenarios;

/// <summary>The sizes of one benchmark run (command-line options of <c>compare</c>); the defaults are issue 12's.</summary>
public sealed record BenchOptions
{
    /// <summary>Every scenario, in the order they run.</summary>
    public static readonly IReadOnlyList<string> AllScenarios = ["tokens", "throughput", "latency", "connect", "idle", "cluster"];

    /// <summary>Publishing connections (devices) in the throughput and latency scenarios.</summary>
    public int Devices { get; init; } = 100;

    /// <summary>QoS 1 messages in flight per connection (awaiting their PUBACK).</summary>
    public int InFlight { get; init; } = 8;

    /// <summary>Payload bytes of each telemetry message.</summary>
    public int PayloadBytes { get; init; } = 150;

    /// <summary>Seconds of load before each measured window.</summary>
    public double WarmupSeconds { get; init; } = 10;

    /// <summary>Seconds of each measured window (throughput, latency, tokens).</summary>
    public double MeasureSeconds { get; init; } = 30;

    /// <summary>Repetitions of every measured run, gateway and Mosquitto interleaved.</summary>
    public int Repetitions { get; init; } = 3;

    /// <summary>The fixed rate of the latency scenario, messages/s; null: half of Mosquitto's measured end-to-end maximum.</summary>
    public double? LatencyRate { get; init; }

    /// <summary>Devices that connect in the connect scenario and ask for tokens in the token scenario.</summary>
    public int ConnectDevices { get; init; } = 2000;

    /// <summary>Requests or CONNECTs in flight at once.</summary>
    public int Parallel { get; init; } = 64;

    /// <summary>Idle connection counts at which resident memory is read (the last is the figure).</summary>
    public IReadOnlyList<int> IdleCounts { get; init; } = [10000];

    /// <summary>Seconds to wait after the forced GC before reading resident memory.</summary>
    public double SettleSeconds { get; init; } = 5;

    /// <summary>Gateway counts of the cluster scenario, each on a fresh cluster.</summary>
    public IReadOnlyList<int> ClusterSizes { get; init; } = [1, 2, 3];

    /// <summary>Scenarios to run.</summary>
    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(AllScenarios);

    /// <summary>The built M2M.Gateway.dll.</summary>
    public required string GatewayDll { get; init; }

    /// <summary>The development preset of <c>--quick</c>: seconds, not minutes; figures only indicative.</summary>
    public BenchOptions AsQuick() => this with
    {
        WarmupSeconds = 1,
        MeasureSeconds = 3,
        Repetitions = 1,
        ConnectDevices = 300,
        IdleCounts = [1000],
        SettleSeconds = 1,
    };

    public string Describe() =>
        $"{Devices} connections, {PayloadBytes} B payloads, {InFlight} in flight per connection, warm-up {WarmupSeconds:0.#} s, " +
        $"measured {MeasureSeconds:0.#} s, {Repetitions} repetition(s), {ConnectDevices} connects and {Parallel} in flight, idle {string.Join("/", IdleCounts)}";
}
