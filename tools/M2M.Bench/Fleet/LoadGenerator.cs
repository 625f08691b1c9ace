using System.Diagnostics;
using System.Text.Json;
using M2M.Bench.Measure;

namespace M2M.Bench.Fleet;

/// <summary>
/// The load generator: a process of its own (<c>m2m-bench load</c>, started by the driver), so its CPU
/// is neither the driver's nor the server's and is measured apart. It keeps the simulated devices
/// (secrets, tokens, passwords, connections) and runs the jobs the driver writes on its standard
/// input, one JSON line each, answering with JSON lines on its standard output.
/// </summary>
public sealed class LoadGenerator : IAsyncDisposable
{
    private readonly Dictionary<string, BenchDevice> _devices = new(StringComparer.Ordinal);
    private readonly HashSet<string> _connected = new(StringComparer.Ordinal);
    private readonly MqttFleet _kept = new();
    private readonly TextWriter _output;
    private GatewayApi? _api;

    private LoadGenerator(TextWriter output) => _output = output;

    /// <summary>Runs jobs from <paramref name="input"/> until <c>exit</c> or the end of the input.</summary>
    public static async Task<int> RunAsync(TextReader input, TextWriter output)
    {
        await using var generator = new LoadGenerator(output);
        while (await input.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            var job = JsonSerializer.Deserialize<LoadJob>(line, LoadJson.Options) ?? throw new InvalidOperationException("empty job");
            if (job.Kind == "exit")
            {
                break;
            }

            try
            {
                var result = await generator.RunAsync(job).ConfigureAwait(false);
                generator.Report(new LoadEvent { Event = "done", Result = result });
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or TimeoutException or System.Net.Sockets.SocketException or KeyNotFoundException)
            {
                generator.Report(new LoadEvent { Event = "error", Error = $"{job.Kind}: {e.Message}" });
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _kept.DisposeAsync().ConfigureAwait(false);
        _api?.Dispose();
    }

    private void Report(LoadEvent e)
    {
        var line = JsonSerializer.Serialize(e, LoadJson.Options);
        lock (_output)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }

    private Task<LoadResult> RunAsync(LoadJob job) => job.Kind switch
    {
        "provision" => ProvisionAsync(job),
        "passwords" => Task.FromResult(AddPasswords(job)),
        "tokens" => RequestTokensAsync(job),
        "connect" => ConnectAsync(job),
        "disconnect" => DisconnectAsync(),
        "publish" => PublishAsync(job),
        _ => throw new InvalidOperationException($"unknown job {job.Kind}"),
    };

    private List<BenchDevice> Devices(string prefix) =>
        [.. _devices.Values.Where(d => d.Id.StartsWith(prefix + "-", StringComparison.Ordinal)).OrderBy(d => d.Id, StringComparer.Ordinal)];

    private GatewayApi Api(LoadJob job) =>
        _api ??= new GatewayApi(new Uri(job.BaseAddress ?? throw new InvalidOperationException("no base address")), job.AdminKey ?? "");

    /// <summary>Registers devices through the admin API; each keeps the secret the gateway generated.</summary>
    private async Task<LoadResult> ProvisionAsync(LoadJob job)
    {
        var devices = await Api(job).ProvisionManyAsync(job.Prefix, job.Count, job.Tenant ?? "bench", CancellationToken.None).ConfigureAwait(false);
        foreach (var device in devices)
        {
            _devices[device.Id] = device;
        }

        return new LoadResult { Count = devices.Length, Refused = _api!.ProvisionRetries > 0 ? new() { ["HTTP 5xx retried"] = _api.ProvisionRetries } : [] };
    }

    /// <summary>
    /// Mosquitto's users. Each gets a random device secret too, so its messages are signed and carry
    /// the same user properties as the gateway's devices.
    /// </summary>
    private LoadResult AddPasswords(LoadJob job)
    {
        foreach (var user in job.Users ?? [])
        {
            _devices[user.Id] = new BenchDevice(user.Id, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) { Password = user.Password };
        }

        return new LoadResult { Count = job.Users?.Count ?? 0 };
    }

    /// <summary>
    /// Access tokens (docs/protocol.md section 3), <see cref="LoadJob.Parallel"/> requests in flight.
    /// Without a measured window each device asks once (to connect later); with one, the devices ask
    /// round-robin for the warm-up and the window, and the window's tokens and latencies are reported.
    /// </summary>
    private async Task<LoadResult> RequestTokensAsync(LoadJob job)
    {
        var api = Api(job);
        var devices = Devices(job.Prefix);
        var refused = new Dictionary<string, int>();
        var latencies = new Latencies();
        long issued = 0, windowIssued = 0, next = -1;
        var measuring = false;
        var stop = false;
        var workers = Enumerable.Range(0, job.Parallel).Select(_ => Task.Run(async () =>
        {
            while (!Volatile.Read(ref stop))
            {
                var n = Interlocked.Increment(ref next);
                if (job.MeasureSeconds <= 0 && n >= devices.Count)
                {
                    return;
                }

                var device = devices[(int)(n % devices.Count)];
                var started = Stopwatch.GetTimestamp();
                var (token, error) = await api.RequestTokenAsync(device, CancellationToken.None).ConfigureAwait(false);
                var inWindow = Volatile.Read(ref measuring);
                if (token != null)
                {
                    device.Password = token;
                    Interlocked.Increment(ref issued);
                    if (inWindow)
                    {
                        Interlocked.Increment(ref windowIssued);
                        latencies.Add(Stopwatch.GetTimestamp() - started);
                    }

                    continue;
                }

                lock (refused)
                {
                    refused[error!] = refused.GetValueOrDefault(error!) + 1;
                }
            }
        })).ToArray();

        long windowStart = 0, windowEnd = 0;
        if (job.MeasureSeconds > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(job.WarmupSeconds)).ConfigureAwait(false);
            windowStart = Stopwatch.GetTimestamp();
            Volatile.Write(ref measuring, true);
            Report(new LoadEvent { Event = "window-start", Timestamp = windowStart });
            await Task.Delay(TimeSpan.FromSeconds(job.MeasureSeconds)).ConfigureAwait(false);
            Volatile.Write(ref measuring, false);
            windowEnd = Stopwatch.GetTimestamp();
            Report(new LoadEvent { Event = "window-end", Timestamp = windowEnd });
            Volatile.Write(ref stop, true);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        return new LoadResult
        {
            Count = issued,
            WindowCount = windowIssued,
            WindowStart = windowStart,
            WindowEnd = windowEnd,
            Refused = refused,
            P50Ms = latencies.Percentile(0.50),
            P99Ms = latencies.Percentile(0.99),
        };
    }

    /// <summary>
    /// CONNECTs with each device's credential (the gateway: its access token; Mosquitto: its password),
    /// <see cref="LoadJob.Parallel"/> in flight; the window is the whole burst. Kept connections stay
    /// open (idle memory) until <c>disconnect</c>; the others are closed after the burst.
    /// </summary>
    private async Task<LoadResult> ConnectAsync(LoadJob job)
    {
        var devices = Devices(job.Prefix).Where(d => !_connected.Contains(d.Id)).ToList();
        if (job.Count > 0)
        {
            devices = [.. devices.Take(job.Count)];
        }

        await using var burst = new MqttFleet();
        var fleet = job.Keep ? _kept : burst;
        var windowStart = Stopwatch.GetTimestamp();
        Report(new LoadEvent { Event = "window-start", Timestamp = windowStart });
        var (clients, refused) = await fleet.ConnectAsync(job.Port, [.. devices.Select(d => (d.Id, (string?)d.Id, d.Password))], job.Parallel).ConfigureAwait(false);
        var windowEnd = Stopwatch.GetTimestamp();
        Report(new LoadEvent { Event = "window-end", Timestamp = windowEnd });
        var connected = clients.Count(c => c != null);
        if (job.Keep)
        {
            _connected.UnionWith(devices.Where((_, i) => clients[i] != null).Select(d => d.Id));
        }

        return new LoadResult { Count = connected, WindowCount = connected, WindowStart = windowStart, WindowEnd = windowEnd, Refused = refused };
    }

    private async Task<LoadResult> DisconnectAsync()
    {
        var count = _kept.Connections.Count;
        await _kept.DisposeAsync().ConfigureAwait(false);
        _connected.Clear();
        return new LoadResult { Count = count };
    }

    /// <summary>Connects the devices of the prefix, runs <see cref="PublishLoad"/>, and closes them.</summary>
    private async Task<LoadResult> PublishAsync(LoadJob job)
    {
        var devices = Devices(job.Prefix);
        await using var fleet = new MqttFleet();
        var (clients, refused) = await fleet.ConnectAsync(job.Ports.Count > 0 ? job.Ports : [job.Port], [.. devices.Select(d => (d.Id, (string?)d.Id, d.Password))], job.Parallel).ConfigureAwait(false);
        if (refused.Count > 0)
        {
            throw new InvalidOperationException($"connects refused: {string.Join(", ", refused.Select(r => $"{r.Key} x{r.Value}"))}");
        }

        // A server that announces a smaller Receive Maximum gets no more than that in flight (its flow control).
        var inFlight = Math.Min(job.InFlight, fleet.ReceiveMaximum);
        return await PublishLoad.RunAsync(devices, [.. clients.Select(c => c!)], job with { InFlight = inFlight }, Report).ConfigureAwait(false);
    }
}
