namespace M2M.Bench.Scenarios;

/// <summary>The sizes of one benchmark run (command-line options of <c>m2m-bench compare</c>).</summary>
public sealed record BenchOptions
{
    /// <summary>Devices publishing in the throughput scenario.</summary>
    public int Devices { get; init; } = 100;

    /// <summary>QoS 1 messages each device publishes, one in flight at a time (as a board does).</summary>
    public int MessagesPerDevice { get; init; } = 200;

    /// <summary>Payload bytes of each telemetry message.</summary>
    public int PayloadBytes { get; init; } = 64;

    /// <summary>Devices that connect at once in the connection storm (and ask for the tokens of the token scenario).</summary>
    public int StormDevices { get; init; } = 2000;

    /// <summary>Idle connection counts at which memory is read.</summary>
    public IReadOnlyList<int> IdleCounts { get; init; } = [1000, 5000, 10000];

    /// <summary>Requests or connects in flight at once.</summary>
    public int Parallel { get; init; } = 64;

    /// <summary>Scenarios to run: throughput, storm, idle, tokens.</summary>
    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(["throughput", "storm", "idle", "tokens"]);

    /// <summary>The built M2M.Gateway.dll.</summary>
    public required string GatewayDll { get; init; }
}

/// <summary>One row of the result table: a figure for the gateway and, where comparable, for Mosquitto.</summary>
public sealed record ScenarioResult(string Scenario, string Metric, string Unit, double? Gateway, double? Mosquitto, bool HigherIsBetter, string Notes = "")
{
    /// <summary>Gateway ÷ Mosquitto, when both were measured.</summary>
    public double? Ratio => Gateway is { } g && Mosquitto is { } m && m != 0 ? g / m : null;
}
