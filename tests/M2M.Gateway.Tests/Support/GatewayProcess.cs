using System.Diagnostics;
using M2M.Testing;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The gateway as an operator runs it: its own process, on a free loopback port, with a fresh data
/// folder. Disposing it stops the process and removes the folder.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringWriter _output = new();

    private readonly bool _ownsDirectory;

    private GatewayProcess(Process process, Uri baseAddress, string dataDirectory, bool ownsDirectory)
    {
        _process = process;
        _ownsDirectory = ownsDirectory;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    /// <summary>Everything the process printed so far, for assertion messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the gateway and waits until /health answers.</summary>
    public static Task<GatewayProcess> StartAsync(params string[] extraArguments) =>
        StartAsync("M2M.Gateway.dll", null, extraArguments);

    /// <summary>
    /// Starts the ingress test host (the gateway with the stand-in seams of <paramref name="worldPath"/>,
    /// tests/M2M.Gateway.TestHost) on <paramref name="dataDirectory"/>, kept for a restart, MQTT on <paramref name="mqttPort"/>.
    /// </summary>
    public static Task<GatewayProcess> StartTestHostAsync(string worldPath, string dataDirectory, int mqttPort) =>
        StartAsync("M2M.Gateway.TestHost.dll", dataDirectory, "--TestWorld", worldPath, "--Gateway:Mqtt:Port", mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Starts <paramref name="assembly"/> (the gateway, or the ingress test host) on
    /// <paramref name="dataDirectory"/> (a fresh one when null, removed on dispose; a given one is kept).
    /// </summary>
    public static Task<GatewayProcess> StartAsync(string assembly, string? dataDirectory, params string[] extraArguments) =>
        StartAsync(new Launch { Assembly = assembly, DataDirectory = dataDirectory, Arguments = extraArguments });

    /// <summary>Starts the process as <paramref name="launch"/> says and waits until /health answers on its first address.</summary>
    public static async Task<GatewayProcess> StartAsync(Launch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var urls = launch.Urls ?? [new Uri($"http://127.0.0.1:{LoopbackPort.Free()}")];
        var baseAddress = urls[0];
        var dataDirectory = launch.DataDirectory;
        var ownsDirectory = dataDirectory == null;
        dataDirectory ??= Directory.CreateTempSubdirectory("m2m-gateway-").FullName;
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, launch.Assembly);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory ?? AppContext.BaseDirectory,
        };
        if (launch.Umask != null)
        {
            // The shell sets the umask and becomes dotnet (exec), so the process is still the gateway.
            info.FileName = "/bin/sh";
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"umask {launch.Umask} && exec dotnet \"$@\"");
            info.ArgumentList.Add("sh");
        }

        info.ArgumentList.Add(gatewayDll);
        var urlList = string.Join(';', urls.Select(u => u.GetLeftPart(UriPartial.Authority)));
        if (launch.UrlsVariable == null)
        {
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add(urlList);
        }
        else
        {
            info.Environment[launch.UrlsVariable] = urlList;
        }

        foreach (var (name, value) in launch.Environment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add("--Gateway:DataDirectory");
        info.ArgumentList.Add(dataDirectory);

        // Free ports for the MQTT listeners (plain and TLS) unless the test names its own (later
        // command-line arguments win): fixed defaults would collide between parallel runs.
        foreach (var listener in new[] { "--Gateway:Mqtt:Port", "--Gateway:Mqtt:TlsPort" })
        {
            info.ArgumentList.Add(listener);
            info.ArgumentList.Add(LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var argument in launch.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The gateway process did not start.");
        var gateway = new GatewayProcess(process, baseAddress, dataDirectory, ownsDirectory);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await Eventually.TrueAsync(gateway.IsHealthyAsync, "the gateway to answer /health", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return gateway;
        }
        catch (TimeoutException exception)
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"{exception.Message}\n{gateway.Output}", exception);
        }
        catch
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ends the process at once (SIGKILL on Linux: no shutdown code runs, as in a crash).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is cleaned by the OS eventually.
        }
    }

    /// <summary>True once /health answers 2xx; throws when the process has exited (with what it printed).</summary>
    private async Task<bool> IsHealthyAsync()
    {
        if (_process.HasExited)
        {
            // Waiting again lets the asynchronous readers take in the last lines (the reason it exited).
            await _process.WaitForExitAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"The gateway exited with code {_process.ExitCode}:\n{Output}");
        }

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative)).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false; // Not listening, or not answering, yet.
        }
    }

    /// <summary>How to start the process; each default is what <see cref="StartAsync(string[])"/> does.</summary>
    public sealed record Launch
    {
        public string Assembly { get; init; } = "M2M.Gateway.dll";

        /// <summary>The data folder; null for a fresh one, removed on dispose.</summary>
        public string? DataDirectory { get; init; }

        /// <summary>The working directory; null for the test's output folder, where the gateway's files are.</summary>
        public string? WorkingDirectory { get; init; }

        /// <summary>The addresses to listen on, the first polled for health; null for one free loopback port.</summary>
        public IReadOnlyList<Uri>? Urls { get; init; }

        /// <summary>The environment variable that carries <see cref="Urls"/> (ASPNETCORE_URLS, DOTNET_URLS); null for <c>--urls</c>.</summary>
        public string? UrlsVariable { get; init; }

        /// <summary>The umask the process starts with (Unix, e.g. "022"); null to inherit the test's.</summary>
        public string? Umask { get; init; }

        /// <summary>More command-line arguments (later ones win).</summary>
        public IReadOnlyList<string> Arguments { get; init; } = [];

        /// <summary>Environment variables set for the process (e.g. the master key every node of a cluster shares).</summary>
        public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    }

    private void Append(string? line)
    {
        if (line == null)
        {
            return;
        }

        lock (_output)
        {
            _output.WriteLine(line);
        }
    }
}
