using System.Text.Json;
using System.Text.Json.Serialization;

namespace M2M.Bench.Fleet;

/// <summary>
/// One job the benchmark driver gives the load generator process: a JSON line on the generator's
/// standard input (never on its command line, which other users of the machine can read: jobs carry
/// the admin key and passwords). The generator answers with <see cref="LoadEvent"/> lines.
/// </summary>
public sealed record LoadJob
{
    /// <summary>provision, passwords, tokens, connect, disconnect, publish or exit.</summary>
    public required string Kind { get; init; }

    /// <summary>The gateway's HTTP base address (provision, tokens).</summary>
    public string? BaseAddress { get; init; }

    /// <summary>The gateway's admin API key (provision); never printed.</summary>
    public string? AdminKey { get; init; }

    /// <summary>The tenant of provisioned devices.</summary>
    public string? Tenant { get; init; }

    /// <summary>The devices a job applies to: those whose id starts with this prefix and a dash.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>provision: devices to register; connect: how many more to connect (0: all of the prefix not yet connected).</summary>
    public int Count { get; init; }

    /// <summary>passwords: Mosquitto's users (device id and password).</summary>
    public IReadOnlyList<LoadCredential>? Users { get; init; }

    /// <summary>The MQTT port on 127.0.0.1 (connect, publish).</summary>
    public int Port { get; init; }

    /// <summary>publish: the MQTT ports of a cluster's nodes; connection i goes to Ports[i mod count] (empty: <see cref="Port"/>).</summary>
    public IReadOnlyList<int> Ports { get; init; } = [];

    /// <summary>Requests or CONNECTs in flight at once (tokens, connect).</summary>
    public int Parallel { get; init; } = 64;

    /// <summary>connect: keep the connections open after measuring (idle memory), else close them.</summary>
    public bool Keep { get; init; }

    /// <summary>publish: QoS 1 messages in flight per connection.</summary>
    public int InFlight { get; init; } = 8;

    /// <summary>publish: payload bytes of each message.</summary>
    public int PayloadBytes { get; init; } = 150;

    /// <summary>publish: messages per second over all connections; 0 = as fast as the in-flight windows allow.</summary>
    public double Rate { get; init; }

    /// <summary>publish, tokens: seconds of load before the measured window (0 for tokens: each device once, unmeasured).</summary>
    public double WarmupSeconds { get; init; }

    /// <summary>publish, tokens: seconds of the measured window.</summary>
    public double MeasureSeconds { get; init; }

    /// <summary>publish: the run number written into every payload, so the observer counts each run apart.</summary>
    public int Run { get; init; }
}

/// <summary>A user of Mosquitto's password file.</summary>
public sealed record LoadCredential(string Id, string Password);

/// <summary>A line the generator writes: window-start, window-end (with the Stopwatch timestamp), done (with the result) or error.</summary>
public sealed record LoadEvent
{
    public required string Event { get; init; }

    public long Timestamp { get; init; }

    public LoadResult? Result { get; init; }

    public string? Error { get; init; }
}

/// <summary>What the generator measured in one job.</summary>
public sealed record LoadResult
{
    /// <summary>Devices provisioned, tokens issued or connections made in the whole job; messages acknowledged in a publish job.</summary>
    public long Count { get; init; }

    /// <summary>The same, inside the measured window.</summary>
    public long WindowCount { get; init; }

    /// <summary>publish: PUBLISH packets sent inside the measured window.</summary>
    public long WindowSent { get; init; }

    /// <summary>publish: PUBLISH packets sent in the whole job.</summary>
    public long Sent { get; init; }

    /// <summary>The measured window, Stopwatch timestamps.</summary>
    public long WindowStart { get; init; }

    public long WindowEnd { get; init; }

    /// <summary>Refusals by reason (CONNACK or PUBACK reason code, OAuth error, or the exception type).</summary>
    public Dictionary<string, int> Refused { get; init; } = [];

    /// <summary>Latency percentiles of the job's requests inside the window (token requests; publish to PUBACK), ms.</summary>
    public double P50Ms { get; init; } = double.NaN;

    public double P99Ms { get; init; } = double.NaN;

    /// <summary>publish: mean share of the in-flight windows in use during the window (1.0 = every connection always had a full window awaiting the server).</summary>
    public double Occupancy { get; init; } = double.NaN;

    /// <summary>publish: QoS 1 messages in flight per connection, after the server's Receive Maximum.</summary>
    public int InFlight { get; init; }

    public double WindowSeconds => (WindowEnd - WindowStart) / (double)System.Diagnostics.Stopwatch.Frequency;
}

/// <summary>The JSON settings of the driver-generator protocol.</summary>
public static class LoadJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
