using M2M.Bench.Fleet;
using M2M.Bench.Measure;
using M2M.Bench.Servers;

namespace M2M.Bench.Scenarios;

/// <summary>
/// One side of the comparison: the server (the gateway, or Mosquitto with its sink subscriber), the
/// load generator process that drives it, and the observer of its sink file. Measured jobs read the
/// CPU of every process at the generator's window-start and window-end.
/// </summary>
public sealed class ServerUnderTest : IDisposable
{
    private readonly IDisposable _server;

    private ServerUnderTest(string name, IDisposable server, ServerProcess process, ServerProcess? sink, int mqttPort, Uri? baseAddress, SinkObserver? observer)
    {
        Name = name;
        _server = server;
        Process = process;
        SinkProcess = sink;
        MqttPort = mqttPort;
        BaseAddress = baseAddress;
        Observer = observer;
        Generator = LoadGeneratorProcess.Start();
    }

    /// <summary>gateway or mosquitto.</summary>
    public string Name { get; }

    public bool IsGateway => Name == "gateway";

    public ServerProcess Process { get; }

    /// <summary>Mosquitto's sink subscriber process; null for the gateway, whose relay writes its sink itself.</summary>
    public ServerProcess? SinkProcess { get; }

    public int MqttPort { get; }

    /// <summary>The gateway's HTTP address (token endpoint, admin API); null for Mosquitto.</summary>
    public Uri? BaseAddress { get; }

    public SinkObserver? Observer { get; }

    public LoadGeneratorProcess Generator { get; }

    /// <summary>The processes whose CPU is read in every window.</summary>
    public IReadOnlyDictionary<string, int> Pids
    {
        get
        {
            var pids = new Dictionary<string, int> { [Name] = Process.Pid };
            if (SinkProcess != null)
            {
                pids["mosquitto_sub"] = SinkProcess.Pid;
            }

            pids["generator"] = Generator.Pid;
            pids["driver"] = Environment.ProcessId;
            return pids;
        }
    }

    /// <summary>Starts a fresh gateway and registers <paramref name="devices"/> (prefix, count) through its admin API.</summary>
    public static async Task<ServerUnderTest> StartGatewayAsync(string gatewayDll, IReadOnlyList<(string Prefix, int Count)> devices, bool observe)
    {
        var gateway = await GatewayServer.StartAsync(gatewayDll).ConfigureAwait(false);
        ServerUnderTest? side = null;
        try
        {
            side = new ServerUnderTest("gateway", gateway, gateway.Process, null, gateway.MqttPort, gateway.BaseAddress,
                observe ? new SinkObserver(gateway.TelemetryFile, SinkObserver.CloudEventLines) : null);
            foreach (var (prefix, count) in devices.Where(d => d.Count > 0))
            {
                await side.Generator.RunAsync(new LoadJob { Kind = "provision", BaseAddress = gateway.BaseAddress.ToString(), AdminKey = gateway.AdminKey, Tenant = "bench", Prefix = prefix, Count = count }).ConfigureAwait(false);
            }

            return side;
        }
        catch
        {
            (side as IDisposable ?? gateway).Dispose();
            throw;
        }
    }

    /// <summary>Starts a fresh Mosquitto whose password file holds <paramref name="devices"/> (prefix, count), with its sink subscriber when <paramref name="observe"/>.</summary>
    public static async Task<ServerUnderTest> StartMosquittoAsync(IReadOnlyList<(string Prefix, int Count)> devices, bool observe)
    {
        var users = devices.SelectMany(d => Enumerable.Range(0, d.Count).Select(i => new LoadCredential($"{d.Prefix}-{i:D5}", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))))).ToList();
        var mosquitto = await MosquittoServer.StartAsync([.. users.Select(u => (u.Id, u.Password))]).ConfigureAwait(false);
        ServerUnderTest? side = null;
        try
        {
            if (observe)
            {
                await mosquitto.StartSinkAsync().ConfigureAwait(false);
            }

            side = new ServerUnderTest("mosquitto", mosquitto, mosquitto.Process, mosquitto.Sink, mosquitto.Port, null,
                observe ? new SinkObserver(mosquitto.SinkFile, SinkObserver.HexPayloadLines) : null);
            await side.Generator.RunAsync(new LoadJob { Kind = "passwords", Users = users }).ConfigureAwait(false);
            return side;
        }
        catch
        {
            (side as IDisposable ?? mosquitto).Dispose();
            throw;
        }
    }

    /// <summary>Gives the devices of <paramref name="prefix"/> fresh access tokens (gateway only; unmeasured).</summary>
    public async Task RefreshTokensAsync(string prefix, int parallel)
    {
        if (!IsGateway)
        {
            return;
        }

        var result = await Generator.RunAsync(new LoadJob { Kind = "tokens", BaseAddress = BaseAddress!.ToString(), Prefix = prefix, Parallel = parallel }).ConfigureAwait(false);
        if (result.Refused.Count > 0)
        {
            throw new InvalidOperationException($"token requests refused: {string.Join(", ", result.Refused.Select(r => $"{r.Key} x{r.Value}"))}");
        }
    }

    /// <summary>Runs a job with a measured window; returns its result, the CPU used in the window and the load average at its start.</summary>
    public Task<(LoadResult Result, CpuUsage Cpu, string Load)> MeasureAsync(LoadJob job) => MeasureAsync(Generator, job, Pids);

    /// <summary>
    /// Runs <paramref name="job"/> on <paramref name="generator"/>, reading the CPU of <paramref name="pids"/>
    /// at the generator's window-start and window-end.
    /// </summary>
    public static async Task<(LoadResult Result, CpuUsage Cpu, string Load)> MeasureAsync(LoadGeneratorProcess generator, LoadJob job, IReadOnlyDictionary<string, int> pids)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(job);
        var load = LoadAverage.Read();
        CpuSnapshot? start = null, end = null;
        var result = await generator.RunAsync(job, e =>
        {
            if (e.Event == "window-start")
            {
                start = CpuSnapshot.Take(pids);
            }
            else if (e.Event == "window-end")
            {
                end = CpuSnapshot.Take(pids);
            }
        }).ConfigureAwait(false);
        if (start == null || end == null)
        {
            throw new InvalidOperationException($"{job.Kind}: the generator reported no measured window");
        }

        return (result, CpuSnapshot.Between(start, end), load);
    }

    /// <summary>
    /// The publishing devices' run (<see cref="PublishLoad"/>): fresh tokens, the observer counting
    /// <paramref name="run"/>'s records, then the measured publish job at <paramref name="rate"/> (0: full speed).
    /// </summary>
    public async Task<(LoadResult Result, CpuUsage Cpu, string Load)> PublishAsync(BenchOptions options, int run, double rate)
    {
        await RefreshTokensAsync("load", options.Parallel).ConfigureAwait(false);
        Observer!.BeginRun(run);
        return await MeasureAsync(new LoadJob
        {
            Kind = "publish",
            Port = MqttPort,
            Prefix = "load",
            Parallel = options.Parallel,
            InFlight = options.InFlight,
            PayloadBytes = options.PayloadBytes,
            Rate = rate,
            WarmupSeconds = options.WarmupSeconds,
            MeasureSeconds = options.MeasureSeconds,
            Run = run,
        }).ConfigureAwait(false);
    }

    /// <summary>CPU of the serving side in a window, cores: the gateway, or Mosquitto plus its sink subscriber.</summary>
    public double ServingCores(CpuUsage cpu) => cpu[Name] + (SinkProcess != null ? cpu["mosquitto_sub"] : 0);

    public void Dispose()
    {
        Generator.Dispose();
        Observer?.Dispose();
        _server.Dispose();
    }
}
